"""fuzz/seeds, the corpus atheris starts from (scripts/test, fuzz/fuzz_loader.py), run by the
suite too, so a seed that stops doing what it was written for is seen without atheris: each
keeps the loader's promises, lints with every default rule without raising, and gives exactly
the findings its `# expect: <rule-id>@<column>` markers name (for the rules it marks); a
`pass-` seed loads without a problem."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kubelint_py.input.decoding import decode
from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.model import Source
from tests.fixture_markers import as_markers, expected_findings
from tests.helpers import ROOT, lint_sources
from tests.loader_invariants import assert_sound

SEEDS = sorted((ROOT / "fuzz" / "seeds").iterdir())


def test_there_are_seeds() -> None:
    assert len(SEEDS) >= 5 and all(p.name.startswith(("fail-", "pass-")) for p in SEEDS)


def _load(seed: Path) -> LoadResult:
    result = LoadResult()
    load_source(Source(seed.name, seed.read_bytes()), LoadOptions(), result)
    return result


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_keeps_the_loader_promises(seed: Path) -> None:
    result = _load(seed)
    assert_sound(decode(seed.read_bytes()).text, result, again=lambda: _load(seed))
    if seed.name.startswith("pass-"):
        assert not result.problems, result.problems
        assert result.documents


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_lints_and_gives_what_it_marks(seed: Path) -> None:
    report = lint_sources([Source(seed.name, seed.read_bytes())], raise_errors=True)  # a rule that raises fails here
    expected = expected_findings(seed)
    marked = {rule for rule, _, _ in expected}
    got = Counter((f.rule_id, f.span.start.line, f.span.start.column) for f in report.findings if f.rule_id in marked)
    assert got == expected, f"reported, not marked: {as_markers(got - expected)}; marked: {as_markers(expected - got)}"
