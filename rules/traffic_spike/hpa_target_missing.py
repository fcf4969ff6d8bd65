"""hpa-target-missing (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("hpa-target-missing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    kind, name = doc.value("spec", "scaleTargetRef", "kind"), doc.value("spec", "scaleTargetRef", "name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return
    if not ctx.guard(kind):
        return
    if ctx.get(kind, ctx.namespace_of(doc), name) is None:
        namespace = ctx.namespace_of(doc)
        yield Violation(
            f'scaleTargetRef names {kind} "{name}", which does not exist in namespace "{namespace}"',
            ("spec", "scaleTargetRef", "name"),
        )
