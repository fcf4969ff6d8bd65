"""single-replica-serving-workload (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting
from kubelint_py.k8s.scaling import exclusive_claim, request_services, singleton_image
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("single-replica-serving-workload")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if ctx.lint.effective_replicas(doc) != 1:
        return
    services = request_services(doc, ctx.lint)
    if not services or scalers_targeting(ctx.lint, doc) or _single_by_design(doc, ctx):
        return
    shown = "spec.replicas is 1" if doc.value("spec", "replicas") is not None else "spec.replicas is unset (1)"
    yield Violation(
        f'{shown} and no autoscaler, but Service "{services[0].name}" sends traffic to it',
        ("spec", "replicas"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )


def _single_by_design(doc: Document, ctx: RuleContext) -> bool:
    """A second replica cannot run next to the first, or would be a second diverging instance."""
    if doc.kind != "StatefulSet" and doc.value("spec", "strategy", "type") == "Recreate":
        return True
    return exclusive_claim(doc, ctx.lint) is not None or singleton_image(doc) is not None
