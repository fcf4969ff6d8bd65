"""progress-deadline-too-long (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("progress-deadline-too-long")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    limit = int(ctx.options.get("maxSeconds", 1800))
    value = doc.value("spec", "progressDeadlineSeconds")
    if isinstance(value, int) and not isinstance(value, bool) and value > limit:
        yield Violation(
            f"progressDeadlineSeconds is {value}, above {limit}: a stuck rollout is reported failed only after that",
            ("spec", "progressDeadlineSeconds"),
        )
