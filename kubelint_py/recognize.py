"""What a document is, decided from its content (never from the file name)."""

from __future__ import annotations

from collections.abc import Mapping

from kubelint_py.model import DocType

_STATIC_POD_TYPES = {
    "kube-apiserver": DocType.APISERVER_STATIC_POD,
    "etcd": DocType.ETCD_STATIC_POD,
    "kube-controller-manager": DocType.CONTROL_PLANE_STATIC_POD,
    "kube-scheduler": DocType.CONTROL_PLANE_STATIC_POD,
}
ETCD_CONFIG_KEYS = frozenset(
    (
        "data-dir",
        "listen-client-urls",
        "initial-cluster",
        "client-transport-security",
        "peer-transport-security",
        "listen-peer-urls",
        "advertise-client-urls",
    )
)


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def container_program(container: object) -> str | None:
    """Basename of what a container runs: command[0], else args[0]."""
    if not isinstance(container, Mapping):
        return None
    for key in ("command", "args"):
        argv = container.get(key)
        if isinstance(argv, list) and argv and isinstance(argv[0], str):
            return argv[0].rstrip("/").rsplit("/", 1)[-1]
        if isinstance(argv, list) and argv:
            return None
    return None


def static_pod_type(data: Mapping[str, object]) -> DocType | None:
    spec = data.get("spec")
    if not isinstance(spec, Mapping):
        return None
    containers = spec.get("containers")
    if not isinstance(containers, list):
        return None
    for container in containers:
        program = container_program(container)
        if program in _STATIC_POD_TYPES:
            return _STATIC_POD_TYPES[program]
    return None


def recognize(data: object) -> DocType:
    if not isinstance(data, Mapping):
        return DocType.UNKNOWN
    api_version = data.get("apiVersion")
    kind = data.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
        group = _group(api_version)
        if kind == "EncryptionConfiguration" and group == "apiserver.config.k8s.io":
            return DocType.ENCRYPTION_CONFIG
        if kind == "Policy" and group == "audit.k8s.io":
            return DocType.AUDIT_POLICY
        if kind == "KubeletConfiguration" and group == "kubelet.config.k8s.io":
            return DocType.KUBELET_CONFIG
        if kind == "Config" and api_version == "v1" and ("clusters" in data or "users" in data):
            return DocType.KUBECONFIG
        if kind == "Pod" and api_version == "v1":
            return static_pod_type(data) or DocType.K8S_OBJECT
        return DocType.K8S_OBJECT
    if "apiVersion" not in data and "kind" not in data and any(key in data for key in ETCD_CONFIG_KEYS):
        return DocType.ETCD_CONFIG
    return DocType.UNKNOWN


# Doc types that are Kubernetes API objects, so kind-scoped rules apply to them.
OBJECT_DOC_TYPES = frozenset(
    (DocType.K8S_OBJECT, DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD)
)
