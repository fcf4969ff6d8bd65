"""What the loader promises about any input, so a "never raises" property asserts something
about the result too (the atheris target fuzz/fuzz_loader.py checks the same promises).

- every problem is one of the loader's codes, on a line of the file (or the line after its
  last, where a parser puts the end of the stream), at a column >= 1, with a message of one
  plain line (no traceback, no object address);
- every document lies inside the file, holds plain data (no YAML tag constructed an object)
  whose `apiVersion` and `kind` are the document's, and each key and value of its position
  index lies inside the file as an editor counts lines (at `\\n`, columns in characters);
- loading the same text again gives the same documents and problems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubelint_py.input.loader import LoadResult
from kubelint_py.input.positions import PositionIndex

LOADER_CODES = frozenset(
    ("yaml-syntax", "yaml-duplicate-key", "input-too-large", "input-unreadable", "unused-suppression")
)
PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any, depth: int = 0) -> bool:
    if isinstance(value, dict):
        return depth < 200 and all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return depth < 200 and all(_plain(v, depth + 1) for v in value)
    return isinstance(value, PLAIN)


def _inside(lines: list[str], line: int, column: int, *, end: bool = False) -> bool:
    if end and line == len(lines) + 1:
        return column == 1
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


def _positions_outside(lines: list[str], index: PositionIndex) -> list[tuple[int, ...]]:
    """The position entries that do not lie inside the file."""
    bad: list[tuple[int, ...]] = []
    for _path, entry, _value in index.all_entries():
        kl, kc, kel, kec, vl, vc, vel, vec, _child = entry
        starts = _inside(lines, kl, kc) and _inside(lines, vl, vc)
        if not (starts and _inside(lines, kel, kec, end=True) and _inside(lines, vel, vec, end=True)):
            bad.append((kl, kc, kel, kec, vl, vc, vel, vec))
    return bad


def _summary(result: LoadResult) -> tuple[object, ...]:
    return (
        [(d.span, d.kind, d.api_version, d.name, d.namespace, d.data) for d in result.documents],
        [(p.span, p.code, p.message) for p in result.problems],
        result.unknown,
    )


def assert_sound(text: str | None, result: LoadResult, again: Callable[[], LoadResult] | None = None) -> None:
    """`result` keeps the loader's promises for `text` (None: the input did not decode);
    `again` loads the same input a second time."""
    lines = (text or "").split("\n")
    for problem in result.problems:
        assert problem.code in LOADER_CODES, problem
        start = problem.span.start
        assert 1 <= start.line <= len(lines) + 1 and start.column >= 1, (problem, len(lines))
        message = problem.message
        assert message.strip() and "\n" not in message, problem
        assert "Traceback" not in message and " at 0x" not in message, problem
    for doc in result.documents:
        span = doc.span
        assert 1 <= span.start.line <= span.end.line <= len(lines) + 1, (span, len(lines))
        assert isinstance(doc.data, Mapping) and _plain(dict(doc.data)), "a YAML tag constructed an object"
        assert (doc.data.get("apiVersion"), doc.data.get("kind")) == (doc.api_version, doc.kind), doc.data
        index = doc.positions
        assert isinstance(index, PositionIndex)
        outside = _positions_outside(lines, index)
        assert not outside, f"positions outside the file: {outside[:3]}"
    if again is not None:
        assert _summary(again()) == _summary(result), "loading the same input twice gave two results"
