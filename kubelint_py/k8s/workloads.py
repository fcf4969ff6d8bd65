"""Workloads, pod specs and containers, always with their paths (rule-catalog §0.2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from enum import Enum
from typing import NamedTuple

from kubelint_py.model import Document, FieldPath, get_path

POD_SPEC_PATHS: Mapping[str, FieldPath] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
WORKLOAD_KINDS = frozenset(POD_SPEC_PATHS)
# Kinds the catalog treats as Deployments whenever they carry spec.template.
DEPLOYMENT_LIKE = {"DeploymentConfig": "apps.openshift.io", "Rollout": "argoproj.io"}
DEPLOYMENT_KINDS = frozenset(("Deployment", *DEPLOYMENT_LIKE))
REPLICATED_KINDS = frozenset(("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", *DEPLOYMENT_LIKE))
CLUSTER_SCOPED_KINDS = frozenset(
    (
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "StorageClass",
        "PersistentVolume",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "CustomResourceDefinition",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "GMSACredentialSpec",
        "Node",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "APIService",
        "CertificateSigningRequest",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "GatewayClass",
        "ClusterIssuer",
        "PodSecurityPolicy",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "ComponentStatus",
    )
)


def pod_spec_path(doc: Document) -> FieldPath | None:
    """Where the pod spec of a workload is, or None if `doc` carries no pod template."""
    # read straight from the document's memo (`Document.cached`, without a closure and two
    # calls): 230,000 calls on the 10,000-document corpus, about 23 a document
    memo = doc.memo
    if "pod_spec_path" in memo:
        return memo["pod_spec_path"]  # type: ignore[return-value]
    return doc.cached("pod_spec_path", lambda: _pod_spec_path(doc))


def _pod_spec_path(doc: Document) -> FieldPath | None:
    path = POD_SPEC_PATHS.get(doc.kind)
    if path is not None:
        if doc.kind == "Pod" and doc.api_version != "v1":
            return None
        spec = get_path(doc.data, path)
        return path if type(spec) is dict or isinstance(spec, Mapping) else None
    # (exact tests first, for the loader's dicts and the absent None of most kinds: an ABC
    # isinstance costs ten times more, and every document of a run comes here)
    template_spec = get_path(doc.data, ("spec", "template", "spec"))
    if template_spec is None or not (type(template_spec) is dict or isinstance(template_spec, Mapping)):
        return None
    if DEPLOYMENT_LIKE.get(doc.kind) == doc.group:
        return ("spec", "template", "spec")
    if isinstance(template_spec.get("containers"), list):
        return ("spec", "template", "spec")
    return None


def workload_spec_path(doc: Document) -> FieldPath:
    """`pod_spec_path` of a document a workload rule was called on: the engine dispatches the
    workload kind groups only to documents with a pod template, so there is one."""
    path = pod_spec_path(doc)
    assert path is not None  # the engine only calls workload rules on workloads
    return path


def is_workload(doc: Document) -> bool:
    return pod_spec_path(doc) is not None


def is_deployment_like(doc: Document) -> bool:
    if doc.kind == "Deployment":
        return True
    if doc.kind in WORKLOAD_KINDS:
        return False
    return pod_spec_path(doc) is not None


def pod_template_labels_path(doc: Document) -> FieldPath | None:
    spec = pod_spec_path(doc)
    if spec is None:
        return None
    if doc.kind == "Pod":
        return ("metadata", "labels")
    return (*spec[:-1], "metadata", "labels")


def pod_template_labels(doc: Document) -> Mapping[str, object]:
    path = pod_template_labels_path(doc)
    labels = get_path(doc.data, path) if path else None
    return labels if type(labels) is dict or isinstance(labels, Mapping) else {}  # (exact type first: no ABC check)


class ContainerKind(str, Enum):
    CONTAINER = "container"
    INIT = "initContainer"
    SIDECAR = "sidecar"  # an init container with restartPolicy: Always
    EPHEMERAL = "ephemeralContainer"


class ContainerScope(str, Enum):
    """The catalog's container scopes (§0.2)."""

    C = "C"  # containers[]
    C_SIDECARS = "C+S"  # containers[] and native sidecars
    C_I = "C+I"  # containers[] and initContainers[]
    ALL = "ALL"  # C+I and ephemeralContainers[]


_CONTAINER_LABELS = {
    ContainerKind.CONTAINER: "container",
    ContainerKind.INIT: "init container",
    ContainerKind.SIDECAR: "sidecar container",
    ContainerKind.EPHEMERAL: "ephemeral container",
}


class ContainerRef(NamedTuple):
    name: str
    kind: ContainerKind
    path: FieldPath  # path of the container mapping inside the document
    data: Mapping[str, object]

    def describe(self) -> str:
        label = _CONTAINER_LABELS[self.kind]
        return f'{label} "{self.name}"' if self.name else f"{label} #{self.path[-1]}"

    def get(self, *path: str | int) -> object:
        # most reads are one key of the container (`env`, `image`, `ports`): 64,000 of them on
        # the 10,000-document corpus, read directly (what get_path gives a mapping) without its loop
        if len(path) == 1 and type(path[0]) is str:
            return self.data.get(path[0])
        return get_path(self.data, path)


def containers(doc: Document, scope: ContainerScope = ContainerScope.ALL) -> Iterator[ContainerRef]:
    """The containers of a workload in `scope`, with their paths (computed once per document)."""
    # read straight from the memo (`Document.cached` without a closure and two calls): 111,000
    # calls on the 10,000-document corpus
    key = ("containers", scope)
    found: tuple[ContainerRef, ...] | None = doc.memo.get(key)  # type: ignore[assignment]
    if found is None:
        found = doc.memo[key] = tuple(_containers(doc, scope))
    return iter(found)


def _containers(doc: Document, scope: ContainerScope) -> Iterator[ContainerRef]:
    if scope is not ContainerScope.ALL:  # a narrower scope: the kinds it takes of ALL's, in order
        kinds = _SCOPE_KINDS[scope]
        return (container for container in containers(doc) if container.kind in kinds)
    return _all_containers(doc)


_SCOPE_KINDS: dict[ContainerScope, frozenset[ContainerKind]] = {
    ContainerScope.C: frozenset((ContainerKind.CONTAINER,)),
    ContainerScope.C_SIDECARS: frozenset((ContainerKind.CONTAINER, ContainerKind.SIDECAR)),
    ContainerScope.C_I: frozenset((ContainerKind.CONTAINER, ContainerKind.INIT, ContainerKind.SIDECAR)),
}


def _all_containers(doc: Document) -> Iterator[ContainerRef]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    spec = get_path(doc.data, spec_path)
    if not isinstance(spec, Mapping):
        return
    for key, kind in _GROUPS:
        items = spec.get(key)
        if not isinstance(items, list):
            continue
        for number, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            actual = kind
            if kind is ContainerKind.INIT and item.get("restartPolicy") == "Always":
                actual = ContainerKind.SIDECAR
            name = item.get("name")
            yield ContainerRef(name if isinstance(name, str) else "", actual, (*spec_path, key, number), item)


_GROUPS = (
    ("containers", ContainerKind.CONTAINER),
    ("initContainers", ContainerKind.INIT),
    ("ephemeralContainers", ContainerKind.EPHEMERAL),
)


def pod_spec(doc: Document) -> Mapping[str, object]:
    found = doc.memo.get("pod_spec")  # (asked for 55,000 times on the 10,000-document corpus)
    if found is None:
        path = pod_spec_path(doc)
        found = get_path(doc.data, path) if path else None
        found = doc.memo["pod_spec"] = found if isinstance(found, Mapping) else _NO_POD_SPEC
    return found  # type: ignore[return-value]


_NO_POD_SPEC: Mapping[str, object] = {}  # shared: read-only, as all data is


def pod_volumes(doc: Document) -> Sequence[object]:
    """The pod spec's `volumes` when a list, else empty: `doc.sequence(*pod_spec_path(doc),
    "volumes")` read from the kept pod spec (nine rules read it of each of the 2,385 workloads
    of the 10,000-document corpus, each through the whole path)."""
    volumes = pod_spec(doc).get("volumes")
    return volumes if isinstance(volumes, list) else ()


# Fields that exist in both PodSecurityContext and SecurityContext and so fall back.
INHERITED_SECURITY_FIELDS = frozenset(
    ("runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile", "appArmorProfile", "windowsOptions")
)


def effective_security(doc: Document, container: ContainerRef, field: str) -> tuple[object, FieldPath | None]:
    """The effective value of a securityContext field and the path it came from.

    Container value if set, else the pod's (only for fields that exist at both levels).
    Returns (None, None) when neither sets it.
    """
    # (45,000 calls on the 10,000-document corpus: exact type tests first, the pod's
    # securityContext read from the cached pod spec)
    container_ctx = container.data.get("securityContext")
    if (
        container_ctx is not None
        and (type(container_ctx) is dict or isinstance(container_ctx, Mapping))
        and container_ctx.get(field) is not None
    ):
        return container_ctx[field], (*container.path, "securityContext", field)
    if field in INHERITED_SECURITY_FIELDS:
        spec_path = pod_spec_path(doc)
        if spec_path is not None:
            pod_ctx = pod_spec(doc).get("securityContext")  # the spec at spec_path is a mapping
            if (
                pod_ctx is not None
                and (type(pod_ctx) is dict or isinstance(pod_ctx, Mapping))
                and pod_ctx.get(field) is not None
            ):
                return pod_ctx[field], (*spec_path, "securityContext", field)
    return None, None


def replicas(doc: Document) -> int:
    """`spec.replicas` (absent = 1); Job: `spec.parallelism`."""
    field = "parallelism" if doc.kind == "Job" else "replicas"
    value = doc.value("spec", field)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def is_namespaced(kind: str) -> bool:
    return kind not in CLUSTER_SCOPED_KINDS


# -- Helm hooks -----------------------------------------------------------------------------

HELM_HOOK_ANNOTATION = "helm.sh/hook"
HELM_TEST_HOOKS = frozenset(("test", "test-success", "test-failure"))


def helm_hooks(doc: Document) -> frozenset[str]:
    """The `helm.sh/hook` events of an object (`pre-install,pre-upgrade` -> both); empty
    for an object that is part of the release itself."""
    value = doc.annotations().get(HELM_HOOK_ANNOTATION)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def is_helm_hook(doc: Document) -> bool:
    """A Helm hook or test (Pod, Job...): it runs around an install or `helm test` and exits;
    it is no Service backend and no part of the running application."""
    return bool(helm_hooks(doc))


def is_helm_test(doc: Document) -> bool:
    """A `helm test` pod or Job: runs once on demand, checks the release and exits."""
    return bool(helm_hooks(doc) & HELM_TEST_HOOKS)


# -- labels the controllers add to the pods they create ----------------------------------------

# Kubernetes' well-known labels (kubernetes.io/docs/reference/labels-annotations-taints/)
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"  # StatefulSet: <name>-<ordinal>
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # StatefulSet ordinal (1.28+)
CONTROLLER_REVISION_LABEL = "controller-revision-hash"  # StatefulSet, DaemonSet
POD_TEMPLATE_HASH_LABEL = "pod-template-hash"  # Deployment (through its ReplicaSets)
POD_TEMPLATE_GENERATION_LABEL = "pod-template-generation"  # DaemonSet (deprecated)
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
JOB_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
JOB_INDEX_LABEL = "batch.kubernetes.io/job-completion-index"  # Indexed Jobs
ROLLOUT_HASH_LABEL = "rollouts-pod-template-hash"  # Argo Rollouts
MAX_LISTED_ORDINALS = 1000  # beyond this many StatefulSet pods, any ordinal is accepted

_ANY: None = None


def runtime_pod_labels(doc: Document, max_replicas: int | None = None) -> dict[str, frozenset[str] | None]:
    """The labels Kubernetes adds to the pods of `doc` (see `k8s/selectors.RuntimeLabels`):
    a key maps to the values its pods may carry, or None when only the run time knows it.

    `max_replicas` is an upper bound on the StatefulSet's replicas beyond `spec.replicas`
    (an autoscaler's `maxReplicas`). Job labels are set unless `spec.manualSelector: true`.
    """
    kind = doc.kind
    if kind == "StatefulSet":
        return _statefulset_labels(doc, max_replicas)
    if kind == "DaemonSet":
        return {CONTROLLER_REVISION_LABEL: _ANY, POD_TEMPLATE_GENERATION_LABEL: _ANY}
    if kind in ("Deployment", "ReplicaSet"):
        return {POD_TEMPLATE_HASH_LABEL: _ANY}
    if kind == "Rollout" and doc.group == "argoproj.io":
        return {ROLLOUT_HASH_LABEL: _ANY}
    if kind == "Job":
        return _job_labels(doc.value("spec"), doc.name or None)
    if kind == "CronJob":
        return _job_labels(doc.value("spec", "jobTemplate", "spec"), None)  # jobs: <name>-<schedule hash>
    return {}


def _statefulset_labels(doc: Document, max_replicas: int | None) -> dict[str, frozenset[str] | None]:
    labels: dict[str, frozenset[str] | None] = {CONTROLLER_REVISION_LABEL: _ANY, POD_NAME_LABEL: _ANY}
    labels[POD_INDEX_LABEL] = _ANY
    count = _int(doc.value("spec", "replicas"), absent=1)
    start = _int(doc.value("spec", "ordinals", "start"), absent=0)
    if count is None or start is None or not doc.name:
        return labels
    if max_replicas is not None:
        count = max(count, max_replicas)
    if count > MAX_LISTED_ORDINALS:
        return labels
    ordinals = range(start, start + count)
    labels[POD_NAME_LABEL] = frozenset(f"{doc.name}-{i}" for i in ordinals)
    labels[POD_INDEX_LABEL] = frozenset(str(i) for i in ordinals)
    return labels


def _job_labels(spec: object, name: str | None) -> dict[str, frozenset[str] | None]:
    if not isinstance(spec, Mapping) or spec.get("manualSelector") is True:
        return {}
    names: frozenset[str] | None = frozenset((name,)) if name else _ANY
    labels: dict[str, frozenset[str] | None] = dict.fromkeys(JOB_NAME_LABELS, names)
    labels.update(dict.fromkeys(JOB_UID_LABELS, _ANY))
    if spec.get("completionMode") == "Indexed":
        labels[JOB_INDEX_LABEL] = _ANY
    return labels


def _int(value: object, *, absent: int) -> int | None:
    """An integer field: its value, `absent` when missing, None when unusable (a template)."""
    if value is None:
        return absent
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
