"""servicemonitor-selects-nothing (rule-catalog §4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from kubelint_py.k8s.selectors import Requirement
from kubelint_py.rule_api import (
    Document,
    FieldPath,
    LabelSelector,
    RuleContext,
    Violation,
    rule,
    selector_from_label_selector,
)

# Services every cluster has without a manifest: (namespace, name, labels)
CLUSTER_SERVICES: tuple[tuple[str, str, Mapping[str, str]], ...] = (
    ("default", "kubernetes", {"component": "apiserver", "provider": "kubernetes"}),
)
# Namespaces whose Services come with the cluster (cluster DNS, cloud add-ons, the kubelet
# Service prometheus-operator maintains): the input never shows them all.
SYSTEM_NAMESPACES = frozenset(("kube-system",))
# Labels a deploy tool may put on every object it applies, whatever the manifest says:
# Argo CD's tracking label (label tracking, its default before 3.0) and Flux's owner labels.
DEPLOY_TOOL_LABELS = frozenset(
    (
        "app.kubernetes.io/instance",
        "kustomize.toolkit.fluxcd.io/name",
        "kustomize.toolkit.fluxcd.io/namespace",
        "helm.toolkit.fluxcd.io/name",
        "helm.toolkit.fluxcd.io/namespace",
    )
)


def _services_by_namespace(ctx: RuleContext) -> Mapping[str, Sequence[Document]]:
    def build() -> Mapping[str, Sequence[Document]]:
        index: dict[str, list[Document]] = defaultdict(list)
        for service in ctx.of_kind("Service"):
            if service.group == "":
                index[ctx.namespace_of(service) or ""].append(service)
        return dict(index)

    return ctx.lint.cached(("servicemonitor-selects-nothing", "services"), build)


def _watched(doc: Document) -> tuple[str, ...] | None:
    """The namespaces the ServiceMonitor watches: None for all (`any: true`), else
    `matchNames`, else (absent or empty) its own namespace (filled in by the caller)."""
    namespace_selector = doc.value("spec", "namespaceSelector")
    if not isinstance(namespace_selector, Mapping):
        return ()
    if namespace_selector.get("any") is True:
        return None
    names = namespace_selector.get("matchNames")
    if isinstance(names, list):
        return tuple(dict.fromkeys(n for n in names if isinstance(n, str) and n))
    return ()


def _without_tool_labels(selector: LabelSelector) -> LabelSelector:
    """The selector's terms a deploy tool cannot satisfy behind the manifest's back."""
    pairs = tuple((k, v) for k, v in selector.match_labels if k not in DEPLOY_TOOL_LABELS)
    requirements: tuple[Requirement, ...] = tuple(r for r in selector.requirements if r.key not in DEPLOY_TOOL_LABELS)
    if len(pairs) == len(selector.match_labels) and len(requirements) == len(selector.requirements):
        return selector
    return LabelSelector(pairs, requirements)


def _unknown_services(ctx: RuleContext, doc: Document, namespaces: Sequence[str]) -> bool:
    """True when a watched namespace may hold Services the input does not show."""
    services = _services_by_namespace(ctx)
    for namespace in namespaces:
        reason = ctx.lint.may_exist("Service", namespace, "", near=doc, assume_complete=ctx.assume_complete)
        if reason is not None:
            return True
        if ctx.assume_complete:
            continue
        if namespace in SYSTEM_NAMESPACES or not services.get(namespace):
            return True  # Services of this namespace are deployed apart from the input
    return False


def _matches(ctx: RuleContext, selector: LabelSelector, namespaces: Sequence[str] | None) -> bool:
    services = _services_by_namespace(ctx)
    for namespace in sorted(services) if namespaces is None else namespaces:
        if any(selector.matches(service.labels()) for service in services.get(namespace, ())):
            return True
    return any(
        (namespaces is None or namespace in namespaces) and selector.matches(labels)
        for namespace, _, labels in CLUSTER_SERVICES
    )


def _elsewhere(ctx: RuleContext, selector: LabelSelector, namespaces: Sequence[str]) -> list[Document]:
    services = _services_by_namespace(ctx)
    return [
        service
        for namespace in sorted(set(services) - set(namespaces))
        for service in services[namespace]
        if selector.matches(service.labels())
    ]


def _where(namespaces: Sequence[str] | None) -> str:
    if namespaces is None:
        return "in any namespace"
    quoted = ", ".join(f'"{n}"' for n in namespaces)
    return f"in namespace {quoted}" if len(namespaces) == 1 else f"in namespaces {quoted}"


@rule("servicemonitor-selects-nothing")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.guard("Service"):
        return
    selector = selector_from_label_selector(doc.value("spec", "selector"))
    if selector is None or selector.nothing:
        return  # absent or malformed: the schema's finding
    own = ctx.namespace_of(doc) or ""
    watched = _watched(doc)
    namespaces = watched if watched is None or watched else (own,)
    if namespaces is None:
        if not ctx.assume_complete:
            return  # any namespace: Services of namespaces the input does not hold count too
    elif _unknown_services(ctx, doc, namespaces):
        return
    effective = _without_tool_labels(selector)
    if _matches(ctx, effective, namespaces):
        return
    elsewhere = _elsewhere(ctx, effective, namespaces) if namespaces is not None else []
    path: FieldPath = ("spec", "selector")
    message = f"selector {selector.describe()} matches no Service {_where(namespaces)}"
    if elsewhere:
        names = ", ".join(dict.fromkeys(f"{ctx.namespace_of(s)}/{s.name}" for s in elsewhere[:3]))
        message += f"; it matches {names}, outside the namespaces it watches (spec.namespaceSelector)"
    related = tuple((s, ("metadata", "labels"), "Service with matching labels, not watched") for s in elsewhere[:3])
    yield Violation(message, path, related)
