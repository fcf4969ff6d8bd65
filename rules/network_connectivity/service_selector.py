"""service-selector-no-match and service-selector-other-namespace (rule-catalog §2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import service, stream
from kubelint_py.k8s.selectors import label_text
from kubelint_py.rule_api import (
    Document,
    LabelSelector,
    PodTemplate,
    RuleContext,
    Severity,
    Violation,
    run_rule,
    selector_from_map,
)

_REFERENCES = (
    "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints",
)

_NO_MATCH_FAIL = stream(
    service(),
    """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080}]}]
""",
)

_OTHER_NS_FAIL = _NO_MATCH_FAIL.replace("app: frontend", "app: web").replace(
    "{name: web, namespace: shop}\nspec:\n  selector: {matchLabels",
    "{name: web, namespace: shop-v2}\nspec:\n  selector: {matchLabels",
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


def _unmatched(ctx: RuleContext) -> Iterator[tuple[Document, LabelSelector, str, list[PodTemplate]]]:
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


@run_rule(
    id="service-selector-no-match",
    title="Service selector matches no pod template",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
A Service sends traffic only to pods whose labels contain every pair of its
`spec.selector`. When no workload carries those labels the EndpointSlice controller
publishes no endpoints: the ClusterIP answers with connection refused (kube-proxy rejects
traffic for endpoint-less Services) and DNS for a headless Service returns nothing. The
usual cause is a typo or a label renamed on one side only. The rule reports only what stays
wrong whatever the cluster adds at run time: the labels controllers put on pods
(`pod-template-hash`, `controller-revision-hash`, `statefulset.kubernetes.io/pod-name` with
the StatefulSet's `<name>-<ordinal>` values, `apps.kubernetes.io/pod-index`, the Job labels)
count as present. It is silent for a Service whose namespace holds no workload of the input
(its pods are applied elsewhere), holds custom resources an operator creates pods for
(prometheus-operator's `Prometheus`, database operators...), or shares its directory with a
file that did not load (a template that does not parse), and for a selector that shares
nothing with the namespace's workloads (no label pair, no value as a label value or workload
name: a typo leaves such a trace, a Service for pods installed by another release or by hand
does not); `--assume-complete` lifts these four guards. A selector matching only Helm hook
or test pods is not reported either. A warning, not an error: the conclusion rests on the
input being the whole namespace. When the selector does match pod templates, but only in
other namespaces, `service-selector-other-namespace` reports it instead.
""",
    remediation="Make every `spec.selector` pair appear in the pod template labels of the workload the Service fronts.",
    examples=(_NO_MATCH_FAIL, _NO_MATCH_FAIL.replace("frontend", "web")),
    references=_REFERENCES,
)
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


@run_rule(
    id="service-selector-other-namespace",
    title="Service selector matches pods only in another namespace",
    document="network-connectivity",
    severity=Severity.WARNING,
    kinds=("Service",),
    category="networking",
    cross_object=True,
    rationale="""
A Service selects pods in its own namespace only; the EndpointSlice controller never looks
across namespaces. A Service whose selector matches a workload that lives in another
namespace (typically one of the two was applied without `-n`, or moved to a new
namespace) gets no endpoints, and its clients see refused connections although the labels
look right. Only evaluated when the input holds at least one workload (or
`--assume-complete`); like `service-selector-no-match`, controller-added pod labels count,
and a Service whose own namespace may run pods the input does not show (operator custom
resources, a file of the directory that did not load) is not reported. A warning: the
conclusion rests on the input showing every pod of the Service's namespace.
""",
    remediation="Move the Service (or the workload) into the same namespace, or add a Service in the workload's one.",
    examples=(_OTHER_NS_FAIL, _NO_MATCH_FAIL.replace("frontend", "web")),
    references=_REFERENCES,
)
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
