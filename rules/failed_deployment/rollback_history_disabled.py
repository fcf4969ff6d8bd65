"""rollback-history-disabled (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("rollback-history-disabled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("spec", "revisionHistoryLimit")
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        yield Violation(
            "revisionHistoryLimit is 0: no previous revision is kept, so a rollback has nothing to return to",
            ("spec", "revisionHistoryLimit"),
        )
