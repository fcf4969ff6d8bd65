"""Opt-in pod hardening beyond the Baseline (rule-catalog §9.2): volume-type-not-restricted,
run-as-root-group, run-as-low-uid, privileged-port.

They follow the Restricted Pod Security Standard (volume types, non-root groups) or common
hardening advice (high user ids, unprivileged ports) that depends on how the cluster and the
image are built, so they are off by default.
"""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.podsecurity import (
    OTHER_VOLUME_SOURCES,
    normalize_sysctl,
    uses_user_namespace,
)
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    effective_security,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

_PSS_RESTRICTED = "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"
_SECURITY_CONTEXT = "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"


def _int_id(value: object) -> int | None:
    """A user or group id as the API reads it (an integer, not a boolean or a string)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- volume-type-not-restricted -----------------------------------------------------------

_VOLUME_FAIL = workload(
    name="reports",
    namespace="finance",
    containers=pod_container(image="reports:2.4", body="volumeMounts: [{name: archive, mountPath: /archive}]\n"),
    volumes="""\
- name: archive
  nfs: {server: nfs.internal, path: /exports/reports}
""",
)
_VOLUME_PASS = _VOLUME_FAIL.replace(
    "nfs: {server: nfs.internal, path: /exports/reports}", "persistentVolumeClaim: {claimName: reports-archive}"
)


@rule(
    id="volume-type-not-restricted",
    title="Volume source outside the Restricted list",
    document="cluster-hardening",
    severity=Severity.INFO,
    kind_groups=("workload",),
    rationale="""
An inline volume source other than the Restricted Pod Security Standard's list (`configMap`,
`csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected`, `secret`,
and `image`, which Pod Security admission admits since 1.33) has the kubelet mount storage
on the pod's behalf with whatever the pod spec says: an NFS server and export, an iSCSI target,
an in-tree cloud disk, a `gitRepo` cloned by the kubelet itself, a FlexVolume driver run as
root on the node. Whoever can create the pod chooses the storage, bypassing the StorageClass,
access modes and quotas a PersistentVolumeClaim goes through, and a namespace that enforces
Restricted rejects the pod. An entry without a source is defaulted to `emptyDir` and passes;
`hostPath` is left to `hostpath-volume` and `sensitive-hostpath-mount`.
""",
    remediation="Mount the storage through a PersistentVolumeClaim (a CSI driver) instead of an inline volume source.",
    examples=(_VOLUME_FAIL, _VOLUME_PASS),
    references=(_PSS_RESTRICTED, "https://kubernetes.io/docs/concepts/storage/volumes/"),
    default_enabled=False,
)
def check_volume_type(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for number, volume in enumerate(doc.sequence(*spec_path, "volumes")):
        if not isinstance(volume, Mapping):
            continue
        name = volume.get("name")
        label = f"volume {quote(name)}" if isinstance(name, str) and name else f"volume #{number}"
        for key, value in volume.items():
            if key == "hostPath" or key not in OTHER_VOLUME_SOURCES or value is None:
                continue
            yield Violation(
                f"{label} uses {key} ({OTHER_VOLUME_SOURCES[key]}), which the Restricted Pod Security Standard "
                "does not allow",
                (*spec_path, "volumes", number, key),
            )


# -- run-as-root-group --------------------------------------------------------------------

_GROUP_FAIL = workload(
    namespace="prod",
    pod="""\
securityContext:
  runAsUser: 10001
  runAsGroup: 0
  fsGroup: 0
""",
    containers=pod_container(image="web:3.1"),
)
_GROUP_PASS = _GROUP_FAIL.replace("runAsGroup: 0", "runAsGroup: 10001").replace("fsGroup: 0", "fsGroup: 10001")


def _root_group_sites(doc: Document, spec_path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """(path, what) for every group id 0 the pod spec sets."""
    pod_ctx = doc.mapping(*spec_path, "securityContext")
    here = (*spec_path, "securityContext")
    if _int_id(pod_ctx.get("runAsGroup")) == 0:
        yield (*here, "runAsGroup"), "the pod securityContext sets runAsGroup: 0"
    if _int_id(pod_ctx.get("fsGroup")) == 0:
        yield (*here, "fsGroup"), "the pod securityContext sets fsGroup: 0 (volumes are owned by the root group)"
    groups = pod_ctx.get("supplementalGroups")
    if isinstance(groups, list):
        for number, group in enumerate(groups):
            if _int_id(group) == 0:
                yield (*here, "supplementalGroups", number), "the pod securityContext adds supplemental group 0"
    for container in containers(doc, ContainerScope.ALL):
        if _int_id(container.get("securityContext", "runAsGroup")) == 0:
            yield (*container.path, "securityContext", "runAsGroup"), f"{container.describe()} sets runAsGroup: 0"


@rule(
    id="run-as-root-group",
    title="Pod runs with the root group",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
A process whose primary or supplementary group is 0 can read and write everything the root group
may: files of the image and of mounted host paths or volumes that are group-owned by root and
group-writable (common, since images are often built with `g=u` permissions), and after a
container escape the node's own root-group files. `runAsGroup: 0` (pod or container, init and
ephemeral included), `fsGroup: 0` (every volume becomes owned by the root group) and `0` in
`supplementalGroups` all grant it; the Restricted Pod Security Standard's non-root groups
control forbids them. Absent values are not reported (the image's group applies). Pods in
their own user namespace (`spec.hostUsers: false`) map group 0 to an unprivileged host group and
are skipped, as are Windows-targeted pods.
""",
    remediation="Use a non-zero `runAsGroup` and `fsGroup`, and no group 0 in `supplementalGroups`.",
    examples=(_GROUP_FAIL, _GROUP_PASS),
    references=(_PSS_RESTRICTED, _SECURITY_CONTEXT),
    default_enabled=False,
)
def check_root_group(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or windows_targeted(doc) or uses_user_namespace(pod_spec(doc)):
        return
    for path, text in _root_group_sites(doc, spec_path):
        yield Violation(text, path)


# -- run-as-low-uid -----------------------------------------------------------------------

_LOW_FAIL = workload(
    namespace="prod",
    pod="""\
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
""",
    containers=pod_container(image="web:3.1"),
)
_LOW_PASS = _LOW_FAIL.replace("runAsUser: 1000", "runAsUser: 10001\n        runAsGroup: 10001")


def _low_id_problems(doc: Document, container: ContainerRef, threshold: int) -> Iterator[tuple[FieldPath, str]]:
    """(path, field: value) of each id below the threshold; ("", path) when runAsUser is absent."""
    user, user_path = effective_security(doc, container, "runAsUser")
    uid = _int_id(user)
    if user_path is None:
        if not is_injected_container(doc, container):
            yield (*container.path, "securityContext", "runAsUser"), ""
    elif uid is not None and uid < threshold:
        yield user_path, f"runAsUser: {uid}"
    group, group_path = effective_security(doc, container, "runAsGroup")
    gid = _int_id(group)
    if group_path is not None and gid is not None and gid < threshold:
        yield group_path, f"runAsGroup: {gid}"


def _low_id_message(text: str, path: FieldPath, group: list[ContainerRef], threshold: int) -> str:
    first = group[0]
    if not text:
        return f"{first.describe()} sets no runAsUser, its own or the pod's (the image decides the user)"
    if path[: len(first.path)] == first.path:
        return f"{first.describe()} sets {text}, below {threshold}"
    names = ", ".join(c.describe() for c in group)
    return f"the pod securityContext sets {text}, below {threshold}, which applies to {names}"


@rule(
    id="run-as-low-uid",
    title="Container user or group id below the host range",
    document="cluster-hardening",
    severity=Severity.INFO,
    kind_groups=("workload",),
    rationale="""
Without user namespaces, a container's user and group ids are the node's. Low ids (below 10000
by default) are those of the node's own users and service accounts, so a process that escapes
the container, or reaches a host path, acts with the rights of that host user on its files; an
id above the range used on hosts owns nothing there. The effective `runAsUser` (container, else
pod) must be set and at least the threshold, and an effective `runAsGroup`, when set, as well.
A threshold of your own goes in the `minimumId` option. Pods in their own user namespace
(`spec.hostUsers: false`) map every id to an unprivileged host range and are skipped, as are
Windows-targeted pods and Istio's `image: auto` container without a `runAsUser` (the injector
sets it).
""",
    remediation="Run as a UID and GID of at least 10000 (`runAsUser`, `runAsGroup` in the pod's securityContext).",
    examples=(_LOW_FAIL, _LOW_PASS),
    references=(_SECURITY_CONTEXT, "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/"),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"minimumId": {"type": "integer", "minimum": 1, "default": 10000}},
    },
    default_enabled=False,
)
def check_low_uid(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc) or uses_user_namespace(pod_spec(doc)):
        return
    threshold = int(ctx.options.get("minimumId", 10000))
    grouped: dict[FieldPath, tuple[str, list[ContainerRef]]] = {}
    for container in containers(doc, ContainerScope.ALL):
        for path, text in _low_id_problems(doc, container, threshold):
            grouped.setdefault(path, (text, []))[1].append(container)
    for path, (text, group) in grouped.items():
        yield Violation(_low_id_message(text, path, group, threshold), path)


# -- privileged-port ----------------------------------------------------------------------

_PORT_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
ports:
  - containerPort: 80
""",
    ),
)
PRIVILEGED_PORT_LIMIT = 1024
UNPRIVILEGED_PORT_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def _unprivileged_port_start(doc: Document, spec_path: FieldPath) -> int:
    """The pod's `net.ipv4.ip_unprivileged_port_start` sysctl, else the kernel default 1024."""
    for item in doc.sequence(*spec_path, "securityContext", "sysctls"):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            continue
        if normalize_sysctl(str(item["name"]).strip()) != UNPRIVILEGED_PORT_SYSCTL:
            continue
        value = item.get("value")
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if text.isdigit():
            return int(text)
    return PRIVILEGED_PORT_LIMIT


@rule(
    id="privileged-port",
    title="Container listens on a privileged port",
    document="cluster-hardening",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="security",
    rationale="""
Binding a port below 1024 needs root or the `NET_BIND_SERVICE` capability, so an image that
listens on 80 or 443 is usually run as root, or has the capability added back after
`drop: ["ALL"]`; either widens what a compromised process may do. A Service maps any port to any
target port, so the container can listen on 8080 while clients keep port 80. Every declared
`containerPort` below 1024 of a container, init or sidecar container is reported, unless the
pod lowers `net.ipv4.ip_unprivileged_port_start` to the port or below (then any user may bind
it). Ports a container listens on without declaring them cannot be seen. Windows-targeted pods
are skipped: Windows has no privileged ports.
""",
    remediation="Listen on a port of 1024 or above and keep the well-known port on the Service (`port: 80`, "
    "`targetPort: 8080`).",
    examples=(_PORT_FAIL, _PORT_FAIL.replace("containerPort: 80", "containerPort: 8080")),
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service", _PSS_RESTRICTED),
    default_enabled=False,
)
def check_privileged_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or windows_targeted(doc):
        return
    start = min(_unprivileged_port_start(doc, spec_path), PRIVILEGED_PORT_LIMIT)
    for container in containers(doc, ContainerScope.C_I):
        ports = container.data.get("ports")
        if not isinstance(ports, list):
            continue
        for number, port in enumerate(ports):
            value = _int_id(port.get("containerPort")) if isinstance(port, Mapping) else None
            if value is None or not 0 < value < start:
                continue
            yield Violation(
                f"{container.describe()} declares containerPort {value}, below {start}: binding it needs root or "
                "NET_BIND_SERVICE",
                (*container.path, "ports", number, "containerPort"),
            )
