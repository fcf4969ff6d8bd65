"""Container security contexts (rule-catalog §9.2): privilege-escalation-allowed,
run-as-root-allowed, capabilities-not-dropped, dangerous-capability-added,
seccomp-not-runtime-default, readonly-root-filesystem-missing.

Effective values follow §0.2 (`effective_security`): `runAsUser`, `runAsNonRoot` and
`seccompProfile` fall back to the pod's securityContext; `allowPrivilegeEscalation`,
`capabilities` and `readOnlyRootFilesystem` exist on containers only. When the value at
fault is set at pod level, the containers that inherit it share one finding on that line.
"""

from collections.abc import Callable, Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    effective_security,
    quote,
    rule,
)

# (path of the problem, what is wrong, phrased after the container's or the pod's name)
_Problem = tuple[FieldPath, str]
_Judge = Callable[[Document, ContainerRef], "_Problem | None"]


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


@rule("privilege-escalation-allowed")
def check_privilege_escalation(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_escalation)


# -- run-as-root-allowed --------------------------------------------------------------


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


@rule("run-as-root-allowed")
def check_run_as_root(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_root)


# -- capabilities-not-dropped ---------------------------------------------------------


def capability_name(value: str) -> str:
    """Catalog §0.2: compared after stripping `CAP_` and upper-casing."""
    upper = value.strip().upper()
    return upper[4:] if upper.startswith("CAP_") else upper


def _judge_drop(doc: Document, container: ContainerRef) -> _Problem | None:
    path = _own_path(container, "capabilities", "drop")
    ctx = container.data.get("securityContext")
    # (exact tests first, for the loader's dicts and the usual absent None: no ABC isinstance)
    caps = ctx.get("capabilities") if ctx is not None and (type(ctx) is dict or isinstance(ctx, Mapping)) else None
    drop = caps.get("drop") if caps is not None and (type(caps) is dict or isinstance(caps, Mapping)) else None
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


@rule("capabilities-not-dropped")
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


@rule("dangerous-capability-added")
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


@rule("seccomp-not-runtime-default")
def check_seccomp(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.ALL, _judge_seccomp)


# -- readonly-root-filesystem-missing -------------------------------------------------


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


@rule("readonly-root-filesystem-missing")
def check_readonly_root(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _violations(doc, ContainerScope.C_I, _judge_readonly)
