"""The engine's logical paths: a path of keys only is its text, whatever the document holds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.model import Document
from kubelint_py.run.engine import _text_of, logical_path

_KEYS = st.text(alphabet=st.sampled_from(["a", "b", ".", "[", "=", "0"]), max_size=3)
_DATA = st.recursive(
    st.none() | st.integers() | _KEYS,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(_KEYS, kids, max_size=3),
    max_leaves=12,
)


def _document(data: object) -> Document:
    return cast(Document, SimpleNamespace(data=data))  # (logical_path reads the data only)


@given(st.lists(_KEYS, max_size=5).map(tuple), _DATA)
def test_a_path_of_keys_is_its_logical_path_in_any_data(path: tuple[str, ...], data: object) -> None:
    assert _text_of(path) == logical_path(_document(data), path)


@given(st.lists(_KEYS | st.integers(0, 3), max_size=5).map(tuple))
def test_a_path_with_a_list_index_is_read_from_the_data(path: tuple[str | int, ...]) -> None:
    if any(type(step) is int for step in path):
        assert _text_of(path) is None
