"""rollout-max-unavailable-all (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import percent
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


def _resolve(value: object, total: int, round_up: bool) -> int | None:
    """An intstr resolved against `total` as the Deployment controller does."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    pct = percent(value)
    if pct is None:
        return None
    # integer arithmetic: a float overflows for the 4,000-digit replica counts YAML allows
    return -(-pct * total // 100) if round_up else pct * total // 100


@rule("rollout-max-unavailable-all")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "DaemonSet":
        if doc.value("spec", "updateStrategy", "type") not in (None, "RollingUpdate"):
            return
        raw = doc.value("spec", "updateStrategy", "rollingUpdate", "maxUnavailable")
        pct = percent(raw)
        if pct is not None and pct >= 100:
            yield Violation(
                f"updateStrategy.rollingUpdate.maxUnavailable is {quote(raw)}: every node's pod is replaced at once",
                ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
            )
        return
    if doc.value("spec", "strategy", "type") not in (None, "RollingUpdate"):
        return
    raw = doc.value("spec", "strategy", "rollingUpdate", "maxUnavailable")
    defaulted = raw is None
    if defaulted:
        raw = "25%"  # the API default
    replicas = ctx.lint.effective_replicas(doc)
    if replicas < 1:
        return
    unavailable = _resolve(raw, replicas, round_up=False)
    raw_surge = doc.value("spec", "strategy", "rollingUpdate", "maxSurge")
    surge = _resolve("25%" if raw_surge is None else raw_surge, replicas, round_up=True)
    if unavailable is None or surge is None:
        return
    if unavailable == 0 and surge == 0:
        unavailable = 1
    if unavailable >= replicas:
        shown = f"{quote(raw)} (the default)" if defaulted else quote(raw)
        yield Violation(
            f"strategy.rollingUpdate.maxUnavailable {shown} resolves to {unavailable} of {replicas} replica(s): "
            "a rollout may take every pod down at once",
            ("spec", "strategy", "rollingUpdate", "maxUnavailable"),
        )
