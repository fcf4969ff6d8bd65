"""Output is identical whatever the worker count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.model import Document, Finding, ObjectRef, Pos, Span
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.run import engine, packing, parallel_load
from kubelint_py.run.forked import split, split_evenly
from kubelint_py.run.packing import pack_finding, unpack_finding
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, make_config, registry


def _render_all(jobs: int) -> tuple[str, str]:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, jobs=jobs, cwd=FIXTURES.parent)
    report = run_lint(request, make_config(), registry())
    options = ReportOptions(fail_on=None, exit_code=1, sarif_root=FIXTURES.parent, cwd=FIXTURES.parent)
    return render("json", report, options), render("sarif", report, options)


@pytest.mark.slow
def test_worker_count_does_not_change_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MIN_DOCUMENTS_PER_JOB", 1)  # fork even for the fixtures
    monkeypatch.setattr(parallel_load, "MIN_BYTES_PER_JOB", 1)  # and load them over several processes
    single = _render_all(1)
    assert single == _render_all(2)
    assert single == _render_all(3)
    assert '"ruleId": "unused-suppression"' in single[0]  # suppression use merged across workers


def test_small_inputs_stay_in_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_fork(*_args: object) -> None:
        raise AssertionError("forked for a small input")

    monkeypatch.setattr(engine.Engine, "_run_forked", no_fork)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    run_lint(LintRequest(paths=[str(tmp_path)], plugins=False, jobs=4, cwd=tmp_path), make_config(), registry())


@pytest.mark.slow
def test_packed_findings_round_trip() -> None:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, cwd=FIXTURES.parent)
    mapped = run_lint(request, make_config(), registry()).findings
    # as the engine makes them: before rendered-stream mapping; some suppressed
    findings = [
        f._replace(rendered=None, approximate=False, suppressed_by="inline" if n % 7 == 0 else f.suppressed_by)
        for n, f in enumerate(mapped)
    ]
    assert any(f.related for f in findings) and any(f.object is None for f in findings)
    assert any(f.helm_source for f in findings) and any(f.sensitive for f in findings)
    unpacked = [unpack_finding(pack_finding(f)) for f in findings]
    assert unpacked == findings
    # rebuilt by position (tuple.__new__): still the record types, not plain tuples
    assert all(type(f) is Finding and type(f.span) is Span and type(f.span.end) is Pos for f in unpacked)
    assert all(f.object is None or type(f.object) is ObjectRef for f in unpacked)


def test_packing_is_derived_from_the_fields_and_refuses_an_unknown_type() -> None:
    """A field added to Finding or Document is packed without anyone remembering to (the
    layout is written from the dataclass's fields); one of a type packing does not know
    stops the import instead of being dropped by forked runs."""

    @dataclass(frozen=True)
    class WithNewField:
        rule_id: str
        when: datetime

    with pytest.raises(TypeError, match="when: datetime"):
        packing._codec(WithNewField)


def test_the_parent_and_each_child_get_their_share_of_the_checks() -> None:
    """Documents are dealt out by the checks they are in scope of (one splitter, forked.split)."""
    weights = [1, 30, 1, 1, 30, 1, 1, 30] * 25
    parts = split(weights, [0.8, 1.0])
    assert [i for part in parts for i in part] == list(range(len(weights)))
    shares = [sum(weights[i] for i in part) / sum(weights) for part in parts]
    assert abs(shares[0] - 0.8 / 1.8) < 0.02 and abs(shares[1] - 1.0 / 1.8) < 0.02


@pytest.mark.slow
def test_forked_checks_see_each_document_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The parent primes one document of each set of rules before forking, and the children
    and the parent check the rest: every document exactly once, in whichever process (a
    document checked twice would not show in the output, its findings are de-duplicated)."""
    seen = tmp_path / "seen.txt"
    checked = engine.Engine._run_documents

    def recording(self: engine.Engine, documents: Sequence[Document], contexts: Any) -> None:
        with seen.open("a", encoding="utf-8") as out:  # appends from several processes
            out.write("".join(f"{id(doc)}\n" for doc in documents))  # ids agree across fork
        checked(self, documents, contexts)

    monkeypatch.setattr(engine, "MIN_DOCUMENTS_PER_JOB", 1)
    monkeypatch.setattr(engine.Engine, "_run_documents", recording)
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, jobs=3, cwd=FIXTURES.parent)
    report = run_lint(request, make_config(), registry())
    counts = Counter(seen.read_text(encoding="utf-8").splitlines())
    assert len(counts) == report.stats["documents"] > 100
    assert set(counts.values()) == {1}


def test_even_shares_cover_every_item_once() -> None:
    for count, parts in [(0, 2), (1, 3), (68_299, 2), (10, 3), (7, 7)]:
        shares = split_evenly(count, parts)
        assert len(shares) == parts and [i for share in shares for i in share] == list(range(count))
        assert max(map(len, shares)) - min(map(len, shares)) <= 1
