"""Security context on Windows pods (rule-catalog §1).

windows-linux-only-field, linux-pod-windows-options, windows-hostprocess-container,
windows-hostprocess-inconsistent, windows-run-as-container-administrator,
windows-gmsa-spec-missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.ostarget import os_name
from kubelint_py.k8s.windows import (
    CONTAINER_ADMINISTRATOR,
    effective_windows_option,
    has_windows_options,
    linux_pinned,
    pod_windows_options_path,
    windows_option_sites,
    windows_targeted,
)
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
    quote,
    rule,
)

# Pod-level fields (relative to the pod spec). hostPID/hostIPC only matter when true (they
# are plain booleans in the API); the others are rejected whenever they are set.
_POD_TRUE_FIELDS: tuple[FieldPath, ...] = (("hostPID",), ("hostIPC",))
_POD_SET_FIELDS: tuple[FieldPath, ...] = (
    ("shareProcessNamespace",),
    *(
        ("securityContext", name)
        for name in (
            "seLinuxOptions",
            "seccompProfile",
            "appArmorProfile",
            "fsGroup",
            "fsGroupChangePolicy",
            "runAsUser",
            "runAsGroup",
            "supplementalGroups",
            "supplementalGroupsPolicy",
        )
    ),
)
_POD_NONEMPTY_FIELDS: tuple[FieldPath, ...] = (("securityContext", "sysctls"),)
_CONTAINER_FIELDS = (
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)


def _dotted(path: FieldPath) -> str:
    return ".".join(str(step) for step in path)


# -- windows-linux-only-field -------------------------------------------------------------


@rule("windows-linux-only-field")
def check_linux_only_field(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    spec = pod_spec(doc)
    spec_path = workload_spec_path(doc)
    effect = (
        "the API server rejects it for a pod with spec.os.name: windows"
        if os_name(spec) == "windows"
        else "Windows nodes silently ignore it"
    )
    for rel in _POD_TRUE_FIELDS:
        if doc.value(*spec_path, *rel) is True:
            yield Violation(f"pod spec sets {_dotted(rel)}: true, which is Linux-only; {effect}", (*spec_path, *rel))
    for rel in _POD_SET_FIELDS:
        value = doc.value(*spec_path, *rel)
        if value is not None:
            yield Violation(f"pod spec sets {_dotted(rel)}, which is Linux-only; {effect}", (*spec_path, *rel))
    for rel in _POD_NONEMPTY_FIELDS:
        value = doc.value(*spec_path, *rel)
        if value is not None and value != [] and value != {}:
            yield Violation(f"pod spec sets {_dotted(rel)}, which is Linux-only; {effect}", (*spec_path, *rel))
    for container in containers(doc, ContainerScope.ALL):
        context = container.data.get("securityContext")
        if not isinstance(context, Mapping):
            continue
        for name in _CONTAINER_FIELDS:
            if context.get(name) is not None:
                yield Violation(
                    f"{container.describe()} sets securityContext.{name}, which is Linux-only; {effect}",
                    (*container.path, "securityContext", name),
                )


# -- linux-pod-windows-options -----------------------------------------------------------


@rule("linux-pod-windows-options")
def check_linux_windows_options(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not linux_pinned(doc) or not has_windows_options(doc):
        return
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None and doc.value(*pod_path) is not None:
        yield Violation("the pod is pinned to Linux but sets pod-level securityContext.windowsOptions", pod_path)
    for container in containers(doc, ContainerScope.ALL):
        if container.get("securityContext", "windowsOptions") is not None:
            yield Violation(
                f"the pod is pinned to Linux but {container.describe()} sets securityContext.windowsOptions",
                (*container.path, "securityContext", "windowsOptions"),
            )


# -- windows-hostprocess-container / windows-hostprocess-inconsistent ---------------------


@rule("windows-hostprocess-container")
def check_hostprocess(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not has_windows_options(doc):
        return
    pod_path = pod_windows_options_path(doc)
    if pod_path is not None and doc.value(*pod_path, "hostProcess") is True:
        yield Violation(
            "the pod sets windowsOptions.hostProcess: true, so its containers run as HostProcess "
            "containers with full access to the Windows host",
            (*pod_path, "hostProcess"),
        )
    for container in containers(doc, ContainerScope.ALL):
        if container.get("securityContext", "windowsOptions", "hostProcess") is True:
            yield Violation(
                f"{container.describe()} is a HostProcess container (windowsOptions.hostProcess: true) "
                "with full access to the Windows host",
                (*container.path, "securityContext", "windowsOptions", "hostProcess"),
            )


def _hostprocess_requested(doc: Document) -> bool:
    return has_windows_options(doc) and any(value is True for value, _ in windows_option_sites(doc, "hostProcess"))


@rule("windows-hostprocess-inconsistent")
def check_hostprocess_inconsistent(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not _hostprocess_requested(doc):
        return
    spec_path = workload_spec_path(doc)
    host_network = doc.value(*spec_path, "hostNetwork")
    if host_network is not True:
        shown = "not set" if host_network is None else f"{quote(host_network)}"
        yield Violation(
            f"the pod requests HostProcess containers but hostNetwork is {shown} (must be true)",
            (*spec_path, "hostNetwork"),
        )
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_windows_option(doc, container, "hostProcess")
        if value is True:
            continue
        yield Violation(
            f"{container.describe()} is not a HostProcess container (effective hostProcess "
            f"{'not set' if value is None else quote(value)}) but the pod requests HostProcess; "
            "all containers of a HostProcess pod must be HostProcess",
            path if path is not None else _container_anchor(container),
        )


def _container_anchor(container: ContainerRef) -> FieldPath:
    return (*container.path, "securityContext", "windowsOptions", "hostProcess")


# -- windows-run-as-container-administrator ---------------------------------------------


@rule("windows-run-as-container-administrator")
def check_container_administrator(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    by_path: dict[FieldPath, tuple[object, list[str]]] = {}
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_windows_option(doc, container, "runAsUserName")
        if path is None or not isinstance(value, str) or value.strip().lower() != CONTAINER_ADMINISTRATOR.lower():
            continue
        by_path.setdefault(path, (value, []))[1].append(container.describe())
    for path, (value, names) in by_path.items():
        yield Violation(
            f"{', '.join(names)} run{'s' if len(names) == 1 else ''} as {quote(value)} "
            "(windowsOptions.runAsUserName), the container's administrator account",
            path,
        )


# -- windows-gmsa-spec-missing ------------------------------------------------------------


@rule("windows-gmsa-spec-missing")
def check_gmsa_missing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.guard("GMSACredentialSpec"):
        return
    for value, path in windows_option_sites(doc, "gmsaCredentialSpecName"):
        if not isinstance(value, str) or not value:
            continue
        found = [spec for spec in ctx.lint.named("GMSACredentialSpec", None, value) if spec.group == "windows.k8s.io"]
        if not found:
            yield Violation(f"gmsaCredentialSpecName {quote(value)} names no GMSACredentialSpec in the input", path)
