"""The built-in rules, from their modules or from the generated index.

The rule modules under `rules/` (installed as `kubelint_py.builtin_rules`) are the source of
truth: `scanned_builtin` imports every one and finds its `Rule` objects. A run does not: it
takes the rules from `kubelint_py/registry/rule_index.py`, which `scripts/generate.py` writes
from the modules, and imports a rule's module only when its check is first called
(`DeferredCheck`), so a pre-commit run over one Service imports the few modules of rules that
apply to Services.

The index holds what a run needs before any check runs: where the rule is (module, attribute,
check or run), what dispatch and selection read (id, document, severity, scope, default), what
findings and `kubelint rules` show (title, category, security severity, precision, cross-object,
sensitive) and the options schema (whose defaults every run fills in). A rule's rationale,
remediation, examples and references are read from its module when first asked for
(`IndexedMeta`): by `kubelint explain`, `rules --format json`, SARIF's rule help, the JSON and
text reports of the rule's findings (whose module ran anyway) and the docs.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from kubelint_py.model import DocType, RuleMeta, Scope, Severity, StaleGeneratedFile
from kubelint_py.peers import peers_of
from kubelint_py.registry.declarative import load_yaml_rules
from kubelint_py.rule_api import Rule

BUILTIN_PACKAGE = "kubelint_py.builtin_rules"
INDEX = "kubelint_py/registry/rule_index.py"
REGENERATE = "python scripts/generate.py"

# RuleMeta fields read from the rule's module when first asked for; the others are indexed
LAZY_FIELDS = ("rationale", "remediation", "examples", "references")


def named_rules_in_module(module: ModuleType) -> Iterator[tuple[str, Rule]]:
    for name in sorted(vars(module)):
        value = getattr(module, name)
        if isinstance(value, Rule):
            yield name, value


def rules_in_module(module: ModuleType) -> Iterator[Rule]:
    for _name, value in named_rules_in_module(module):
        yield value


# -- the rule modules ------------------------------------------------------------------------
def _builtin_folders() -> Iterator[Any]:
    from importlib import resources

    root = resources.files(BUILTIN_PACKAGE)
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            yield folder


def builtin_modules() -> Iterator[str]:
    for folder in _builtin_folders():
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".py") and not entry.name.startswith("_"):
                yield f"{BUILTIN_PACKAGE}.{folder.name}.{entry.name[:-3]}"


def builtin_yaml_names() -> Iterator[str]:
    """`folder/file.yaml` of the built-in declarative rules."""
    for folder in _builtin_folders():
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith((".yaml", ".yml")):
                yield f"{folder.name}/{entry.name}"


def _builtin_yaml(names: Sequence[str]) -> Iterator[tuple[str, str]]:
    if not names:  # importlib.resources costs ~6 ms to import: not for nothing
        return
    from importlib import resources

    root = resources.files(BUILTIN_PACKAGE)
    for name in names:
        folder, _, file = name.partition("/")
        yield f"rules/{name}", root.joinpath(folder).joinpath(file).read_text(encoding="utf-8")


def scanned_builtin() -> Iterator[tuple[Rule, str]]:
    """(rule, where it comes from) of every built-in rule, from the imported modules and the
    YAML rule files: what the index is generated from (and tested against)."""
    for module_name in builtin_modules():
        module = importlib.import_module(module_name)
        for found in rules_in_module(module):
            yield found, module_name
    for source, text in _builtin_yaml(list(builtin_yaml_names())):
        for found in load_yaml_rules(text, source):
            yield found, source


# -- the index -------------------------------------------------------------------------------
def _real_rule(module: str, attribute: str) -> Rule:
    real = getattr(importlib.import_module(module), attribute, None)
    if not isinstance(real, Rule):
        raise StaleGeneratedFile(f"{module}.{attribute}: no such rule; {INDEX} is out of date: run `{REGENERATE}`")
    return real


class IndexedMeta(RuleMeta):
    """The RuleMeta of an indexed rule. The fields of the index are set; the others
    (LAZY_FIELDS) are read from the rule's module on first access and kept. It compares equal
    to the module's own RuleMeta when the index is up to date."""

    __slots__ = ("_attribute", "_module")

    @classmethod
    def from_index(cls, module: str, attribute: str, **indexed: Any) -> IndexedMeta:
        meta = cls.__new__(cls)
        for name, value in indexed.items():
            object.__setattr__(meta, name, value)
        object.__setattr__(meta, "_module", module)
        object.__setattr__(meta, "_attribute", attribute)
        return meta

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not set yet: the lazy ones, read from the module."""
        if name not in LAZY_FIELDS:
            raise AttributeError(name)
        real = _real_rule(self._module, self._attribute).meta
        for lazy in LAZY_FIELDS:
            object.__setattr__(self, lazy, getattr(real, lazy))
        return getattr(real, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleMeta):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(RuleMeta) if f.compare)

    __hash__ = RuleMeta.__hash__


class DeferredCheck:
    """The check of a built-in rule whose module is not imported yet.

    The first call imports the module, puts the module's own check into the registry's
    `Rule` (the engine reads `rule.check` for every document, so later calls go straight
    to it) and runs it. Rules that no document of the run is in scope for are never
    imported. Anything holding on to this object still gets the right answer: every
    call delegates, to the check loaded by the first (the engine's plans and forked children
    hold this object: reloading on every call, an import lookup and a comparison of every
    metadata field, ran 53,062 times on the 10,000-document benchmark corpus).
    """

    __slots__ = ("attribute", "loaded", "module", "rule", "run")

    def __init__(self, module: str, attribute: str, run: bool) -> None:
        self.module = module
        self.attribute = attribute
        self.run = run
        self.rule: Rule | None = None
        self.loaded: Any = None

    def __call__(self, *args: Any) -> Any:
        loaded = self.loaded
        if loaded is None:
            loaded = self.load()
        return loaded(*args)

    def __repr__(self) -> str:
        return f"<deferred {'check_run' if self.run else 'check'} of {self.module}.{self.attribute}>"

    def load(self) -> Any:
        """Import the rule's module; returns its check (or check_run)."""
        real = _real_rule(self.module, self.attribute)
        rule = self.rule
        assert rule is not None
        if real.meta != rule.meta:
            raise StaleGeneratedFile(
                f"{self.module}.{self.attribute}: {INDEX} is out of date for rule {rule.id}; "
                f"regenerate it with `{REGENERATE}`"
            )
        object.__setattr__(rule, "check", real.check)  # frozen for rule authors, not for the registry
        object.__setattr__(rule, "check_run", real.check_run)
        self.loaded = real.check_run if self.run else real.check
        return self.loaded


# The index's row of a rule: where it is, then the indexed RuleMeta fields in this order.
ROW = (
    "module",
    "attribute",
    "kind",  # "check" | "run" | "none" (metadata only: findings of the loader or the engine)
    "id",
    "title",
    "document",
    "severity",
    "kinds",
    "kind_groups",
    "doc_types",
    "default_enabled",
    "category",
    "security_severity",
    "precision",
    "cross_object",
    "sensitive",
    "options_schema",
)


def index_row(module: str, attribute: str, found: Rule) -> tuple[Any, ...]:
    """A rule's row in the index (the inverse of `indexed_builtin`)."""
    if found.check is not None and found.check_run is not None:
        raise ValueError(f"{module}.{attribute}: a rule has either a check or a check_run")
    kind = "check" if found.check is not None else "run" if found.check_run is not None else "none"
    meta = found.meta
    if meta.source != "builtin":
        raise ValueError(f"{module}.{attribute}: a built-in rule's source is builtin, not {meta.source}")
    return (
        module[len(BUILTIN_PACKAGE) + 1 :],
        attribute,
        kind,
        meta.id,
        meta.title,
        meta.document,
        int(meta.severity),
        tuple(sorted(meta.scope.kinds)),
        tuple(sorted(meta.scope.kind_groups)),
        tuple(sorted(d.value for d in meta.scope.doc_types)),
        meta.default_enabled,
        meta.category,
        meta.security_severity,
        meta.precision,
        meta.cross_object,
        meta.sensitive,
        meta.options_schema,
    )


def indexed_builtin() -> Iterator[tuple[Rule, str]]:
    """(rule, module) of every built-in rule, from the index; nothing imported."""
    from kubelint_py.registry.rule_index import RULES, YAML_RULES

    for row in RULES:
        indexed = dict(zip(ROW, row, strict=True))
        module = f"{BUILTIN_PACKAGE}.{indexed.pop('module')}"
        attribute, kind = indexed.pop("attribute"), indexed.pop("kind")
        kinds, kind_groups, doc_types = indexed.pop("kinds"), indexed.pop("kind_groups"), indexed.pop("doc_types")
        indexed["severity"] = Severity(indexed["severity"])
        indexed["scope"] = Scope(frozenset(kinds), frozenset(kind_groups), frozenset(DocType(d) for d in doc_types))
        meta = IndexedMeta.from_index(module, attribute, source="builtin", peers=peers_of(indexed["id"]), **indexed)
        deferred = DeferredCheck(module, attribute, kind == "run") if kind != "none" else None
        found = Rule(meta, check=deferred if kind == "check" else None, check_run=deferred if kind == "run" else None)
        if deferred is not None:
            deferred.rule = found
        yield found, module
    for source, text in _builtin_yaml(YAML_RULES):
        for found in load_yaml_rules(text, source):
            yield found, source
