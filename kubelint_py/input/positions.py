"""Where every key and value of a document stands in its file.

The index mirrors the data: each mapping becomes a tuple of `Entry`, one per key in the order
of the data's own mapping (found by the key's place there: the index keeps the document's data),
or `{key: Entry}` when it does not hold every key (merge keys `<<` whose positions are not
known); each sequence a list of `Entry`. An `Entry` holds 1-based positions of the key (for
list items, the item itself), of the value, and the child index when the value is a collection.
A dict of positions per mapping mirrored every key of the data a second time: 2.3 KB of the
9.2 KB the index of an average document took (10,000-document benchmark corpus).

Lines are counted by `\n` only, as editors and GitHub count them; columns count code points.
The YAML parser also breaks lines at a lone CR, NEL, LS and PS (YAML 1.1, as kubectl's parser
does, so the structure is kubectl's); `LineMap` turns its marks into editor positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubelint_py.model import FieldPath, Pos, PositionLookup, Span

# (key_line, key_col, key_end_line, key_end_col,
#  val_line, val_col, val_end_line, val_end_col, child)
Entry = tuple[int, int, int, int, int, int, int, int, "Children"]
Children = tuple[Entry, ...] | dict[object, Entry] | list[Entry] | None


class PositionIndex(PositionLookup):
    __slots__ = ("_data", "_root", "_span")

    def __init__(self, span: Span, root: Children, data: object) -> None:
        self._span = span
        self._root = root
        self._data = data  # the document's data at `root`: where a tuple's keys are

    @property
    def data(self) -> object:
        return self._data

    @property
    def span(self) -> Span:
        return self._span

    @property
    def root(self) -> Children:
        return self._root

    def _entries(self, path: FieldPath) -> tuple[Entry | None, int]:
        """The entry of the deepest existing prefix of `path` and how many steps matched."""
        entry, depth, _ = self._walk(path)
        return entry, depth

    def _walk(self, path: FieldPath) -> tuple[Entry | None, int, object]:
        """`_entries`, and the data at the entry (the root's when no step matched)."""
        node: Children = self._root
        data = self._data
        entry: Entry | None = None
        depth = 0
        for step in path:
            nxt: Entry | None = None
            kind = type(node)
            if kind is tuple:  # a mapping's entries in the order of its keys
                if type(data) is dict and step in data:
                    nxt = node[list(data).index(step)]  # type: ignore[index]
            elif kind is dict:
                nxt = node.get(step)  # type: ignore[union-attr]
            elif kind is list and type(step) is int and 0 <= step < len(node):  # type: ignore[arg-type]
                nxt = node[step]  # type: ignore[index]
            if nxt is None:
                break
            entry = nxt
            node = nxt[8]
            data = data.get(step) if type(data) is dict else data[step] if type(data) is list else None  # type: ignore[index]
            depth += 1
        return entry, depth, data

    def lookup(self, path: FieldPath) -> Span:
        """Span of the node at `path`, else of its nearest existing ancestor.

        A key whose value is a scalar spans key and value; a key whose value is a
        collection spans the key only, so the region stays on one line.
        """
        entry, _ = self._entries(path)
        if entry is None:
            return _first_line(self._span)
        return _entry_span(entry)

    def key_span(self, path: FieldPath) -> Span | None:
        entry, depth = self._entries(path)
        if entry is None or depth != len(path):
            return None
        return Span(Pos(entry[0], entry[1]), Pos(entry[2], entry[3]))


def entries(children: Children, data: object) -> Iterator[tuple[object, Entry, object]]:
    """(key or index, entry, its value) of each entry of `children`, whose data is `data`."""
    if isinstance(children, tuple):
        if isinstance(data, dict):
            yield from ((key, entry, value) for (key, value), entry in zip(data.items(), children, strict=False))
    elif isinstance(children, dict):
        values = data if isinstance(data, dict) else {}
        yield from ((key, entry, values.get(key)) for key, entry in children.items())
    elif children:
        items = data if isinstance(data, list) else []
        for number, entry in enumerate(children):
            yield number, entry, items[number] if number < len(items) else None


def _entry_span(entry: Entry) -> Span:
    child = entry[8]
    if child is None:
        return Span(Pos(entry[0], entry[1]), Pos(entry[6], entry[7]))
    if (entry[0], entry[1]) == (entry[4], entry[5]):
        # a list item that is itself a collection: point at its first key
        first = _first_entry(child)
        if first is not None:
            return Span(Pos(first[0], first[1]), Pos(first[2], first[3]))
    return Span(Pos(entry[0], entry[1]), Pos(entry[2], entry[3]))


def _first_entry(child: Children) -> Entry | None:
    if isinstance(child, dict):
        return next(iter(child.values()), None)
    if isinstance(child, (list, tuple)):
        return child[0] if child else None
    return None


def _first_line(span: Span) -> Span:
    start = span.start
    return Span(start, Pos(start.line, start.column + 1))


def shifted(index: PositionIndex, prefix: FieldPath) -> PositionIndex:
    """The index of the subtree at `prefix` (used for the items of a `List`)."""
    entry, depth, data = index._walk(prefix)
    if entry is None or depth != len(prefix):
        return index
    span = Span(Pos(entry[4], entry[5]), Pos(entry[6], entry[7]))
    return PositionIndex(span, entry[8], data)


# Line breaks of the YAML parser (CR LF counts once); editors break at `\n` only.
PARSER_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def has_parser_only_breaks(text: str) -> bool:
    """Whether the parser would count lines differently from an editor (C-speed scans)."""
    return "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text


class LineMap:
    """The parser's (line, column) -> the editor's, for one text.

    Positions are the 1-based ones of the index, shifted by `line_offset` lines (the text's
    first line in its file).
    """

    __slots__ = ("_memo", "_offset", "_starts")

    def __init__(self, text: str, line_offset: int = 0) -> None:
        # per parser line: its editor line and the column of its first character (0-based)
        starts = [(0, 0)]
        line = line_start = 0
        for match in PARSER_BREAK_RE.finditer(text):
            end = match.end()
            if text[end - 1] == "\n":
                line, line_start = line + 1, end
            starts.append((line, end - line_start))
        self._starts = starts
        self._offset = line_offset
        self._memo: dict[int, Children] = {}

    def point(self, line: int, column: int) -> tuple[int, int]:
        parser_line = min(max(line - 1 - self._offset, 0), len(self._starts) - 1)
        editor_line, first_column = self._starts[parser_line]
        return editor_line + 1 + self._offset, first_column + column

    def pos(self, pos: Pos) -> Pos:
        return Pos(*self.point(pos.line, pos.column))

    def entry(self, entry: Entry) -> Entry:
        point = self.point
        kl, kc = point(entry[0], entry[1])
        kel, kec = point(entry[2], entry[3])
        vl, vc = point(entry[4], entry[5])
        vel, vec = point(entry[6], entry[7])
        return (kl, kc, kel, kec, vl, vc, vel, vec, self.children(entry[8]))

    def children(self, children: Children) -> Children:
        """The same tree in editor positions; a subtree shared by aliases is mapped once."""
        if children is None:
            return None
        done = self._memo.get(id(children))
        if done is not None:
            return done
        mapped: Children
        if isinstance(children, dict):
            mapped = {key: self.entry(entry) for key, entry in children.items()}
        elif isinstance(children, tuple):
            mapped = tuple(self.entry(entry) for entry in children)
        else:
            mapped = [self.entry(entry) for entry in children]
        self._memo[id(children)] = mapped
        return mapped

    def index(self, index: PositionIndex) -> PositionIndex:
        span = index.span
        return PositionIndex(Span(self.pos(span.start), self.pos(span.end)), self.children(index.root), index.data)


__all__ = [
    "PARSER_BREAK_RE",
    "Children",
    "Entry",
    "LineMap",
    "PositionIndex",
    "entries",
    "has_parser_only_breaks",
    "shifted",
]
