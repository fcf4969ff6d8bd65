"""hpa-no-scaling-headroom (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import autoscaler
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = autoscaler(
    spec="""\
minReplicas: 3
maxReplicas: 3
"""
)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@rule(
    id="hpa-no-scaling-headroom",
    title="HPA maxReplicas leaves no room to scale",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("hpa",),
    category="reliability",
    rationale="""
An HPA can never go above `maxReplicas`. When it is equal to (or barely above)
`minReplicas`, the autoscaler is decorative: a spike saturates the pods at the cap
(`ScalingLimited: TooManyReplicas`) while latency and error rates climb. The headroom
factor (default 2: `maxReplicas` must be at least twice `minReplicas`) is configurable.
""",
    remediation="Raise `maxReplicas` to cover the expected peak (at least `minReplicas` × the headroom factor).",
    examples=(_FAIL, _FAIL.replace("maxReplicas: 3", "maxReplicas: 12")),
    references=("https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"headroomFactor": {"type": "number", "minimum": 1, "default": 2}},
    },
)
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
