"""cronjob-starting-deadline-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

# the CronJob controller looks at every CronJob this often; a shorter deadline can miss runs
CONTROLLER_PERIOD_SECONDS = 10

_FAIL = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-report, namespace: shop}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - {name: report, image: "shop/report:1.4.2"}
"""


@rule(
    id="cronjob-starting-deadline-missing",
    title="CronJob has no usable starting deadline",
    document="failed-deployment",
    severity=Severity.INFO,
    kinds=("batch/CronJob",),
    category="operations",
    default_enabled=False,
    rationale="""
`spec.startingDeadlineSeconds` is how late a scheduled run may still start. Without it, a
run missed while the CronJob controller was down, the control plane was being upgraded or
the CronJob was suspended starts whenever the controller gets to it, however late: a nightly
batch can start at noon, under peak load, or right after `suspend: false` is applied during
an incident. The controller also counts the schedules missed since the last run, and past
100 it reports `TooManyMissedTimes` (the Kubernetes documentation says it then does not
start the Job at all; the controller of 1.21 and later warns and still starts the latest
run). With a deadline, only the schedules inside that window count, and a run that cannot
start in time is skipped (later runs are still scheduled). A deadline below 10 seconds is reported
too: the controller checks schedules every 10 seconds, so such a deadline can skip runs
even when nothing is wrong.
""",
    remediation="Set `spec.startingDeadlineSeconds` to how late a run may still be useful (e.g. 300).",
    examples=(
        _FAIL,
        _FAIL.replace('  schedule: "0 2 * * *"\n', '  schedule: "0 2 * * *"\n  startingDeadlineSeconds: 300\n'),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation",
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#cron-job-limitations",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec = doc.value("spec")
    if spec is not None and not isinstance(spec, Mapping):
        return  # a spec that is not a mapping is schema-violation's finding
    deadline = doc.value("spec", "startingDeadlineSeconds")
    path = ("spec", "startingDeadlineSeconds")
    if deadline is None:
        yield Violation(
            "no spec.startingDeadlineSeconds: a missed run starts however late the controller gets to it",
            path,
        )
    elif isinstance(deadline, int) and not isinstance(deadline, bool) and deadline < CONTROLLER_PERIOD_SECONDS:
        yield Violation(
            f"spec.startingDeadlineSeconds is {deadline}, below the controller's {CONTROLLER_PERIOD_SECONDS} s"
            " check interval: runs can be skipped although nothing is wrong",
            path,
        )
