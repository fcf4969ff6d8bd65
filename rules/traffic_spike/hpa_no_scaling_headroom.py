"""hpa-no-scaling-headroom (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@rule("hpa-no-scaling-headroom")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    factor = float(ctx.options.get("headroomFactor", 2))
    max_replicas = _int(doc.value("spec", "maxReplicas"))
    raw_min = doc.value("spec", "minReplicas")
    min_replicas = 1 if raw_min is None else _int(raw_min)
    if max_replicas is None or min_replicas is None:
        return
    needed = min_replicas * factor
    if max_replicas < needed or max_replicas <= min_replicas:
        shown = f"{needed:g}"
        yield Violation(
            f"maxReplicas {max_replicas} is less than minReplicas {min_replicas} × headroom factor {factor:g} "
            f"(= {shown}); the HPA cannot absorb a spike",
            ("spec", "maxReplicas"),
        )
