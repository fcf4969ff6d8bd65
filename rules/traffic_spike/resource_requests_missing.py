"""resource-requests-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import has_request
from kubelint_py.k8s.images import is_injected_container
from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule


@rule("resource-requests-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for container in containers(doc, ContainerScope.C_I):
        missing = [r for r in ("cpu", "memory") if not has_request(container.data, r)]
        if missing and not is_injected_container(doc, container):
            yield Violation(
                f"{container.describe()} has no resources.requests.{' or requests.'.join(missing)}",
                (*container.path, "resources", "requests"),
            )
