"""rollout-updates-blocked (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("rollout-updates-blocked")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    strategy_type = doc.value("spec", "updateStrategy", "type")
    if strategy_type == "OnDelete":
        yield Violation(
            "updateStrategy.type is OnDelete: template changes (fixes and rollbacks) reach a pod only when it is "
            "deleted by hand",
            ("spec", "updateStrategy", "type"),
        )
        return
    if doc.kind != "StatefulSet" or strategy_type not in (None, "RollingUpdate"):
        return
    partition = doc.value("spec", "updateStrategy", "rollingUpdate", "partition")
    if not isinstance(partition, int) or isinstance(partition, bool) or partition <= 0:
        return
    replicas = ctx.lint.effective_replicas(doc)
    if partition >= replicas:
        yield Violation(
            f"updateStrategy.rollingUpdate.partition {partition} is not below the {replicas} replica(s): "
            "no pod is updated automatically",
            ("spec", "updateStrategy", "rollingUpdate", "partition"),
        )
