"""service-selector-no-match and service-selector-other-namespace (rule-catalog §2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.selectors import label_text
from kubelint_py.rule_api import (
    Document,
    LabelSelector,
    PodTemplate,
    RuleContext,
    Violation,
    run_rule,
    selector_from_map,
)


def _services(ctx: RuleContext) -> Iterator[tuple[Document, LabelSelector, str]]:
    """Target Services that select pods: type not ExternalName, non-empty selector."""
    for doc in ctx.of_kind("Service"):
        if not doc.is_target or doc.value("spec", "type") == "ExternalName":
            continue
        selector = selector_from_map(doc.value("spec", "selector"))
        namespace = ctx.namespace_of(doc)
        if selector is None or namespace is None:
            continue
        yield doc, selector, namespace


def _namespace_index(ctx: RuleContext) -> Mapping[tuple[str, str | None], set[str]]:
    """(label key, value) -> namespaces with a pod template whose pods carry it, controller-added
    labels included ((key, None): the controller sets the key to a value known at run time).
    Built once per run, so a Service that matches nothing locally does not scan every namespace."""
    index: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for template in ctx.lint.workloads():
        for key, value in template.labels.items():
            index[(str(key), label_text(value))].add(template.namespace)
        for key, values in template.runtime_labels.items():
            for runtime_value in values if values is not None else (None,):
                index[(key, runtime_value)].add(template.namespace)
    return index


def _elsewhere(
    ctx: RuleContext, selector: LabelSelector, own: str, index: Mapping[tuple[str, str | None], set[str]]
) -> list[PodTemplate]:
    candidates = min(
        (index.get(pair, set()) | index.get((pair[0], None), set()) for pair in selector.match_labels), key=len
    )
    found: list[PodTemplate] = []
    for namespace in sorted(candidates - {own}):
        found.extend(ctx.pod_templates_matching(selector, namespace))
    return found


_Unmatched = tuple[Document, LabelSelector, str, list[PodTemplate]]


def _unmatched(ctx: RuleContext) -> list[_Unmatched]:
    """`_find_unmatched`, found once per run for both rules (shared: read-only): each went
    through every Service, its matches and the namespace index (1,485 Services on the
    10,000-document corpus)."""
    return ctx.lint.cached(("service-selector", "unmatched", ctx.assume_complete), lambda: list(_find_unmatched(ctx)))


def _find_unmatched(ctx: RuleContext) -> Iterator[_Unmatched]:
    """Services whose selector certainly matches no pod in their own namespace, with the
    templates it matches in other namespaces. Not certain (so not yielded): the selector
    matches a template (controller-added labels included) or only Helm hook/test pods, or the
    namespace may run pods the input does not show (operator custom resources, a file of the
    directory that did not load; `--assume-complete` turns these two off)."""
    index: Mapping[tuple[str, str | None], set[str]] | None = None
    for doc, selector, namespace in _services(ctx):
        if ctx.pod_templates_matching(selector, namespace) or ctx.lint.hook_templates_matching(selector, namespace):
            continue
        if ctx.lint.unseen_pods(namespace, near=doc, assume_complete=ctx.assume_complete):
            continue
        if index is None:
            index = _namespace_index(ctx)
        yield doc, selector, namespace, _elsewhere(ctx, selector, namespace, index)


def _describe(templates: list[PodTemplate], limit: int = 3) -> str:
    names = [f"{t.doc.kind} {t.namespace}/{t.doc.name}" for t in templates[:limit]]
    more = f" and {len(templates) - limit} more" if len(templates) > limit else ""
    return ", ".join(names) + more


@run_rule("service-selector-no-match")
def check_no_match(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    if not ctx.guard_workloads():
        return
    for doc, selector, namespace, elsewhere in _unmatched(ctx):
        if elsewhere or not ctx.guard_workloads(namespace):
            continue
        resembling = ctx.lint.resembling_templates(selector, namespace)
        if not resembling and not ctx.assume_complete:
            continue  # shares nothing with the namespace's workloads: fronts pods from elsewhere
        related = tuple((t.doc, t.labels_path, "pod template labels (not all selector pairs)") for t in resembling[:3])
        near = f"; closest: {_describe(resembling)}" if resembling else ""
        yield (
            doc,
            Violation(
                f"selector {selector.describe()} matches no pod template in any namespace{near}",
                ("spec", "selector"),
                related,
            ),
        )


@run_rule("service-selector-other-namespace")
def check_other_namespace(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    if not ctx.guard_workloads():
        return
    for doc, selector, namespace, elsewhere in _unmatched(ctx):
        if not elsewhere:
            continue
        related = tuple(
            (t.doc, t.labels_path, f"pod template matched in namespace {t.namespace}") for t in elsewhere[:5]
        )
        yield (
            doc,
            Violation(
                f"selector {selector.describe()} matches no pod template in namespace {namespace}, "
                f"only in other namespaces ({_describe(elsewhere)}); Services select pods in their own namespace only",
                ("spec", "selector"),
                related,
            ),
        )
