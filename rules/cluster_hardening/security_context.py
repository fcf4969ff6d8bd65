"""Container security contexts (rule-catalog §9.2): privilege-escalation-allowed,
run-as-root-allowed, capabilities-not-dropped, dangerous-capability-added,
seccomp-not-runtime-default, readonly-root-filesystem-missing.

Effective values follow §0.2 (`effective_security`): `runAsUser`, `runAsNonRoot` and
`seccompProfile` fall back to the pod's securityContext; `allowPrivilegeEscalation`,
`capabilities` and `readOnlyRootFilesystem` exist on containers only. When the value at
fault is set at pod level, the containers that inherit it share one finding on that line.
"""

from collections.abc import Callable, Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.images import is_injected_container
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
    quote,
    rule,
)

# (path of the problem, what is wrong, phrased after the container's or the pod's name)
_Problem = tuple[FieldPath, str]
_Judge = Callable[[Document, ContainerRef], "_Problem | None"]

_PSS_RESTRICTED = "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"
_PSS_BASELINE = "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"


def _own_path(container: ContainerRef, *rest: str) -> FieldPath:
    return (*container.path, "securityContext", *rest)


def _context_note(container: ContainerRef) -> str:
    ctx = container.data.get("securityContext")
    if ctx is not None and type(ctx) is not dict and not isinstance(ctx, Mapping):
        return f"; its securityContext is {quote(ctx)}, not a mapping"
    return ""


def _absent(container: ContainerRef, text: str, detail: str = "") -> str:
    """`text (detail; note)`, parentheses only when there is something to say."""
    inside = detail + _context_note(container)
    inside = inside[2:] if inside.startswith("; ") else inside
    return f"{text} ({inside})" if inside else text


def _violations(
    doc: Document, scope: ContainerScope, judge: _Judge, *, skip_windows: bool = True
) -> Iterator[Violation]:
    """Judge every container; containers whose problem is the same pod-level field share a finding."""
    if skip_windows and windows_targeted(doc):
        return
    grouped: dict[FieldPath, list[ContainerRef]] = {}
    texts: dict[FieldPath, str] = {}
    for container in containers(doc, scope):
        problem = judge(doc, container)
        if problem is None:
            continue
        path, text = problem
        grouped.setdefault(path, []).append(container)
        texts[path] = text
    for path, group in grouped.items():
        if path[: len(group[0].path)] == group[0].path:
            yield Violation(f"{group[0].describe()} {texts[path]}", path)
        else:
            names = ", ".join(c.describe() for c in group)
            yield Violation(f"the pod securityContext {texts[path]}, which applies to {names}", path)


# -- privilege-escalation-allowed -----------------------------------------------------

_APE_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
securityContext:
  allowPrivilegeEscalation: true
""",
    ),
)


def _judge_escalation(doc: Document, container: ContainerRef) -> _Problem | None:
    value, path = effective_security(doc, container, "allowPrivilegeEscalation")
    if value is False:
        return None
    if path is None:
        if is_injected_container(doc, container):
            return None
        return (
            _own_path(container, "allowPrivilegeEscalation"),
            _absent(container, "does not set allowPrivilegeEscalation: false", "it defaults to true"),
        )
    suffix = " (a string, not the boolean false)" if isinstance(value, str) else ""
    return path, f"sets allowPrivilegeEscalation: {quote(value)}{suffix}"


@rule(
    id="privilege-escalation-allowed",
    title="Container allows privilege escalation",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
Unless `allowPrivilegeEscalation` is `false`, the kernel's `no_new_privs` flag is not set and a
process in the container can gain privileges through setuid/setgid binaries or file
capabilities, turning a foothold as an unprivileged user into root inside the container, one
step from the node. The field defaults to true, so it must be set explicitly on every container,
init and ephemeral containers included; it has no pod-level form. The Restricted Pod Security
Standard requires it. Windows-targeted pods are skipped (the field does not exist on Windows),
and so is Istio's `image: auto` container when it leaves the field unset: the injector's
template sets it to false (a value written in the manifest wins over the template and is judged).
""",
    remediation="Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    examples=(_APE_FAIL, _APE_FAIL.replace("allowPrivilegeEscalation: true", "allowPrivilegeEscalation: false")),
    references=(_PSS_RESTRICTED, "CIS Kubernetes Benchmark 5.2.6"),
)
def check_privilege_escalation(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_escalation)


# -- run-as-root-allowed --------------------------------------------------------------

_ROOT_FAIL = workload(
    namespace="prod",
    pod="""\
securityContext:
  runAsUser: 0
""",
    containers=pod_container(image="nginx:1.27"),
)

_ROOT_PASS = _ROOT_FAIL.replace("runAsUser: 0", "runAsUser: 10001\n        runAsNonRoot: true")


def _judge_root(doc: Document, container: ContainerRef) -> _Problem | None:
    user, user_path = effective_security(doc, container, "runAsUser")
    uid = user if isinstance(user, int) and not isinstance(user, bool) and user >= 0 else None
    if uid == 0 and user_path is not None:
        return user_path, "sets runAsUser: 0 (root)"
    if uid is not None:
        return None  # the kubelet starts the process as this UID whatever the image says
    value, path = effective_security(doc, container, "runAsNonRoot")
    if value is True:
        return None
    if path is None:
        if is_injected_container(doc, container):
            return None
        if user_path is None:
            text = "sets neither runAsNonRoot: true nor a runAsUser"
            detail = "the image decides the user, which is root unless the image says otherwise"
        else:
            text = "does not set runAsNonRoot: true"
            detail = f"runAsUser is {quote(user)}, not a UID, so the image decides the user"
        return _own_path(container, "runAsNonRoot"), _absent(container, text, detail)
    return path, f"sets runAsNonRoot: {quote(value)}"


@rule(
    id="run-as-root-allowed",
    title="Container may run as root",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
A process running as UID 0 in a container is root on the node's kernel: every container
escape, writable host mount or kernel bug it reaches is exploited with full privileges. Only
`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, whatever
the image says; `runAsUser: 0` asks for root outright. Both fields fall back from the container
to the pod's securityContext. A non-zero `runAsUser` is not reported, with or without
`runAsNonRoot`: the kubelet starts the process as that UID, so it does not run as root (a
namespace that enforces the Restricted Pod Security Standard still requires
`runAsNonRoot: true`; `namespace-pod-security-not-enforced` is about that). Windows-targeted
pods are skipped (they use `runAsUserName`), and so is Istio's `image: auto` container when
it sets neither field: the injector's template sets `runAsNonRoot: true` and UID 1337.
""",
    remediation="Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod's securityContext.",
    examples=(_ROOT_FAIL, _ROOT_PASS),
    references=(_PSS_RESTRICTED, "CIS Kubernetes Benchmark 5.2.7"),
)
def check_run_as_root(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_root)


# -- capabilities-not-dropped ---------------------------------------------------------


def capability_name(value: str) -> str:
    """Catalog §0.2: compared after stripping `CAP_` and upper-casing."""
    upper = value.strip().upper()
    return upper[4:] if upper.startswith("CAP_") else upper


_DROP_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
securityContext:
  capabilities:
    drop: ["NET_RAW"]
""",
    ),
)


def _judge_drop(doc: Document, container: ContainerRef) -> _Problem | None:
    path = _own_path(container, "capabilities", "drop")
    ctx = container.data.get("securityContext")
    caps = ctx.get("capabilities") if isinstance(ctx, Mapping) else None
    drop = caps.get("drop") if isinstance(caps, Mapping) else None
    if drop is None:
        if caps is None and is_injected_container(doc, container):
            return None
        if caps is not None and not isinstance(caps, Mapping):
            return (
                _own_path(container, "capabilities"),
                f"does not drop ALL capabilities (capabilities is {quote(caps)}, not a mapping)",
            )
        return path, _absent(container, "does not drop ALL capabilities", "no capabilities.drop")
    if not isinstance(drop, list):
        return path, f"does not drop ALL capabilities (capabilities.drop is {quote(drop)}, not a list)"
    names = [capability_name(item) for item in drop if isinstance(item, str)]
    if "ALL" in names:
        return None
    if not names:
        return path, "does not drop ALL capabilities (capabilities.drop is empty)"
    return path, f"drops {', '.join(names)} but not ALL capabilities"


@rule(
    id="capabilities-not-dropped",
    title="Container does not drop all Linux capabilities",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
Container runtimes grant a default set of Linux capabilities (on containerd and CRI-O among them
`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_BIND_SERVICE`, `KILL`, and on some
runtimes `NET_RAW`, which allows ARP and DNS spoofing inside the pod network). A compromised
process keeps all of them unless the container drops them: listing `ALL` in
`securityContext.capabilities.drop` removes the whole set, and the few capabilities the
application really needs are added back explicitly. The Restricted Pod Security Standard
requires `drop: ["ALL"]`; names are compared after stripping `CAP_` and upper-casing.
Windows-targeted pods are skipped, and so is Istio's `image: auto` container without
`capabilities`: the injector's template drops ALL.
""",
    remediation='Add `securityContext.capabilities.drop: ["ALL"]` and add back only what the process needs.',
    examples=(_DROP_FAIL, _DROP_FAIL.replace('drop: ["NET_RAW"]', 'drop: ["ALL"]')),
    references=(_PSS_RESTRICTED, "CIS Kubernetes Benchmark 5.2.9"),
)
def check_capabilities_dropped(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_drop)


# -- dangerous-capability-added -------------------------------------------------------

BASELINE_CAPABILITIES = frozenset(
    (
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    )
)

_ADD_FAIL = workload(
    kind="DaemonSet",
    name="net-agent",
    namespace="kube-system",
    containers=pod_container(
        name="agent",
        image="net-agent:2.1",
        body="""\
securityContext:
  capabilities:
    add: ["NET_ADMIN"]
""",
    ),
)


@rule(
    id="dangerous-capability-added",
    title="Container adds a capability outside the Baseline set",
    document="cluster-hardening",
    severity=Severity.ERROR,
    kind_groups=("workload",),
    security_severity="8.0",
    rationale="""
Capabilities beyond the Baseline Pod Security Standard's list are each a route out of the
container: `SYS_ADMIN` mounts file systems and is close to root on the node, `SYS_PTRACE` reads
other processes' memory, `SYS_MODULE` loads kernel modules, `NET_ADMIN` and `NET_RAW`
reconfigure and spoof the node's networking, `BPF` attaches programs to the kernel, and `ALL`
grants every one of them. Names are compared after stripping `CAP_` and upper-casing; a single
name written as a string instead of a list is still reported, because it shows what the author
asked for.
""",
    remediation="Remove the capability; if a node agent really needs it, isolate it in a dedicated namespace.",
    examples=(_ADD_FAIL, _ADD_FAIL.replace('add: ["NET_ADMIN"]', 'add: ["NET_BIND_SERVICE"]')),
    references=(_PSS_BASELINE, "CIS Kubernetes Benchmark 5.2.9"),
)
def check_dangerous_capability(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        add = container.get("securityContext", "capabilities", "add")
        path = _own_path(container, "capabilities", "add")
        entries: list[tuple[object, FieldPath, str]]
        if isinstance(add, str):
            entries = [(add, path, " (written as a string, not a list)")]
        elif isinstance(add, list):
            entries = [(item, (*path, number), "") for number, item in enumerate(add)]
        else:
            continue
        for value, item_path, note in entries:
            if not isinstance(value, str):
                continue
            name = capability_name(value)
            spelled = "" if name == value else f" (written {quote(value)})"
            if name == "ALL":
                yield Violation(f"{container.describe()} adds ALL capabilities{spelled}{note}", item_path)
            elif name not in BASELINE_CAPABILITIES:
                yield Violation(
                    f"{container.describe()} adds capability {name}{spelled}, which is outside the Baseline set{note}",
                    item_path,
                )


# -- seccomp-not-runtime-default ------------------------------------------------------

_SECCOMP_OK = frozenset(("RuntimeDefault", "Localhost"))

_SECCOMP_FAIL = workload(
    namespace="prod",
    pod="""\
securityContext:
  seccompProfile: {type: Unconfined}
""",
    containers=pod_container(image="nginx:1.27"),
)


def _judge_seccomp(doc: Document, container: ContainerRef) -> _Problem | None:
    profile, path = effective_security(doc, container, "seccompProfile")
    if path is None:
        return (
            _own_path(container, "seccompProfile"),
            _absent(
                container,
                "has no seccompProfile, its own or the pod's",
                "it runs Unconfined unless the kubelet enables seccompDefault",
            ),
        )
    if not isinstance(profile, Mapping):
        return path, f"sets seccompProfile to {quote(profile)}, not a mapping with a type"
    kind = profile.get("type")
    if kind in _SECCOMP_OK:
        return None
    if kind is None:
        return path, "sets a seccompProfile without a type"
    return (*path, "type"), f"sets seccompProfile.type: {quote(kind)}"


@rule(
    id="seccomp-not-runtime-default",
    title="Container does not use the RuntimeDefault or a Localhost seccomp profile",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kind_groups=("workload",),
    rationale="""
Without a seccomp profile a container may call every system call the kernel offers, including
the rarely needed ones (`unshare`, `keyctl`, `bpf`, `userfaultfd`, ...) behind most container
escape exploits. Kubernetes runs containers Unconfined by default unless the kubelet's
`seccompDefault` is on, so the profile must be requested: `RuntimeDefault` (the container
runtime's profile) or a `Localhost` profile. The field falls back from the container to the
pod; the deprecated seccomp annotations are not considered. The Restricted Pod Security
Standard requires it. Windows-targeted pods are skipped. Istio's `image: auto` container is
checked like any other: the injector's template sets no seccomp profile unless the mesh is
configured to, so the pod-level profile is still the manifest's to set.
""",
    remediation="Set `securityContext.seccompProfile: {type: RuntimeDefault}` at pod level.",
    examples=(_SECCOMP_FAIL, _SECCOMP_FAIL.replace("type: Unconfined", "type: RuntimeDefault")),
    references=(
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
        _PSS_RESTRICTED,
        "CIS Kubernetes Benchmark 5.7.2",
    ),
)
def check_seccomp(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_seccomp)


# -- readonly-root-filesystem-missing -------------------------------------------------

_RORFS_FAIL = workload(
    namespace="prod",
    containers=pod_container(
        image="nginx:1.27",
        body="""\
securityContext:
  readOnlyRootFilesystem: false
""",
    ),
)


def _judge_readonly(doc: Document, container: ContainerRef) -> _Problem | None:
    value, path = effective_security(doc, container, "readOnlyRootFilesystem")
    if value is True:
        return None
    if path is None:
        if is_injected_container(doc, container):
            return None
        return (
            _own_path(container, "readOnlyRootFilesystem"),
            _absent(container, "does not set readOnlyRootFilesystem: true"),
        )
    return path, f"sets readOnlyRootFilesystem: {quote(value)}"


@rule(
    id="readonly-root-filesystem-missing",
    title="Container root filesystem is writable",
    document="cluster-hardening",
    severity=Severity.INFO,
    kind_groups=("workload",),
    rationale="""
A writable root filesystem lets an intruder drop tools, replace binaries or plant a web shell
that persists for the life of the container, and lets a buggy process fill the node's disk
through the container's writable layer. With `readOnlyRootFilesystem: true` the image stays
as built and every writable path is an explicit volume. The field exists on containers only.
Init and sidecar containers are checked; ephemeral debug containers are not. Windows-targeted
pods are skipped, and so is Istio's `image: auto` container when the field is unset (the
injector's template sets it).
""",
    remediation="Set `readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write.",
    examples=(_RORFS_FAIL, _RORFS_FAIL.replace("readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true")),
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",),
)
def check_readonly_root(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.C_I, _judge_readonly)
