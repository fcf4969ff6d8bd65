"""memory-limit-missing (rule-catalog §9.2)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    quote,
    rule,
)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return quote(value)


@rule("memory-limit-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc):
        return
    for container in containers(doc, ContainerScope.C_I):
        memory = container.get("resources", "limits", "memory")
        if isinstance(memory, (str, int, float)) and not isinstance(memory, bool) and memory != "":
            continue
        if memory is None and is_injected_container(doc, container):
            continue  # Istio's injector template sets the proxy's resources
        yield Violation(
            f"{container.describe()} has no memory limit ({_detail(container, memory)})",
            (*container.path, "resources", "limits", "memory"),
        )


def _detail(container: ContainerRef, memory: object) -> str:
    """Why the container's limits.memory is no limit (read for a finding only)."""
    if memory is not None:
        return f"limits.memory is {_shown(memory)}, not a quantity"
    limits = container.get("resources", "limits")
    if limits is not None and not isinstance(limits, Mapping):
        return f"resources.limits is {_shown(limits)}, not a mapping"
    resources = container.get("resources")
    if resources is not None and not isinstance(resources, Mapping):
        return f"resources is {_shown(resources)}, not a mapping"
    return "no resources.limits.memory"
