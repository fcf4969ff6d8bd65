"""The one JSON writer of kubelint's outputs: reports, statistics, rule lists, SARIF logs and
baselines are written through it, as UTF-8 text (`ensure_ascii=False`).

`indented` is `json.dumps(data, indent=2, ensure_ascii=False)` character for character, in about
half the time: with `indent` the json module leaves its C encoder for a generic pure-Python
generator (0.98 s against 0.52 s for the JSON report of the 10,000-document benchmark corpus,
42,571 findings, 5 % of that run). Plain dicts, lists, str, int, float, bool and None are
written here (strings by the json module's own C escaper); a value of any other type hands the
whole document back to `json.dumps`. `compact` and `one_line` are the C encoder's own output.

`indented_chunks` writes the same text in pieces, and takes `Items` for a list whose items are
made as they are written: the JSON report of the 10,000-document benchmark corpus no longer
exists whole in memory (as records, as 1.4 million chunks, joined, then encoded: up to three
copies of 56 MB at once). Its `clean` (the reports' `json_safe`) sees each value's text once as
it is made, not the pieces: a few non-ASCII characters put most 64 KB pieces of that report
through a regular expression's scan (0.36 s), while 1,435 of its 68,299 findings hold one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any


def compact(data: object) -> str:
    """No whitespace at all (large SARIF logs)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def one_line(data: object) -> str:
    """One line, `, ` and `: ` between items (a baseline's entries)."""
    return json.dumps(data, ensure_ascii=False)


_INDENT = "  "
_encode_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


class _Unsupported(Exception):
    pass


def indented(data: object) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, character for character."""
    chunks: list[str] = []
    try:
        _write(data, "\n", chunks)
    except _Unsupported:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(chunks)


# (count, render) -> the pieces of render(0, count) in order, `render(start, stop)` giving the
# text of items start..stop-1 (`Items.spread`, the reports' `ReportOptions.spread`)
Spread = Callable[[int, Callable[[int, int], Iterator[str]]], Iterator[str]]


class Items:
    """A list written as its items come (`indented_chunks`): `items` is iterated once;
    `empty` says beforehand whether it yields anything (`[]` is written differently).
    `text(item, newline)` writes an item at its place (`text`, the writer's own, by default;
    a report writes its records with `fields`, never as dicts). With `spread`, `items` is a
    sequence whose text is made by `spread(len(items), render)`, `render(start, stop)` giving
    the text of items start..stop-1 (the JSON report's `ReportOptions.spread`: shares of its
    records made in other processes)."""

    __slots__ = ("empty", "items", "spread", "text")

    def __init__(
        self,
        items: Iterable[Any],
        *,
        empty: bool,
        text: Callable[[Any, str], str] | None = None,
        spread: Spread | None = None,
    ) -> None:
        self.items = items
        self.empty = empty
        self.text = text if text is not None else _whole
        self.spread = spread


INDENT = _INDENT


def text(value: object, newline: str = "\n") -> str:
    """The JSON text of `value` as `indented` writes it where its line starts after `newline`
    (the line break and the indentation: a value inside a dict written by `fields` at
    `newline` is at `newline + INDENT`)."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)  # type: ignore[arg-type]
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if not value and (kind is list or kind is dict):
        return "[]" if kind is list else "{}"
    return _whole(value, newline)


# `text` of a value known to be a str, an int
string: Callable[[str], str] = _encode_string
integer: Callable[[int], str] = int.__repr__


def fields(keys: tuple[str, ...], texts: tuple[str, ...], newline: str) -> str:
    """The text of a dict whose keys are `keys` and whose values' texts are `texts` (each
    `text(value, newline + INDENT)`), as `indented` writes it where its line starts after
    `newline`. The keys' text and the separators are made once per keys and place: the JSON
    report writes 68,299 records of the same few layouts (as dicts through `_write`, 0.8 s
    of the 10,000-document corpus's report, building them included)."""
    return _layout(keys, newline) % texts if keys else "{}"


@cache
def _layout(keys: tuple[str, ...], newline: str) -> str:
    """`fields`'s `%` template."""
    inner = newline + _INDENT
    named = [_encode_string(key).replace("%", "%%") for key in keys]
    return "".join(f"{',' if n else '{'}{inner}{name}: %s" for n, name in enumerate(named)) + newline + "}"


CHUNK = 1 << 16  # characters of a piece of `indented_chunks`, about
# items of a list of `Items` joined into one piece (with their separators): each piece goes
# through the writer's generators and batching (68,299 records of the JSON report of the
# 10,000-document corpus, one piece each: 0.345 -> 0.333 s for the report)
ITEMS_PER_PIECE = 16
# A str holding one character past ASCII stores every character in 2 or 4 bytes, and is
# encoded to UTF-8 character by character where an ASCII one is copied: in the JSON report of
# the 10,000-document corpus 1,342 of 68,299 records hold one (a remediation's en dash, a
# message's ≥), and joined with their neighbours they made 845 of its 1,148 pieces of 64 KB
# such text, 0.086 s to encode, then the same joins widened. Such an item, and such a piece,
# is therefore written apart from the ASCII around it (`_listed`, `indented_chunks`).


def _as_is(text: str) -> str:
    return text


def indented_chunks(data: object, clean: Callable[[str], str] = _as_is) -> Iterator[str]:
    """`indented(data)` in pieces of about CHUNK characters, `Items` written as lists; `clean`
    is applied to the text of each value and key as it is made (never to the writer's own
    brackets and separators), and must change no character of JSON's structure. A piece
    holding a character past ASCII is yielded on its own (see ITEMS_PER_PIECE)."""
    out: list[str] = []
    size = 0
    for piece in _stream(data, "\n", clean):
        if not piece.isascii():
            if out:
                yield "".join(out)
                out.clear()
                size = 0
            yield piece
            continue
        out.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(out)
            out.clear()
            size = 0
    if out:
        yield "".join(out)


def _stream(value: Any, newline: str, clean: Callable[[str], str]) -> Iterator[str]:
    """The text of `value` in pieces: dicts and lists that hold `Items` piece by piece, the
    rest whole (`_write`), each value's text passed through `clean`."""
    kind = type(value)
    if kind is Items:
        if value.empty:
            yield "[]"
            return
        inner = newline + _INDENT
        if value.spread is not None:
            yield from value.spread(len(value.items), _item_texts(value.items, value.text, inner, clean))
        else:
            yield from _listed(value.items, value.text, inner, clean, "[")
        yield newline + "]"
    elif kind is dict and any(type(item) is Items for item in value.values()):
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            yield f"{separator}{clean(_encode_string(key if type(key) is str else _key(key)))}: "
            yield from _stream(item, inner, clean)
            separator = "," + inner
        yield newline + "}"
    else:
        yield clean(_whole(value, newline))


def _item_texts(
    items: Sequence[Any], text: Callable[[Any, str], str], inner: str, clean: Callable[[str], str]
) -> Callable[[int, int], Iterator[str]]:
    """The text of `items[start:stop]` in a list whose items start after `inner`, each item
    with the separator before it, as the loop of `_stream` writes them."""

    def render(start: int, stop: int) -> Iterator[str]:
        return _listed(map(items.__getitem__, range(start, stop)), text, inner, clean, "," if start else "[")

    return render


def _listed(
    items: Iterable[Any], text: Callable[[Any, str], str], inner: str, clean: Callable[[str], str], first: str
) -> Iterator[str]:
    """The items' text, each with the separator before it (`first` before the first), in
    pieces of ITEMS_PER_PIECE items; an item holding a character past ASCII in a piece of
    its own (see ITEMS_PER_PIECE)."""
    comma = "," + inner
    batch: list[str] = []
    add = batch.append
    for item in items:
        item_text = clean(text(item, inner))
        if not item_text.isascii():
            if batch:
                yield first + inner + comma.join(batch)
                batch.clear()
                first = ","
            yield first + inner + item_text
            first = ","
            continue
        add(item_text)
        if len(batch) == ITEMS_PER_PIECE:
            yield first + inner + comma.join(batch)
            batch.clear()
            first = ","
    if batch:
        yield first + inner + comma.join(batch)


def _whole(value: Any, newline: str) -> str:
    out: list[str] = []
    try:
        _write(value, newline, out)
    except _Unsupported:  # json.dumps's own text, at this depth (JSON text has no raw line break)
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
    return "".join(out)


def _scalar(value: object) -> str:
    kind = type(value)
    if kind is str:
        return _encode_string(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    if kind is float:
        return _float(value)  # type: ignore[arg-type]
    raise _Unsupported


def _float(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    """A key as json.dumps writes it: text as it is, another scalar as its JSON text."""
    return key if type(key) is str else _scalar(key)  # type: ignore[return-value]


def _write(value: Any, newline: str, out: list[str]) -> None:
    """Append the JSON text of `value`, whose line starts after `newline` (the line break and
    the current indentation); scalars inside a collection are written inline."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        comma = "," + inner
        separator = "{" + inner
        encode = _encode_string
        for key, item in value.items():
            name = encode(key) if type(key) is str else encode(_key(key))
            item_kind = type(item)
            if item_kind is str:
                out.append(f"{separator}{name}: {encode(item)}")
            elif item_kind is dict or item_kind is list:
                out.append(f"{separator}{name}: ")
                _write(item, inner, out)
            else:
                out.append(f"{separator}{name}: {_scalar(item)}")
            separator = comma
        out.append(newline + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        comma = "," + inner
        separator = "[" + inner
        for item in value:
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                out.append(separator)
                _write(item, inner, out)
            else:
                out.append(separator + _scalar(item))
            separator = comma
        out.append(newline + "]")
    else:
        out.append(_scalar(value))
