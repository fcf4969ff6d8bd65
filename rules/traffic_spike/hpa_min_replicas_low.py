"""hpa-min-replicas-low (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("hpa-min-replicas-low")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    threshold = int(ctx.options.get("minReplicas", 2))
    value = doc.value("spec", "minReplicas")
    if not doc.has("spec", "minReplicas") or value is None:
        if threshold > 1:
            yield Violation(f"minReplicas is not set (defaults to 1), below {threshold}", ("spec", "minReplicas"))
        return
    if isinstance(value, int) and not isinstance(value, bool) and value < threshold:
        yield Violation(f"minReplicas is {value}, below {threshold}", ("spec", "minReplicas"))
