"""privileged-container (rule-catalog §9.2)."""

from collections.abc import Iterator

from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    RuleContext,
    Violation,
    containers,
    effective_security,
    rule,
)


@rule("privileged-container")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.ALL):
        value, path = effective_security(doc, container, "privileged")
        if value is True and path is not None:
            yield Violation(f"{container.describe()} runs privileged (securityContext.privileged: true)", path)
