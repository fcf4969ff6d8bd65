"""Autoscaling and disruption helpers for the traffic-spike and failed-deployment rules
(rule-catalog §4, §5): HPA / KEDA ScaledObject / VPA target indexes, HPA resource metrics,
PodDisruptionBudget coverage, intstr percentages and per-pod resource requests.

Indexes are built once per run (`LintContext.cached`) so cross-object rules stay linear
in the number of objects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any, NamedTuple, Protocol, TypeVar

from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.k8s.selectors import LabelSelector, selector_from_label_selector
from kubelint_py.k8s.workloads import ContainerKind, ContainerScope, containers, pod_spec_path
from kubelint_py.model import Cache, Document, FieldPath, get_path

__all__ = [
    "ResourceMetric",
    "hpa_resource_metrics",
    "hpas_targeting",
    "is_hpa",
    "is_keda_scaled_object",
    "is_vpa",
    "pdbs_covering",
    "percent",
    "pod_requests",
    "scalers_targeting",
    "target_key",
]

T = TypeVar("T")


class HasDoc(Protocol):
    @property
    def doc(self) -> Document: ...


TT = TypeVar("TT", bound=HasDoc)


class LintLike(Cache, Protocol[TT]):
    """What these helpers need of kubelint_py.run.context.LintContext (k8s helpers stay pure:
    they do not import the context module)."""

    def of_kind(self, *kinds: str) -> list[Document]: ...
    def namespace_of(self, doc: Document) -> str | None: ...
    def pod_templates_matching(self, selector: LabelSelector | None, namespace: str | None) -> tuple[TT, ...]: ...
    def workloads(self) -> list[TT]: ...
    def is_serving(self, template: TT) -> bool: ...
    def services_selecting(self, template: TT) -> list[Document]: ...


AnyLint = LintLike[Any]
_PERCENT = re.compile(r"^([0-9]+)%$")

TargetKey = tuple[str, str, str]  # (namespace, kind, name)


def is_hpa(doc: Document) -> bool:
    return doc.kind == "HorizontalPodAutoscaler" and doc.group == "autoscaling"


def is_keda_scaled_object(doc: Document) -> bool:
    return doc.kind == "ScaledObject" and doc.group == "keda.sh"


def is_vpa(doc: Document) -> bool:
    return doc.kind == "VerticalPodAutoscaler" and doc.group == "autoscaling.k8s.io"


def target_key(lint: AnyLint, doc: Document) -> TargetKey:
    return (lint.namespace_of(doc) or "", doc.kind, doc.name)


def _ref_key(lint: AnyLint, owner: Document, ref: object, default_kind: str | None) -> TargetKey | None:
    if not isinstance(ref, Mapping):
        return None
    kind = ref.get("kind", default_kind) if default_kind else ref.get("kind")
    name = ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return None
    return (lint.namespace_of(owner) or "", kind, name)


def _index(
    lint: AnyLint, kind: str, test: Callable[[Document], bool], path: FieldPath, default_kind: str | None
) -> dict[TargetKey, list[Document]]:
    index: dict[TargetKey, list[Document]] = defaultdict(list)
    for doc in lint.of_kind(kind):
        if test(doc):
            key = _ref_key(lint, doc, get_path(doc.data, path), default_kind)
            if key is not None:
                index[key].append(doc)
    return dict(index)


def hpas_targeting(lint: AnyLint, doc: Document) -> list[Document]:
    """HorizontalPodAutoscalers (any autoscaling/* version) whose scaleTargetRef names `doc`."""
    index = lint.cached(
        ("autoscaling", "hpa"),
        lambda: _index(lint, "HorizontalPodAutoscaler", is_hpa, ("spec", "scaleTargetRef"), None),
    )
    return list(index.get(target_key(lint, doc), ()))


def scaled_objects_targeting(lint: AnyLint, doc: Document) -> list[Document]:
    """KEDA ScaledObjects (keda.sh) whose scaleTargetRef names `doc` (kind defaults to Deployment)."""
    index = lint.cached(
        ("autoscaling", "keda"),
        lambda: _index(lint, "ScaledObject", is_keda_scaled_object, ("spec", "scaleTargetRef"), "Deployment"),
    )
    return list(index.get(target_key(lint, doc), ()))


def scalers_targeting(lint: AnyLint, doc: Document) -> list[Document]:
    """HPAs and KEDA ScaledObjects that scale `doc`."""
    return hpas_targeting(lint, doc) + scaled_objects_targeting(lint, doc)


def hpas_by_target(lint: AnyLint, key: TargetKey) -> list[Document]:
    index = lint.cached(
        ("autoscaling", "hpa"),
        lambda: _index(lint, "HorizontalPodAutoscaler", is_hpa, ("spec", "scaleTargetRef"), None),
    )
    return list(index.get(key, ()))


def template_of(lint: LintLike[TT], doc: Document) -> TT | None:
    """The indexed pod-template record of a workload document (one dict lookup)."""
    index: dict[int, TT] = lint.cached(("autoscaling", "templates"), lambda: {id(t.doc): t for t in lint.workloads()})
    return index.get(id(doc))


def serving_services(lint: LintLike[TT], doc: Document) -> list[Document]:
    """The Services (type not ExternalName, same namespace) that make `doc` a serving
    workload (rule-catalog §0.3); empty when it is not one."""
    template = template_of(lint, doc)
    if template is None or not lint.is_serving(template):
        return []
    return lint.services_selecting(template)


# -- HPA metrics ---------------------------------------------------------------------------


class ResourceMetric(NamedTuple):
    """A cpu/memory metric of an HPA: which resource, whether it is a Utilization target,
    the container it is restricted to (ContainerResource) and where it is written."""

    resource: str
    utilization: bool
    container: str | None
    path: FieldPath
    implicit: bool = False  # the API's default (80 % CPU) because no metric is written


def hpa_resource_metrics(doc: Document) -> Iterator[ResourceMetric]:
    """The Resource/ContainerResource metrics of an HPA in any autoscaling version.

    autoscaling/v1: `targetCPUUtilizationPercentage`; when absent the API defaults to 80 %
    CPU utilization. v2/v2beta2: `metrics[].resource|containerResource.target.type`;
    v2beta1: `targetAverageUtilization` / `targetAverageValue`. An HPA with no `metrics`
    (v2*) also defaults to 80 % CPU utilization.
    """
    spec = doc.mapping("spec")
    if doc.api_version == "autoscaling/v1":
        if "targetCPUUtilizationPercentage" in spec:
            yield ResourceMetric("cpu", True, None, ("spec", "targetCPUUtilizationPercentage"))
        else:
            yield ResourceMetric("cpu", True, None, ("spec",), implicit=True)
        return
    metrics = spec.get("metrics")
    if metrics is None or metrics == []:
        yield ResourceMetric("cpu", True, None, ("spec",), implicit=True)
        return
    if not isinstance(metrics, list):
        return
    for number, metric in enumerate(metrics):
        if not isinstance(metric, Mapping):
            continue
        mtype = metric.get("type")
        field = {"Resource": "resource", "ContainerResource": "containerResource"}.get(str(mtype))
        if field is None:
            continue
        body = metric.get(field)
        if not isinstance(body, Mapping):
            continue
        name = body.get("name")
        if not isinstance(name, str):
            continue
        container = body.get("container") if field == "containerResource" else None
        if field == "containerResource" and not isinstance(container, str):
            continue
        base: FieldPath = ("spec", "metrics", number, field)
        target = body.get("target")
        if isinstance(target, Mapping):
            utilization = target.get("type") == "Utilization"
            path: FieldPath = (*base, "target", "type") if "type" in target else (*base, "target")
        else:  # v2beta1
            utilization = "targetAverageUtilization" in body
            path = (*base, "targetAverageUtilization") if utilization else base
        yield ResourceMetric(name, utilization, container if isinstance(container, str) else None, path)


# -- PodDisruptionBudgets --------------------------------------------------------------------


def pdb_selector_matches_all_when_empty(doc: Document) -> bool:
    """policy/v1: an empty selector selects every pod of the namespace; policy/v1beta1: none."""
    return doc.api_version != "policy/v1beta1"


def _pdb_coverage(lint: AnyLint) -> dict[int, list[Document]]:
    covered: dict[int, list[Document]] = defaultdict(list)
    for pdb in lint.of_kind("PodDisruptionBudget"):
        if pdb.group != "policy":
            continue
        raw = pdb.value("spec", "selector")
        if raw == {} and not pdb_selector_matches_all_when_empty(pdb):
            continue
        selector = selector_from_label_selector(raw)
        for template in lint.pod_templates_matching(selector, lint.namespace_of(pdb)):
            covered[id(template.doc)].append(pdb)
    return dict(covered)


def pdbs_covering(lint: AnyLint, doc: Document) -> list[Document]:
    """PodDisruptionBudgets in the workload's namespace whose selector matches its pod template labels."""
    return list(lint.cached(("autoscaling", "pdb"), lambda: _pdb_coverage(lint)).get(id(doc), ()))


def pdb_matched_templates(lint: AnyLint, pdb: Document) -> list[Document]:
    raw = pdb.value("spec", "selector")
    if raw == {} and not pdb_selector_matches_all_when_empty(pdb):
        return []
    selector = selector_from_label_selector(raw)
    return [t.doc for t in lint.pod_templates_matching(selector, lint.namespace_of(pdb))]


# -- intstr percentages ----------------------------------------------------------------------


def percent(value: object) -> int | None:
    """The number of an intstr percentage (`"25%"` -> 25), None when not a percentage."""
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            return int(match.group(1))
    return None


def scaled_floor(value: object, total: int) -> int | None:
    """An intstr resolved against `total` rounding down (maxUnavailable), None when invalid."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    pct = percent(value)
    return pct * total // 100 if pct is not None else None  # integers: no float overflow


# -- per-pod requests ------------------------------------------------------------------------


def _request(container: Mapping[str, object], resource: str) -> Fraction:
    """A container's effective request: `requests.<r>`, else `limits.<r>` (the API defaults
    a missing request to the limit), else 0. Invalid quantities count as 0."""
    for section in ("requests", "limits"):
        raw = get_path(container, ("resources", section, resource))
        if raw is not None:
            parsed = quantity_from_manifest(raw)
            return parsed if parsed is not None else Fraction(0)
    return Fraction(0)


def has_request(container: Mapping[str, object], resource: str) -> bool:
    """True when the container has a request for `resource`, explicitly or defaulted from its limit."""
    return any(get_path(container, ("resources", section, resource)) is not None for section in ("requests", "limits"))


def pod_requests(doc: Document, resource: str) -> Fraction:
    """The pod's effective request as the scheduler and quota count it (KEP-753 sidecars):

    max(Σ regular containers + Σ sidecars,
        max over non-sidecar init containers i of (request_i + Σ sidecars declared before i)).
    """
    if pod_spec_path(doc) is None:
        return Fraction(0)
    regular = sum((_request(c.data, resource) for c in containers(doc, ContainerScope.C)), Fraction(0))
    sidecars = Fraction(0)
    init_peak = Fraction(0)
    for container in containers(doc, ContainerScope.C_I):
        if container.kind is ContainerKind.SIDECAR:
            sidecars += _request(container.data, resource)
        elif container.kind is ContainerKind.INIT:
            init_peak = max(init_peak, _request(container.data, resource) + sidecars)
    return max(regular + sidecars, init_peak)


def pod_spec_of(doc: Document) -> Mapping[str, object]:
    path = pod_spec_path(doc)
    found = get_path(doc.data, path) if path else None
    return found if isinstance(found, Mapping) else {}
