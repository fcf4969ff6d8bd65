"""rollout-strategy-recreate (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.scaling import exclusive_claim, request_services
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("rollout-strategy-recreate")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "strategy", "type") != "Recreate":
        return
    services = request_services(doc, ctx.lint)
    if services and exclusive_claim(doc, ctx.lint) is None:
        yield Violation(
            f'strategy.type is Recreate while Service "{services[0].name}" sends traffic to it: every rollout '
            "and rollback is a full outage",
            ("spec", "strategy", "type"),
            related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
        )
