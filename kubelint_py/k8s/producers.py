"""Objects that exist at run time although the input does not hold them.

A cross-object rule that concludes "X names an object that does not exist" or "Y selects no
pod" must know who else creates objects in a cluster. This module answers, from the input
alone, "may this (kind, namespace, name) exist at run time?" and "may pods the input does not
show run in this namespace?". Two kinds of answers:

* facts of the input, always true whatever else is declared: a cert-manager `Certificate`
  writes `spec.secretName`; an `Ingress`/`Gateway` annotated for cert-manager gets its TLS
  Secrets; an external-secrets `ExternalSecret` / `ClusterExternalSecret` writes its target;
  a Bitnami `SealedSecret` unseals into a Secret of its name; the legacy token controller
  writes `<serviceaccount>-token-xxxxx` Secrets; a StatefulSet's `volumeClaimTemplates`
  become `<template>-<statefulset>-<ordinal>` claims; and a workload of the input whose
  ServiceAccount is granted `create` on a kind, named in a Role/ClusterRole rule and bound to
  it, may create any object of that kind where the binding applies (argo-cd's `secret-init`
  init container writes the `argocd-redis` Secret that way);
* operator custom resources: instances of kinds that are not built into Kubernetes, not CRDs,
  not a workload kind with a pod template, and not known to be passive configuration
  (`ServiceMonitor`, `Certificate`, Istio routing...). An operator turns them into pods,
  Services and Secrets (prometheus-operator's `Prometheus`, Strimzi's `Kafka`, CloudNativePG's
  `Cluster`...), so the input cannot show those. `--assume-complete` turns this guess off; the
  facts stay.

Pure: built from the documents and a namespace resolver, once per run (`LintContext`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import NamedTuple

from kubelint_py.k8s.rbac import CORE_GROUP, PolicyRule, policy_rules, role_ref, subjects
from kubelint_py.k8s.workloads import pod_spec, pod_spec_path
from kubelint_py.model import DocType, Document


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the patterns of this module, compiled on first use."""
    return re.compile(pattern)


__all__ = [
    "CREATABLE_KINDS",
    "OPERATOR_CREATED_KINDS",
    "Producer",
    "ProducerIndex",
    "is_builtin_group",
    "is_operator_resource",
]

NamespaceOf = Callable[[Document], "str | None"]


class Producer(NamedTuple):
    """Why an object the input lacks may exist: the object of the input that makes it (None
    for the cluster itself) and a phrase for messages ("written by Certificate prod/web")."""

    doc: Document | None
    reason: str


# kind -> (API group, resource) for the RBAC `create` question
CREATABLE_KINDS: Mapping[str, tuple[str, str]] = {
    "Secret": (CORE_GROUP, "secrets"),
    "ConfigMap": (CORE_GROUP, "configmaps"),
    "Service": (CORE_GROUP, "services"),
    "ServiceAccount": (CORE_GROUP, "serviceaccounts"),
    "PersistentVolumeClaim": (CORE_GROUP, "persistentvolumeclaims"),
    "Endpoints": (CORE_GROUP, "endpoints"),
    "EndpointSlice": ("discovery.k8s.io", "endpointslices"),
}
# what an operator makes from its custom resources in their namespace
OPERATOR_CREATED_KINDS = frozenset(("Pod", "Service", "Secret", "Endpoints", "EndpointSlice"))

_BUILTIN_GROUPS = frozenset(("", "apps", "batch", "autoscaling", "policy", "extensions"))
# (group, kind) of API-served kinds under *.k8s.io that do run pods: a Gateway API `Gateway`
# is deployed as a Deployment and Service by most implementations (Istio, Envoy Gateway...)
_POD_RUNNING_K8S_IO = frozenset((("gateway.networking.k8s.io", "Gateway"),))
# custom resources that configure something and run nothing: group -> passive kinds (None: all)
_PASSIVE: Mapping[str, frozenset[str] | None] = {
    "cert-manager.io": None,
    "acme.cert-manager.io": None,
    "trust.cert-manager.io": None,
    "external-secrets.io": None,
    "generators.external-secrets.io": None,
    "bitnami.com": None,
    "secrets-store.csi.x-k8s.io": None,
    "networking.istio.io": None,
    "security.istio.io": None,
    "telemetry.istio.io": None,
    "extensions.istio.io": None,
    "traefik.io": None,
    "traefik.containo.us": None,
    "projectcontour.io": None,
    "configuration.konghq.com": None,
    "kyverno.io": None,
    "wgpolicyk8s.io": None,
    "templates.gatekeeper.sh": None,
    "constraints.gatekeeper.sh": None,
    "mutations.gatekeeper.sh": None,
    "config.gatekeeper.sh": None,
    "cilium.io": None,
    "crd.projectcalico.org": None,
    "projectcalico.org": None,
    "cloud.google.com": None,
    "networking.gke.io": None,
    "monitoring.googleapis.com": None,
    "elbv2.k8s.aws": None,
    "source.toolkit.fluxcd.io": None,
    "notification.toolkit.fluxcd.io": None,
    "image.toolkit.fluxcd.io": None,
    "monitoring.coreos.com": frozenset(
        ("ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "AlertmanagerConfig", "ScrapeConfig")
    ),
    "keda.sh": frozenset(("ScaledObject", "TriggerAuthentication", "ClusterTriggerAuthentication")),
    "argoproj.io": frozenset(
        (
            "Application",
            "AppProject",
            "ApplicationSet",
            "AnalysisTemplate",
            "ClusterAnalysisTemplate",
            "WorkflowTemplate",
        )
    ),
}
_CLUSTER_KIND = r"^Cluster[A-Z]"  # ClusterIssuer, ClusterSecretStore...: cluster-scoped
_TOKEN_SECRET = r"^(?P<account>.+)-token-[a-z0-9]{5}$"
_CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/issuer", "cert-manager.io/cluster-issuer")
_INGRESS_GROUPS = frozenset(("networking.k8s.io", "extensions"))


def is_builtin_group(group: str) -> bool:
    """Groups Kubernetes serves itself: the core group, `apps`... and `*.k8s.io`."""
    return group in _BUILTIN_GROUPS or group == "k8s.io" or group.endswith(".k8s.io")


def is_operator_resource(doc: Document) -> bool:
    """A namespaced custom resource that an operator may turn into pods, Services and Secrets."""
    if doc.doc_type is not DocType.K8S_OBJECT or not doc.kind or doc.kind == "CustomResourceDefinition":
        return False
    group = doc.group
    if is_builtin_group(group):
        return (group, doc.kind) in _POD_RUNNING_K8S_IO
    passive = _PASSIVE.get(group, frozenset())
    if passive is None or doc.kind in passive or _regex(_CLUSTER_KIND).match(doc.kind):
        return False
    return pod_spec_path(doc) is None  # a workload-like kind (Rollout...): its pods are indexed


# built-in kinds that produce nothing of interest here: skipped without looking at a document
_INERT_KINDS = frozenset(
    (
        "ConfigMap",
        "Secret",
        "Service",
        "Namespace",
        "Deployment",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Pod",
        "PodTemplate",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Endpoints",
        "EndpointSlice",
        "LimitRange",
        "ResourceQuota",
        "StorageClass",
        "PriorityClass",
        "CustomResourceDefinition",
    )
)
_RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")


class ProducerIndex:
    """Built once per run from every document (targets and context sources), or from the
    run's kind index (`by_kind`), which skips the inert built-in kinds without a look."""

    def __init__(
        self,
        documents: Iterable[Document],
        namespace_of: NamespaceOf,
        by_kind: Mapping[str, Sequence[Document]] | None = None,
    ) -> None:
        if by_kind is None:
            grouped: dict[str, list[Document]] = defaultdict(list)
            for doc in documents:
                grouped[doc.kind].append(doc)
            by_kind = grouped
        self._namespace_of = namespace_of
        self._named: dict[tuple[str, str | None, str], Producer] = {}
        self._claims: dict[tuple[str, str], tuple[Document, str]] = {}  # (ns, "<tmpl>-<sts>-") -> sts
        self._accounts: set[tuple[str, str]] = set()
        self._operators: dict[str, list[Document]] = defaultdict(list)
        for kind, docs in by_kind.items():
            if kind and kind not in _INERT_KINDS and kind not in _RBAC_KINDS:
                for doc in docs:
                    self._add(doc)
        rbac = tuple(doc for kind in _RBAC_KINDS for doc in by_kind.get(kind, ()))
        self._creators = _rbac_creators(rbac, by_kind, namespace_of) if rbac else {}

    # -- queries ------------------------------------------------------------------------------
    def producer(self, kind: str, namespace: str | None, name: str) -> Producer | None:
        """Who in the input makes (kind, namespace, name) at run time, or None."""
        found = self._named.get((kind, namespace, name)) or self._named.get((kind, None, name))
        if found is not None:
            return found
        if kind == "Secret" and namespace is not None:
            found = self._token_secret(namespace, name)
        elif kind == "PersistentVolumeClaim" and namespace is not None:
            found = self._claim(namespace, name)
        if found is not None:
            return found
        return self._creators.get((kind, namespace)) or self._creators.get((kind, None))

    def operator_resources(self, namespace: str | None) -> tuple[Document, ...]:
        """Operator custom resources of `namespace` (see `is_operator_resource`)."""
        return tuple(self._operators.get(namespace, ())) if namespace is not None else ()

    # -- building -----------------------------------------------------------------------------
    def _add(self, doc: Document) -> None:
        kind = doc.kind
        namespace = self._namespace_of(doc)
        if kind == "ServiceAccount" and namespace is not None and doc.name:
            self._accounts.add((namespace, doc.name))
        elif kind == "StatefulSet" and namespace is not None:
            self._add_claims(doc, namespace)
        elif is_operator_resource(doc) and namespace is not None:
            self._operators[namespace].append(doc)
        for secret_ns, name, reason in _secrets_written(doc, namespace):
            self._named.setdefault(("Secret", secret_ns, name), Producer(doc, reason))

    def _add_claims(self, doc: Document, namespace: str) -> None:
        for template in doc.sequence("spec", "volumeClaimTemplates"):
            metadata = template.get("metadata") if isinstance(template, Mapping) else None
            name = metadata.get("name") if isinstance(metadata, Mapping) else None
            if isinstance(name, str) and name and doc.name:
                self._claims[(namespace, f"{name}-{doc.name}-")] = (doc, name)

    def _token_secret(self, namespace: str, name: str) -> Producer | None:
        match = _regex(_TOKEN_SECRET).match(name)
        if match is None:
            return None
        account = match.group("account")
        if account != "default" and (namespace, account) not in self._accounts:
            return None
        return Producer(None, f"the token controller's Secret of ServiceAccount {account} (clusters before 1.24)")

    def _claim(self, namespace: str, name: str) -> Producer | None:
        prefix, _, ordinal = name.rpartition("-")
        if not ordinal.isdigit():
            return None
        found = self._claims.get((namespace, f"{prefix}-"))
        if found is None:
            return None
        statefulset, template = found
        return Producer(statefulset, f"claim of volumeClaimTemplate {template} of StatefulSet {statefulset.name}")


# -- Secrets written by other objects -------------------------------------------------------------


def _secrets_written(doc: Document, namespace: str | None) -> Iterator[tuple[str | None, str, str]]:
    """(namespace or None for any, Secret name, reason) for every Secret `doc` makes."""
    kind, group = doc.kind, doc.group
    if group == "cert-manager.io" and kind == "Certificate":
        name = doc.value("spec", "secretName")
        if isinstance(name, str) and name:
            yield namespace, name, f"written by cert-manager Certificate {doc.name}"
    elif kind == "Ingress" and group in _INGRESS_GROUPS and _cert_manager_annotated(doc):
        for entry in doc.sequence("spec", "tls"):
            name = entry.get("secretName") if isinstance(entry, Mapping) else None
            if isinstance(name, str) and name:
                yield namespace, name, f"issued by cert-manager for Ingress {doc.name}"
    elif kind == "Gateway" and group == "gateway.networking.k8s.io" and _cert_manager_annotated(doc):
        yield from _gateway_secrets(doc, namespace)
    elif group == "external-secrets.io" and kind == "ExternalSecret":
        name = _external_secret_target(doc.value("spec"), doc.name)
        if name:
            yield namespace, name, f"written by ExternalSecret {doc.name}"
    elif group == "external-secrets.io" and kind == "ClusterExternalSecret":
        spec = doc.mapping("spec")
        default = spec.get("externalSecretName") if isinstance(spec.get("externalSecretName"), str) else doc.name
        name = _external_secret_target(spec.get("externalSecretSpec"), str(default or ""))
        if name:
            yield None, name, f"written in the selected namespaces by ClusterExternalSecret {doc.name}"
    elif group == "bitnami.com" and kind == "SealedSecret":
        template = doc.mapping("spec", "template", "metadata")
        name = template.get("name") if isinstance(template.get("name"), str) else doc.name
        target_ns = template.get("namespace") if isinstance(template.get("namespace"), str) else namespace
        if name:
            yield str(target_ns) if target_ns else namespace, str(name), f"unsealed from SealedSecret {doc.name}"


def _cert_manager_annotated(doc: Document) -> bool:
    annotations = doc.annotations()
    if any(isinstance(annotations.get(k), str) and annotations.get(k) for k in _CERT_MANAGER_ANNOTATIONS):
        return True
    return str(annotations.get("kubernetes.io/tls-acme", "")).lower() == "true"


def _gateway_secrets(doc: Document, namespace: str | None) -> Iterator[tuple[str | None, str, str]]:
    for listener in doc.sequence("spec", "listeners"):
        tls = listener.get("tls") if isinstance(listener, Mapping) else None
        refs = tls.get("certificateRefs") if isinstance(tls, Mapping) else None
        for ref in refs if isinstance(refs, list) else ():
            if not isinstance(ref, Mapping) or ref.get("kind", "Secret") != "Secret":
                continue
            name, ref_ns = ref.get("name"), ref.get("namespace")
            if isinstance(name, str) and name:
                where = ref_ns if isinstance(ref_ns, str) and ref_ns else namespace
                yield where, name, f"issued by cert-manager for Gateway {doc.name}"


def _external_secret_target(spec: object, default: str) -> str:
    """The Secret an ExternalSecret spec writes: `target.name`, else the default; none when
    `creationPolicy` is Merge or None (they only update an existing Secret)."""
    target = spec.get("target") if isinstance(spec, Mapping) else None
    if not isinstance(target, Mapping):
        return default
    if target.get("creationPolicy") in ("Merge", "None"):
        return ""
    name = target.get("name")
    return name if isinstance(name, str) and name else default


# -- objects a workload of the input may create (RBAC) ----------------------------------------------

Grant = tuple[str, "str | None"]  # (kind, namespace or None for every namespace)


def _creatable(rules: list[PolicyRule]) -> frozenset[str]:
    """Kinds a role lets its subjects create, named explicitly: a wildcard grant
    (cluster-admin, a GitOps deployer) says nothing about what the workload writes, and would
    excuse every reference of the bundle. A rule with `resourceNames` grants no create (the
    name of an object is not known when it is created)."""
    kinds = set()
    for rule in rules:
        if rule.resource_names:
            continue
        for kind, (group, resource) in CREATABLE_KINDS.items():
            if resource in rule.resources and rule.allows("create", group, resource):
                kinds.add(kind)
    return frozenset(kinds)


def _rbac_creators(
    docs: tuple[Document, ...], by_kind: Mapping[str, Sequence[Document]], namespace_of: NamespaceOf
) -> dict[Grant, Producer]:
    """(kind, namespace) -> the workload that may create objects of that kind there; the
    namespace is None when a ClusterRoleBinding grants it everywhere. `docs`: the RBAC objects."""
    roles: dict[tuple[str | None, str], frozenset[str]] = {}
    for doc in docs:
        if doc.kind in ("Role", "ClusterRole") and doc.group == "rbac.authorization.k8s.io" and doc.name:
            kinds = _creatable(policy_rules(doc.data))
            if kinds:
                roles[(namespace_of(doc) if doc.kind == "Role" else None, doc.name)] = kinds
    if not roles:
        return {}
    grants = _account_grants(docs, roles, namespace_of)
    granted_namespaces = {namespace for namespace, _ in grants}
    creators: dict[Grant, Producer] = {}
    workloads = (doc for group in by_kind.values() for doc in group if pod_spec_path(doc) is not None)
    for doc in workloads:
        if (namespace := namespace_of(doc)) is None:
            continue
        if namespace not in granted_namespaces and "*" not in granted_namespaces:
            continue
        account = _service_account(doc)
        for key in ((namespace, account), (namespace, "*"), ("*", "*")):
            for kind, scope in grants.get(key, ()):
                reason = f"may be created by {doc.kind} {doc.name} (its ServiceAccount {account} may create {kind}s)"
                creators.setdefault((kind, scope), Producer(doc, reason))
    return creators


def _account_grants(
    docs: tuple[Document, ...], roles: Mapping[tuple[str | None, str], frozenset[str]], namespace_of: NamespaceOf
) -> dict[tuple[str, str], set[tuple[str, str | None]]]:
    """(account namespace, account name) -> {(kind, where)}: `*` stands for any account;
    `where` is the RoleBinding's namespace, or None for everywhere (a ClusterRoleBinding)."""
    grants: dict[tuple[str, str], set[tuple[str, str | None]]] = defaultdict(set)
    for doc in docs:
        if doc.kind not in ("RoleBinding", "ClusterRoleBinding") or doc.group != "rbac.authorization.k8s.io":
            continue
        binding_ns = namespace_of(doc) if doc.kind == "RoleBinding" else None
        ref = role_ref(doc.data)
        if ref.name is None or ref.kind not in ("Role", "ClusterRole"):
            continue
        kinds = roles.get((binding_ns if ref.kind == "Role" else None, ref.name), frozenset())
        for subject in subjects(doc.data):
            account = _subject_account(subject.kind, subject.name, subject.namespace, binding_ns)
            if account is None:
                continue
            for kind in kinds:
                grants[account].add((kind, binding_ns))
    return grants


def _subject_account(
    kind: str | None, name: str | None, namespace: str | None, binding_ns: str | None
) -> tuple[str, str] | None:
    if kind == "ServiceAccount" and name:
        account_ns = namespace or binding_ns
        return (account_ns, name) if account_ns else None
    if kind == "Group" and name == "system:serviceaccounts":
        return ("*", "*")
    if kind == "Group" and name and name.startswith("system:serviceaccounts:"):
        return (name.removeprefix("system:serviceaccounts:"), "*")
    return None


def _service_account(doc: Document) -> str:
    spec = pod_spec(doc)
    for key in ("serviceAccountName", "serviceAccount"):
        value = spec.get(key)
        if isinstance(value, str) and value:
            return value
    return "default"
