"""hpa-min-replicas-low (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import autoscaler
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = autoscaler(
    spec="""\
minReplicas: 1
maxReplicas: 30
"""
)


@rule(
    id="hpa-min-replicas-low",
    title="HPA minReplicas leaves no redundancy",
    document="traffic-spike",
    severity=Severity.WARNING,
    kind_groups=("hpa",),
    category="reliability",
    rationale="""
With `minReplicas` 1 (the default when absent) the HPA scales the workload down to a single
pod in quiet hours. The first requests of a spike then hit one pod while the HPA waits for
metrics (15 s sync plus readiness of new pods), and a single node drain or crash is a full
outage. Raise the floor, and raise it further before known events.
""",
    remediation="Set `minReplicas` to at least 2 (and raise it ahead of known traffic events).",
    examples=(_FAIL, _FAIL.replace("minReplicas: 1", "minReplicas: 3")),
    references=("https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"minReplicas": {"type": "integer", "minimum": 1, "default": 2}},
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    threshold = int(ctx.options.get("minReplicas", 2))
    value = doc.value("spec", "minReplicas")
    if not doc.has("spec", "minReplicas") or value is None:
        if threshold > 1:
            yield Violation(f"minReplicas is not set (defaults to 1), below {threshold}", ("spec", "minReplicas"))
        return
    if isinstance(value, int) and not isinstance(value, bool) and value < threshold:
        yield Violation(f"minReplicas is {value}, below {threshold}", ("spec", "minReplicas"))
