"""Where every key and value of a document stands in its file.

The index mirrors the data: each mapping becomes `{key: Entry}` and each sequence a
list of `Entry`. An `Entry` holds 1-based positions of the key (for list items, the
item itself), of the value, and the child index when the value is a collection.
"""

from __future__ import annotations

from kubelint_py.model import FieldPath, Pos, PositionLookup, Span

# (key_line, key_col, key_end_line, key_end_col,
#  val_line, val_col, val_end_line, val_end_col, child)
Entry = tuple[int, int, int, int, int, int, int, int, "Children"]
Children = dict[object, Entry] | list[Entry] | None


class PositionIndex(PositionLookup):
    __slots__ = ("_root", "_span")

    def __init__(self, span: Span, root: Children) -> None:
        self._span = span
        self._root = root

    @property
    def span(self) -> Span:
        return self._span

    @property
    def root(self) -> Children:
        return self._root

    def _entries(self, path: FieldPath) -> tuple[Entry | None, int]:
        """The entry of the deepest existing prefix of `path` and how many steps matched."""
        node: Children = self._root
        entry: Entry | None = None
        depth = 0
        for step in path:
            nxt: Entry | None = None
            if isinstance(node, dict):
                nxt = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                nxt = node[step]
            if nxt is None:
                break
            entry = nxt
            node = nxt[8]
            depth += 1
        return entry, depth

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
    if isinstance(child, list):
        return child[0] if child else None
    return None


def _first_line(span: Span) -> Span:
    start = span.start
    return Span(start, Pos(start.line, start.column + 1))


def shifted(index: PositionIndex, prefix: FieldPath) -> PositionIndex:
    """The index of the subtree at `prefix` (used for the items of a `List`)."""
    entry, depth = index._entries(prefix)
    if entry is None or depth != len(prefix):
        return index
    span = Span(Pos(entry[4], entry[5]), Pos(entry[6], entry[7]))
    return PositionIndex(span, entry[8])


__all__ = ["Children", "Entry", "PositionIndex", "shifted"]
