"""pdb-unhealthy-eviction-policy-unset (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.apiversions import target_release
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

# KEP-3017: alpha in 1.26 (off by default), beta and on by default from 1.27, GA in 1.31
FIELD_SERVED_FROM = (1, 27)

_FAIL = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
"""


@rule(
    id="pdb-unhealthy-eviction-policy-unset",
    title="PodDisruptionBudget lets unhealthy pods block node drains",
    document="traffic-spike",
    severity=Severity.INFO,
    kinds=("PodDisruptionBudget",),
    category="reliability",
    default_enabled=False,
    rationale="""
Without `spec.unhealthyPodEvictionPolicy` the eviction API applies `IfHealthyBudget`: a
running pod that is not Ready (crash-looping, stuck on a missing dependency) may be evicted
only while the budget is met. When a broken rollout or a bad config leaves enough pods
unready, the budget is never met, every eviction is refused, and `kubectl drain`, node-pool
upgrades and the cluster autoscaler's scale-down stall on pods that serve nothing, often
in the middle of a capacity change. `AlwaysAllow` lets those unready pods go while healthy
pods stay protected. An explicit `IfHealthyBudget` is a decision and passes (it keeps
not-yet-ready pods of a stateful quorum from being evicted); `policy/v1beta1` objects have no
such field and are skipped, and so is every PDB when `targetVersion` is below 1.27, where the
field is not served by default.
""",
    remediation="Set `spec.unhealthyPodEvictionPolicy: AlwaysAllow` (or `IfHealthyBudget` on purpose).",
    examples=(_FAIL, _FAIL + "  unhealthyPodEvictionPolicy: AlwaysAllow\n"),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.api_version != "policy/v1":
        return
    if target_release(ctx.settings.get("targetVersion")) < FIELD_SERVED_FROM:
        return
    spec = doc.value("spec")
    if spec is not None and not isinstance(spec, Mapping):
        return  # a spec that is not a mapping is schema-violation's finding
    if doc.value("spec", "unhealthyPodEvictionPolicy") is None:
        yield Violation(
            "no spec.unhealthyPodEvictionPolicy: under the default IfHealthyBudget, unready pods can only be"
            " evicted while the budget is met, so a broken workload blocks node drains",
            ("spec",),
        )
