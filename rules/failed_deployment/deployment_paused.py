"""deployment-paused (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("deployment-paused")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "paused") is True:
        yield Violation(
            "spec.paused is true: template changes (fixes and rollbacks) never roll out", ("spec", "paused")
        )
