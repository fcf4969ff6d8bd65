"""hpa-scale-up-throttled (rule-catalog §4)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import autoscaler
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = autoscaler(
    spec="""\
minReplicas: 3
maxReplicas: 30
behavior:
  scaleUp:
    stabilizationWindowSeconds: 300
    policies:
      - {type: Pods, value: 1, periodSeconds: 60}
"""
)
_PASS = autoscaler(
    spec="""\
minReplicas: 3
maxReplicas: 30
behavior:
  scaleUp:
    stabilizationWindowSeconds: 0
    policies:
      - {type: Percent, value: 100, periodSeconds: 15}
      - {type: Pods, value: 4, periodSeconds: 15}
"""
)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@rule(
    id="hpa-scale-up-throttled",
    title="HPA scale-up is disabled or throttled",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("hpa",),
    category="reliability",
    rationale="""
The default HPA scale-up is fast: no stabilization window and up to double the pods (or 4
pods) every 15 s. A `behavior.scaleUp` that disables scaling up, waits minutes for a
stable recommendation, picks the most restrictive of several policies (`selectPolicy:
Min`), or only allows a trickle of pods per minute turns a spike into a slow ramp while
the existing pods are overloaded. Thresholds (stabilization window, per-minute percent
and pod counts) are configurable.
""",
    remediation=(
        "Keep the default fast scale-up, or widen `behavior.scaleUp` "
        "(short window, generous policies, `selectPolicy: Max`)."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "maxStabilizationWindowSeconds": {"type": "integer", "minimum": 0, "default": 60},
            "minPercentPerMinute": {"type": "number", "minimum": 0, "default": 100},
            "minPodsPerMinute": {"type": "number", "minimum": 0, "default": 4},
        },
    },
)
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
