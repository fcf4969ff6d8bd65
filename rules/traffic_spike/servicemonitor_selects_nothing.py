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
    Severity,
    Violation,
    rule,
    selector_from_label_selector,
)

MONITORING_GROUP = "monitoring.coreos.com"
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

_FAIL = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app.kubernetes.io/name: web}
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{name: metrics, port: 9090}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
spec:
  selector:
    matchLabels: {app: web}
  endpoints: [{port: metrics}]
"""

_PASS = _FAIL.replace("matchLabels: {app: web}", "matchLabels: {app.kubernetes.io/name: web}")


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


@rule(
    id="servicemonitor-selects-nothing",
    title="ServiceMonitor selects no Service",
    document="traffic-spike",
    severity=Severity.INFO,
    kinds=(f"{MONITORING_GROUP}/ServiceMonitor",),
    category="operations",
    cross_object=True,
    default_enabled=False,
    rationale="""
prometheus-operator turns a ServiceMonitor into scrape targets from the endpoints of the
Services whose `metadata.labels` (not their pod selector) match its `spec.selector`, in the
namespaces of `spec.namespaceSelector`: every namespace with `any: true`, the listed
`matchNames`, or else only the ServiceMonitor's own namespace. When no Service matches,
Prometheus scrapes nothing and says nothing: dashboards go flat, alerts on the service's
metrics never fire, and an HPA or KEDA scaler fed by those metrics has no signal when the
spike comes. The usual causes are a label written in the Service's selector instead of its
labels, a renamed label, or a ServiceMonitor in the monitoring namespace without
`namespaceSelector`. The rule reports only what stays wrong whatever the cluster adds:
it runs when the input holds a Service (or with `--assume-complete`) and judges a
ServiceMonitor only when every namespace it watches holds a Service of the input, none of
them is `kube-system` (cluster DNS and add-on Services come with the cluster), no operator
custom resource or workload allowed to create Services is there and no file of the
directory failed to load; `any: true` is judged only with `--assume-complete`. The
`kubernetes` Service of `default` counts as present, and selector terms on labels a deploy
tool may add to every object (Argo CD's `app.kubernetes.io/instance`, Flux's
`*.toolkit.fluxcd.io/*`) are taken as met. A selector that is not a label selector is the
schema's finding.
""",
    remediation=(
        "Make `spec.selector` match the labels of the Service to scrape, and add a "
        "`namespaceSelector.matchNames` when that Service lives in another namespace."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://prometheus-operator.dev/docs/developer/getting-started/",
        "https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitorSpec",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ),
)
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
