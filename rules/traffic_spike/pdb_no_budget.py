"""pdb-no-budget (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("pdb-no-budget")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    raw = doc.value("spec")
    if not (raw is None or isinstance(raw, Mapping)):
        return  # a spec that is not a map is schema-violation's finding
    spec = doc.mapping("spec")
    if spec.get("minAvailable") is None and spec.get("maxUnavailable") is None:
        yield Violation(
            "neither spec.minAvailable nor spec.maxUnavailable is set: every voluntary eviction is allowed,"
            " so the budget protects no pod",
            ("spec",),
        )
