"""rollout-min-ready-seconds-zero (rule-catalog §5)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import ContainerScope, Document, RuleContext, Violation, containers, rule


@rule("rollout-min-ready-seconds-zero")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("spec", "minReadySeconds")
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value == 0):
        return
    scope = ContainerScope.C_SIDECARS
    probed = [c for c in containers(doc, scope) if isinstance(c.data.get("readinessProbe"), Mapping)]
    if probed:
        shown = "0" if value is not None else "not set (0)"
        yield Violation(
            f"minReadySeconds is {shown} although {probed[0].describe()} has a readinessProbe: pods that crash "
            "right after becoming ready do not stall the rollout",
            ("spec", "minReadySeconds"),
        )
