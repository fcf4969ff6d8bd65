"""rollback-history-disabled (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = workload(spec="revisionHistoryLimit: 0\n")


@rule(
    id="rollback-history-disabled",
    title="Revision history disabled: nothing to roll back to",
    document="failed-deployment",
    severity=Severity.WARNING,
    kind_groups=("rolling-update",),
    category="reliability",
    rationale="""
`revisionHistoryLimit: 0` makes the controller delete every old ReplicaSet (Deployment) or
ControllerRevision (StatefulSet, DaemonSet) as soon as a rollout completes. When the new
version turns out to be broken, `kubectl rollout undo` has no previous revision to return
to, and recovery means finding and re-applying the old manifest under pressure. A warning:
the workload runs; what is lost is the quick way back.
""",
    remediation="Remove `revisionHistoryLimit` (default 10) or keep at least 3 revisions.",
    examples=(_FAIL, _FAIL.replace("revisionHistoryLimit: 0", "revisionHistoryLimit: 5")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#clean-up-policy",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-back-a-deployment",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("spec", "revisionHistoryLimit")
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        yield Violation(
            "revisionHistoryLimit is 0: no previous revision is kept, so a rollback has nothing to return to",
            ("spec", "revisionHistoryLimit"),
        )
