"""The public surface for rule authors (built-in rules and plugins alike).

A rule is metadata plus a check. `rule()` builds a per-document rule, `run_rule()` a
rule that looks at the whole input once. Neither registers anything: the registry
finds `Rule` objects by scanning modules.
"""

from __future__ import annotations

import functools
import sys
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
    Severity,
    Violation,
)
from kubelint_py.registry.meta_file import FileMeta, build_meta, meta_path
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


def _declared(rule_id: str | None, keywords: dict[str, Any], caller: int = 2) -> RuleMeta:
    """The metadata `rule()`, `run_rule()` or `metadata_only()` was given: by id, read from the
    `.meta.yaml` file beside the calling module, or as keywords."""
    if rule_id is None:
        return build_meta(**keywords)
    if keywords:
        raise TypeError(
            f"rule {rule_id}: give the id alone (its metadata in the .meta.yaml file) or every field as keywords"
        )
    module_file = sys._getframe(caller).f_globals.get("__file__")
    if not module_file:
        raise TypeError(f"rule {rule_id}: declared by id outside a module file, so it has no .meta.yaml file")
    return FileMeta.of(functools.partial(meta_path, module_file), rule_id)


def rule(rule_id: str | None = None, /, **meta: Any) -> Callable[[DocCheck], Rule]:
    """Decorate `check(doc, ctx) -> Iterable[Violation]`; the result is a `Rule`.

    Metadata: `@rule("pdb-missing")` reads it from the `.meta.yaml` file beside the module (what
    the built-in rules do; kubelint_py/registry/meta_file.py says what goes in it), or every field
    as keywords: `@rule(id=..., title=..., document=..., severity=..., rationale=...,
    remediation=..., examples=(fail, pass))`.

    Scope: `kinds=("v1/Service", "apps/StatefulSet")` (group-qualified, the core group spelled
    `v1`; a bare `"Service"` is that kind in any group), `kind_groups=("workload",)` (the named
    families of k8s/kinds.py: `deployment-like`, `ingress`, `hpa`...) or `doc_types=(DocType.X,)`;
    the engine only calls the check on documents in scope.
    """
    built = _declared(rule_id, meta)

    def wrap(fn: DocCheck) -> Rule:
        return Rule(built, check=fn)

    return wrap


def run_rule(rule_id: str | None = None, /, **meta: Any) -> Callable[[RunCheck], Rule]:
    """Decorate `check(ctx) -> Iterable[(Document, Violation)]`, called once per run (metadata
    as for `rule`)."""
    built = _declared(rule_id, meta)

    def wrap(fn: RunCheck) -> Rule:
        return Rule(built, check_run=fn)

    return wrap


def metadata_only(rule_id: str | None = None, /, **meta: Any) -> Rule:
    """A rule whose findings come from the loader or engine (yaml-syntax, internal-error)."""
    return Rule(_declared(rule_id, meta))


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
