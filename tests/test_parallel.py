"""Output is identical whatever the worker count."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint_py import engine, parallel_load
from kubelint_py.pipeline import LintRequest, run_lint
from kubelint_py.reporters import ReportOptions, render
from tests.helpers import FIXTURES, make_config, registry


def _render_all(jobs: int) -> tuple[str, str]:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, jobs=jobs, cwd=FIXTURES.parent)
    report = run_lint(request, make_config(), registry())
    options = ReportOptions(fail_on=None, exit_code=1, sarif_root=FIXTURES.parent, cwd=FIXTURES.parent)
    return render("json", report, options), render("sarif", report, options)


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
