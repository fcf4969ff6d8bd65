"""workload-replicas-with-hpa (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import scalers_targeting
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("workload-replicas-with-hpa")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "replicas") is None:
        return
    scalers = scalers_targeting(ctx.lint, doc)
    if not scalers:
        return
    yield Violation(
        f'spec.replicas is set although {scalers[0].kind} "{scalers[0].name}" scales this workload; '
        "every apply resets the scaled-out replica count",
        ("spec", "replicas"),
        related=tuple((s, ("spec", "scaleTargetRef"), f"{s.kind} targeting the workload") for s in scalers[:3]),
    )
