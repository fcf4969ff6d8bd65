"""Where every key and value of a document stands in its file.

The index mirrors the data. Each mapping or sequence is a node `(base, kids)`: its entries'
eight numbers are `marks[base + 8 * i : base + 8 * i + 8]` for its i-th key (in the order of
the data's own mapping, found by the key's place there: the index keeps the document's data)
or item, in one array of the whole document, and `kids` holds the node of each entry whose
value is a collection (None when none is). A mapping whose merge keys (`<<`) have no positions
is a dict `{key: Entry}` instead. An `Entry` (made when asked for) holds 1-based positions of
the key (for list items, the item itself), of the value, and the child node when the value is a
collection. A dict of 9-tuples per mapping took 9.2 KB for an average document of the
10,000-document benchmark corpus, about as much as the document's data.

Lines are counted by `\n` only, as editors and GitHub count them; columns count code points.
The YAML parser also breaks lines at a lone CR, NEL, LS and PS (YAML 1.1, as kubectl's parser
does, so the structure is kubectl's); `LineMap` turns its marks into editor positions.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from operator import indexOf as index_of
from typing import TYPE_CHECKING

from kubelint_py.model import FieldPath, Pos, PositionLookup, Span

# (key_line, key_col, key_end_line, key_end_col,
#  val_line, val_col, val_end_line, val_end_col, child)
Entry = tuple[int, int, int, int, int, int, int, int, "Children"]
Node = tuple[int, "tuple[Children, ...] | None"]
Children = Node | dict[object, Entry] | None
if TYPE_CHECKING:
    Marks = array[int]  # of "I": eight numbers an entry
else:
    Marks = array


def new_marks() -> Marks:
    return array("I")


class PositionIndex(PositionLookup):
    __slots__ = ("_data", "_marks", "_root", "_span")

    def __init__(self, span: Span, root: Children, data: object, marks: Marks) -> None:
        self._span = span
        self._root = root
        self._data = data  # the document's data at `root`: where a node's keys are
        self._marks = marks

    @property
    def data(self) -> object:
        return self._data

    @property
    def marks(self) -> Marks:
        return self._marks

    @property
    def span(self) -> Span:
        return self._span

    @property
    def root(self) -> Children:
        return self._root

    def entry_at(self, node: Children, data: object, step: object) -> Entry | None:
        """The entry of `step` (a key or an index) in `node`, whose data is `data`."""
        return entry_in(self._marks, node, data, step)

    def entries(self, node: Children, data: object) -> Iterator[tuple[object, Entry, object]]:
        """(key or index, entry, its value) of each entry of `node`, whose data is `data`."""
        if type(node) is dict:
            values = data if type(data) is dict else {}
            for key, entry in node.items():  # type: ignore[union-attr]
                yield key, entry, values.get(key)  # type: ignore[attr-defined]
            return
        if type(node) is not tuple:
            return
        steps = data.items() if type(data) is dict else enumerate(data) if type(data) is list else ()  # type: ignore[attr-defined,call-overload]
        for step, value in steps:
            entry = self.entry_at(node, data, step)
            if entry is not None:
                yield step, entry, value

    def all_entries(self) -> Iterator[tuple[FieldPath, Entry, object]]:
        """(path, entry, value) of every entry of the document, depth first."""
        stack: list[tuple[FieldPath, Children, object]] = [((), self._root, self._data)]
        while stack:
            path, node, data = stack.pop()
            for step, entry, value in self.entries(node, data):
                where: FieldPath = (*path, step)  # type: ignore[arg-type]
                yield where, entry, value
                if entry[8] is not None:
                    stack.append((where, entry[8], value))

    def _entries(self, path: FieldPath) -> tuple[Entry | None, int]:
        """The entry of the deepest existing prefix of `path` and how many steps matched."""
        entry, depth, _ = self._walk(path)
        return entry, depth

    def _walk(self, path: FieldPath) -> tuple[Entry | None, int, object]:
        """`_entries`, and the data at the entry (the root's when no step matched).

        `entry_in` step by step, with the entry's numbers read for the last step only: every
        finding's place is looked up here (81,738 lookups of about five steps on the
        10,000-document corpus), and an entry is nine numbers copied out of the array."""
        node: Children = self._root
        data = self._data
        depth = 0
        at = -1  # where the numbers of the last matched entry start (a node's entry)
        entry: Entry | None = None  # the last matched entry, when a merge's dict held it
        for step in path:
            if type(node) is tuple:
                if type(data) is dict:
                    if step not in data:
                        break
                    number = index_of(data, step)  # its place among the keys (no list made)
                    value = data[step]
                elif type(data) is list and type(step) is int and 0 <= step < len(data):
                    number = step
                    value = data[step]
                else:
                    break
                base, kids = node  # type: ignore[misc]
                at = base + 8 * number
                node = kids[number] if kids is not None else None
                entry = None
            elif type(node) is dict:
                entry = node.get(step)  # type: ignore[union-attr]
                if entry is None:
                    break
                node = entry[8]
                value = data.get(step) if type(data) is dict else data[step] if type(data) is list else None  # type: ignore[attr-defined,index]
            else:
                break
            data = value
            depth += 1
        if entry is None and depth:
            m = self._marks
            entry = (m[at], m[at + 1], m[at + 2], m[at + 3], m[at + 4], m[at + 5], m[at + 6], m[at + 7], node)
        return entry, depth, data

    def lookup(self, path: FieldPath) -> Span:
        """Span of the node at `path`, else of its nearest existing ancestor.

        A key whose value is a scalar spans key and value; a key whose value is a
        collection spans the key only, so the region stays on one line.
        """
        entry, _, data = self._walk(path)
        if entry is None:
            return _first_line(self._span)
        # spans built with tuple.__new__: a NamedTuple's own __new__ is a Python call (0.36 of
        # the 0.84 us the three took), and every finding's place is made here
        child = entry[8]
        if child is None:  # a scalar: key and value
            return _new(Span, (_new(Pos, (entry[0], entry[1])), _new(Pos, (entry[6], entry[7]))))
        if entry[0] == entry[4] and entry[1] == entry[5]:
            # a list item that is itself a collection (a container: a sixth of the findings):
            # point at its first key, whose numbers open the node's (`entries`' first)
            if type(child) is tuple and (type(data) is dict or type(data) is list) and data:
                at = child[0]
                m = self._marks
                return _new(Span, (_new(Pos, (m[at], m[at + 1])), _new(Pos, (m[at + 2], m[at + 3]))))
            first = next(self.entries(child, data), None)
            if first is not None:
                key = first[1]
                return _new(Span, (_new(Pos, (key[0], key[1])), _new(Pos, (key[2], key[3]))))
        return _new(Span, (_new(Pos, (entry[0], entry[1])), _new(Pos, (entry[2], entry[3]))))

    def key_span(self, path: FieldPath) -> Span | None:
        entry, depth = self._entries(path)
        if entry is None or depth != len(path):
            return None
        return Span(Pos(entry[0], entry[1]), Pos(entry[2], entry[3]))


def entry_in(marks: Marks, node: Children, data: object, step: object) -> Entry | None:
    """The entry of `step` (a key or an index) in `node`, whose data is `data`."""
    if type(node) is tuple:
        if type(data) is dict:
            if step not in data:
                return None
            number = list(data).index(step)
        elif type(data) is list and type(step) is int and 0 <= step < len(data):  # type: ignore[operator]
            number = step  # type: ignore[assignment]
        else:
            return None
        base, kids = node  # type: ignore[misc]
        at = base + 8 * number
        m = marks
        return (m[at], m[at + 1], m[at + 2], m[at + 3], m[at + 4], m[at + 5], m[at + 6], m[at + 7],
                kids[number] if kids is not None else None)  # fmt: skip
    if type(node) is dict:
        return node.get(step)  # type: ignore[union-attr]
    return None


_new = tuple.__new__


def _first_line(span: Span) -> Span:
    start = span.start
    return Span(start, Pos(start.line, start.column + 1))


def shifted(index: PositionIndex, prefix: FieldPath) -> PositionIndex:
    """The index of the subtree at `prefix` (used for the items of a `List`)."""
    entry, depth, data = index._walk(prefix)
    if entry is None or depth != len(prefix):
        return index
    span = Span(Pos(entry[4], entry[5]), Pos(entry[6], entry[7]))
    return PositionIndex(span, entry[8], data, index.marks)


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
        """The same tree in editor positions (nodes keep their place in the marks, which
        `index` maps; a merge's dict of entries is mapped here, once if aliases share it)."""
        if children is None:
            return None
        done = self._memo.get(id(children))
        if done is not None:
            return done
        mapped: Children
        if isinstance(children, dict):
            mapped = {key: self.entry(entry) for key, entry in children.items()}
        else:
            base, kids = children
            mapped = (base, tuple(self.children(kid) for kid in kids) if kids is not None else None)
        self._memo[id(children)] = mapped
        return mapped

    def index(self, index: PositionIndex) -> PositionIndex:
        span = index.span
        marks = index.marks
        mapped = new_marks()
        point = self.point
        for at in range(0, len(marks), 2):
            mapped.extend(point(marks[at], marks[at + 1]))
        return PositionIndex(
            Span(self.pos(span.start), self.pos(span.end)), self.children(index.root), index.data, mapped
        )


__all__ = [
    "PARSER_BREAK_RE",
    "Children",
    "Entry",
    "LineMap",
    "Marks",
    "Node",
    "PositionIndex",
    "entry_in",
    "has_parser_only_breaks",
    "new_marks",
    "shifted",
]
