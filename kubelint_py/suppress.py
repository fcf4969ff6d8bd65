"""Suppressions: config exemptions, object annotations and inline comments.

A suppressed finding is kept and marked, never dropped. Suppressions that matched
nothing are remembered so the engine can report them (`unused-suppression`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubelint_py.config import Config, Exemption
from kubelint_py.globs import GitIgnore
from kubelint_py.model import Directive, Document

ANNOTATION_PREFIX = "ignore.kubelint.io/"
IGNORE_ALL_ANNOTATIONS = ("kubelint.io/ignore-all", "ignore.kubelint.io/all")


@dataclass(frozen=True, slots=True)
class Suppression:
    kind: str  # "annotation", "inline" or "config"
    justification: str
    source: str  # the annotation key, the directive line, or the exemption


_MEMO_KEY = "suppressing_annotations"


def _suppressing_annotations(doc: Document) -> Mapping[object, object]:
    """The annotations of `doc` that can suppress a finding (`ignore.kubelint.io/...` and the
    ignore-all keys), picked out once per document (kept in its memo)."""
    found = doc.memo.get(_MEMO_KEY)
    if found is None:
        found = {
            key: value
            for key, value in doc.annotations().items()
            if isinstance(key, str) and (key.startswith(ANNOTATION_PREFIX) or key in IGNORE_ALL_ANNOTATIONS)
        }
        doc.memo[_MEMO_KEY] = found
    return found  # type: ignore[return-value]


@dataclass(slots=True)
class Suppressor:
    config: Config
    used_annotations: set[tuple[int, str]] = field(default_factory=set)
    used_directives: set[tuple[str, int]] = field(default_factory=set)
    _path_cache: dict[tuple[int, str], bool] = field(default_factory=dict)
    _globs: dict[int, GitIgnore] = field(default_factory=dict)  # exemption number -> its `paths`

    def for_finding(self, rule_id: str, file: str, line: int, doc: Document | None) -> Suppression | None:
        if doc is not None:
            found = self._annotation(rule_id, doc) or self._inline(rule_id, line, doc)
            if found:
                return found
        return self._exemption(rule_id, file, doc)

    def _annotation(self, rule_id: str, doc: Document) -> Suppression | None:
        annotations = _suppressing_annotations(doc)
        if not annotations:
            return None  # nearly every object: nothing to look up for each of its findings
        for key in (ANNOTATION_PREFIX + rule_id, *IGNORE_ALL_ANNOTATIONS):
            if key in annotations:
                self.used_annotations.add((id(doc), key))
                value = annotations[key]
                return Suppression("annotation", value if isinstance(value, str) else "", key)
        return None

    def _inline(self, rule_id: str, line: int, doc: Document) -> Suppression | None:
        for directive in doc.directives:
            if rule_id not in directive.rule_ids and "all" not in directive.rule_ids:
                continue
            if directive.line == 0 or directive.line == line:
                self.used_directives.add((doc.file, directive.comment_line))
                return Suppression("inline", directive.reason, f"line {directive.comment_line}")
        return None

    def _exemption(self, rule_id: str, file: str, doc: Document | None) -> Suppression | None:
        for number, exemption in enumerate(self.config.exemptions):
            if self._exemption_matches(number, exemption, rule_id, file, doc):
                return Suppression("config", exemption.reason, f"exemptions[{number}]")
        return None

    def _exemption_matches(
        self, number: int, exemption: Exemption, rule_id: str, file: str, doc: Document | None
    ) -> bool:
        if exemption.rules and rule_id not in exemption.rules:
            return False
        if exemption.kinds and (doc is None or doc.kind not in exemption.kinds):
            return False
        if exemption.names and (doc is None or doc.name not in exemption.names):
            return False
        if exemption.namespaces and (doc is None or (doc.namespace or "default") not in exemption.namespaces):
            return False
        if exemption.paths:
            key = (number, file)
            if key not in self._path_cache:
                globs = self._globs.get(number)
                if globs is None:  # from the tree: matched in linear time (globs.py)
                    globs = self._globs[number] = GitIgnore.from_lines(exemption.paths)
                self._path_cache[key] = globs.matches(file)
            if not self._path_cache[key]:
                return False
        return True

    def unused_annotations(self, doc: Document) -> list[str]:
        keys = [k for k in doc.annotations() if isinstance(k, str) and k.startswith(ANNOTATION_PREFIX)]
        keys += [k for k in IGNORE_ALL_ANNOTATIONS if k in doc.annotations()]
        return [k for k in keys if (id(doc), k) not in self.used_annotations]

    def unused_directives(self, doc: Document) -> list[Directive]:
        return [d for d in doc.directives if (doc.file, d.comment_line) not in self.used_directives]
