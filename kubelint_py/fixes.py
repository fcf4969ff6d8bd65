"""Which findings `kubelint fix` may repair, and how: data only, no rule module changes.

A rule is fixable when `FIXES` has an entry for its id. A `FixSpec` holds one or more
`Edit`s; the first whose `when` equals the last step of the finding's field path applies.
An edit works on the finding's path (optionally moved by `relative`: `..` is the parent):

- `set`: give the field `value`, creating missing parent mappings; with `only_missing` the
  edit applies only when the field is absent (it never overwrites what the author wrote);
- `append`: add `value` to the list at the path (creating `[value]` when it is absent);
- `api-version`: replace `apiVersion` by the replacement in `SAME_SCHEMA_REPLACEMENTS`,
  which lists only versions whose replacement has the same schema for that kind, so the
  object means the same thing after the change.

A fix is applied only when it is unambiguous (the parent is a mapping or list as expected)
and, after the edit, the finding is gone and no other finding appeared (kubelint_py/integrations/autofix.py
checks both). `caution` says what the fix may change at run time; `kubelint explain`, the rule
pages and `kubelint fix` show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Op(str, Enum):
    SET = "set"
    APPEND = "append"
    API_VERSION = "api-version"


@dataclass(frozen=True, slots=True)
class Edit:
    op: Op
    when: str  # last step of the finding's path this edit applies to
    value: object = None
    relative: tuple[str, ...] = ()  # steps from the finding's path ("..": up one level)
    only_missing: bool = False
    unless_sibling: tuple[str, ...] = ()  # not when the field's mapping has one of these keys


@dataclass(frozen=True, slots=True)
class FixSpec:
    summary: str  # what the fix does, in the words of the manifest
    edits: tuple[Edit, ...]
    caution: str = ""  # what may change at run time

    def edit_for(self, path: tuple[str | int, ...]) -> Edit | None:
        last = path[-1] if path else None
        return next((edit for edit in self.edits if edit.when == last), None)


# (apiVersion, kind) -> replacement whose schema is the same for that kind. Deliberately short:
# versions whose replacement changed fields or defaults (extensions/v1beta1 workloads and
# Ingress, policy/v1beta1 PodDisruptionBudget, autoscaling/v2beta1, admissionregistration and
# apiextensions v1beta1, certificates v1beta1, flowcontrol betas) need a person.
SAME_SCHEMA_REPLACEMENTS: Mapping[tuple[str, str], str] = {
    ("batch/v1beta1", "CronJob"): "batch/v1",
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): "autoscaling/v2",
    ("networking.k8s.io/v1beta1", "IngressClass"): "networking.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "Role"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): "rbac.authorization.k8s.io/v1",
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): "scheduling.k8s.io/v1",
    ("node.k8s.io/v1beta1", "RuntimeClass"): "node.k8s.io/v1",
    ("coordination.k8s.io/v1beta1", "Lease"): "coordination.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "StorageClass"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "CSIDriver"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "CSINode"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): "storage.k8s.io/v1",
}

_API_VERSION = FixSpec(
    "replace apiVersion by its same-schema replacement (only versions listed in kubelint_py/fixes.py)",
    (Edit(Op.API_VERSION, "apiVersion"),),
)

FIXES: Mapping[str, FixSpec] = {
    "privilege-escalation-allowed": FixSpec(
        "set securityContext.allowPrivilegeEscalation: false on the container",
        (Edit(Op.SET, "allowPrivilegeEscalation", False),),
        "setuid binaries in the image (sudo, ping on old images) stop gaining privileges",
    ),
    "capabilities-not-dropped": FixSpec(
        'add "ALL" to securityContext.capabilities.drop (capabilities.add still adds back)',
        (Edit(Op.APPEND, "drop", "ALL"),),
        "a process that relied on a default capability (binding ports below 1024, chown) needs it added back",
    ),
    "run-as-root-allowed": FixSpec(
        "set runAsNonRoot: true where it is missing or false (never when runAsUser: 0 is set)",
        (Edit(Op.SET, "runAsNonRoot", True),),
        "the kubelet refuses to start a container whose image runs as root; set runAsUser too",
    ),
    "service-account-token-automount": FixSpec(
        "set automountServiceAccountToken: false on the pod",
        (Edit(Op.SET, "automountServiceAccountToken", False),),
        "a pod that calls the Kubernetes API loses its token; mount a projected token for it instead",
    ),
    "rollback-history-disabled": FixSpec(
        "set revisionHistoryLimit back to the Kubernetes default, 10",
        (Edit(Op.SET, "revisionHistoryLimit", 10),),
    ),
    "readonly-root-filesystem-missing": FixSpec(
        "set securityContext.readOnlyRootFilesystem: true on the container",
        (Edit(Op.SET, "readOnlyRootFilesystem", True),),
        "a process that writes outside its volumes fails; mount an emptyDir where it writes (/tmp)",
    ),
    "seccomp-not-runtime-default": FixSpec(
        "set seccompProfile: {type: RuntimeDefault} where the profile is missing or Unconfined",
        (
            Edit(Op.SET, "seccompProfile", {"type": "RuntimeDefault"}, only_missing=True),
            Edit(Op.SET, "type", "RuntimeDefault", unless_sibling=("localhostProfile",)),
        ),
        "the rare system calls the runtime's default profile blocks fail with EPERM",
    ),
    "hostnetwork-dns-policy": FixSpec(
        "set dnsPolicy: ClusterFirstWithHostNet on the host-network pod",
        (
            Edit(Op.SET, "hostNetwork", "ClusterFirstWithHostNet", relative=("..", "dnsPolicy"), only_missing=True),
            Edit(Op.SET, "dnsPolicy", "ClusterFirstWithHostNet"),
        ),
    ),
    "removed-api-version": _API_VERSION,
    "deprecated-api-version": _API_VERSION,
}


def fix_for(rule_id: str) -> FixSpec | None:
    return FIXES.get(rule_id)


def is_fixable(rule_id: str) -> bool:
    return rule_id in FIXES


def target_path(path: tuple[str | int, ...], edit: Edit) -> tuple[str | int, ...] | None:
    """The path the edit writes: the finding's path moved by `edit.relative`."""
    out = list(path)
    for step in edit.relative:
        if step == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(step)
    return tuple(out)
