"""The built-in rules, from their modules or from the generated index.

The rule modules under `rules/` (installed as `kubelint_py.builtin_rules`) and the `.meta.yaml`
file beside each are the source of truth: `scanned_builtin` imports every module and finds its
`Rule` objects, whose metadata the file holds. A run does not: it takes the rules from
`kubelint_py/registry/rule_index.py`, which `scripts/generate.py` writes from them, and imports a
rule's module only when its check is first called (`DeferredCheck`), so a pre-commit run over one
Service imports the few modules of rules that apply to Services.

The index holds what a run needs before any check runs: where the rule is (module, attribute,
check or run), what dispatch and selection read (id, document, severity, scope, default), what
findings, `kubelint rules` and the reports show (title, category, security severity, precision,
cross-object, sensitive, remediation), the options schema (whose defaults every run fills in) and
a checksum of each `.meta.yaml` file. A rule's rationale, examples and references are read from
its file when first asked for (`FileMeta`): by `kubelint explain`, `rules --format json`, SARIF's
rule help and the docs.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from kubelint_py.model import DocType, Scope, Severity, StaleGeneratedFile
from kubelint_py.peers import peers_of
from kubelint_py.registry.declarative import load_yaml_rules
from kubelint_py.registry.meta_file import META_SUFFIX, FileMeta
from kubelint_py.rule_api import Rule

BUILTIN_PACKAGE = "kubelint_py.builtin_rules"
INDEX = "kubelint_py/registry/rule_index.py"
REGENERATE = "python scripts/generate.py"

# RuleMeta fields read from the rule's .meta.yaml file when first asked for; the others are indexed
LAZY_FIELDS = ("rationale", "examples", "references")


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
            if entry.name.endswith((".yaml", ".yml")) and not entry.name.endswith(META_SUFFIX):
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


def builtin_meta_path(module: str) -> Path:
    """The `.meta.yaml` file of the built-in rule module `module`, found without importing it."""
    folder, _, name = module[len(BUILTIN_PACKAGE) + 1 :].partition(".")
    return Path(importlib.import_module(BUILTIN_PACKAGE).__path__[0]) / folder / f"{name}{META_SUFFIX}"


def meta_checksum(path: Path) -> int:
    """What the index records of a `.meta.yaml` file to notice an edit it was not regenerated
    after (line ends folded, so a checkout with CRLF line ends agrees)."""
    return zlib.crc32(path.read_bytes().replace(b"\r\n", b"\n"))


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
        if real.id != rule.id or not _meta_file_indexed(self.module):
            raise StaleGeneratedFile(
                f"{self.module}.{self.attribute}: {INDEX} is out of date for rule {rule.id} "
                f"(or {builtin_meta_path(self.module).name} was edited since); regenerate it with `{REGENERATE}`"
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
    "remediation",
)


def index_row(module: str, attribute: str, found: Rule) -> tuple[Any, ...]:
    """A rule's row in the index (the inverse of `indexed_builtin`)."""
    if found.check is not None and found.check_run is not None:
        raise ValueError(f"{module}.{attribute}: a rule has either a check or a check_run")
    kind = "check" if found.check is not None else "run" if found.check_run is not None else "none"
    meta = found.meta
    if meta.source != "builtin":
        raise ValueError(f"{module}.{attribute}: a built-in rule's source is builtin, not {meta.source}")
    if not isinstance(meta, FileMeta):
        declare = f'`@rule("{meta.id}")`, its metadata in the module\'s {META_SUFFIX} file'
        raise ValueError(f"{module}.{attribute}: a built-in rule is declared by id: {declare}")
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
        meta.remediation,
    )


@functools.cache
def _meta_file_indexed(module: str) -> bool:
    """Whether the module's .meta.yaml file is the one the index was made from (read once per module)."""
    return meta_checksum(builtin_meta_path(module)) == _checksums().get(module)


@functools.cache
def _checksums() -> dict[str, int]:
    from kubelint_py.registry.rule_index import META_CHECKSUMS

    return {f"{BUILTIN_PACKAGE}.{module}": checksum for module, checksum in META_CHECKSUMS}


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
        rule_id = indexed.pop("id")
        path = functools.partial(builtin_meta_path, module)
        meta = FileMeta.of(path, rule_id, peers=peers_of(rule_id), **indexed)
        deferred = DeferredCheck(module, attribute, kind == "run") if kind != "none" else None
        found = Rule(meta, check=deferred if kind == "check" else None, check_run=deferred if kind == "run" else None)
        if deferred is not None:
            deferred.rule = found
        yield found, module
    for source, text in _builtin_yaml(YAML_RULES):
        for found in load_yaml_rules(text, source):
            yield found, source
