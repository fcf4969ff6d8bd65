"""hpa-missing-for-serving-workload (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting
from kubelint_py.k8s.scaling import request_services, scale_out_blocker
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("hpa-missing-for-serving-workload")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    services = request_services(doc, ctx.lint)
    if not services or scalers_targeting(ctx.lint, doc) or scale_out_blocker(doc, ctx.lint) is not None:
        return
    yield Violation(
        f'serving workload (selected by Service "{services[0].name}") is not '
        "the scaleTargetRef of any HorizontalPodAutoscaler or KEDA ScaledObject",
        ("metadata", "name"),
        related=tuple((svc, ("spec", "selector"), "Service selecting the workload") for svc in services[:3]),
    )
