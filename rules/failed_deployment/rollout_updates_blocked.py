"""rollout-updates-blocked (rule-catalog §5)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = workload(
    kind="StatefulSet",
    name="db",
    spec="""\
replicas: 3
serviceName: db
updateStrategy:
  type: RollingUpdate
  rollingUpdate: {partition: 3}
""",
    containers=pod_container(name="db", image='"postgres:16.4"', flow=True),
)


@rule(
    id="rollout-updates-blocked",
    title="StatefulSet/DaemonSet never updates its pods automatically",
    document="failed-deployment",
    severity=Severity.WARNING,
    kinds=("StatefulSet", "DaemonSet"),
    category="reliability",
    rationale="""
With `updateStrategy.type: OnDelete`, or a StatefulSet `partition` at or above the replica
count, the controller records the new template but replaces no pod. A fix or a rollback
applied during an incident then changes nothing until someone deletes pods by hand (or
lowers the partition), while the applied manifest says the fix is live.
""",
    remediation=(
        "Lower the partition or use `RollingUpdate`; if manual updates are intended, document the procedure "
        "and suppress."
    ),
    examples=(_FAIL, _FAIL.replace("partition: 3", "partition: 0")),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies",
        "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/#daemonset-update-strategy",
    ),
)
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
