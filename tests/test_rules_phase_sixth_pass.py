"""The rules phase's shortcuts of the sixth pass (issue 20) answer what the former readings
answered: `get_path` without a sentinel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.model import get_path

_MISSING = object()


# -- get_path: a dict's missing key and null value end the walk alike ---------------------------
def _get_path_as_before(data: object, path: Sequence[str | int]) -> object:
    """The former reading: a sentinel for what is missing, tested after every step."""
    cur = data
    for step in path:
        kind = type(cur)
        if kind is dict:
            cur = cur.get(step, _MISSING) if type(step) is str else _MISSING  # type: ignore[attr-defined]
        elif kind is list:
            if type(step) is not int:
                return None
            cur = cur[step] if -len(cur) <= step < len(cur) else _MISSING  # type: ignore[arg-type,index]
        elif isinstance(cur, Mapping):
            cur = cur.get(step, _MISSING) if isinstance(step, str) else _MISSING
        else:
            return None
        if cur is _MISSING:
            return None
    return cur


_KEYS = st.one_of(st.sampled_from(["a", "b", "spec", ""]), st.integers(-1, 1))
_TREES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["a", "x"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_KEYS, inner, max_size=3),
        st.dictionaries(_KEYS, inner, max_size=2).map(MappingProxyType),
    ),
    max_leaves=14,
)
_STEPS = st.one_of(st.sampled_from(["a", "b", "spec", ""]), st.integers(-3, 2), st.booleans())


@given(_TREES, st.lists(_STEPS, max_size=5))
def test_get_path_equals_the_reading_with_a_sentinel(data: object, path: list[Any]) -> None:
    assert get_path(data, path) is _get_path_as_before(data, path)
    assert get_path(data, tuple(path)) is _get_path_as_before(data, tuple(path))


def test_get_path_of_a_null_value_and_of_a_missing_key_is_none() -> None:
    data = {"spec": None, "items": [None, {"a": 1}], 1: {"a": 2}}
    assert get_path(data, ("spec",)) is None
    assert get_path(data, ("spec", "x")) is None
    assert get_path(data, ("items", 0, "a")) is None
    assert get_path(data, ("items", -1, "a")) == 1
    assert get_path(data, ("items", 2)) is None
    assert get_path(data, (1, "a")) is None  # a dict is entered by text keys only
    assert get_path(data, ("items", True)) is None  # a list by int indexes only
