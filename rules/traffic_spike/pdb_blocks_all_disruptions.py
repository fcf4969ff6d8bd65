"""pdb-blocks-all-disruptions (rule-catalog §4)."""

from collections.abc import Iterator

from kubelint_py.k8s.autoscaling import pdb_matched_templates, percent
from kubelint_py.k8s.workloads import REPLICATED_KINDS, is_deployment_like
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@rule("pdb-blocks-all-disruptions")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    max_unavailable = doc.value("spec", "maxUnavailable")
    if (_is_int(max_unavailable) and max_unavailable == 0) or percent(max_unavailable) == 0:
        yield Violation(
            f"maxUnavailable is {quote(max_unavailable)}: no pod may ever be evicted voluntarily",
            ("spec", "maxUnavailable"),
        )
        return
    min_available = doc.value("spec", "minAvailable")
    pct = percent(min_available)
    if pct is not None and pct >= 100:
        yield Violation(
            f"minAvailable is {quote(min_available)}: no pod may ever be evicted voluntarily", ("spec", "minAvailable")
        )
        return
    if not _is_int(min_available):
        return
    assert isinstance(min_available, int)
    matched = [
        d
        for d in pdb_matched_templates(ctx.lint, doc)
        if d.kind in REPLICATED_KINDS or d.kind == "Pod" or is_deployment_like(d)
    ]
    if not matched:
        return
    total = sum(ctx.lint.effective_replicas(d) for d in matched)
    if min_available >= total:
        names = ", ".join(f'{d.kind} "{d.name}"' for d in matched[:3])
        yield Violation(
            f"minAvailable {min_available} is not below the {total} replica(s) it protects ({names}): "
            "no pod may be evicted voluntarily",
            ("spec", "minAvailable"),
            related=tuple((d, ("metadata", "name"), "workload selected by the PDB") for d in matched[:3]),
        )
