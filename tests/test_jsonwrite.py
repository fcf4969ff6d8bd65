"""kubelint_py/output/jsonwrite.py, the one JSON writer: `indented` writes exactly what
`json.dumps(data, indent=2, ensure_ascii=False)` writes, for any JSON-like data."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.output.jsonwrite import INDENT, Items, compact, fields, indented, indented_chunks, one_line, text

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # control, bidi and astral characters included
)
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_indented_is_json_dumps_with_indent(data: object) -> None:
    assert indented(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_other_types_are_left_to_the_json_module() -> None:
    data = {"a": [1, (2, 3)], "b": {"c": "\u202e\x1b"}}
    assert indented(data) == json.dumps(data, indent=2, ensure_ascii=False)
    try:
        indented({"x": Decimal(1)})
    except TypeError as exc:
        assert "Decimal" in str(exc)
    else:  # pragma: no cover - json.dumps refuses it, so must the writer
        raise AssertionError("Decimal was written")


def test_compact_and_one_line_are_the_c_encoders() -> None:
    data = {"é": [1, 2.5, None, True], "b": {}}
    assert compact(data) == '{"é":[1,2.5,null,true],"b":{}}'
    assert one_line(data) == '{"é": [1, 2.5, null, true], "b": {}}'


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), st.lists(VALUES, max_size=5), max_size=4), st.integers(1, 64))
def test_indented_chunks_stream_items_as_lists(data: dict[str, list[object]], chunk: int) -> None:
    """The streamed JSON report: lists given as `Items` (made as they are written) come out as
    the lists would, in pieces of about `chunk` characters."""
    import kubelint_py.output.jsonwrite as jsonwrite

    def lazy() -> dict[str, Items]:
        return {key: Items(iter(value), empty=not value) for key, value in data.items()}

    original, jsonwrite.CHUNK = jsonwrite.CHUNK, chunk
    try:
        pieces = list(indented_chunks({"head": 1, "items": lazy(), **lazy()}))
    finally:
        jsonwrite.CHUNK = original
    assert "".join(pieces) == json.dumps({"head": 1, "items": data, **data}, indent=2, ensure_ascii=False)


def test_indented_chunks_clean_each_value_text() -> None:
    """`clean` (the JSON report's json_safe) is given each key's and value's text, so it may
    rewrite characters inside strings; what it returns is what is written."""
    seen: list[str] = []

    def clean(text: str) -> str:
        seen.append(text)
        return text.replace("é", "\\u00e9")

    data = {"é": Items(iter([{"a": "é"}, 1]), empty=False), "b": ["é"]}
    text = "".join(indented_chunks(data, clean))
    assert "é" not in text
    assert json.loads(text) == {"é": [{"a": "é"}, 1], "b": ["é"]}
    assert seen == ['"é"', '{\n      "a": "é"\n    }', "1", '"b"', '[\n    "é"\n  ]']  # whole, at their depth


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), VALUES, max_size=6), st.integers(0, 3))
def test_fields_write_a_dict_from_its_values_texts(data: dict[str, object], depth: int) -> None:
    """What the JSON report writes its records with (keys with `%` and `%s` included): the
    dict as `indented` writes it at that depth, from each value's `text` one level deeper."""
    newline = "\n" + INDENT * depth
    texts = tuple(text(value, newline + INDENT) for value in data.values())
    expected = json.dumps(data, indent=2, ensure_ascii=False).replace("\n", newline)
    assert fields(tuple(data), texts, newline) == expected
    assert text(data, newline) == expected
    assert fields(("a%s", "%"), ("1", "2"), "\n") == '{\n  "a%s": 1,\n  "%": 2\n}'
