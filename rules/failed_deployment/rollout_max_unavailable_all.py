"""rollout-max-unavailable-all (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import percent
from kubelint_py.k8s.examples import workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = workload(
    spec="""\
replicas: 4
strategy:
  type: RollingUpdate
  rollingUpdate: {maxUnavailable: 4, maxSurge: 0}
"""
)


def _resolve(value: object, total: int, round_up: bool) -> int | None:
    """An intstr resolved against `total` as the Deployment controller does."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    pct = percent(value)
    if pct is None:
        return None
    # integer arithmetic: a float overflows for the 4,000-digit replica counts YAML allows
    return -(-pct * total // 100) if round_up else pct * total // 100


@rule(
    id="rollout-max-unavailable-all",
    title="Rolling update may take every replica down",
    document="failed-deployment",
    severity=Severity.WARNING,
    kinds=("Deployment", "DaemonSet"),
    category="reliability",
    rationale="""
`maxUnavailable` is how many old pods a rolling update may remove before new ones are
Ready. When it resolves to the whole replica count (or `100%` on a DaemonSet) the "rolling"
update deletes every healthy pod at once: a broken version is a full outage instead of a
stalled rollout, and there is nothing left serving during the rollback. Percentages are
resolved as the controller does (maxUnavailable rounded down, maxSurge up, defaults 25 %,
and maxUnavailable raised to 1 when both resolve to 0, so a single replica with
`maxSurge: 0` loses its only pod on every rollout).
""",
    remediation="Bound `maxUnavailable` (e.g. 25 % or 1) and let `maxSurge` provide the extra capacity.",
    examples=(_FAIL, _FAIL.replace("{maxUnavailable: 4, maxSurge: 0}", "{maxUnavailable: 1, maxSurge: 1}")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable",
        "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/",
    ),
)
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
