"""Baseline Pod Security Standard controls (rule-catalog §9.2): proc-mount-unmasked,
unsafe-sysctl, selinux-options-custom, apparmor-unconfined.

Each control is judged as Pod Security admission judges it (the allowed values of
kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, per release where the
page says "since"): the pod's securityContext and every container's (ALL) on their own.
Windows-targeted pods are skipped: these fields do not exist on Windows, and
`windows-linux-only-field` reports them there.
"""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.apiversions import format_release, target_release
from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.podsecurity import (
    APPARMOR_ALLOWED_TYPES,
    APPARMOR_ANNOTATION_PREFIX,
    PROC_MOUNT_DEFAULT,
    SELINUX_TYPES,
    Release,
    any_sysctl_pattern,
    apparmor_annotation_allowed,
    normalize_sysctl,
    safe_sysctl_since,
    selinux_type_allowed,
    sysctl_namespace,
    uses_user_namespace,
)
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

_PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
_PSS_BASELINE = _PSS + "#baseline"


def _target(ctx: RuleContext) -> Release:
    return target_release(ctx.settings.get("targetVersion"))


_POD = "the pod securityContext"


def _security_contexts(doc: Document) -> Iterator[tuple[str, FieldPath, Mapping[str, object]]]:
    """(who, path, securityContext) for the pod and each container (ALL) that has one."""
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    pod_ctx = pod_spec(doc).get("securityContext")
    if isinstance(pod_ctx, Mapping):
        yield _POD, (*spec_path, "securityContext"), pod_ctx
    for container in containers(doc, ContainerScope.ALL):
        own = container.data.get("securityContext")
        if isinstance(own, Mapping):
            yield container.describe(), (*container.path, "securityContext"), own


# -- proc-mount-unmasked ------------------------------------------------------------------

_PROC_FAIL = workload(
    name="builder",
    namespace="ci",
    containers=pod_container(
        name="buildkit",
        image="moby/buildkit:v0.15.0",
        body="""\
securityContext:
  procMount: Unmasked
""",
    ),
)


@rule(
    id="proc-mount-unmasked",
    title="Container unmasks /proc",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    rationale="""
The container runtime masks and mounts read-only the parts of `/proc` and `/sys` that reveal
or change the node (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`, `/sys/firmware`, ...).
`procMount: Unmasked` turns that off: a process in the container reads kernel memory layout and
other tenants' data, or writes kernel settings for the whole node. The Baseline Pod Security
Standard allows only `Default`. Since 1.30 the API server rejects `Unmasked` unless the pod runs
in its own user namespace (`spec.hostUsers: false`), where the kernel's id checks protect the
node and Pod Security admission allows it; such pods are skipped. The field exists on containers
only (init and ephemeral containers included). Windows-targeted pods are reported by
`windows-linux-only-field` instead.
""",
    remediation="Remove `procMount` (or set it to `Default`); a nested container engine needs `hostUsers: false`.",
    examples=(_PROC_FAIL, _PROC_FAIL.replace("procMount: Unmasked", "procMount: Default")),
    references=(_PSS_BASELINE, "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"),
)
def check_proc_mount(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc) or uses_user_namespace(pod_spec(doc)):
        return
    for container in containers(doc, ContainerScope.ALL):
        value = container.get("securityContext", "procMount")
        if value is None or value == PROC_MOUNT_DEFAULT:
            continue
        path = (*container.path, "securityContext", "procMount")
        if value == "Unmasked":
            text = "sets procMount: Unmasked without spec.hostUsers: false; /proc is not masked"
        else:
            text = f"sets procMount: {quote(value)}; only Default is allowed"
        yield Violation(f"{container.describe()} {text}", path)


# -- unsafe-sysctl ------------------------------------------------------------------------

_SYSCTL_FAIL = workload(
    name="proxy",
    namespace="edge",
    pod="""\
securityContext:
  sysctls:
    - {name: net.core.somaxconn, value: "4096"}
""",
    containers=pod_container(name="haproxy", image="haproxy:3.0"),
)


def _sysctl_problem(name: str, spec: Mapping[str, object], target: Release, allowed: list[str]) -> str | None:
    """Why the kubelet refuses the (normalised) sysctl for this pod, or None."""
    namespace = sysctl_namespace(name)
    if namespace is None:
        return "is not namespaced: it would change the whole node, and no kubelet can allow it for a pod"
    if namespace == "net" and spec.get("hostNetwork") is True:
        return "is set on a hostNetwork pod; the kubelet refuses network sysctls there (SysctlForbidden)"
    if namespace == "ipc" and spec.get("hostIPC") is True:
        return "is set on a hostIPC pod; the kubelet refuses IPC sysctls there (SysctlForbidden)"
    since = safe_sysctl_since(name)
    if (since is not None and target >= since) or any_sysctl_pattern(allowed, name):
        return None
    if since is not None:
        return f"is safe only from Kubernetes {format_release(since)} (target {format_release(target)})"
    return "is outside the Baseline safe set; the kubelet refuses the pod (SysctlForbidden) unless the node allows it"


@rule(
    id="unsafe-sysctl",
    title="Pod sets a sysctl outside the safe set",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    rationale="""
A sysctl set in the pod's securityContext changes a kernel parameter for the pod. Only the
safe set (namespaced and isolated from other pods: `kernel.shm_rmid_forced`, the
`net.ipv4.ip_local_port_range`, `ip_unprivileged_port_start`, `tcp_syncookies`,
`ping_group_range`, and from 1.27, 1.29 and 1.32 a few more TCP settings) is allowed by the
kubelet and by the Baseline Pod Security Standard. Any other sysctl makes the kubelet reject the
pod with `SysctlForbidden` on every node that does not list it in `--allowed-unsafe-sysctls`, so
the ReplicaSet keeps creating pods that fail; a sysctl that is not namespaced (`vm.*`,
`kernel.panic`, ...) cannot be allowed at all. A network sysctl on a `hostNetwork` pod (an IPC
one on a `hostIPC` pod) is refused too, safe or not, since it would change the node's own
namespace. Slash names (`net/ipv4/...`) are read as the kubelet reads them, and the later safe
entries count only when `targetVersion` reaches their release. For node pools that do allow
unsafe sysctls, list them in the `allowedSysctls` option (exact names or prefixes ending in
`*`). Windows-targeted pods are reported by `windows-linux-only-field` instead.
""",
    remediation="Remove the sysctl, or run the pod on a node pool that allows it and list it in `allowedSysctls`.",
    examples=(
        _SYSCTL_FAIL,
        _SYSCTL_FAIL.replace('net.core.somaxconn, value: "4096"', 'net.ipv4.ip_local_port_range, value: "1024 65535"'),
    ),
    references=(_PSS_BASELINE, "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowedSysctls": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": [],
                "description": "Sysctls the nodes allow with --allowed-unsafe-sysctls (a trailing * matches a prefix).",
            }
        },
    },
)
def check_unsafe_sysctl(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or windows_targeted(doc):
        return
    sysctls = doc.sequence(*spec_path, "securityContext", "sysctls")
    if not sysctls:
        return
    spec = pod_spec(doc)
    allowed = [str(item) for item in ctx.options.get("allowedSysctls", ())]
    target = _target(ctx)
    for number, item in enumerate(sysctls):
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            continue
        normalized = normalize_sysctl(name.strip())
        problem = _sysctl_problem(normalized, spec, target, allowed)
        if problem is None:
            continue
        spelled = "" if normalized == name else f" (written {quote(name)})"
        path = (*spec_path, "securityContext", "sysctls", number, "name")
        yield Violation(f"sysctl {normalized}{spelled} {problem}", path)


# -- selinux-options-custom ---------------------------------------------------------------

_SELINUX_FAIL = workload(
    namespace="prod",
    pod="""\
securityContext:
  seLinuxOptions:
    type: spc_t
""",
    containers=pod_container(image="nginx:1.27"),
)
_SELINUX_PASS = _SELINUX_FAIL.replace("type: spc_t", 'level: "s0:c123,c456"')


def _selinux_type_text(who: str, kind: str, target: Release) -> str:
    since = SELINUX_TYPES.get(kind)
    if since is not None:
        when = f"only from Kubernetes {format_release(since)} (target {format_release(target)})"
        return f"{who} sets seLinuxOptions.type: {quote(kind)}, which Baseline allows {when}"
    return f"{who} sets seLinuxOptions.type: {quote(kind)}, not a container type Baseline allows"


@rule(
    id="selinux-options-custom",
    title="Custom SELinux user, role or type",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
On SELinux nodes every container runs as `container_t`, the type whose policy confines it to its
own files. Setting `seLinuxOptions.type` to another type (`spc_t`, `unconfined_t`, a host
daemon's type) runs the process outside that confinement, with access to host files and devices
that the policy otherwise denies; a custom `user` or `role` does the same through the policy's
identity rules. The Baseline Pod Security Standard allows only the container types
`container_t`, `container_init_t`, `container_kvm_t` and, from 1.31, `container_engine_t`, and
no user or role; the MCS `level` stays free (it separates pods from each other). The pod's
securityContext and every container's (init and ephemeral included) are judged on their own, as
Pod Security admission does. Windows-targeted pods are skipped.
""",
    remediation="Remove the custom SELinux `user`, `role` and `type`; keep only `level` for MCS labels.",
    examples=(_SELINUX_FAIL, _SELINUX_PASS),
    references=(_PSS_BASELINE, "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"),
)
def check_selinux(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    for who, path, security in _security_contexts(doc):
        options = security.get("seLinuxOptions")
        if not isinstance(options, Mapping):
            continue
        kind = options.get("type")
        if isinstance(kind, str) and not selinux_type_allowed(kind, target := _target(ctx)):
            yield Violation(_selinux_type_text(who, kind, target), (*path, "seLinuxOptions", "type"))
        for field in ("user", "role"):
            value = options.get(field)
            if isinstance(value, str) and value:
                yield Violation(
                    f"{who} sets seLinuxOptions.{field}: {quote(value)}; Baseline allows no custom {field}",
                    (*path, "seLinuxOptions", field),
                )


# -- apparmor-unconfined ------------------------------------------------------------------

_APPARMOR_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
securityContext:
  appArmorProfile: {type: Unconfined}
""",
    ),
)


def _template_annotations_path(doc: Document) -> FieldPath | None:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return None
    if doc.kind == "Pod":
        return ("metadata", "annotations")
    return (*spec_path[:-1], "metadata", "annotations")


def _apparmor_fields(doc: Document) -> Iterator[Violation]:
    for who, path, security in _security_contexts(doc):
        profile = security.get("appArmorProfile")
        if not isinstance(profile, Mapping):
            continue
        kind = profile.get("type")
        if not isinstance(kind, str) or kind in APPARMOR_ALLOWED_TYPES:
            continue
        if kind == "Unconfined":
            text = "no AppArmor profile confines " + ("the containers that inherit it" if who == _POD else "it")
        else:
            text = "Baseline allows only RuntimeDefault or Localhost"
        yield Violation(f"{who} sets appArmorProfile.type: {quote(kind)}; {text}", (*path, "appArmorProfile", "type"))


def _apparmor_annotations(doc: Document) -> Iterator[Violation]:
    path = _template_annotations_path(doc)
    if path is None:
        return
    for key, value in doc.mapping(*path).items():
        if not isinstance(key, str) or not key.startswith(APPARMOR_ANNOTATION_PREFIX) or not isinstance(value, str):
            continue
        if apparmor_annotation_allowed(value):
            continue
        name = key[len(APPARMOR_ANNOTATION_PREFIX) :]
        if value == "unconfined":
            text = f'container "{name}" runs without AppArmor (annotation {key}: unconfined)'
        else:
            text = f"annotation {key} is {quote(value)}; Baseline allows only runtime/default or localhost/<profile>"
        yield Violation(text, (*path, key))


@rule(
    id="apparmor-unconfined",
    title="AppArmor profile unconfined",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
On AppArmor nodes (Ubuntu, Debian, SUSE) the container runtime confines every container with
its default profile, which denies writes to `/proc` and `/sys`, mounts and raw kernel
interfaces. `appArmorProfile.type: Unconfined` (at pod level or on a container, init and
ephemeral included) or the older annotation
`container.apparmor.security.beta.kubernetes.io/<container>: unconfined` on the pod template
removes that layer, so a compromised process meets one defence fewer on its way to the node.
The Baseline Pod Security Standard allows only `RuntimeDefault` and `Localhost` profiles
(`runtime/default` and `localhost/<profile>` in the annotation). Absent settings pass: the
runtime default applies. Annotations on the controller's own metadata do not reach its pods and
are not read. Windows-targeted pods are skipped.
""",
    remediation="Use `appArmorProfile: {type: RuntimeDefault}` or a `Localhost` profile, and drop `unconfined`.",
    examples=(_APPARMOR_FAIL, _APPARMOR_FAIL.replace("type: Unconfined", "type: RuntimeDefault")),
    references=(_PSS_BASELINE, "https://kubernetes.io/docs/tutorials/security/apparmor/"),
)
def check_apparmor(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    yield from _apparmor_fields(doc)
    yield from _apparmor_annotations(doc)
