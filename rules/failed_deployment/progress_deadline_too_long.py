"""progress-deadline-too-long (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = workload(spec="progressDeadlineSeconds: 7200\n")


@rule(
    id="progress-deadline-too-long",
    title="Rollout failure is reported too late",
    document="failed-deployment",
    severity=Severity.INFO,
    kind_groups=("deployment-like",),
    category="reliability",
    rationale="""
A stuck rollout is only marked failed (`Progressing=False`, reason
`ProgressDeadlineExceeded`) after `progressDeadlineSeconds` without progress. `kubectl
rollout status`, CI pipelines, Argo/Flux health checks and automated rollback all wait for
that condition, so a long deadline means a broken release keeps half-replaced pods for
that long before anyone (or anything) reacts. The threshold (default 1800 s) is
configurable.
""",
    remediation="Keep the default 600 s, or set a deadline close to the real worst-case rollout time.",
    examples=(_FAIL, _FAIL.replace("7200", "600")),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds",),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {"maxSeconds": {"type": "integer", "minimum": 1, "default": 1800}},
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    limit = int(ctx.options.get("maxSeconds", 1800))
    value = doc.value("spec", "progressDeadlineSeconds")
    if isinstance(value, int) and not isinstance(value, bool) and value > limit:
        yield Violation(
            f"progressDeadlineSeconds is {value}, above {limit}: a stuck rollout is reported failed only after that",
            ("spec", "progressDeadlineSeconds"),
        )
