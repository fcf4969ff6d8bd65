"""The lint context: every document of the run (targets and context sources) and the
indexes cross-object rules query. Indexes are built lazily, once per run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
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
    def __init__(self, documents: Sequence[Document], *, default_namespace: str = "default") -> None:
        self.documents: tuple[Document, ...] = tuple(documents)
        self.default_namespace = default_namespace
        self._by_kind: dict[str, list[Document]] | None = None
        self._by_name: dict[tuple[str, str | None, str], list[Document]] | None = None
        self._templates: dict[str, list[PodTemplate]] | None = None
        self._label_index: dict[tuple[str, str, str], list[PodTemplate]] | None = None
        self._match_cache: dict[tuple[LabelSelector, str | None], tuple[PodTemplate, ...]] = {}
        self._hpa_index: dict[tuple[str, str, str], list[Document]] | None = None
        self._services_by_template: dict[int, list[Document]] | None = None
        self._by_kind_name: dict[tuple[str, str], list[Document]] | None = None
        self._memo: dict[Hashable, object] = {}

    def warm_up(self) -> None:
        """Build the shared indexes now, so processes forked afterwards inherit them."""
        self._kind_index()
        self._template_index()
        self.named("", None, "")
        self.named_anywhere("", "")
        for template in self.workloads()[:1]:
            self.services_selecting(template)
        for doc in self.of_kind("Deployment")[:1]:
            self.hpas_for(doc)

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """A run-wide derived index, built once on first use (e.g. the TLS Secrets of the
        input). Rules use it instead of rescanning every object for every object."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    def named_anywhere(self, kind: str, name: str) -> list[Document]:
        """Objects of `kind` called `name` in any namespace."""
        if self._by_kind_name is None:
            index: dict[tuple[str, str], list[Document]] = defaultdict(list)
            for doc in self.documents:
                if doc.kind and doc.name:
                    index[(doc.kind, doc.name)].append(doc)
            self._by_kind_name = dict(index)
        return list(self._by_kind_name.get((kind, name), ()))

    # -- identity -------------------------------------------------------------------
    def namespace_of(self, doc: Document) -> str | None:
        """metadata.namespace, else the run's --namespace, else `default`; None if cluster-scoped."""
        if not is_namespaced(doc.kind):
            return None
        return doc.namespace or self.default_namespace

    # -- by kind and name -----------------------------------------------------------
    def _kind_index(self) -> dict[str, list[Document]]:
        if self._by_kind is None:
            index: dict[str, list[Document]] = defaultdict(list)
            for doc in self.documents:
                if doc.kind:
                    index[doc.kind].append(doc)
            self._by_kind = dict(index)
        return self._by_kind

    def of_kind(self, *kinds: str) -> list[Document]:
        index = self._kind_index()
        if len(kinds) == 1:
            return list(index.get(kinds[0], ()))
        return [doc for kind in kinds for doc in index.get(kind, ())]

    def has_kind(self, *kinds: str) -> bool:
        index = self._kind_index()
        return any(index.get(kind) for kind in kinds)

    def get(self, kind: str, namespace: str | None, name: str) -> Document | None:
        found = self.named(kind, namespace, name)
        return found[0] if found else None

    def named(self, kind: str, namespace: str | None, name: str) -> list[Document]:
        if self._by_name is None:
            index: dict[tuple[str, str | None, str], list[Document]] = defaultdict(list)
            for doc in self.documents:
                if doc.kind and doc.name:
                    index[(doc.kind, self.namespace_of(doc), doc.name)].append(doc)
            self._by_name = dict(index)
        key_ns = namespace if is_namespaced(kind) else None
        return list(self._by_name.get((kind, key_ns, name), ()))

    # -- pod templates --------------------------------------------------------------
    def _template_index(self) -> dict[str, list[PodTemplate]]:
        if self._templates is None:
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
            self._templates = dict(templates)
            self._label_index = dict(labels_index)
        return self._templates

    def workloads(self) -> list[PodTemplate]:
        return [t for group in self._template_index().values() for t in group]

    def has_workloads(self, namespace: str | None = None) -> bool:
        index = self._template_index()
        return bool(index.get(namespace)) if namespace is not None else any(index.values())

    def pod_templates(self, namespace: str | None = None) -> list[PodTemplate]:
        """Pod templates of one namespace, or of all when `namespace` is None."""
        index = self._template_index()
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
        index = self._template_index()
        assert self._label_index is not None
        namespaces = [namespace] if namespace is not None else sorted(index)
        found: list[PodTemplate] = []
        for ns in namespaces:
            if selector.match_labels:
                candidates: Sequence[PodTemplate] = min(
                    (self._label_index.get((ns, k, v), []) for k, v in selector.match_labels), key=len
                )
            else:
                candidates = index.get(ns, ())
            found.extend(t for t in candidates if selector.matches(t.labels))
        result = tuple(found)
        self._match_cache[key] = result
        return result

    # -- services and autoscalers ---------------------------------------------------
    def services_selecting(self, template: PodTemplate) -> list[Document]:
        """Services (type not ExternalName) in the template's namespace that select it."""
        if self._services_by_template is None:
            mapping: dict[int, list[Document]] = defaultdict(list)
            for service in self.of_kind("Service"):
                if service.value("spec", "type") == "ExternalName":
                    continue
                selector = selector_from_map(service.value("spec", "selector"))
                for matched in self.pod_templates_matching(selector, self.namespace_of(service)):
                    mapping[id(matched.doc)].append(service)
            self._services_by_template = dict(mapping)
        return list(self._services_by_template.get(id(template.doc), ()))

    def is_serving(self, template: PodTemplate) -> bool:
        return template.doc.kind in (*REPLICATED_KINDS, "Pod") and bool(self.services_selecting(template))

    def hpas_for(self, doc: Document) -> list[Document]:
        """HorizontalPodAutoscalers whose scaleTargetRef names `doc`."""
        if self._hpa_index is None:
            index: dict[tuple[str, str, str], list[Document]] = defaultdict(list)
            for hpa in self.of_kind("HorizontalPodAutoscaler"):
                kind, name = hpa.value("spec", "scaleTargetRef", "kind"), hpa.value("spec", "scaleTargetRef", "name")
                if isinstance(kind, str) and isinstance(name, str):
                    index[(self.namespace_of(hpa) or "", kind, name)].append(hpa)
            self._hpa_index = dict(index)
        return list(self._hpa_index.get((self.namespace_of(doc) or "", doc.kind, doc.name), ()))

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
