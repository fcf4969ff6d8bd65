"""pdb-unhealthy-eviction-policy-unset (rule-catalog §4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.apiversions import target_release
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

# KEP-3017: alpha in 1.26 (off by default), beta and on by default from 1.27, GA in 1.31
FIELD_SERVED_FROM = (1, 27)


@rule("pdb-unhealthy-eviction-policy-unset")
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
