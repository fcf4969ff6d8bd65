"""Output is identical whatever the worker count."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from kubelint_py.model import Finding
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.run import engine, parallel_load
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
        replace(f, rendered=None, approximate=False, suppressed_by="inline" if n % 7 == 0 else f.suppressed_by)
        for n, f in enumerate(mapped)
    ]
    assert any(f.related for f in findings) and any(f.object is None for f in findings)
    assert any(f.helm_source for f in findings) and any(f.sensitive for f in findings)
    assert [engine.unpack(engine.pack(f)) for f in findings] == findings


def test_pack_knows_every_field_of_a_finding() -> None:
    """A new Finding field must be added to engine.pack/unpack (and here), or be set only
    after the engine like `after_engine`; else forked runs would silently drop it."""
    after_engine = {"rendered", "approximate", "baseline_state"}
    packed = {
        "rule_id", "severity", "document", "message", "file", "span", "object", "api_version", "doc_index",
        "path", "logical_path", "related", "helm_source", "suppressed_by", "justification", "fingerprint",
        "sensitive",
    }  # fmt: skip
    assert {f.name for f in fields(Finding)} == packed | after_engine


def test_weighted_slices_deal_by_share() -> None:
    items = list(range(1000))
    slices = engine.weighted_slices(items, [0.8, 1.0])
    assert sorted(slices[0] + slices[1]) == items
    assert (len(slices[0]), len(slices[1])) == (444, 556)
    assert engine.weighted_slices(items, [1.0, 1.0, 1.0])[1][:3] == [1, 4, 7]
