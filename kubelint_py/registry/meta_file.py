"""A rule's metadata, from the keywords of `rule()` or from the `.meta.yaml` file beside its module.

A built-in rule module holds checks; what `kubelint rules`, `explain`, the reports, SARIF and the
docs say about its rules (title, document, severity, scope, rationale, remediation, examples...)
is data, kept in `<module>.meta.yaml`: one mapping per rule id, the keys of `build_meta`
(severity and doc types spelled as in the output, `examples` as `fail:` and `pass:`). The module
names its rules by id (`@rule("pdb-missing")`) and `FileMeta` reads the file the first time a
field is asked for, so importing a rule module (what a run does for the rules in scope) reads no
YAML. A plugin may do the same, or pass every field as keywords to `rule()`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from kubelint_py.model import DocType, Examples, RuleMeta, Scope, Severity

META_SUFFIX = ".meta.yaml"


class RuleMetaError(Exception):
    """A `.meta.yaml` file that is missing, unreadable, or does not describe a rule its module names."""


def build_meta(
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
    """The one constructor of a rule's metadata: `rule(**keywords)` and `.meta.yaml` entries."""
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


def meta_path(module_file: str) -> Path:
    """The metadata file of the module at `module_file` (`x/pdb_missing.py` → `x/pdb_missing.meta.yaml`)."""
    path = Path(module_file)
    return path.with_name(path.name.removesuffix(".py") + META_SUFFIX)


def _entry_keywords(rule_id: str, entry: object, where: str) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        raise RuleMetaError(f"{where}: {rule_id}: expected a mapping of metadata fields")
    keywords = dict(entry)
    try:
        if "severity" in keywords:
            keywords["severity"] = Severity.parse(str(keywords["severity"]))
        if "doc_types" in keywords:
            keywords["doc_types"] = tuple(DocType(value) for value in keywords["doc_types"])
        examples = keywords.get("examples")
        if isinstance(examples, Mapping):
            if set(examples) != {"fail", "pass"}:
                raise RuleMetaError(f"{where}: {rule_id}: examples has exactly the keys fail and pass")
            keywords["examples"] = Examples(examples["fail"], examples["pass"])
    except ValueError as exc:
        raise RuleMetaError(f"{where}: {rule_id}: {exc}") from exc
    return keywords


@functools.cache
def read_meta_file(path: Path) -> Mapping[str, RuleMeta]:
    """Every rule a `.meta.yaml` file describes, by id (read once per process)."""
    from kubelint_py.input.yamlio import LimitExceeded, YamlSyntaxError, parse_document

    try:
        parsed = parse_document(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleMetaError(f"{path}: {exc}") from exc
    except (YamlSyntaxError, LimitExceeded) as exc:
        raise RuleMetaError(f"{path}:{exc.pos.line}:{exc.pos.column}: {exc.message}") from exc
    if parsed is not None and parsed.duplicates:
        duplicate = parsed.duplicates[0]
        raise RuleMetaError(f"{path}:{duplicate.second.line}: {duplicate.key} is defined twice")
    data = parsed.data if parsed is not None else None
    if not isinstance(data, Mapping):
        raise RuleMetaError(f"{path}: expected a mapping of rule ids to their metadata")
    metas: dict[str, RuleMeta] = {}
    for rule_id, entry in data.items():
        try:
            metas[str(rule_id)] = build_meta(id=str(rule_id), **_entry_keywords(str(rule_id), entry, str(path)))
        except TypeError as exc:  # an unknown or missing field
            raise RuleMetaError(f"{path}: {rule_id}: {exc}".replace("build_meta() ", "")) from exc
    return metas


# the fields a FileMeta reads from its file; `id`, `source` and `peers` are set when it is made
_FROM_FILE = tuple(name for name in RuleMeta.__dataclass_fields__ if name not in ("id", "source", "peers"))


class FileMeta(RuleMeta):
    """The RuleMeta of a rule whose metadata lives in a `.meta.yaml` file. The fields given when it
    is made are set (the id; for an indexed rule, what the index holds); the others are read from
    the file on first access and kept. It compares equal to the file's own RuleMeta."""

    __slots__ = ("_path",)

    @classmethod
    def of(cls, path: Path | Callable[[], Path], rule_id: str, **known: Any) -> FileMeta:
        """`path`: the file, or a function finding it when it is first read (a run builds the
        metadata of every indexed rule and reads a few files, if any)."""
        meta = cls.__new__(cls)
        known.setdefault("source", "builtin")
        known.setdefault("peers", {})
        for name, value in {"id": rule_id, **known}.items():
            object.__setattr__(meta, name, value)
        object.__setattr__(meta, "_path", path)
        return meta

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not set yet: read the file."""
        if name not in _FROM_FILE:
            raise AttributeError(name)
        path = self._path if isinstance(self._path, Path) else self._path()
        real = read_meta_file(path).get(self.id)
        if real is None:
            raise RuleMetaError(f"{path}: no metadata for rule {self.id}")
        for field_name in _FROM_FILE:
            try:
                object.__getattribute__(self, field_name)
            except AttributeError:
                object.__setattr__(self, field_name, getattr(real, field_name))
        return getattr(real, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleMeta):
            return NotImplemented
        fields = RuleMeta.__dataclass_fields__.values()
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields if f.compare)

    __hash__ = RuleMeta.__hash__
