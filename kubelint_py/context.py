"""The lint context: every document of the run (targets and context sources) and the
indexes cross-object rules query. Indexes are built lazily, once per run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cached_property
from typing import NamedTuple, TypeVar, cast

from kubelint_py.k8s.selectors import LabelSelector, selector_from_map
from kubelint_py.k8s.workloads import (
    REPLICATED_KINDS,
    is_namespaced,
    pod_spec_path,
    pod_template_labels,
    pod_template_labels_path,
    replicas,
)
from kubelint_py.model import Document, FieldPath

T = TypeVar("T")


class PodTemplate(NamedTuple):
    doc: Document
    namespace: str
    labels: Mapping[str, object]
    labels_path: FieldPath
    spec_path: FieldPath


class LintContext:
    """Indexes are `cached_property`s: built on first use, once per run (and built before a
    fork by `warm_up`, so worker processes inherit them)."""

    def __init__(self, documents: Sequence[Document], *, default_namespace: str = "default") -> None:
        self.documents: tuple[Document, ...] = tuple(documents)
        self.default_namespace = default_namespace
        self._match_cache: dict[tuple[LabelSelector, str | None], tuple[PodTemplate, ...]] = {}
        self._memo: dict[Hashable, object] = {}

    def warm_up(self) -> None:
        """Build the shared indexes now, so processes forked afterwards inherit them."""
        for index in ("_by_kind", "_by_name", "_by_kind_name", "_templates", "_services_by_template", "_hpas"):
            getattr(self, index)

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """A run-wide derived index, built once on first use (e.g. the TLS Secrets of the
        input). Rules use it instead of rescanning every object for every object."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    # -- identity -------------------------------------------------------------------
    def namespace_of(self, doc: Document) -> str | None:
        """metadata.namespace, else the run's --namespace, else `default`; None if cluster-scoped."""
        if not is_namespaced(doc.kind):
            return None
        return doc.namespace or self.default_namespace

    # -- by kind and name -----------------------------------------------------------
    @cached_property
    def _by_kind(self) -> dict[str, list[Document]]:
        index: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind:
                index[doc.kind].append(doc)
        return dict(index)

    @cached_property
    def _by_name(self) -> dict[tuple[str, str | None, str], list[Document]]:
        index: dict[tuple[str, str | None, str], list[Document]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind and doc.name:
                index[(doc.kind, self.namespace_of(doc), doc.name)].append(doc)
        return dict(index)

    @cached_property
    def _by_kind_name(self) -> dict[tuple[str, str], list[Document]]:
        index: dict[tuple[str, str], list[Document]] = defaultdict(list)
        for doc in self.documents:
            if doc.kind and doc.name:
                index[(doc.kind, doc.name)].append(doc)
        return dict(index)

    def of_kind(self, *kinds: str) -> list[Document]:
        index = self._by_kind
        if len(kinds) == 1:
            return list(index.get(kinds[0], ()))
        return [doc for kind in kinds for doc in index.get(kind, ())]

    def has_kind(self, *kinds: str) -> bool:
        return any(self._by_kind.get(kind) for kind in kinds)

    def get(self, kind: str, namespace: str | None, name: str) -> Document | None:
        key_ns = namespace if is_namespaced(kind) else None
        found = self._by_name.get((kind, key_ns, name))  # as `named`, without copying the list
        return found[0] if found else None

    def named(self, kind: str, namespace: str | None, name: str) -> list[Document]:
        key_ns = namespace if is_namespaced(kind) else None
        return list(self._by_name.get((kind, key_ns, name), ()))

    def named_anywhere(self, kind: str, name: str) -> list[Document]:
        """Objects of `kind` called `name` in any namespace."""
        return list(self._by_kind_name.get((kind, name), ()))

    # -- pod templates --------------------------------------------------------------
    @cached_property
    def _templates(self) -> tuple[dict[str, list[PodTemplate]], dict[tuple[str, str, str], list[PodTemplate]]]:
        """Pod templates per namespace, and the inverted (namespace, label, value) index."""
        templates: dict[str, list[PodTemplate]] = defaultdict(list)
        labels_index: dict[tuple[str, str, str], list[PodTemplate]] = defaultdict(list)
        for doc in self.documents:
            spec_path = pod_spec_path(doc)
            labels_path = pod_template_labels_path(doc)
            if spec_path is None or labels_path is None or doc.kind == "PodTemplate":
                continue
            namespace = self.namespace_of(doc) or self.default_namespace
            labels = pod_template_labels(doc)
            template = PodTemplate(doc, namespace, labels, labels_path, spec_path)
            templates[namespace].append(template)
            for key, value in labels.items():
                labels_index[(namespace, str(key), _text(value))].append(template)
        return dict(templates), dict(labels_index)

    def workloads(self) -> list[PodTemplate]:
        return self.pod_templates(None)

    def has_workloads(self, namespace: str | None = None) -> bool:
        index = self._templates[0]
        return bool(index.get(namespace)) if namespace is not None else any(index.values())

    def pod_templates(self, namespace: str | None = None) -> list[PodTemplate]:
        """Pod templates of one namespace, or of all when `namespace` is None."""
        index = self._templates[0]
        if namespace is None:
            return [t for group in index.values() for t in group]
        return list(index.get(namespace, ()))

    def pod_templates_matching(self, selector: LabelSelector | None, namespace: str | None) -> tuple[PodTemplate, ...]:
        """Pod templates whose labels the selector matches (namespace None = any namespace)."""
        if selector is None or selector.nothing:
            return ()
        key = (selector, namespace)
        cached = self._match_cache.get(key)
        if cached is not None:
            return cached
        index, label_index = self._templates
        namespaces = [namespace] if namespace is not None else sorted(index)
        found: list[PodTemplate] = []
        for ns in namespaces:
            if selector.match_labels:
                candidates: Sequence[PodTemplate] = min(
                    (label_index.get((ns, k, v), []) for k, v in selector.match_labels), key=len
                )
            else:
                candidates = index.get(ns, ())
            found.extend(t for t in candidates if selector.matches(t.labels))
        result = tuple(found)
        self._match_cache[key] = result
        return result

    # -- services and autoscalers ---------------------------------------------------
    @cached_property
    def _services_by_template(self) -> dict[int, list[Document]]:
        mapping: dict[int, list[Document]] = defaultdict(list)
        for service in self.of_kind("Service"):
            if service.value("spec", "type") == "ExternalName":
                continue
            selector = selector_from_map(service.value("spec", "selector"))
            for matched in self.pod_templates_matching(selector, self.namespace_of(service)):
                mapping[id(matched.doc)].append(service)
        return dict(mapping)

    def services_selecting(self, template: PodTemplate) -> list[Document]:
        """Services (type not ExternalName) in the template's namespace that select it."""
        return list(self._services_by_template.get(id(template.doc), ()))

    def is_serving(self, template: PodTemplate) -> bool:
        return template.doc.kind in (*REPLICATED_KINDS, "Pod") and bool(self.services_selecting(template))

    @cached_property
    def _hpas(self) -> dict[tuple[str, str, str], list[Document]]:
        index: dict[tuple[str, str, str], list[Document]] = defaultdict(list)
        for hpa in self.of_kind("HorizontalPodAutoscaler"):
            kind, name = hpa.value("spec", "scaleTargetRef", "kind"), hpa.value("spec", "scaleTargetRef", "name")
            if isinstance(kind, str) and isinstance(name, str):
                index[(self.namespace_of(hpa) or "", kind, name)].append(hpa)
        return dict(index)

    def hpas_for(self, doc: Document) -> list[Document]:
        """HorizontalPodAutoscalers whose scaleTargetRef names `doc`."""
        return list(self._hpas.get((self.namespace_of(doc) or "", doc.kind, doc.name), ()))

    def effective_replicas(self, doc: Document) -> int:
        """HPA `minReplicas` (absent = 1) when an HPA targets `doc`, else `spec.replicas`."""
        for hpa in self.hpas_for(doc):
            value = hpa.value("spec", "minReplicas")
            return value if isinstance(value, int) and not isinstance(value, bool) else 1
        return replicas(doc)

    def workload_for(self, target_ref: object, namespace: str | None) -> Document | None:
        """The object a `scaleTargetRef`-style reference names, in `namespace`."""
        if not isinstance(target_ref, Mapping):
            return None
        kind, name = target_ref.get("kind"), target_ref.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            return None
        return self.get(kind, namespace, name)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
