"""The JSON writer's pieces keep text past ASCII apart (jsonwrite._listed, indented_chunks): an
item or piece holding such a character is yielded alone, never joined into the ASCII text
around it (which would make all of it 2 or 4 bytes a character, and slow to encode). The
pieces still join to `json.dumps(..., indent=2, ensure_ascii=False)`, shared out or not."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import chain

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kubelint_py.output.jsonwrite as jsonwrite
from kubelint_py.output.jsonwrite import Items, indented_chunks

# mostly ASCII, now and then a character past it (an en dash, a Latin-1 one, an astral one)
WORDS = st.text(alphabet='abc xyz"\\\n', max_size=30) | st.text(alphabet="ab\u2013\u00d7\U0001f600", max_size=8)
ITEMS = st.lists(WORDS | st.dictionaries(WORDS, WORDS | st.integers(), max_size=3), max_size=60)


def _share(cut: int) -> Callable[[int, Callable[[int, int], Iterator[str]]], Iterator[str]]:
    """A `spread` that makes its items' text in two shares, cut at `cut`."""

    def spread(count: int, render: Callable[[int, int], Iterator[str]]) -> Iterator[str]:
        middle = min(cut, count)
        return chain(render(0, middle), render(middle, count))

    return spread


@settings(max_examples=300, deadline=None)
@given(ITEMS, ITEMS, st.integers(1, 20), st.integers(1, 200), st.none() | st.integers(0, 60))
def test_pieces_join_to_the_document_and_keep_non_ascii_apart(
    findings: list[object], suppressed: list[object], per_piece: int, chunk: int, cut: int | None
) -> None:
    spread = _share(cut) if cut is not None else None
    data = {
        "head": {"name": "kubelint \u2013 x"},
        "findings": Items(findings, empty=not findings, spread=spread),
        "suppressed": Items(suppressed, empty=not suppressed, spread=spread),
        "tail": ["\u00d7", "a"],
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonwrite, "ITEMS_PER_PIECE", per_piece)
        patch.setattr(jsonwrite, "CHUNK", chunk)
        pieces = list(indented_chunks(data))
    expected = json.dumps(
        {"head": data["head"], "findings": findings, "suppressed": suppressed, "tail": data["tail"]},
        indent=2,
        ensure_ascii=False,
    )
    assert "".join(pieces) == expected

    # the pieces past ASCII are exactly the non-ASCII items (each with its separator) and the
    # values written whole that hold such a character: no ASCII item is joined to them
    def at(value: object, newline: str) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)

    wide = [at(item, "\n    ") for item in [*findings, *suppressed] if not at(item, "").isascii()]
    expected_wide = sum(len(",\n    ") + len(text) for text in wide) + len(at(data["head"], "\n  "))
    assert sum(len(piece) for piece in pieces if not piece.isascii()) == expected_wide + len(at(data["tail"], "\n  "))


def test_an_ascii_run_is_still_joined() -> None:
    """ASCII items around a non-ASCII one are still written ITEMS_PER_PIECE to a piece."""
    items = [f"a{n}" for n in range(40)]
    items[20] = "\u2013"
    pieces = list(jsonwrite._listed(items, jsonwrite.text, "\n    ", str, "["))
    assert [piece.isascii() for piece in pieces] == [True, True, False, True, True]  # 16, 4, 1, 16, 3
    assert pieces[2] == ',\n    "\u2013"'
    assert "".join(pieces) == "[" + ",".join(f"\n    {json.dumps(item, ensure_ascii=False)}" for item in items)
