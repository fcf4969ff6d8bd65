"""hpa-scale-up-throttled (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@rule("hpa-scale-up-throttled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version == "autoscaling/v1":  # no behavior field in v1
        return
    scale_up = doc.mapping("spec", "behavior", "scaleUp")
    if not scale_up:
        return
    base = ("spec", "behavior", "scaleUp")
    select = scale_up.get("selectPolicy")
    if select == "Disabled":
        yield Violation("behavior.scaleUp.selectPolicy is Disabled: the HPA never adds pods", (*base, "selectPolicy"))
        return
    max_window = int(ctx.options.get("maxStabilizationWindowSeconds", 60))
    window = _number(scale_up.get("stabilizationWindowSeconds"))
    if window is not None and window > max_window:
        yield Violation(
            f"behavior.scaleUp.stabilizationWindowSeconds is {window:g}, above {max_window}: scale-up waits for "
            "the lowest recommendation of that window",
            (*base, "stabilizationWindowSeconds"),
        )
    policies = scale_up.get("policies")
    if not isinstance(policies, list) or not policies:
        return
    if select == "Min" and len(policies) > 1:
        yield Violation(
            f"behavior.scaleUp.selectPolicy is Min with {len(policies)} policies: the most restrictive one always wins",
            (*base, "selectPolicy"),
        )
    min_percent = float(ctx.options.get("minPercentPerMinute", 100))
    min_pods = float(ctx.options.get("minPodsPerMinute", 4))
    described: list[str] = []
    for policy in policies:
        rate = _per_minute(policy)
        if rate is None:
            return  # a malformed policy: leave it to schema validation
        kind, per_minute = rate
        if (kind == "Percent" and per_minute >= min_percent) or (kind == "Pods" and per_minute >= min_pods):
            return
        described.append(f"{per_minute:g} {'%' if kind == 'Percent' else 'pods'}/min")
    yield Violation(
        f"every behavior.scaleUp policy is below {min_percent:g} % and {min_pods:g} pods per minute "
        f"({', '.join(described)})",
        (*base, "policies"),
    )


def _per_minute(policy: object) -> tuple[str, float] | None:
    if not isinstance(policy, Mapping):
        return None
    kind, value, period = policy.get("type"), _number(policy.get("value")), _number(policy.get("periodSeconds"))
    if kind not in ("Percent", "Pods") or value is None or period is None or period <= 0:
        return None
    return str(kind), value * 60 / period
