"""What a rule's scope names: group-qualified kinds and the named kind groups (kube-linter's
`deployment_like` is the model), with the one decision of which of them a document is.

A scope entry in `kinds` is either

- group-qualified, `<group>/<Kind>`: `apps/Deployment`, `networking.k8s.io/Ingress`. The core
  group is spelled `v1`, as its apiVersion is: `v1/Service` is a Service of apiVersion `v1`
  exactly (the core group has no other version);
- bare, `Service`: that kind in any API group, the meaning every scope had before groups were
  named (custom rules and plugins written then keep working; the built-in rules qualify).

A named kind group (`kind_groups`, `kind-groups` in rule files) is a family: a fixed set of
qualified kinds (`ingress`, `hpa`, `rbac-role`...), or the workloads of some kinds (`workload`,
`deployment-like`...), decided by what the document carries (a pod template) as well as its kind.

Which entries a document matches depends only on its apiVersion, kind, document type and
whether it is a workload, so the engine decides it once per such key and looks it up after.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kubelint_py.k8s.workloads import WORKLOAD_KINDS

CORE = "v1"  # how the core group is spelled in a qualified kind


class KindGroup(NamedTuple):
    """A named family of kinds. `kinds`: group-qualified kinds, matched on any object of them.
    `workloads`: bare kinds matched only on workloads (documents with a pod template);
    `deployment_like`: also the workloads of kinds beside the built-in workload kinds
    (DeploymentConfig, Argo Rollout, any custom resource carrying `spec.template.spec`)."""

    description: str
    kinds: frozenset[str] = frozenset()
    workloads: frozenset[str] = frozenset()
    deployment_like: bool = False

    def matches_workload(self, kind: str) -> bool:
        return kind in self.workloads or (self.deployment_like and kind not in WORKLOAD_KINDS)


def _qualified(group: str, *kinds: str) -> frozenset[str]:
    return frozenset(f"{group}/{kind}" for kind in kinds)


_DEPLOYMENT = frozenset(("Deployment",))

KIND_GROUPS: Mapping[str, KindGroup] = {
    "workload": KindGroup(
        "every workload: the kinds that carry a pod template (Pod, Deployment, StatefulSet, DaemonSet, "
        "ReplicaSet, ReplicationController, Job, CronJob's nested template, PodTemplate) and any other kind "
        "that does (DeploymentConfig, Rollout, custom resources)",
        workloads=WORKLOAD_KINDS,
        deployment_like=True,
    ),
    "deployment-like": KindGroup(
        "Deployments and the other kinds that carry a pod template and roll it out like one "
        "(DeploymentConfig, Argo Rollout, custom resources with spec.template.spec)",
        workloads=_DEPLOYMENT,
        deployment_like=True,
    ),
    "serving": KindGroup(
        "the workloads that serve with replicas: StatefulSets and the deployment-like kinds",
        workloads=_DEPLOYMENT | {"StatefulSet"},
        deployment_like=True,
    ),
    "scalable": KindGroup(
        "the workloads whose replicas are scaled: StatefulSets, ReplicaSets and the deployment-like kinds",
        workloads=_DEPLOYMENT | {"StatefulSet", "ReplicaSet"},
        deployment_like=True,
    ),
    "rolling-update": KindGroup(
        "the workloads that roll out a changed pod template: StatefulSets, DaemonSets and the deployment-like kinds",
        workloads=_DEPLOYMENT | {"StatefulSet", "DaemonSet"},
        deployment_like=True,
    ),
    "long-running": KindGroup(
        "the controllers whose pods run until replaced: StatefulSets, DaemonSets, ReplicaSets, "
        "ReplicationControllers and the deployment-like kinds",
        workloads=_DEPLOYMENT | {"StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"},
        deployment_like=True,
    ),
    "ingress": KindGroup(
        "Ingress of networking.k8s.io and of its predecessor, extensions",
        kinds=_qualified("networking.k8s.io", "Ingress") | _qualified("extensions", "Ingress"),
    ),
    "hpa": KindGroup(
        "HorizontalPodAutoscaler of the autoscaling group (every version)",
        kinds=_qualified("autoscaling", "HorizontalPodAutoscaler"),
    ),
    "network-policy": KindGroup(
        "NetworkPolicy of networking.k8s.io (not Calico's or Cilium's)",
        kinds=_qualified("networking.k8s.io", "NetworkPolicy"),
    ),
    "rbac-role": KindGroup(
        "Role and ClusterRole of rbac.authorization.k8s.io",
        kinds=_qualified("rbac.authorization.k8s.io", "Role", "ClusterRole"),
    ),
    "rbac-binding": KindGroup(
        "RoleBinding and ClusterRoleBinding of rbac.authorization.k8s.io",
        kinds=_qualified("rbac.authorization.k8s.io", "RoleBinding", "ClusterRoleBinding"),
    ),
    "job": KindGroup("Job and CronJob of the batch group", kinds=_qualified("batch", "Job", "CronJob")),
}


def qualified_kind(api_version: str, kind: str) -> str:
    """`apps/Deployment` for apiVersion `apps/v1`, `v1/Service` for apiVersion `v1`: the key a
    group-qualified scope entry is matched against. An apiVersion without a group other than
    `v1` keeps its own spelling (`v2/Service`), so it matches no `v1/...` entry."""
    group, slash, _version = api_version.rpartition("/")
    return f"{group}/{kind}" if slash else f"{api_version}/{kind}"
