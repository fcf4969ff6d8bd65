"""A run's findings come sorted (Report.ordered), so the reporters do not sort them again."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from kubelint_py.model import Finding
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, make_config, registry


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "github"])  # JSON orders by the shown file
def test_an_ordered_report_renders_as_the_same_findings_sorted_by_the_reporter(fmt: str) -> None:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, cwd=FIXTURES.parent)
    report = run_lint(request, make_config(), registry())
    assert report.ordered and len(report.findings) > 1000
    assert list(report.findings) == sorted(report.findings, key=Finding.sort_key)
    shuffled = list(report.findings)
    random.Random(7).shuffle(shuffled)
    unordered = replace(report, findings=tuple(shuffled), ordered=False)
    for include_suppressed in (False, True):
        options = ReportOptions(
            fail_on=None,
            exit_code=1,
            sarif_root=FIXTURES.parent,
            cwd=FIXTURES.parent,
            include_suppressed=include_suppressed,
        )
        assert render(fmt, report, options) == render(fmt, unordered, options)
