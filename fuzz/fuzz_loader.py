"""Coverage-guided fuzzing of the loader (bytes -> documents and problems) with atheris.

    .venv/bin/python fuzz/fuzz_loader.py -max_total_time=60 [-dict=fuzz/yaml.dict] [corpus-dir]

The target fails on any exception escaping `load_source`, and on broken invariants: every
problem is a known input rule on a line of the file with a plain message, every document's
span and every key and value in its position index lie inside the file as an editor counts
lines (at `\n` only, columns in code points), and no YAML tag constructs an object.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

with atheris.instrument_imports(include=["kubelint_py", "ruamel"]):
    from kubelint_py.input.decoding import decode
    from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
    from kubelint_py.input.positions import Children, PositionIndex
    from kubelint_py.input.yamlio import Limits
    from kubelint_py.model import Source

# Small limits so the fuzzer reaches them; the defaults are the same code with bigger numbers.
OPTIONS = LoadOptions(
    max_file_bytes=64 * 1024, max_documents=50, max_alias_nodes=20_000, limits=Limits(max_depth=40, max_nodes=20_000)
)
# the codes the loader reports (malformed `# kubelint: ignore` comments are unused-suppression)
CODES = frozenset(("yaml-syntax", "yaml-duplicate-key", "input-too-large", "input-unreadable", "unused-suppression"))
PLAIN = (str, int, float, bool, type(None), dict, list)


def _plain(value: Any, depth: int = 0) -> bool:
    if depth > 60 or not isinstance(value, PLAIN):
        return depth <= 60 and isinstance(value, PLAIN)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value[:50])
    return True


def _inside(lines: list[str], line: int, column: int, end: bool = False) -> bool:
    """A start stands on a line of the text, at most one past its last character; an end may
    also be the start of the line after the last (where the parser puts the end of stream)."""
    if end and line == len(lines) + 1:
        return column == 1
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


def _positions_inside(lines: list[str], children: Children, depth: int = 0) -> bool:
    entries = children.values() if isinstance(children, dict) else children or []
    for entry in list(entries)[:200]:
        kl, kc, kel, kec, vl, vc, vel, vec, child = entry
        if not (_inside(lines, kl, kc) and _inside(lines, vl, vc)):
            return False
        if not (_inside(lines, kel, kec, end=True) and _inside(lines, vel, vec, end=True)):
            return False
        if child is not None and depth < 60 and not _positions_inside(lines, child, depth + 1):
            return False
    return True


def check(data: bytes) -> None:
    result = LoadResult()
    load_source(Source("fuzz.yaml", data), OPTIONS, result)
    text = decode(data).text or ""
    lines = text.split("\n")
    for problem in result.problems:
        assert problem.code in CODES, problem
        assert 1 <= problem.span.start.line <= len(lines) + 1, (problem, len(lines))
        assert problem.span.start.column >= 1, problem
        assert problem.message and "0x" not in problem.message and "Traceback" not in problem.message, problem
    for doc in result.documents:
        assert 1 <= doc.span.start.line <= doc.span.end.line <= len(lines) + 1, (doc.span, len(lines))
        assert _plain(doc.data), "a tag constructed an object"
        index = doc.positions
        assert isinstance(index, PositionIndex)
        assert _positions_inside(lines, index.root), "a position outside the file"


def TestOneInput(data: bytes) -> None:  # atheris calls it by this name
    check(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
