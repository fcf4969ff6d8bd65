"""networkpolicy-selects-nothing and networkpolicy-peer-selects-nothing (rule-catalog §2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import (
    Document,
    LabelSelector,
    RuleContext,
    Violation,
    rule,
    selector_from_label_selector,
)


def _may_select(doc: Document, ctx: RuleContext, selector: LabelSelector, namespace: str) -> bool:
    """The selector matches a pod template of the namespace (controller-added labels count) or
    a Helm hook/test pod, or the namespace may run pods the input does not show."""
    return bool(
        ctx.pod_templates_matching(selector, namespace)
        or ctx.lint.hook_templates_matching(selector, namespace)
        or ctx.lint.unseen_pods(namespace, near=doc, assume_complete=ctx.assume_complete)
    )


@rule("networkpolicy-selects-nothing")
def check_selects_nothing(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    if namespace is None or not ctx.guard_workloads(namespace):
        return
    selector = selector_from_label_selector(doc.value("spec", "podSelector"))
    if selector is None or selector.is_empty:
        return
    if _may_select(doc, ctx, selector, namespace):
        return
    yield Violation(
        f"podSelector {selector.describe() if not selector.nothing else '(malformed)'} matches no pod template"
        f" in namespace {namespace}",
        ("spec", "podSelector"),
    )


@rule("networkpolicy-peer-selects-nothing")
def check_peer(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    if namespace is None or not ctx.guard_workloads(namespace):
        return
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for r, rule_item in enumerate(doc.sequence("spec", direction)):
            peers = rule_item.get(peers_key) if isinstance(rule_item, Mapping) else None
            if not isinstance(peers, list):
                continue
            for p, peer in enumerate(peers):
                if (
                    not isinstance(peer, Mapping)
                    or "podSelector" not in peer
                    or peer.get("namespaceSelector") is not None
                ):
                    continue
                selector = selector_from_label_selector(peer.get("podSelector"))
                if selector is None or _may_select(doc, ctx, selector, namespace):
                    continue
                yield Violation(
                    f"{direction} rule #{r + 1} {peers_key} peer podSelector"
                    f" {selector.describe() if not selector.nothing else '(malformed)'} matches no pod template"
                    f" in namespace {namespace}",
                    ("spec", direction, r, peers_key, p, "podSelector"),
                )
