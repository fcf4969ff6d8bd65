"""The public surface for rule authors (built-in rules and plugins alike).

A rule is metadata plus a check. `rule()` builds a per-document rule, `run_rule()` a
rule that looks at the whole input once. Neither registers anything: the registry
finds `Rule` objects by scanning modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubelint_py.k8s.selectors import LabelSelector, selector_from_label_selector, selector_from_map
from kubelint_py.k8s.workloads import (
    ContainerKind,
    ContainerRef,
    ContainerScope,
    containers,
    effective_security,
    is_workload,
    pod_spec,
    pod_spec_path,
)
from kubelint_py.model import (
    DocType,
    Document,
    Examples,
    FieldPath,
    RuleMeta,
    Scope,
    Severity,
    Violation,
)
from kubelint_py.run.context import LintContext, PodTemplate

DocCheck = Callable[[Document, "RuleContext"], Iterable[Violation]]
RunCheck = Callable[["RuleContext"], Iterable[tuple[Document, Violation]]]


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a check may read besides its document. Read-only."""

    lint: LintContext
    options: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    assume_complete: bool = False

    def guard(self, *kinds: str) -> bool:
        """True when a cross-object rule should run: the input has one of `kinds`,
        or the user declared the input complete (`--assume-complete`)."""
        return self.assume_complete or self.lint.has_kind(*kinds)

    def guard_workloads(self, namespace: str | None = None) -> bool:
        return self.assume_complete or self.lint.has_workloads(namespace)

    def namespace_of(self, doc: Document) -> str | None:
        return self.lint.namespace_of(doc)

    def of_kind(self, *kinds: str) -> list[Document]:
        return self.lint.of_kind(*kinds)

    def get(self, kind: str, namespace: str | None, name: str) -> Document | None:
        return self.lint.get(kind, namespace, name)

    def pod_templates_matching(self, selector: LabelSelector | None, namespace: str | None) -> tuple[PodTemplate, ...]:
        return self.lint.pod_templates_matching(selector, namespace)

    def targets(self) -> Iterator[Document]:
        """Documents that are reported on (not --context sources)."""
        return (doc for doc in self.lint.documents if doc.is_target)


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: DocCheck | None = None
    check_run: RunCheck | None = None

    @property
    def id(self) -> str:
        return self.meta.id


def _meta(
    *,
    id: str,
    title: str,
    document: str,
    severity: Severity,
    rationale: str,
    remediation: str,
    examples: Examples | tuple[str, str],
    kinds: Iterable[str] = (),
    kind_groups: Iterable[str] = (),
    doc_types: Iterable[DocType] = (),
    references: Iterable[str] = (),
    options_schema: Mapping[str, object] | None = None,
    default_enabled: bool = True,
    category: str = "security",
    security_severity: str | None = None,
    precision: str = "high",
    cross_object: bool = False,
    sensitive: bool = False,
) -> RuleMeta:
    return RuleMeta(
        id=id,
        title=title,
        document=document,
        severity=severity,
        scope=Scope(frozenset(kinds), frozenset(kind_groups), frozenset(doc_types)),
        rationale=rationale.strip(),
        remediation=remediation.strip(),
        examples=examples if isinstance(examples, Examples) else Examples(*examples),
        references=tuple(references),
        options_schema=options_schema,
        default_enabled=default_enabled,
        category=category,
        security_severity=security_severity,
        precision=precision,
        cross_object=cross_object,
        sensitive=sensitive,
    )


def rule(**meta: Any) -> Callable[[DocCheck], Rule]:
    """Decorate `check(doc, ctx) -> Iterable[Violation]`; the result is a `Rule`.

    Scope: `kinds=("v1/Service", "apps/StatefulSet")` (group-qualified, the core group spelled
    `v1`; a bare `"Service"` is that kind in any group), `kind_groups=("workload",)` (the named
    families of k8s/kinds.py: `deployment-like`, `ingress`, `hpa`...) or `doc_types=(DocType.X,)`;
    the engine only calls the check on documents in scope.
    """
    built = _meta(**meta)

    def wrap(fn: DocCheck) -> Rule:
        return Rule(built, check=fn)

    return wrap


def run_rule(**meta: Any) -> Callable[[RunCheck], Rule]:
    """Decorate `check(ctx) -> Iterable[(Document, Violation)]`, called once per run."""
    built = _meta(**meta)

    def wrap(fn: RunCheck) -> Rule:
        return Rule(built, check_run=fn)

    return wrap


def metadata_only(**meta: Any) -> Rule:
    """A rule whose findings come from the loader or engine (yaml-syntax, internal-error)."""
    return Rule(_meta(**meta))


MAX_QUOTED = 120


def quote(value: object) -> str:
    """A value as it would appear in a message: strings quoted, others as YAML would print them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        if len(value) > MAX_QUOTED:
            return '"' + value[:MAX_QUOTED].replace('"', '\\"') + f'…" ({len(value):,} characters)'
        return '"' + value.replace('"', '\\"') + '"'
    text = str(value)
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…"


__all__ = [
    "ContainerKind",
    "ContainerRef",
    "ContainerScope",
    "DocType",
    "Document",
    "Examples",
    "FieldPath",
    "LabelSelector",
    "LintContext",
    "PodTemplate",
    "Rule",
    "RuleContext",
    "Severity",
    "Violation",
    "containers",
    "effective_security",
    "is_workload",
    "metadata_only",
    "pod_spec",
    "pod_spec_path",
    "quote",
    "rule",
    "run_rule",
    "selector_from_label_selector",
    "selector_from_map",
]
