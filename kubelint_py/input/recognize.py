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


# Configuration files of Kubernetes components: real configuration, read by a binary at start-up,
# never sent to the API server (so never "custom resources without a CRD"). Their own rules
# (KubeletConfiguration, EncryptionConfiguration, audit Policy) are recognised before this.
COMPONENT_CONFIG_GROUPS = frozenset(
    (
        "kubeadm.k8s.io",
        "kubeproxy.config.k8s.io",
        "kubescheduler.config.k8s.io",
        "kubecontrollermanager.config.k8s.io",
        "kubelet.config.k8s.io",
        "apiserver.config.k8s.io",
        "apiserver.k8s.io",
        "audit.k8s.io",
        "pod-security.admission.config.k8s.io",
        "eventratelimit.admission.k8s.io",
        "client.authentication.k8s.io",
        "cloudcontrollermanager.config.k8s.io",
    )
)
# Configuration files of tools that carry `apiVersion`/`kind` but are never applied to a
# cluster: skaffold, kustomize, kpt and KRM functions, kind, k3d, ctlptl, Carvel, test runners.
# Like CI workflows or `values.yaml`, they are skipped and counted as not Kubernetes.
TOOL_CONFIG_GROUPS = frozenset(
    (
        "kustomize.config.k8s.io",
        "kpt.dev",
        "fn.kpt.dev",
        "config.kubernetes.io",
        "kind.x-k8s.io",
        "k3d.io",
        "ctlptl.dev",
        "kapp.k14s.io",
        "kbld.k14s.io",
        "vendir.k14s.io",
        "imgpkg.carvel.dev",
        "kuttl.dev",
        "chainsaw.kyverno.io",
        "cli.kyverno.io",
        "kubectl.config.k8s.io",
        "clusterctl.cluster.x-k8s.io",
        "krew.googlecontainertools.github.com",
        "garden.io",
    )
)


def is_tool_config(api_version: str) -> bool:
    """A tool's own configuration file, not a Kubernetes object. Besides the groups above:
    skaffold's group-less `skaffold/v4beta6` and kustomize's `builtin` transformers."""
    if api_version.startswith("skaffold/") or api_version == "builtin":
        return True
    return _group(api_version) in TOOL_CONFIG_GROUPS


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
        if group in COMPONENT_CONFIG_GROUPS or (kind == "Policy" and api_version == "v1"):
            # `v1 Policy`: the kube-scheduler policy file of releases before 1.23
            return DocType.COMPONENT_CONFIG
        if is_tool_config(api_version):
            return DocType.UNKNOWN
        return DocType.K8S_OBJECT
    if "apiVersion" not in data and "kind" not in data and any(key in data for key in ETCD_CONFIG_KEYS):
        return DocType.ETCD_CONFIG
    return DocType.UNKNOWN


# Doc types that are Kubernetes API objects, so kind-scoped rules apply to them.
OBJECT_DOC_TYPES = frozenset(
    (DocType.K8S_OBJECT, DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD)
)
