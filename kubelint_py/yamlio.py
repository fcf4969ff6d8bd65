"""The only module that touches ruamel.yaml: YAML text -> plain data + positions.

Nodes are composed by ruamel's C parser (ruamel.yaml.clib), so marks come at C speed;
one Python walk turns them into dicts/lists/scalars and fills the position index.
Scalars are resolved the way Kubernetes reads YAML (go-yaml v2, YAML 1.1 style):
`yes`/`on` are booleans, `0644` is octal. No tag ever constructs an object: unknown
tags (`!!python/object`, `!foo`) yield the node's text, or its mapping or list.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.tag import Tag

from kubelint_py.model import Pos, Span
from kubelint_py.positions import Children, Entry, PositionIndex

_TAG = "tag:yaml.org,2002:"
STR = _TAG + "str"
INT = _TAG + "int"
FLOAT = _TAG + "float"
BOOL = _TAG + "bool"
NULL = _TAG + "null"
MAP = _TAG + "map"
SEQ = _TAG + "seq"
MERGE = _TAG + "merge"
VALUE = _TAG + "value"

_BOOL_TRUE = frozenset(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
_BOOL_FALSE = frozenset(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
_NULLS = frozenset(("~", "null", "Null", "NULL", ""))
_INT_RE = re.compile(
    r"""[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*)\Z
      |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+\Z""",
    re.X,
)
_FLOAT_RE = re.compile(
    r"""[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z
      |[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z""",
    re.X,
)
_MAYBE_SPECIAL = frozenset("0123456789+-.~nNyYtTfFoO<=")


def resolve_plain(value: str) -> str:
    """The YAML 1.1 tag of a plain (unquoted, untagged) scalar."""
    if not value:
        return NULL
    if value[0] not in _MAYBE_SPECIAL:
        return STR
    if value in _BOOL_TRUE or value in _BOOL_FALSE:
        return BOOL
    if value in _NULLS:
        return NULL
    if value == "<<":
        return MERGE
    if _INT_RE.match(value):
        return INT
    if _FLOAT_RE.match(value) and (
        any(ch.isdigit() for ch in value) or "inf" in value.lower() or "nan" in value.lower()
    ):
        return FLOAT
    return STR


def to_int(text: str) -> int:
    body = text.replace("_", "")
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if ":" in body:
        total = 0
        for part in body.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if body.startswith("0b"):
        return sign * int(body[2:], 2)
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    if len(body) > 1 and body.startswith("0"):
        return sign * int(body, 8)
    return sign * int(body)


def to_float(text: str) -> float:
    low = text.lower().replace("_", "")
    if low.endswith(".inf"):
        return float("-inf") if low.startswith("-") else float("inf")
    if low == ".nan":
        return float("nan")
    return float(low)


# Shared Tag objects: ruamel builds (and lazily decodes) a Tag per node from a string, which
# was half the parse time; nodes resolved by us share these, and we read `ctag.suffix`.
_TAG_OBJECTS = {name: Tag(suffix=name) for name in (STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE)}
_STR_TAG = _TAG_OBJECTS[STR]


class _Parser(CParser):  # type: ignore[misc]
    """The C composer with our own scalar resolver (path resolvers are not used).

    The composer calls descend_resolver, resolve and ascend_resolver for every node. Path
    resolvers are not used, so the two hooks are C builtins that take the same arguments and
    do nothing of consequence (a Python no-op per call was 0.1 s on the 10k corpus).
    """

    descend_resolver = staticmethod(operator.is_)  # (parent, index) -> ignored bool
    ascend_resolver = staticmethod(int)  # () -> 0, ignored

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> Tag:
        if kind is ScalarNode:
            assert value is not None
            if value and value[0] not in _MAYBE_SPECIAL:  # most values: plain text, resolved inline
                return _STR_TAG
            if isinstance(implicit, tuple) and implicit[0]:
                return _TAG_OBJECTS[resolve_plain(value)]
            return _STR_TAG
        return _TAG_OBJECTS[MAP] if kind is MappingNode else _TAG_OBJECTS[SEQ]


class YamlSyntaxError(Exception):
    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class LimitExceeded(Exception):
    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


@dataclass(frozen=True, slots=True)
class Duplicate:
    key: str
    first: Pos
    second: Pos


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: object
    positions: PositionIndex
    duplicates: tuple[Duplicate, ...]
    tags: tuple[tuple[str, Pos], ...]


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 200
    max_nodes: int = 2_000_000
    max_scalar: int = 5_000_000


class AliasBudget:
    """Alias-expanded nodes still allowed in this run, shared by all documents: per-document
    checks alone let many small documents each expand 100-fold."""

    __slots__ = ("remaining",)

    def __init__(self, total: int) -> None:
        self.remaining = total


# go-yaml (which kubectl and the API server use) rejects "excessive aliasing": more than 99%
# of a document's nodes from alias expansion, falling to 10% for documents of 4M nodes.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


def _mark(mark: Any, line_offset: int) -> tuple[int, int]:
    return mark.line + 1 + line_offset, mark.column + 1


def _syntax_error(exc: YAMLError, line_offset: int, text: str = "") -> YamlSyntaxError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    message = _message(exc, _char_at(text, mark))
    if mark is not None and context is not None and text:
        # "unexpected end of stream" lands after the document: the opening is more useful
        lines = text.rstrip().split("\n")
        if mark.line > len(lines) - 1:
            mark = context
        if mark.line > len(lines) - 1:  # both at the end: blame the last line with content
            return YamlSyntaxError(message, Pos(len(lines) + line_offset, max(len(lines[-1]), 1)))
    pos = Pos(*_mark(mark, line_offset)) if mark is not None else Pos(1 + line_offset, 1)
    return YamlSyntaxError(message, pos)


def _char_at(text: str, mark: Any) -> str | None:
    if mark is None or not text:
        return None
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return str(lines[mark.line][mark.column])
    return None


# libyaml's wording -> what is wrong in plain words and what to do, first match wins.
# Keys are (context, problem) fragments; "" matches anything.
_PLAIN_MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("", "mapping values are not allowed", "a `: ` is not allowed here: quote the value, or fix the indentation"),
    (
        "simple key",
        "could not find expected ':'",
        "this line is not `key: value`: a `:` is missing, or the indentation is off",
    ),
    (
        "block mapping",
        "did not find expected key",
        "this line is not indented like the keys around it: align it with them",
    ),
    (
        "block collection",
        "did not find expected '-'",
        "this line is not indented like the items of its list: align it with them",
    ),
    ("flow sequence", "", "an inline list `[...]` is not closed: add the missing `,` or `]`, or quote the text"),
    ("flow mapping", "", "an inline mapping `{...}` is not closed: add the missing `,` or `}`, or quote the text"),
    ("quoted scalar", "end of stream", "a quoted string is never closed: add the closing quote"),
    ("quoted scalar", "", "a quoted string has an invalid escape or line: check its quotes and backslashes"),
    ("block scalar", "", "text follows `|` or `>` on the same line: put the text on the next lines, indented"),
    ("plain scalar", "':'", "an unquoted value contains `: `: quote the value"),
    ("directive", "", "a line starting with `%` is a YAML directive: quote the value or remove the line"),
    ("tag", "", "a `!` starts a YAML tag here: quote the value"),
    ("alias", "", "a `*` starts a YAML alias here: quote the value"),
    ("anchor", "", "a `&` starts a YAML anchor here: quote the value"),
    ("", "undefined alias", "an alias `*name` refers to no anchor `&name` defined before it in this document"),
    ("", "duplicate anchor", "the same anchor `&name` is defined twice in this document: rename one"),
    ("", "expected <document start>", "unexpected text after the document's end: fix the indentation, or add `---`"),
    ("", "expected node content", "a value is missing here: add it, or quote the text"),
    ("", "control characters are not allowed", "a control character is not allowed in YAML: remove it"),
)


def _message(exc: YAMLError, char: str | None = None) -> str:
    if not isinstance(exc, MarkedYAMLError):
        return "invalid YAML"
    context, problem = exc.context or "", exc.problem or ""
    if "cannot start any token" in problem:
        if char == "\t":
            return "a tab is not allowed for indentation: indent with spaces"
        shown = f"`{char}`" if char is not None and char.isprintable() and char not in "` " else "this character"
        return f"a value cannot start with {shown} here: quote the value"
    for in_context, in_problem, plain in _PLAIN_MESSAGES:
        if in_context in context and in_problem in problem:
            return plain
    parts = [p for p in (context, problem) if p]
    return "invalid YAML: " + ": ".join(parts) if parts else "invalid YAML"


def _nesting_is_plausible(text: str, limits: Limits) -> bool:
    """Cheap upper bound on nesting depth; the C composer recurses without a limit."""
    flow = text.count("[") + text.count("{")
    longest = max(map(len, text.split("\n")))  # C-speed: a generator here was 0.1 s per 10k docs
    return flow + longest < limits.max_depth * 4


def _check_depth(text: str, limits: Limits, line_offset: int) -> None:
    """Exact depth check on the event stream (iterative, so safe on hostile input)."""
    parser = _Parser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, MappingStartEvent | SequenceStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise LimitExceeded(
                        f"nesting deeper than {limits.max_depth} levels",
                        Pos(*_mark(event.start_mark, line_offset)),
                    )
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                depth -= 1
    except YAMLError as exc:
        raise _syntax_error(exc, line_offset, text) from None
    finally:
        parser.dispose()


def parse_document(
    text: str, *, line_offset: int = 0, limits: Limits = Limits(), budget: AliasBudget | None = None
) -> ParsedYaml | None:
    """Parse one YAML document. None for an empty document. `budget` (shared by the documents
    of a run) is charged the document's alias-expanded nodes when it parses.

    Raises YamlSyntaxError or LimitExceeded; never anything else for any input text.
    """
    if not _nesting_is_plausible(text, limits):
        _check_depth(text, limits, line_offset)
    parser = _Parser(text)
    try:
        node = parser.get_single_node()
    except YAMLError as exc:
        raise _syntax_error(exc, line_offset, text) from None
    except RecursionError:
        raise LimitExceeded(f"nesting deeper than {limits.max_depth} levels", Pos(1 + line_offset, 1)) from None
    finally:
        parser.dispose()
    if node is None:
        return None
    walker = _Walker(line_offset, limits, budget.remaining if budget is not None else None)
    try:
        data, children = walker.walk(node, 0)
    except RecursionError:
        raise LimitExceeded(f"nesting deeper than {limits.max_depth} levels", Pos(1 + line_offset, 1)) from None
    sl, sc = _mark(node.start_mark, line_offset)
    el, ec = _mark(node.end_mark, line_offset)
    index = PositionIndex(Span(Pos(sl, sc), Pos(el, ec)), children)
    if budget is not None:
        budget.remaining -= walker.aliased
    return ParsedYaml(data, index, tuple(walker.duplicates), tuple(walker.tags))


class _Walker:
    __slots__ = ("alias_room", "aliased", "duplicates", "limits", "memo", "nodes", "offset", "tags")

    def __init__(self, line_offset: int, limits: Limits, alias_room: int | None = None) -> None:
        self.offset = line_offset
        self.limits = limits
        self.nodes = 0
        self.aliased = 0
        self.alias_room = alias_room
        self.memo: dict[int, tuple[object, Children, int]] = {}
        self.duplicates: list[Duplicate] = []
        self.tags: list[tuple[str, Pos]] = []

    def walk(self, node: Any, depth: int) -> tuple[object, Children]:
        kind = type(node)
        if kind is ScalarNode:
            self._charge(1, node)
            tag = node.ctag.suffix
            if tag not in _KNOWN_FULL_TAGS:
                self.tags.append((tag, Pos(*_mark(node.start_mark, self.offset))))
            return self._scalar(node), None
        # The C composer returns the anchored node itself for every alias (it does not set
        # `anchor`), so collections are remembered by identity: an alias shares the converted
        # value but is charged its full size, so "billion laughs" hits the node limit.
        seen = self.memo.get(id(node))
        if seen is not None:
            self._charge_alias(seen[2], node)
            return seen[0], seen[1]
        before = self.nodes
        self._charge(1, node)
        if depth > self.limits.max_depth:
            raise LimitExceeded(
                f"nesting deeper than {self.limits.max_depth} levels", Pos(*_mark(node.start_mark, self.offset))
            )
        result = self._mapping(node, depth) if kind is MappingNode else self._sequence(node, depth)
        tag = node.ctag.suffix
        if tag not in _KNOWN_FULL_TAGS:
            self.tags.append((tag, Pos(*_mark(node.start_mark, self.offset))))
        self.memo[id(node)] = (result[0], result[1], self.nodes - before)
        return result

    def _charge(self, count: int, node: Any) -> None:
        self.nodes += count
        if self.nodes > self.limits.max_nodes:
            raise LimitExceeded(
                f"more than {self.limits.max_nodes:,} nodes after alias expansion",
                Pos(*_mark(node.start_mark, self.offset)),
            )

    def _charge_alias(self, count: int, node: Any) -> None:
        self.aliased += count
        self._charge(count, node)
        aliased, decoded = self.aliased, self.nodes
        if aliased > 100 and decoded > 1000 and aliased / decoded > _allowed_alias_ratio(decoded):
            raise LimitExceeded(
                f"excessive aliasing: aliases make up {aliased:,} of the document's {decoded:,} nodes "
                "(kubectl rejects such documents too)",
                Pos(*_mark(node.start_mark, self.offset)),
            )
        if self.alias_room is not None and aliased > self.alias_room:
            raise LimitExceeded(
                "aliases in this run expand to more nodes than the limit allows; this document is not linted",
                Pos(*_mark(node.start_mark, self.offset)),
            )

    def _scalar(self, node: Any) -> object:
        value: str = node.value
        tag = node.ctag.suffix
        if tag == STR:
            if len(value) > self.limits.max_scalar:
                raise LimitExceeded(
                    f"scalar longer than {self.limits.max_scalar:,} characters",
                    Pos(*_mark(node.start_mark, self.offset)),
                )
            return value
        try:
            if tag == INT:
                return to_int(value)
            if tag == BOOL:
                if value in _BOOL_TRUE:
                    return True
                if value in _BOOL_FALSE:
                    return False
                return value.lower() in ("true", "yes", "on", "y")
            if tag == NULL:
                return None
            if tag == FLOAT:
                return to_float(value)
        except ValueError:
            return value
        if len(value) > self.limits.max_scalar:
            raise LimitExceeded(
                f"scalar longer than {self.limits.max_scalar:,} characters", Pos(*_mark(node.start_mark, self.offset))
            )
        return value

    def _mapping(self, node: Any, depth: int) -> tuple[object, Children]:
        data: dict[object, object] = {}
        positions: dict[object, Entry] = {}
        merged: list[tuple[object, Children]] = []
        off = self.offset + 1
        walk = self.walk
        scalar = self._scalar
        inner = depth + 1
        max_scalar = self.limits.max_scalar
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode:
                ctag = key_node.ctag
                if ctag is not _STR_TAG and (ctag is _MERGE_TAG or ctag.suffix == MERGE):
                    merged.append(walk(value_node, inner))
                    continue
                # keys stay text: JSON (and so the API server) only has string keys
                key: object = key_node.value
            else:  # go-yaml (kubectl) refuses these too: "invalid map key"
                raise YamlSyntaxError(
                    "a key must be a single value, not a list or mapping: kubectl rejects the document",
                    Pos(*_mark(key_node.start_mark, self.offset)),
                )
            if type(value_node) is ScalarNode:
                self.nodes += 2
                child: Children = None
                ctag = value_node.ctag
                value: object = value_node.value
                if ctag is not _STR_TAG or len(value) > max_scalar:  # type: ignore[arg-type]
                    # plain text (most values) is taken as it is; the rest is converted
                    value = scalar(value_node)
                    if ctag.suffix not in _KNOWN_FULL_TAGS:
                        self.tags.append((ctag.suffix, Pos(*_mark(value_node.start_mark, self.offset))))
            else:
                self.nodes += 1
                value, child = walk(value_node, inner)
            if key in positions:
                old = positions[key]
                self.duplicates.append(
                    Duplicate(str(key), Pos(old[0], old[1]), Pos(*_mark(key_node.start_mark, self.offset)))
                )
            data[key] = value
            ks, ke, vs, ve = key_node.start_mark, key_node.end_mark, value_node.start_mark, value_node.end_mark
            positions[key] = (
                ks.line + off, ks.column + 1, ke.line + off, ke.column + 1,
                vs.line + off, vs.column + 1, ve.line + off, ve.column + 1, child,
            )  # fmt: skip
        if self.nodes > self.limits.max_nodes:
            self._charge(0, node)
        for source, source_children in merged:
            _merge_into(data, positions, source, source_children)
        return data, positions

    def _sequence(self, node: Any, depth: int) -> tuple[object, Children]:
        items: list[object] = []
        positions: list[Entry] = []
        off = self.offset + 1
        walk = self.walk
        inner = depth + 1
        for item in node.value:
            value, child = walk(item, inner)
            items.append(value)
            vs, ve = item.start_mark, item.end_mark
            vl, vc = vs.line + off, vs.column + 1
            positions.append((vl, vc, vl, vc, vl, vc, ve.line + off, ve.column + 1, child))
        return items, positions


def _merge_into(data: dict[object, object], positions: dict[object, Entry], source: object, children: Children) -> None:
    """`<<: *base` merge keys: explicit keys win over merged ones."""
    sources = source if isinstance(source, list) else [source]
    child_list = children if isinstance(children, list) else [None] * len(sources)
    for one, one_children in zip(sources, child_list, strict=False):
        if not isinstance(one, dict):
            continue
        nested = one_children[8] if isinstance(one_children, tuple) else children
        for key, value in one.items():
            if key not in data:
                data[key] = value
                if isinstance(nested, dict) and key in nested:
                    positions[key] = nested[key]


_KNOWN_TAG_NAMES = frozenset(
    (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "map",
        "seq",
        "merge",
        "value",
        "timestamp",
        "binary",
        "omap",
        "pairs",
        "set",
    )
)
_KNOWN_FULL_TAGS = frozenset(_TAG + name for name in _KNOWN_TAG_NAMES)
_MERGE_TAG = _TAG_OBJECTS[MERGE]
