"""What goes wrong in YAML, and how much a document may cost: the two errors the parsers raise
(YamlSyntaxError with a message a person can act on, LimitExceeded), the limits of one
document and the budget the documents of one run share."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kubelint_py.input.positions import PARSER_BREAK_RE
from kubelint_py.model import Pos


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


class Limits(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """What one document may hold: nesting depth, nodes (after alias expansion), length of a scalar."""

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


def mark_pos(mark: Any, line_offset: int) -> tuple[int, int]:
    return mark.line + 1 + line_offset, mark.column + 1


def syntax_error(exc: YAMLError, line_offset: int, text: str = "") -> YamlSyntaxError:
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
    pos = Pos(*mark_pos(mark, line_offset)) if mark is not None else Pos(1 + line_offset, 1)
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


class SlowBudgetSpent(Exception):
    pass


SLOW_BUDGET_SPENT = " (the YAML 1.2 parser did not check it: this run's budget for it is spent)"
