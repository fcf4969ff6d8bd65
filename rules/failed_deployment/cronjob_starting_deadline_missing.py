"""cronjob-starting-deadline-missing (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

# the CronJob controller looks at every CronJob this often; a shorter deadline can miss runs
CONTROLLER_PERIOD_SECONDS = 10


@rule("cronjob-starting-deadline-missing")
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
