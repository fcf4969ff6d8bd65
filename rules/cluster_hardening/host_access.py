"""Host access from pods (rule-catalog §9.2): host-namespace-shared, hostpath-volume,
sensitive-hostpath-mount, host-port-used."""

import posixpath
import re
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

_PSS_BASELINE = "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"

# -- host-namespace-shared ------------------------------------------------------------

_HOST_NAMESPACES = {
    "hostNetwork": "the node's network namespace (every host interface, the kubelet and node-local services on "
    "localhost, no NetworkPolicy)",
    "hostPID": "the node's process namespace (it sees and can signal or ptrace every process on the node)",
    "hostIPC": "the node's IPC namespace (shared memory and semaphores of every process on the node)",
}

_NS_FAIL = workload(namespace="prod", pod="hostNetwork: true\n", containers=pod_container(image="nginx:1.27"))


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


@rule(
    id="host-namespace-shared",
    title="Pod shares a host namespace",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    security_severity="8.0",
    rationale="""
`hostNetwork`, `hostPID` and `hostIPC` remove the isolation between the pod and the node. With
the host network the pod binds node ports, reaches services listening on the node's localhost
and is not subject to NetworkPolicy; with the host PID namespace it sees every process on the
node, their environment and command lines, and can signal or trace them; with the host IPC
namespace it reads other processes' shared memory. The Baseline Pod Security Standard forbids
all three. Windows HostProcess pods (which must use the host network) are reported by
`windows-hostprocess-container` instead.
""",
    remediation="Remove `hostNetwork`, `hostPID` and `hostIPC`; expose the workload through a Service.",
    examples=(_NS_FAIL, _NS_FAIL.replace("hostNetwork: true", "hostNetwork: false")),
    references=(_PSS_BASELINE, "CIS Kubernetes Benchmark 5.2.3, 5.2.4, 5.2.5"),
)
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
    for index, volume in enumerate(doc.sequence(*spec_path, "volumes")):
        # exact type first: the loader's plain dicts skip the ABC isinstance check
        if not (type(volume) is dict or isinstance(volume, Mapping)) or volume.get("hostPath") is None:
            continue
        name = volume.get("name")
        yield index, name if isinstance(name, str) else f"#{index}", volume["hostPath"]


def _path_of(host_path: object) -> str | None:
    value = host_path.get("path") if isinstance(host_path, Mapping) else None
    return value if isinstance(value, str) else None


_HOSTPATH_FAIL = workload(
    kind="DaemonSet",
    name="log-agent",
    namespace="logging",
    containers=pod_container(
        name="agent", image="log-agent:3.0", body="volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]\n"
    ),
    volumes="""\
- name: logs
  hostPath: {path: /var/log/pods, type: Directory}
""",
)


@rule(
    id="hostpath-volume",
    title="Pod mounts a hostPath volume",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
A hostPath volume exposes part of the node's filesystem to the pod. Data written there outlives
the pod and is visible to whatever runs next on the node; a writable mount lets the pod plant
files the node or other pods later trust; symlinks and `..` tricks have repeatedly turned a
narrow hostPath into access to the whole node. The pod is also tied to one node's disk. The
Baseline Pod Security Standard forbids hostPath volumes. Paths that are sensitive in
themselves (`/`, `/etc`, the kubelet's directory, runtime sockets, ...) are reported by
`sensitive-hostpath-mount` instead.
""",
    remediation="Use a PersistentVolumeClaim, an emptyDir or a CSI driver instead of the node's filesystem.",
    examples=(
        _HOSTPATH_FAIL,
        _HOSTPATH_FAIL.replace("hostPath: {path: /var/log/pods, type: Directory}", "emptyDir: {}"),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        _PSS_BASELINE,
        "CIS Kubernetes Benchmark 5.2.12",
    ),
)
def check_hostpath(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    assert spec_path is not None
    for index, name, host_path in _host_path_volumes(doc):
        path = _path_of(host_path)
        if path is not None and _volume_reason(doc, name, path) is not None:
            continue
        where = f"the node's path {quote(path)}" if path is not None else "a path of the node"
        yield Violation(f'volume "{name}" mounts {where}', (*spec_path, "volumes", index, "hostPath"))


_SENSITIVE_FAIL = workload(
    name="ci-builder",
    namespace="ci",
    containers=pod_container(
        name="builder", image="builder:5.1", body="volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]\n"
    ),
    volumes="""\
- name: docker
  hostPath: {path: /var/run/docker.sock, type: Socket}
""",
)


@rule(
    id="sensitive-hostpath-mount",
    title="Pod mounts a sensitive host path",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    security_severity="9.0",
    rationale="""
Some host paths are the node itself. The container runtime socket gives full control of every
container on the node (start a privileged one, exec into any other); `/var/lib/kubelet` holds
every pod's mounted Secrets and ServiceAccount tokens; `/var/lib/etcd` is the whole cluster
state; `/etc`, `/root`, `/boot`, `/proc`, `/sys` and `/dev` let a pod rewrite node
configuration, credentials and kernel settings; `/` is all of it. Mounting them read-only does
not help much: reading tokens and keys is the attack. Two exceptions are ordinary hostPath
volumes (`hostpath-volume`): public files mounted read-only in every container (the node's CA
certificates under `/etc/ssl/certs` or `/etc/pki`, `/etc/localtime`, `/etc/timezone`,
`/etc/os-release`; writable, a pod could plant a CA the node trusts) and the syslog socket
`/dev/log`. Paths are normalised (repeated and
trailing `/` removed, `.` and `..` resolved) and `/var/run` is treated as the `/run` it links to.
""",
    remediation="Remove the mount; give node agents a narrow, read-only path or an API instead.",
    examples=(
        _SENSITIVE_FAIL,
        _SENSITIVE_FAIL.replace("/var/run/docker.sock, type: Socket", "/var/log/builder, type: DirectoryOrCreate"),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        _PSS_BASELINE,
        "CIS Kubernetes Benchmark 5.2.12",
    ),
)
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

_PORT_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
ports:
  - {containerPort: 8080, hostPort: 80}
""",
    ),
)


@rule(
    id="host-port-used",
    title="Container binds a port on the node",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
A `hostPort` opens the port on the node's own addresses, outside Services and usually outside
NetworkPolicy enforcement, so the workload becomes reachable from wherever the node is. It also
limits scheduling to one such pod per node and port, which stalls rolling updates and scale-out.
The Baseline Pod Security Standard forbids host ports. Init and sidecar containers are checked.
""",
    remediation=(
        "Remove `hostPort` and expose the workload through a Service (NodePort or LoadBalancer if it must be external)."
    ),
    examples=(_PORT_FAIL, _PORT_FAIL.replace(", hostPort: 80", "")),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/overview/#services",
        _PSS_BASELINE,
        "CIS Kubernetes Benchmark 5.2.13",
    ),
)
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
