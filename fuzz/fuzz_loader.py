"""Coverage-guided fuzzing of the loader (bytes -> documents and problems) with atheris.

    .venv/bin/python fuzz/fuzz_loader.py -max_total_time=60 [-dict=fuzz/yaml.dict] [corpus-dir]

The target fails on any exception escaping `load_source`, and on broken invariants: every
problem is a known input rule on a line of the file with a plain message, every document's
span and every key and value in its position index lie inside the file as an editor counts
lines (at `\n` only, columns in code points), and no YAML tag constructs an object.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the promises live in tests/

with atheris.instrument_imports(include=["kubelint_py", "ruamel"]):
    from kubelint_py.input.decoding import decode
    from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
    from kubelint_py.input.yamlio import Limits
    from kubelint_py.model import Source
from tests.loader_invariants import assert_sound

# Small limits so the fuzzer reaches them; the defaults are the same code with bigger numbers.
OPTIONS = LoadOptions(
    max_file_bytes=64 * 1024, max_documents=50, max_alias_nodes=20_000, limits=Limits(max_depth=40, max_nodes=20_000)
)


def check(data: bytes) -> None:
    """The loader's promises (tests/loader_invariants.py, which the suite checks too) for `data`."""
    result = LoadResult()
    load_source(Source("fuzz.yaml", data), OPTIONS, result)
    assert_sound(decode(data).text, result)


def TestOneInput(data: bytes) -> None:  # atheris calls it by this name
    check(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
