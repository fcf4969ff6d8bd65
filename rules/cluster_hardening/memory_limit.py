"""memory-limit-missing (rule-catalog §9.2)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.rule_api import (
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
        path = (*container.path, "resources", "limits", "memory")
        resources = container.get("resources")
        limits = container.get("resources", "limits")
        memory = container.get("resources", "limits", "memory")
        if isinstance(memory, (str, int, float)) and not isinstance(memory, bool) and memory != "":
            continue
        if memory is None and is_injected_container(doc, container):
            continue  # Istio's injector template sets the proxy's resources
        if memory is not None:
            detail = f"limits.memory is {_shown(memory)}, not a quantity"
        elif limits is not None and not isinstance(limits, Mapping):
            detail = f"resources.limits is {_shown(limits)}, not a mapping"
        elif resources is not None and not isinstance(resources, Mapping):
            detail = f"resources is {_shown(resources)}, not a mapping"
        else:
            detail = "no resources.limits.memory"
        yield Violation(f"{container.describe()} has no memory limit ({detail})", path)
