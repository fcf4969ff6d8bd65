"""The lint context: every document of the run (targets and context sources) and the
indexes cross-object rules query. Indexes are built lazily, once per run.

What exists only at run time is part of the context too (docs/severity-policy.md): the
labels controllers add to pods take part in selector matching, Helm hook and test pods are
kept out of the pod-template index, and `may_exist` / `unseen_pods` say when an object or a
pod the input lacks may still be there (producers of `k8s/producers.py`, operator custom
resources, directories whose files did not all load).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple, TypeVar, cast

from kubelint_py.k8s.producers import OPERATOR_CREATED_KINDS, ProducerIndex
from kubelint_py.k8s.selectors import LabelSelector, RuntimeLabels, selector_from_map
from kubelint_py.k8s.workloads import (
    MAX_LISTED_ORDINALS,
    REPLICATED_KINDS,
    is_helm_hook,
    is_namespaced,
    pod_spec_path,
    pod_template_labels,
    pod_template_labels_path,
    replicas,
    runtime_pod_labels,
)
from kubelint_py.model import Document, FieldPath, LoadProblem, cached

T = TypeVar("T")

# load problems after which a file's objects are not all in the input
INCOMPLETE_LOAD_CODES = frozenset(("yaml-syntax", "input-too-large", "input-unreadable"))


def incomplete_files(problems: Iterable[LoadProblem], skipped_files: Iterable[str] = ()) -> list[str]:
    """Files that did not load whole: a document lost to a load problem, or a file skipped
    (an unrendered template). For `LintContext(incomplete_files=...)`."""
    return [*(p.file for p in problems if p.code in INCOMPLETE_LOAD_CODES), *skipped_files]


_NO_RUNTIME_LABELS: RuntimeLabels = MappingProxyType({})


class PodTemplate(NamedTuple):
    doc: Document
    namespace: str
    labels: Mapping[str, object]
    labels_path: FieldPath
    spec_path: FieldPath
    # labels the controller adds to the pods (pod-template-hash, statefulset pod-name...)
    runtime_labels: RuntimeLabels = _NO_RUNTIME_LABELS

    def may_match(self, selector: LabelSelector) -> bool:
        """The selector matches at least one pod of this template, run-time labels included."""
        if self.runtime_labels:
            return selector.may_match(self.labels, self.runtime_labels)
        return selector.matches(self.labels)


class _TemplateIndex(NamedTuple):
    by_namespace: dict[str, list[PodTemplate]]
    by_label: dict[tuple[str, str, str], list[PodTemplate]]  # (namespace, key, value)
    any_value: dict[tuple[str, str], list[PodTemplate]]  # (namespace, key): run-time value unknown
    hooks: dict[str, list[PodTemplate]]  # Helm hook and test pods, kept out of the index


class LintContext:
    """Indexes are `cached_property`s: built on first use, once per run (and built before a
    fork by `warm_up`, so worker processes inherit them)."""

    def __init__(
        self,
        documents: Sequence[Document],
        *,
        default_namespace: str = "default",
        incomplete_files: Iterable[str] = (),
    ) -> None:
        """`incomplete_files`: files of the input that did not load whole (a document that
        does not parse, an unrendered template skipped...): the objects of their directory
        are not all known."""
        self.documents: tuple[Document, ...] = tuple(documents)
        self.default_namespace = default_namespace
        self._incomplete_dirs: dict[str, str] = {}
        for file in incomplete_files:
            self._incomplete_dirs.setdefault(posixpath.dirname(file.replace("\\", "/")), file)
        self._match_cache: dict[tuple[LabelSelector, str | None], tuple[PodTemplate, ...]] = {}
        self._memo: dict[Hashable, object] = {}

    def warm_up(self) -> None:
        """Build the shared indexes now, so processes forked afterwards inherit them."""
        for index in (
            "_by_kind",
            "_by_name",
            "_by_kind_name",
            "_templates",
            "_services_by_template",
            "_hpas",
            "_producers",
        ):
            getattr(self, index)

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """A run-wide derived index, built once on first use (e.g. the TLS Secrets of the
        input; `model.cached`). Rules use it instead of rescanning every object for every object."""
        return cached(self._memo, key, build)

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
    def _templates(self) -> _TemplateIndex:
        """Pod templates per namespace and the inverted (namespace, label, value) index, with
        the labels controllers add at run time; Helm hooks and tests apart."""
        index = _TemplateIndex(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list))
        for doc in self.documents:
            spec_path = pod_spec_path(doc)
            labels_path = pod_template_labels_path(doc)
            if spec_path is None or labels_path is None or doc.kind == "PodTemplate":
                continue
            namespace = self.namespace_of(doc) or self.default_namespace
            runtime = runtime_pod_labels(doc, self._max_replicas(doc)) or _NO_RUNTIME_LABELS
            template = PodTemplate(doc, namespace, pod_template_labels(doc), labels_path, spec_path, runtime)
            if is_helm_hook(doc):
                index.hooks[namespace].append(template)
                continue
            index.by_namespace[namespace].append(template)
            for key, value in template.labels.items():
                if str(key) not in runtime:
                    index.by_label[(namespace, str(key), _text(value))].append(template)
            for key, values in runtime.items():
                if values is None:
                    index.any_value[(namespace, key)].append(template)
                    continue
                for value in values:
                    index.by_label[(namespace, key, value)].append(template)
        return _TemplateIndex(dict(index.by_namespace), dict(index.by_label), dict(index.any_value), dict(index.hooks))

    def _max_replicas(self, doc: Document) -> int | None:
        """The most replicas an autoscaler may give a StatefulSet (more than any ordinal list
        when unknown), None when nothing scales it."""
        if doc.kind != "StatefulSet":
            return None
        bounds = [hpa.value("spec", "maxReplicas") for hpa in self.hpas_for(doc)]
        if not bounds:
            return None
        if all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            return max(cast("list[int]", bounds))
        return MAX_LISTED_ORDINALS + 1

    def workloads(self) -> list[PodTemplate]:
        return self.pod_templates(None)

    def has_workloads(self, namespace: str | None = None) -> bool:
        index = self._templates.by_namespace
        return bool(index.get(namespace)) if namespace is not None else any(index.values())

    def pod_templates(self, namespace: str | None = None) -> list[PodTemplate]:
        """Pod templates of one namespace, or of all when `namespace` is None (Helm hooks and
        tests excluded: they are not part of the running application)."""
        index = self._templates.by_namespace
        if namespace is None:
            return [t for group in index.values() for t in group]
        return list(index.get(namespace, ()))

    def pod_templates_matching(self, selector: LabelSelector | None, namespace: str | None) -> tuple[PodTemplate, ...]:
        """Pod templates with at least one pod the selector matches, counting the labels the
        controllers add (namespace None = any namespace). Helm hooks and tests excluded."""
        if selector is None or selector.nothing:
            return ()
        key = (selector, namespace)
        cached = self._match_cache.get(key)
        if cached is not None:
            return cached
        index = self._templates
        namespaces = [namespace] if namespace is not None else sorted(index.by_namespace)
        found: list[PodTemplate] = []
        for ns in namespaces:
            found.extend(t for t in self._candidates(index, selector, ns) if t.may_match(selector))
        result = tuple(found)
        self._match_cache[key] = result
        return result

    @staticmethod
    def _candidates(index: _TemplateIndex, selector: LabelSelector, namespace: str) -> Sequence[PodTemplate]:
        """The templates that may carry the selector's rarest pair: indexed, not scanned."""
        if not selector.match_labels:
            return index.by_namespace.get(namespace, ())
        best: Sequence[PodTemplate] | None = None
        for k, v in selector.match_labels:
            exact = index.by_label.get((namespace, k, v), [])
            wildcard = index.any_value.get((namespace, k), [])
            group = exact + wildcard if wildcard and exact else exact or wildcard
            if best is None or len(group) < len(best):
                best = group
        return best or ()

    def hook_templates_matching(self, selector: LabelSelector | None, namespace: str) -> list[PodTemplate]:
        """Helm hook and test pod templates of `namespace` the selector matches."""
        if selector is None or selector.nothing:
            return []
        return [t for t in self._templates.hooks.get(namespace, ()) if t.may_match(selector)]

    def resembling_templates(self, selector: LabelSelector, namespace: str) -> list[PodTemplate]:
        """Pod templates of `namespace` that a selector matching none of them was evidently
        written for: they carry one of its label pairs, or one of its values as a label value
        or as the workload's name or own label. A typo or a label renamed on one side leaves
        such a trace; a selector sharing nothing with the namespace's workloads more likely
        selects pods the input does not hold (another release, a manually installed agent)."""
        pairs = {*selector.match_labels}
        pairs.update((r.key, v) for r in selector.requirements if r.operator == "In" for v in r.values)
        by_pair, by_value = self._traces
        found: dict[int, PodTemplate] = {}
        for key, value in sorted(pairs):
            for template in by_pair.get((namespace, key, value), ()):
                found.setdefault(id(template.doc), template)
        for value in sorted({v for _, v in pairs}):
            for template in by_value.get((namespace, value), ()):
                found.setdefault(id(template.doc), template)
        return list(found.values())

    @cached_property
    def _traces(
        self,
    ) -> tuple[dict[tuple[str, str, str], list[PodTemplate]], dict[tuple[str, str], list[PodTemplate]]]:
        """(namespace, key, value) of template and workload labels, and (namespace, value) of
        label values and workload names -> templates: `resembling_templates` without a scan."""
        by_pair: dict[tuple[str, str, str], list[PodTemplate]] = defaultdict(list)
        by_value: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        for namespace, templates in self._templates.by_namespace.items():
            for template in templates:
                pairs = {(str(k), _text(v)) for k, v in (*template.labels.items(), *template.doc.labels().items())}
                for key, value in pairs:
                    by_pair[(namespace, key, value)].append(template)
                for value in {v for _, v in pairs} | {template.doc.name}:
                    by_value[(namespace, value)].append(template)
        return dict(by_pair), dict(by_value)

    # -- what exists only at run time ------------------------------------------------------
    @cached_property
    def _producers(self) -> ProducerIndex:
        return ProducerIndex(self.documents, self.namespace_of, self._by_kind)

    def incomplete_source(self, doc: Document) -> str | None:
        """A file of `doc`'s directory that did not load whole, if any."""
        if not self._incomplete_dirs:
            return None
        return self._incomplete_dirs.get(posixpath.dirname(doc.file.replace("\\", "/")))

    def operator_resources(self, namespace: str | None) -> tuple[Document, ...]:
        """Custom resources of `namespace` that an operator turns into pods, Services and Secrets."""
        return self._producers.operator_resources(namespace)

    def unseen_pods(self, namespace: str | None, *, near: Document, assume_complete: bool = False) -> str | None:
        """Why pods the input does not show may run in `namespace` (for a selector rule
        checking `near`), or None. Both reasons are guesses `--assume-complete` turns off."""
        if assume_complete:
            return None
        operators = self.operator_resources(namespace)
        if operators:
            first = operators[0]
            return f"the namespace holds custom resources ({first.kind} {first.name}) an operator creates pods for"
        source = self.incomplete_source(near)
        return f"{source} in the same directory did not load" if source is not None else None

    def may_exist(
        self, kind: str, namespace: str | None, name: str, *, near: Document, assume_complete: bool = False
    ) -> str | None:
        """Why an object the input does not hold may exist at run time, or None: a producer of
        the input (facts, whatever `assume_complete` says), else operator custom resources in
        the namespace or a file of `near`'s directory that did not load (guesses)."""
        producer = self._producers.producer(kind, namespace if is_namespaced(kind) else None, name)
        if producer is not None:
            return producer.reason
        if assume_complete:
            return None
        if kind in OPERATOR_CREATED_KINDS and self.operator_resources(namespace):
            first = self.operator_resources(namespace)[0]
            return f"an operator may create it for {first.kind} {first.name}"
        source = self.incomplete_source(near)
        return f"{source} in the same directory did not load" if source is not None else None

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
