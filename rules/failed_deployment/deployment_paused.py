"""deployment-paused (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = workload(spec="paused: true\n")


@rule(
    id="deployment-paused",
    title="Deployment is committed paused",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("deployment-like",),
    category="reliability",
    rationale="""
`spec.paused: true` is a temporary operator action (`kubectl rollout pause`). Committed in
a manifest, it makes every apply of a new template a no-op: the fix you ship during an
incident, and the rollback you apply, never reach the pods, while the applied manifest
looks correct. Progress deadlines are not checked while paused either.
""",
    remediation="Remove `paused` from the committed manifest; pause only interactively with `kubectl rollout pause`.",
    examples=(_FAIL, _FAIL.replace("paused: true", "paused: false")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pausing-and-resuming-a-deployment",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "paused") is True:
        yield Violation(
            "spec.paused is true: template changes (fixes and rollbacks) never roll out", ("spec", "paused")
        )
