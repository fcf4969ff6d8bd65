"""The only module that touches ruamel.yaml: YAML text -> plain data + positions.

Nodes are composed by ruamel's C parser (ruamel.yaml.clib), so marks come at C speed;
one Python walk turns them into dicts/lists/scalars and fills the position index.
Scalars are resolved the way Kubernetes reads YAML (go-yaml v2, YAML 1.1 style):
`yes`/`on` are booleans, `0644` is octal. No tag ever constructs an object: unknown
tags (`!!python/object`, `!foo`) yield the node's text, or its mapping or list.

The C scanner (libyaml 0.1) predates YAML 1.2's flow context: it rejects `{image: busybox:1.36}`
and `[http://a]`, which kubectl accepts. A document it rejects is parsed again, at C speed with
those colons masked when that is all that was wrong, else by ruamel's pure-Python parser with
YAML 1.2's flow-context rules (slow, so a run may spend only a budget on it). Positions
are the parser's marks turned into editor lines (`positions.LineMap`) when they differ.
"""

from __future__ import annotations

import operator
import re
import warnings
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ruamel.yaml.composer import ComposerError
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader
from ruamel.yaml.scanner import Scanner, ScannerError
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import (
    FlowEntryToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
    KeyToken,
    ScalarToken,
)

from kubelint_py.input.positions import PARSER_BREAK_RE, Children, Entry, LineMap, PositionIndex, has_parser_only_breaks
from kubelint_py.model import Pos, Span

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


def _resolve(kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> Tag:
    """The tag of an untagged node (`implicit[0]`: a plain scalar)."""
    if kind is ScalarNode:
        assert value is not None
        if value and value[0] not in _MAYBE_SPECIAL:  # most values: plain text, resolved inline
            return _STR_TAG
        if isinstance(implicit, tuple) and implicit[0]:
            return _TAG_OBJECTS[resolve_plain(value)]
        return _STR_TAG
    return _TAG_OBJECTS[MAP] if kind is MappingNode else _TAG_OBJECTS[SEQ]


class _Parser(CParser):  # type: ignore[misc]
    """The C composer with our own scalar resolver (path resolvers are not used).

    The composer calls descend_resolver, resolve and ascend_resolver for every node. Path
    resolvers are not used, so the two hooks are C builtins that take the same arguments and
    do nothing of consequence (a Python no-op per call was 0.1 s on the 10k corpus).
    """

    descend_resolver = staticmethod(operator.is_)  # (parent, index) -> ignored bool
    ascend_resolver = staticmethod(int)  # () -> 0, ignored
    resolve = staticmethod(_resolve)


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


# What the pure-Python parser may spend in one run, in characters read and events composed: it
# is ~100 times slower than the C one (~0.1 ms an event, 2-5 us a character of a long scalar).
# Real trees give it a few documents at most; a tree made of such documents costs seconds, not
# minutes, and the documents past the budget are yaml-syntax findings that say so.
SLOW_PARSE_CHARS = 250_000
SLOW_PARSE_EVENTS = 10_000


class AliasBudget:
    """What the documents of one run may still spend, shared by all of them: alias-expanded
    nodes (per-document checks alone let many small documents each expand 100-fold), and the
    slow parser's characters and events."""

    __slots__ = ("remaining", "slow_chars", "slow_events")

    def __init__(self, total: int, slow_chars: int = SLOW_PARSE_CHARS, slow_events: int = SLOW_PARSE_EVENTS) -> None:
        self.remaining = total
        self.slow_chars = slow_chars
        self.slow_events = slow_events


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
    """The error in the parser's lines (`LineMap` turns them into the editor's)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    message = _message(exc, _char_at(text, mark))
    if mark is not None and context is not None and text:
        # "unexpected end of stream" lands after the document: the opening is more useful
        lines = PARSER_BREAK_RE.split(text.rstrip())
        if mark.line > len(lines) - 1:
            mark = context
        if mark.line > len(lines) - 1:  # both at the end: blame the last line with content
            return YamlSyntaxError(message, Pos(len(lines) + line_offset, max(len(lines[-1]), 1)))
    pos = Pos(*_mark(mark, line_offset)) if mark is not None else Pos(1 + line_offset, 1)
    return YamlSyntaxError(message, pos)


def _char_at(text: str, mark: Any) -> str | None:
    if mark is None or not text:
        return None
    index = getattr(mark, "index", -1)  # code points, as in the text
    if not isinstance(index, int) or not 0 <= index < len(text):
        return None
    char = text[index]
    return None if char in "\r\n\x85\u2028\u2029" else char


_NOT_ALIGNED_WITH_KEYS = "this line is not indented like the keys around it: align it with them"
_NOT_ALIGNED_WITH_ITEMS = "this line is not indented like the items of its list: align it with them"
_MISPLACED_TEXT = "unexpected text after the document's end: fix the indentation, or add `---`"
_VALUE_MISSING = "a value is missing here: add it, or quote the text"
_DUPLICATE_ANCHOR = "the same anchor `&name` is defined twice in this document: rename one"

# libyaml's wording -> what is wrong in plain words and what to do, first match wins.
# Keys are (context, problem) fragments; "" matches anything.
_PLAIN_MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("", "mapping values are not allowed", "a `: ` is not allowed here: quote the value, or fix the indentation"),
    (
        "simple key",
        "could not find expected ':'",
        "this line is not `key: value`: a `:` is missing, or the indentation is off",
    ),
    ("block mapping", "did not find expected key", _NOT_ALIGNED_WITH_KEYS),
    ("block mapping", "expected <block end>", _NOT_ALIGNED_WITH_KEYS),  # the slow parser's wording
    ("block collection", "did not find expected '-'", _NOT_ALIGNED_WITH_ITEMS),
    ("block collection", "expected <block end>", _NOT_ALIGNED_WITH_ITEMS),
    ("flow sequence", "", "an inline list `[...]` is not closed: add the missing `,` or `]`, or quote the text"),
    ("flow mapping", "", "an inline mapping `{...}` is not closed: add the missing `,` or `}`, or quote the text"),
    ("quoted scalar", "end of stream", "a quoted string is never closed: add the closing quote"),
    ("quoted scalar", "", "a quoted string has an invalid escape or line: check its quotes and backslashes"),
    ("block scalar", "", "text follows `|` or `>` on the same line: put the text on the next lines, indented"),
    ("plain scalar", "':'", "an unquoted value contains `: `: quote the value"),
    ("directive", "", "a line starting with `%` is a YAML directive: quote the value or remove the line"),
    ("tag", "", "a `!` starts a YAML tag here: quote the value"),
    ("alias", "", "a `*` starts a YAML alias here: quote the value"),
    ("duplicate anchor", "", _DUPLICATE_ANCHOR),  # the C composer says it in the context
    ("anchor", "", "a `&` starts a YAML anchor here: quote the value"),
    ("", "undefined alias", "an alias `*name` refers to no anchor `&name` defined before it in this document"),
    ("", "duplicate anchor", _DUPLICATE_ANCHOR),
    ("", "expected <document start>", _MISPLACED_TEXT),
    ("", "expected '<document start>'", _MISPLACED_TEXT),
    ("", "expected node content", _VALUE_MISSING),
    ("", "expected the node content", _VALUE_MISSING),
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
    parts = [_QUOTED_RE.sub(r"`\1`", p) for p in (context, problem) if p]
    return "invalid YAML: " + ": ".join(parts) if parts else "invalid YAML"


_QUOTED_RE = re.compile(r"'([^'\s]*)'")  # the parsers quote tokens the way repr() does


def _nesting_is_plausible(text: str, limits: Limits) -> bool:
    """Cheap upper bound on nesting depth; the C composer recurses without a limit."""
    flow = text.count("[") + text.count("{")
    longest = max(map(len, text.split("\n")))  # C-speed: a generator here was 0.1 s per 10k docs
    return flow + longest < limits.max_depth * 4


def _check_depth(text: str, limits: Limits, line_offset: int) -> None:
    """Exact depth check on the event stream (iterative, so safe on hostile input).
    Raises LimitExceeded, or the parser's YAMLError."""
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
    finally:
        parser.dispose()


def parse_document(
    text: str, *, line_offset: int = 0, limits: Limits = Limits(), budget: AliasBudget | None = None
) -> ParsedYaml | None:
    """Parse one YAML document. None for an empty document. `budget` (shared by the documents
    of a run) is charged the document's alias-expanded nodes when it parses, and the text the
    slow parser reads.

    Raises YamlSyntaxError or LimitExceeded; never anything else for any input text.
    """
    if not has_parser_only_breaks(text):
        return _parse(text, line_offset, limits, budget)
    lines = LineMap(text, line_offset)
    try:
        parsed = _parse(text, line_offset, limits, budget)
    except YamlSyntaxError as exc:
        raise YamlSyntaxError(exc.message, lines.pos(exc.pos)) from None
    except LimitExceeded as exc:
        raise LimitExceeded(exc.message, lines.pos(exc.pos)) from None
    if parsed is None:
        return None
    return ParsedYaml(
        parsed.data,
        lines.index(parsed.positions),
        tuple(Duplicate(dup.key, lines.pos(dup.first), lines.pos(dup.second)) for dup in parsed.duplicates),
        tuple((tag, lines.pos(pos)) for tag, pos in parsed.tags),
    )


def _parse(text: str, line_offset: int, limits: Limits, budget: AliasBudget | None) -> ParsedYaml | None:
    """`parse_document` in the parser's lines."""
    node = _compose(text, line_offset, limits, budget)
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


def _compose(text: str, line_offset: int, limits: Limits, budget: AliasBudget | None) -> Any:
    """The document's root node from the first parser that accepts it: the C composer; again,
    with the colons of plain scalars masked, when it rejected one (libyaml 0.1's flow context);
    else the slow YAML 1.2 flow-context parser. Raises YamlSyntaxError or LimitExceeded."""
    try:
        return _compose_c(text, line_offset, limits)
    except YAMLError as exc:
        errors = [exc]
    masked = _mask_colons(text) if _rejects_colon(errors[0]) else None
    if masked is not None:
        placeholder, masked_text = masked
        try:
            node = _compose_c(masked_text, line_offset, limits)
        except YAMLError as exc:
            errors.append(exc)
        else:
            _unmask(node, placeholder)
            return node
    if not _in_flow_context(errors[-1]):  # a real error: the slow parser would only be laxer
        raise _latest(errors, line_offset, text)
    return _compose_slow(text, line_offset, limits, budget, errors)


def _compose_c(text: str, line_offset: int, limits: Limits) -> Any:
    """The C composer's root node. Raises the parser's YAMLError, or LimitExceeded."""
    if not _nesting_is_plausible(text, limits):
        _check_depth(text, limits, line_offset)
    parser = _Parser(text)
    try:
        return parser.get_single_node()
    except RecursionError:
        raise LimitExceeded(f"nesting deeper than {limits.max_depth} levels", Pos(1 + line_offset, 1)) from None
    finally:
        parser.dispose()


# -- libyaml 0.1 and colons in flow context ----------------------------------------------------
#
# Its scanner stops at a `:` inside a plain scalar in `[...]` or `{...}` ("found unexpected ':'")
# where YAML 1.2 (and go-yaml, so kubectl) read on: `{image: busybox:1.36}`. Such colons are
# replaced by a private-use character the scanner reads as text, one code point for one so every
# mark stays where it was, and put back in the scalars afterwards. A colon is masked when it is
# between two characters that can be inside a plain scalar: not after a quote or a closing
# bracket (`{"a":b}` is a key and its value in YAML 1.2), not before a space, a flow indicator
# or the end, and not in a tag. Anything else the scanner rejects goes to the slow parser.

# group 1: a tag (`!!python/object:x`, its colons are its own); else a maskable colon
_MASKABLE_COLON_RE = re.compile(r"(?<![^\s\[\{,])(![^\s,\[\]\{\}]*)|(?<=[^\s\"'\]\},\[\{]):(?=[^\s,\[\]\{\}])")
_PLACEHOLDERS = tuple(chr(code) for code in range(0xE000, 0xE010))


def _rejects_colon(exc: YAMLError) -> bool:
    return isinstance(exc, MarkedYAMLError) and "unexpected ':'" in (exc.problem or "")


def _in_flow_context(exc: YAMLError) -> bool:
    """Whether libyaml gave up inside `[...]` or `{...}`, where its rules are older than YAML
    1.2's. Elsewhere its verdict stands: go-yaml (kubectl) shares its rules, and the pure-Python
    parser is laxer (anchor names, tags, block scalars)."""
    return isinstance(exc, MarkedYAMLError) and ("flow" in (exc.context or "") or _rejects_colon(exc))


def _mask_colons(text: str) -> tuple[str, str] | None:
    """(placeholder, text with the maskable colons replaced), or None if there is no unused
    placeholder."""
    placeholder = next((char for char in _PLACEHOLDERS if char not in text), None)
    if placeholder is None:
        return None
    return placeholder, _MASKABLE_COLON_RE.sub(lambda match: match.group(1) or placeholder, text)


def _unmask(root: Any, placeholder: str) -> None:
    """Put the colons back in the scalars (each node once: aliases share nodes); a plain
    scalar is resolved again (`1:30` is the YAML 1.1 integer 90)."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        kind = type(node)
        if kind is ScalarNode:
            value: str = node.value
            if placeholder in value:
                node.value = value = value.replace(placeholder, ":")
                if node.ctag is _STR_TAG and not node.style:
                    node.ctag = _resolve(ScalarNode, value, (True, False))
        elif kind is MappingNode:
            for key, item in node.value:
                pending.append(key)
                pending.append(item)
        else:
            pending.extend(node.value)


# -- the slow parser: ruamel's pure-Python one with YAML 1.2's flow context --------------------


def _compose_slow(
    text: str, line_offset: int, limits: Limits, budget: AliasBudget | None, errors: list[YAMLError]
) -> Any:
    """The slow parser's root node, or the most telling error of all the parsers tried."""
    budget = budget if budget is not None else AliasBudget(0)  # a call of its own: a budget of its own
    try:
        if len(text) > budget.slow_chars or budget.slow_events <= 0:
            raise _SlowBudgetSpent
        budget.slow_chars -= len(text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _compose_flow12(text, line_offset, limits, budget)
    except _SlowBudgetSpent:
        exc = _syntax_error(errors[-1], line_offset, text)
        raise YamlSyntaxError(exc.message + _SLOW_BUDGET_SPENT, exc.pos) from None
    except YAMLError as exc:
        errors.append(exc)
    except (AssertionError, AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError):
        pass  # a fault of the slow parser on input the C parser rejected too: report the C error
    raise _latest(errors, line_offset, text) from None


class _SlowBudgetSpent(Exception):
    pass


_SLOW_BUDGET_SPENT = " (the YAML 1.2 parser did not check it: this run's budget for it is spent)"


def _latest(errors: list[YAMLError], line_offset: int, text: str) -> YamlSyntaxError:
    """The error found furthest into the document: a parser that stopped earlier stopped at
    something another one accepts. Ties go to the C parser, whose messages are mapped."""
    found = [_syntax_error(exc, line_offset, text) for exc in errors]
    return max(found, key=lambda exc: exc.pos)  # the first of the furthest


_BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"
_ENDS_FLOW_PLAIN = _BLANK_OR_END + ",[]{}"  # what cannot continue a plain scalar in flow context
_NOT_PLAIN_FIRST = _BLANK_OR_END + "-?:,[]{}#&*!|>'\"%@`"


class _Reader(Reader):  # type: ignore[misc]
    """Counts lines and columns as the C reader does: a line ends at CR LF, CR, LF, NEL, LS or
    PS; every other character but a leading byte order mark is a column (the pure reader breaks
    lines at LF and CR only, and skips U+FEFF everywhere)."""

    def forward(self, length: int = 1) -> None:
        if self.pointer + length + 1 >= len(self.buffer):
            self.update(length + 1)
        buffer = self.buffer
        while length:
            char = buffer[self.pointer]
            self.pointer += 1
            self.index += 1
            if char in "\n\x85\u2028\u2029" or (char == "\r" and buffer[self.pointer] != "\n"):
                self.line += 1
                self.column = 0
            elif self.index > 1 or char != "\ufeff":
                self.column += 1
            length -= 1


class _Scanner(Scanner):  # type: ignore[misc]
    """ruamel's pure-Python scanner (libyaml's YAML 1.1 rules) with YAML 1.2's flow context
    (spec 7.3.3, 7.4): inside `[...]` and `{...}`, a `:`, `?` or `-` followed by a character that
    can continue a plain scalar is part of the scalar (`busybox:1.36`, `http://a`, `::x`,
    `?x`), except a `:` after a JSON-like key (`"a":b`, `[a]:b`); a `:` followed by `,` or a
    bracket ends it (`[a:, b]`); an entry may have an empty key (`{: x}`, `[: x]`)."""

    _last_token: Any = None

    def fetch_more_tokens(self) -> Any:
        result = super().fetch_more_tokens()
        if self.tokens:
            self._last_token = self.tokens[-1]
        return result

    def _after_json_node(self) -> bool:
        last = self._last_token
        kind = type(last)
        return (kind is ScalarToken and not last.plain) or kind is FlowSequenceEndToken or kind is FlowMappingEndToken

    def fetch_stream_end(self) -> None:
        reader = self.reader
        if reader.column:  # as libyaml: the stream ends on a line of its own
            reader.line += 1
            reader.column = 0
        super().fetch_stream_end()

    def check_key(self) -> bool:
        if self.flow_level:
            return self.reader.peek(1) in _ENDS_FLOW_PLAIN
        return self.reader.peek(1) in _BLANK_OR_END

    def check_value(self) -> bool:
        if self.flow_level:
            return self._after_json_node() or self.reader.peek(1) in _ENDS_FLOW_PLAIN
        return self.reader.peek(1) in _BLANK_OR_END

    def check_plain(self) -> bool:
        char = self.reader.peek()
        if char not in _NOT_PLAIN_FIRST:
            return True
        if char in "-?:":
            return self.reader.peek(1) not in (_ENDS_FLOW_PLAIN if self.flow_level else _BLANK_OR_END)
        return False

    def fetch_value(self) -> None:
        last = type(self._last_token)
        if (
            self.flow_level
            and self.flow_level not in self.possible_simple_keys
            and (last is FlowEntryToken or last is FlowSequenceStartToken or last is FlowMappingStartToken)
        ):
            mark = self.reader.get_mark()  # an entry with an empty key
            self.tokens.append(KeyToken(mark, mark))
        super().fetch_value()

    def scan_tag(self) -> Any:
        peek = self.reader.peek
        if peek(1) == "!" and peek(2) in _BLANK_OR_END:  # `!!` alone: libyaml wants a suffix
            mark = self.reader.get_mark()
            raise ScannerError("while parsing a tag", mark, "did not find expected tag URI", mark)
        return super().scan_tag()

    def scan_plain(self) -> Any:
        reader = self.reader
        peek = reader.peek
        flow = bool(self.flow_level)
        stops = _ENDS_FLOW_PLAIN if flow else _BLANK_OR_END
        start_mark = end_mark = reader.get_mark()
        indent = self.indent + 1
        chunks: list[str] = []
        spaces: list[str] | None = []
        while peek() != "#":
            length = 0
            while True:
                char = peek(length)
                if char in stops or (char == ":" and peek(length + 1) in stops):
                    break
                length += 1
            if not length:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or ())
            chunks.append(reader.prefix(length))
            reader.forward(length)
            end_mark = reader.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or peek() == "#" or (not flow and reader.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)


class _FlowParser(_Reader, _Scanner, Parser):  # type: ignore[misc]
    processing_version = (1, 1)  # libyaml's rules but for the flow context above
    top_level_block_style_scalar_no_indent_error_1_1 = True  # as libyaml: `|` at the top is indented

    def __init__(self, text: str) -> None:
        self.comment_handling = None
        self.doc_infos = [SimpleNamespace(doc_version=None, tags=[])]  # written by a %YAML directive
        _Reader.__init__(self, text, loader=self)
        _Scanner.__init__(self, loader=self)
        Parser.__init__(self, loader=self)
        self._resolver = self


def _compose_flow12(text: str, line_offset: int, limits: Limits, budget: AliasBudget) -> Any:
    """The root node of the single document in `text`, composed without recursion; each event
    is charged to `budget` (_SlowBudgetSpent when it runs out)."""
    parser = _FlowParser(text)
    parser.get_event()  # stream start
    if parser.check_event(StreamEndEvent):
        return None
    parser.get_event()  # document start
    root = _compose_events(parser, line_offset, limits, budget)
    parser.get_event()  # document end
    if not parser.check_event(StreamEndEvent):
        event = parser.get_event()
        raise ComposerError(
            "expected a single document in the stream", root.start_mark, "but found another document", event.start_mark
        )
    return root


def _compose_events(parser: Any, line_offset: int, limits: Limits, budget: AliasBudget) -> Any:
    anchors: dict[str, Any] = {}
    open_nodes: list[tuple[Any, list[Any], str | None]] = []  # collection, its items, its anchor
    while True:
        if budget.slow_events <= 0:
            raise _SlowBudgetSpent
        budget.slow_events -= 1
        event = parser.get_event()
        kind = type(event)
        node: Any
        anchor = None
        if kind is ScalarEvent:
            node = ScalarNode(_event_tag(event, ScalarNode), event.value, event.start_mark, event.end_mark)
            node.style = event.style
            anchor = event.anchor
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                raise ComposerError(None, None, f"found undefined alias {event.anchor}", event.start_mark)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(open_nodes) >= limits.max_depth:
                raise LimitExceeded(
                    f"nesting deeper than {limits.max_depth} levels", Pos(*_mark(event.start_mark, line_offset))
                )
            cls = MappingNode if kind is MappingStartEvent else SequenceNode
            open_nodes.append((cls(_event_tag(event, cls), [], event.start_mark, None), [], event.anchor))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node, items, anchor = open_nodes.pop()
            node.end_mark = event.end_mark
            node.value = list(zip(items[::2], items[1::2], strict=True)) if kind is MappingEndEvent else items
        else:
            raise ComposerError(None, None, "expected a node", event.start_mark)
        if anchor is not None:
            if anchor in anchors:  # as the C composer says it
                raise ComposerError(
                    "found duplicate anchor; first occurrence",
                    anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            anchors[anchor] = node
        if not open_nodes:
            return node
        open_nodes[-1][1].append(node)


def _event_tag(event: Any, kind: type) -> Tag:
    tag = event.ctag
    if tag is None or str(tag) == "!":
        return _resolve(kind, event.value if kind is ScalarNode else None, event.implicit)
    return Tag(suffix=str(tag))


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
