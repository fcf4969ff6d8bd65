"""Suppressions: config exemptions, object annotations and inline comments, and (with
`compat.peerSuppressions`) the suppression annotations of other linters.

A suppressed finding is kept and marked, never dropped. Suppressions that matched
nothing are remembered so the engine can report them (`unused-suppression`).

Peer annotations, as each peer documents them, on the object's own metadata (not its pod
template's):

- kube-linter: `ignore-check.kube-linter.io/<check>` (any value, by convention the reason) and
  `kube-linter.io/ignore-all`;
- Polaris: `polaris.fairwinds.com/<check>-exempt` and `polaris.fairwinds.com/exempt`, with the
  value `true`;
- kube-score: `kube-score/ignore: <check>[,<check>...]`;
- Checkov: `checkov.io/skip<N>: <CKV_ID>[=<comment>]`.

Each suppresses the kubelint rules kubelint_py/peers.py names for that check (every rule for
the ignore-all forms), marked `peer:<peer>` with the annotation key and its comment as reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

from kubelint_py.config.config import Config, Exemption
from kubelint_py.model import Directive, Document
from kubelint_py.peers import rules_for

if TYPE_CHECKING:
    from kubelint_py.input.globs import GitIgnore

ANNOTATION_PREFIX = "ignore.kubelint.io/"
IGNORE_ALL_ANNOTATIONS = ("kubelint.io/ignore-all", "ignore.kubelint.io/all")


class Suppression(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """Why a finding is suppressed: by what, with which justification, from where."""

    kind: str  # "annotation", "inline" or "config"
    justification: str
    source: str  # the annotation key, the directive line, or the exemption


PEER_KIND = "peer:"  # Suppression.kind of a peer annotation: peer:kube-linter, peer:polaris...

_KUBE_LINTER_CHECK = "ignore-check.kube-linter.io/"
_KUBE_LINTER_ALL = "kube-linter.io/ignore-all"
_POLARIS = "polaris.fairwinds.com/"
_POLARIS_ALL = "polaris.fairwinds.com/exempt"
_KUBE_SCORE = "kube-score/ignore"
_CHECKOV = re.compile(r"checkov\.io/skip[0-9]+")


class PeerSkip(NamedTuple):
    """One check of another linter that an annotation of an object skips."""

    peer: str
    key: str  # the annotation key
    check: str  # the peer's check id; "" for the annotations that skip every check
    rules: frozenset[str] | None  # the kubelint rules it suppresses (None: every rule)
    comment: str
    token: str  # marks it used (Suppressor.used_annotations): the key, and the check for kube-score

    @property
    def justification(self) -> str:
        named = f" ({self.check})" if self.check and self.check not in self.key else ""
        return f"{self.key}{named}" + (f": {self.comment}" if self.comment else "")


def _is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _skip(peer: str, key: str, check: str, comment: str, token: str = "") -> PeerSkip:
    rules = frozenset(rules_for(peer, check)) if check else None
    return PeerSkip(peer, key, check, rules, comment.strip(), token or key)


def _peer_skips_of(annotations: Mapping[str, object], peers: tuple[str, ...]) -> Iterator[PeerSkip]:
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        text = value if isinstance(value, str) else ""
        if "kube-linter" in peers:
            if key.startswith(_KUBE_LINTER_CHECK) and len(key) > len(_KUBE_LINTER_CHECK):
                yield _skip("kube-linter", key, key[len(_KUBE_LINTER_CHECK) :], text)
            elif key == _KUBE_LINTER_ALL:
                yield _skip("kube-linter", key, "", text)
        if "polaris" in peers and key.startswith(_POLARIS) and _is_true(value):
            if key == _POLARIS_ALL:
                yield _skip("polaris", key, "", "")
            elif key.endswith("-exempt") and len(key) > len(_POLARIS) + len("-exempt"):
                yield _skip("polaris", key, key[len(_POLARIS) : -len("-exempt")], "")
        if "kube-score" in peers and key == _KUBE_SCORE:
            for check in dict.fromkeys(c.strip() for c in text.split(",")):
                if check:
                    yield _skip("kube-score", key, check, "", f"{key}#{check}")
        if "checkov" in peers and _CHECKOV.fullmatch(key):
            check, _, comment = text.partition("=")
            if check.strip():
                yield _skip("checkov", key, check.strip(), comment)


def peer_skips(doc: Document, peers: tuple[str, ...]) -> tuple[PeerSkip, ...]:
    """The checks of `peers` that `doc`'s annotations skip, read once per document."""
    if not peers:
        return ()
    return doc.cached(("peer_skips", peers), lambda: _peer_skips(doc.annotations(), peers))


def _peer_skips(annotations: Mapping[str, object], peers: tuple[str, ...]) -> tuple[PeerSkip, ...]:
    return tuple(_peer_skips_of(annotations, peers)) if annotations else ()


def _suppressing_annotations(doc: Document) -> Mapping[object, object]:
    """The annotations of `doc` that can suppress a finding (`ignore.kubelint.io/...` and the
    ignore-all keys), picked out once per document (`Document.cached`)."""
    found = doc.memo.get("suppressing annotations")  # (read for every finding: no closure when there)
    if found is None:
        found = doc.memo["suppressing annotations"] = _suppressing(doc.annotations())
    return found  # type: ignore[return-value]


def _suppressing(annotations: Mapping[str, object]) -> Mapping[object, object]:
    return {
        key: value
        for key, value in annotations.items()
        if isinstance(key, str) and (key.startswith(ANNOTATION_PREFIX) or key in IGNORE_ALL_ANNOTATIONS)
    }


class Suppressor:  # not a dataclass (~0.5 ms less of every start): state, not a value
    """Decides which findings are suppressed, and remembers which suppressions were used."""

    __slots__ = ("_globs", "_path_cache", "config", "used_annotations", "used_directives")

    def __init__(self, config: Config) -> None:
        self.config = config
        self.used_annotations: set[tuple[int, str]] = set()
        self.used_directives: set[tuple[str, int]] = set()
        self._path_cache: dict[tuple[int, str], bool] = {}
        self._globs: dict[int, GitIgnore] = {}  # exemption number -> its `paths`

    def for_finding(self, rule_id: str, file: str, line: int, doc: Document | None) -> Suppression | None:
        # every finding asks (69,000 on the 10,000-document corpus), and nearly every answer is
        # None: each source is asked only when it has something (no call otherwise)
        if doc is not None:
            found = None
            if _suppressing_annotations(doc):
                found = self._annotation(rule_id, doc)
            if not found and doc.directives:
                found = self._inline(rule_id, line, doc)
            if not found and self.config.peer_suppressions:
                found = self._peer(rule_id, doc)
            if found:
                return found
        return self._exemption(rule_id, file, doc) if self.config.exemptions else None

    def _peer(self, rule_id: str, doc: Document) -> Suppression | None:
        peers = self.config.peer_suppressions
        if not peers:
            return None
        found = None
        for skip in peer_skips(doc, peers):
            if skip.rules is None or rule_id in skip.rules:
                # every annotation that applies is in use (a team moving from two peers has
                # both); the first one gives the kind and the reason
                self.used_annotations.add((id(doc), skip.token))
                found = found or Suppression(PEER_KIND + skip.peer, skip.justification, skip.key)
        return found

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
                    from kubelint_py.input.globs import GitIgnore  # loaded for exemptions with paths only

                    globs = self._globs[number] = GitIgnore.from_lines(exemption.paths)
                self._path_cache[key] = globs.matches(file)
            if not self._path_cache[key]:
                return False
        return True

    def unused_annotations(self, doc: Document) -> list[str]:
        keys = [k for k in doc.annotations() if isinstance(k, str) and k.startswith(ANNOTATION_PREFIX)]
        keys += [k for k in IGNORE_ALL_ANNOTATIONS if k in doc.annotations()]
        return [k for k in keys if (id(doc), k) not in self.used_annotations]

    def unused_peer_skips(self, doc: Document) -> list[PeerSkip]:
        """The peer annotations of `doc` that suppressed no finding of this run."""
        return [
            skip
            for skip in peer_skips(doc, self.config.peer_suppressions)
            if (id(doc), skip.token) not in self.used_annotations
        ]

    def unused_directives(self, doc: Document) -> list[Directive]:
        return [d for d in doc.directives if (doc.file, d.comment_line) not in self.used_directives]
