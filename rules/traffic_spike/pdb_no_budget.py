"""pdb-no-budget (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
"""


@rule(
    id="pdb-no-budget",
    title="PodDisruptionBudget sets no budget",
    document="traffic-spike",
    severity=Severity.WARNING,
    kinds=("policy/PodDisruptionBudget",),
    category="reliability",
    rationale="""
A PodDisruptionBudget with neither `minAvailable` nor `maxUnavailable` is accepted by the API
server (`policy/v1` and `policy/v1beta1` alike; neither version defaults a value), but the
disruption controller then expects zero healthy pods and allows every voluntary eviction. A
node drain, a node-pool upgrade or the cluster autoscaler can evict all replicas at once,
exactly when a traffic spike makes capacity scarce, while the PDB's presence suggests the
workload is protected.
""",
    remediation="Set `maxUnavailable: 1` (or a `minAvailable` below the replica count).",
    examples=(_FAIL, _FAIL + "  maxUnavailable: 1\n"),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets",
    ),
)
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
