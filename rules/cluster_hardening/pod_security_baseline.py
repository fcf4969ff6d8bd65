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
from kubelint_py.k8s.workloads import workload_spec_path
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)


def _target(ctx: RuleContext) -> Release:
    return target_release(ctx.settings.get("targetVersion"))


_POD = "the pod securityContext"


def _security_contexts(doc: Document) -> Iterator[tuple[ContainerRef | None, Mapping[str, object]]]:
    """(whose, securityContext) for the pod (None) and each container (ALL) that has one: `_said`
    says whose it is and where, for a finding only (apparmor-unconfined and selinux-options-custom
    find nothing in the 2,385 workloads of the 10,000-document corpus, and named every
    container with a securityContext first)."""
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    pod_ctx = pod_spec(doc).get("securityContext")
    if pod_ctx is not None and (
        type(pod_ctx) is dict or isinstance(pod_ctx, Mapping)
    ):  # (exact tests first: no ABC isinstance)
        yield None, pod_ctx
    for container in containers(doc, ContainerScope.ALL):
        own = container.data.get("securityContext")
        if own is not None and (type(own) is dict or isinstance(own, Mapping)):
            yield container, own


def _said(doc: Document, owner: ContainerRef | None) -> tuple[str, FieldPath]:
    """Whose securityContext it is, in words, and its path (`_security_contexts`' owner)."""
    if owner is None:
        return _POD, (*workload_spec_path(doc), "securityContext")
    return owner.describe(), (*owner.path, "securityContext")


# -- proc-mount-unmasked ------------------------------------------------------------------


@rule("proc-mount-unmasked")
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


@rule("unsafe-sysctl")
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


def _selinux_type_text(who: str, kind: str, target: Release) -> str:
    since = SELINUX_TYPES.get(kind)
    if since is not None:
        when = f"only from Kubernetes {format_release(since)} (target {format_release(target)})"
        return f"{who} sets seLinuxOptions.type: {quote(kind)}, which Baseline allows {when}"
    return f"{who} sets seLinuxOptions.type: {quote(kind)}, not a container type Baseline allows"


@rule("selinux-options-custom")
def check_selinux(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    for owner, security in _security_contexts(doc):
        options = security.get("seLinuxOptions")
        if not isinstance(options, Mapping):
            continue
        who, path = _said(doc, owner)
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


def _template_annotations_path(doc: Document) -> FieldPath | None:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return None
    if doc.kind == "Pod":
        return ("metadata", "annotations")
    return (*spec_path[:-1], "metadata", "annotations")


def _apparmor_fields(doc: Document) -> Iterator[Violation]:
    for owner, security in _security_contexts(doc):
        profile = security.get("appArmorProfile")
        if profile is None or not (type(profile) is dict or isinstance(profile, Mapping)):  # (no ABC check)
            continue
        kind = profile.get("type")
        if not isinstance(kind, str) or kind in APPARMOR_ALLOWED_TYPES:
            continue
        who, path = _said(doc, owner)
        if kind == "Unconfined":
            text = "no AppArmor profile confines " + ("the containers that inherit it" if owner is None else "it")
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


@rule("apparmor-unconfined")
def check_apparmor(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    yield from _apparmor_fields(doc)
    yield from _apparmor_annotations(doc)
