"""Host access from pods (rule-catalog §9.2): host-namespace-shared, hostpath-volume,
sensitive-hostpath-mount, host-port-used."""

import posixpath
import re
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import pod_volumes
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

# -- host-namespace-shared ------------------------------------------------------------

_HOST_NAMESPACES = {
    "hostNetwork": "the node's network namespace (every host interface, the kubelet and node-local services on "
    "localhost, no NetworkPolicy)",
    "hostPID": "the node's process namespace (it sees and can signal or ptrace every process on the node)",
    "hostIPC": "the node's IPC namespace (shared memory and semaphores of every process on the node)",
}


def _is_hostprocess_pod(doc: Document) -> bool:
    """`windowsOptions.hostProcess: true` at pod level or on any container (ALL)."""
    spec = pod_spec(doc)
    ctx = spec.get("securityContext")
    if isinstance(ctx, Mapping):
        options = ctx.get("windowsOptions")
        if isinstance(options, Mapping) and options.get("hostProcess") is True:
            return True
    return any(
        c.get("securityContext", "windowsOptions", "hostProcess") is True for c in containers(doc, ContainerScope.ALL)
    )


@rule("host-namespace-shared")
def check_host_namespace(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or _is_hostprocess_pod(doc):
        return
    spec = pod_spec(doc)
    for field, what in _HOST_NAMESPACES.items():
        if spec.get(field) is True:
            yield Violation(f"{field}: true shares {what}", (*spec_path, field))


# -- hostpath-volume / sensitive-hostpath-mount ---------------------------------------

_SENSITIVE_TREES = {
    "/etc": "node configuration and credentials",
    "/proc": "the kernel's process interface",
    "/sys": "kernel and device settings",
    "/dev": "the node's devices",
    "/boot": "the kernel and boot loader",
    "/root": "root's home directory, with SSH keys and kubeconfigs",
    "/var/lib/kubelet": "every pod's mounted Secrets and ServiceAccount tokens",
    "/var/lib/etcd": "the etcd data of the whole cluster",
}
_RUNTIME_SOCKETS = (
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/k3s/containerd/containerd.sock",
)


def normalize_host_path(path: str) -> str:
    """Collapse repeated slashes, resolve `.` and `..`, drop a trailing `/`."""
    collapsed = re.sub(r"/+", "/", path)
    if not collapsed.startswith("/"):
        return collapsed.rstrip("/") or collapsed
    return posixpath.normpath(collapsed)


def _run_alias(path: str) -> str:
    """`/var/run` is a symlink to `/run` on every current Linux distribution."""
    if path == "/var/run" or path.startswith("/var/run/"):
        return path[len("/var") :]
    return path


_SOCKETS = {_run_alias(s): s for s in _RUNTIME_SOCKETS}

# Paths under the sensitive trees that hold only public, non-secret data: the node's CA
# certificates (how pods trust the same CAs as the node), its time zone and OS release. Read
# only, they expose nothing; writable, a pod could plant a CA the node then trusts, so a
# writable mount stays sensitive.
_PUBLIC_READ_ONLY = frozenset(
    (
        "/etc/ssl/certs",
        "/etc/pki/tls/certs",
        "/etc/pki/ca-trust/extracted",
        "/etc/pki/ca-trust/source/anchors",
        "/etc/ca-certificates",
        "/etc/localtime",
        "/etc/timezone",
        "/etc/os-release",
    )
)
# The syslog socket: a pod can at worst write forged lines into the node's log.
_LOG_SOCKETS = frozenset(("/dev/log",))


def sensitive_reason(path: str) -> str | None:
    """Why a hostPath path is sensitive (catalog §9.2), or None."""
    normalized = normalize_host_path(path)
    if normalized == "/":
        return "the node's whole root filesystem"
    for tree, what in _SENSITIVE_TREES.items():
        if normalized == tree or normalized.startswith(tree + "/"):
            return f"{tree}: {what}" if normalized == tree else f"under {tree}: {what}"
    socket = _SOCKETS.get(_run_alias(normalized))
    if socket is not None:
        return "the container runtime socket: full control of every container on the node"
    return None


def _mounted_read_only(doc: Document, volume: str) -> bool:
    """Every mount of the volume (any container, init and ephemeral included) is readOnly."""
    mounts = []
    for container in containers(doc, ContainerScope.ALL):
        declared = container.data.get("volumeMounts")
        for mount in declared if isinstance(declared, list) else ():
            if isinstance(mount, Mapping) and mount.get("name") == volume:
                mounts.append(mount)
    return bool(mounts) and all(mount.get("readOnly") is True for mount in mounts)


def _volume_reason(doc: Document, volume: str, path: str) -> str | None:
    """`sensitive_reason`, less the public files mounted read-only and the syslog socket,
    which are ordinary hostPath volumes (`hostpath-volume`)."""
    normalized = normalize_host_path(path)
    if normalized in _LOG_SOCKETS:
        return None
    if normalized in _PUBLIC_READ_ONLY and _mounted_read_only(doc, volume):
        return None
    return sensitive_reason(normalized)


def _host_path_volumes(doc: Document) -> Iterator[tuple[int, str, object]]:
    """(index, volume name, hostPath value) of every volume with a hostPath."""
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for index, volume in enumerate(pod_volumes(doc)):
        # exact type first: the loader's plain dicts skip the ABC isinstance check
        if not (type(volume) is dict or isinstance(volume, Mapping)) or volume.get("hostPath") is None:
            continue
        name = volume.get("name")
        yield index, name if isinstance(name, str) else f"#{index}", volume["hostPath"]


def _path_of(host_path: object) -> str | None:
    value = host_path.get("path") if isinstance(host_path, Mapping) else None
    return value if isinstance(value, str) else None


@rule("hostpath-volume")
def check_hostpath(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    assert spec_path is not None
    for index, name, host_path in _host_path_volumes(doc):
        path = _path_of(host_path)
        if path is not None and _volume_reason(doc, name, path) is not None:
            continue
        where = f"the node's path {quote(path)}" if path is not None else "a path of the node"
        yield Violation(f'volume "{name}" mounts {where}', (*spec_path, "volumes", index, "hostPath"))


@rule("sensitive-hostpath-mount")
def check_sensitive_hostpath(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    assert spec_path is not None
    for index, name, host_path in _host_path_volumes(doc):
        path = _path_of(host_path)
        reason = _volume_reason(doc, name, path) if path is not None else None
        if reason is not None:
            yield Violation(
                f'volume "{name}" mounts host path {quote(path)} ({reason})',
                (*spec_path, "volumes", index, "hostPath", "path"),
            )


# -- host-port-used -------------------------------------------------------------------


@rule("host-port-used")
def check_host_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        ports = container.get("ports")
        if not isinstance(ports, list):
            continue
        for number, port in enumerate(ports):
            if not isinstance(port, Mapping):
                continue
            host_port = port.get("hostPort")
            if isinstance(host_port, bool) or not isinstance(host_port, int) or host_port == 0:
                continue
            container_port = port.get("containerPort")
            target = f" (container port {container_port})" if isinstance(container_port, int) else ""
            yield Violation(
                f"{container.describe()} binds host port {host_port}{target}",
                (*container.path, "ports", number, "hostPort"),
            )
