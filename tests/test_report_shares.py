"""A large JSON report's records made in two processes (run/report_shares.py) are the text one
process makes: for empty and one-finding reports, and when the child dies or fails (its share
is made in this process)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.model import Report
from kubelint_py.output.jsonwrite import Items, indented, indented_chunks
from kubelint_py.output.reporters import ReportOptions, render, render_chunks
from kubelint_py.output.safe_text import json_safe
from kubelint_py.run import report_shares as shares
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, make_config, registry

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(scope="module")
def report() -> Report:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, cwd=FIXTURES.parent)
    return run_lint(request, make_config(), registry())


def _options(jobs: int, busy: Callable[[int], int] | None = None) -> ReportOptions:
    """As the CLI makes them: `spread` with --jobs `jobs` (`busy`: IdleCores.workers)."""
    spread = functools.partial(shares.spread, jobs=jobs, workers=busy)
    return ReportOptions(fail_on=None, exit_code=1, sarif_root=FIXTURES.parent, cwd=FIXTURES.parent, spread=spread)


def _half_suppressed(report: Report) -> Report:
    """Every other finding suppressed: the report's two lists of records both spread."""
    findings = tuple(
        f._replace(suppressed_by="inline", justification="ok") if n % 2 else f for n, f in enumerate(report.findings)
    )
    return dataclasses.replace(report, findings=findings)


def _children(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.iterdir())


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Spread every report (one finding per process is enough); each share a child makes
    leaves a file named by the child's pid in the directory returned."""
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 1)
    parent = os.getpid()
    gathered = shares._gathered

    def marked(pieces: Iterator[str]) -> Iterator[list[bytes]]:
        if os.getpid() != parent:
            (tmp_path / str(os.getpid())).touch()
        return gathered(pieces)

    monkeypatch.setattr(shares, "_gathered", marked)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("suppressed", [False, True])
def test_a_report_made_in_two_processes_is_the_one_process_report(
    report: Report, forced: Path, suppressed: bool
) -> None:
    if suppressed:
        report = _half_suppressed(report)
    single = render("json", report, _options(1))
    assert single == render("json", report, _options(2))
    assert len(_children(forced)) == 1 + suppressed  # a child made the second share of each list
    assert render("json", report, _options(3)) == single
    assert len(_children(forced)) == 3 * (1 + suppressed)


@pytest.mark.slow
def test_the_json_records_keep_json_safe(report: Report, forced: Path) -> None:
    """A record holding a bidi override is escaped in the child's share as in one process."""
    finding = report.findings[-1]
    hostile = (*report.findings[:-1], finding._replace(message="evil \u202e text é"))
    changed = dataclasses.replace(report, findings=hostile)
    text = render("json", changed, _options(2))
    assert "\u202e" not in text and "\\u202e" in text and "é" in text
    assert text == render("json", changed, _options(1))
    assert _children(forced)


@pytest.mark.parametrize("kept", [0, 1])
def test_empty_and_one_finding_reports(report: Report, forced: Path, kept: int) -> None:
    small = dataclasses.replace(report, findings=report.findings[:kept])
    assert render("json", small, _options(2)) == render("json", small, _options(1))
    assert not _children(forced)  # one finding: one process


@pytest.mark.slow
@pytest.mark.parametrize("how", ["killed", "failed", "killed midway", "failed midway"])
def test_the_share_of_a_dead_child_is_made_here(report: Report, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """A child that dies or fails, before its first piece or after some were received: what it
    sent is dropped and its share made here."""
    report = _half_suppressed(report)
    single = render("json", report, _options(1))
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 1)
    monkeypatch.setattr(shares, "CHUNK", 1)  # a piece per record: some are sent before the end
    parent = os.getpid()
    gathered = shares._gathered

    def end(*_args: object) -> None:
        if how.startswith("killed"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        raise ValueError("a bug in the share")

    def die(pieces: Iterator[str]) -> Iterator[list[bytes]]:
        if os.getpid() == parent:
            return gathered(pieces)
        if not how.endswith("midway"):
            end()
        return itertools.chain(itertools.islice(gathered(pieces), 3), iter(end, None))

    monkeypatch.setattr(shares, "_gathered", die)
    assert "".join(render_chunks("json", report, _options(2))) == single
    assert render("json", report, _options(3)) == single


def test_busy_cores_keep_the_report_in_one_process(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """`workers` (forked.IdleCores.workers with default jobs) has the last word, as for the
    engine; it is asked only when the report is large enough to spread."""
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 1)
    asked: list[int] = []

    def busy(most: int) -> int:
        asked.append(most)
        return 1

    def no_fork(*_args: object) -> None:
        raise AssertionError("forked with no idle core")

    monkeypatch.setattr(shares, "Streams", no_fork)
    options = _options(2, busy=busy)
    assert render("json", report, options) == render("json", report, _options(1))
    assert asked and set(asked) == {2}
    asked.clear()
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 10**9)
    render("json", report, options)
    assert not asked


def test_processes_by_size() -> None:
    per = shares.MIN_ITEMS_PER_JOB
    assert shares.processes(0, 2, None) == 1
    assert shares.processes(2 * per - 1, 2, None) == 1
    assert shares.processes(2 * per, 2, None) == 2
    assert shares.processes(10 * per, 4, None) == 4
    assert shares.processes(10 * per, 4, lambda most: most - 1) == 3
    assert shares.processes(10 * per, 1, lambda most: 2) == 1  # --jobs 1: never asked


def _split_anywhere(cut: int) -> Callable[[int, Callable[[int, int], Iterator[str]]], Iterator[str]]:
    def spread(count: int, render: Callable[[int, int], Iterator[str]]) -> Iterator[str]:
        middle = min(cut, count)
        return itertools.chain(render(0, middle), render(middle, count))

    return spread


@pytest.mark.parametrize("values", [[], [1], [{"a": "é"}, [], 2], [{"k": [1, {"x": None}]}] * 5])
def test_items_made_in_any_two_shares_are_the_list(values: list[object]) -> None:
    expected = json_safe(indented({"head": 1, "items": values, "tail": []}))
    for cut in range(len(values) + 1):
        data = {"head": 1, "items": Items(values, empty=not values, spread=_split_anywhere(cut)), "tail": []}
        assert "".join(indented_chunks(data, json_safe)) == expected


def test_a_spread_in_a_real_child_is_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 1)
    words = [f"{n}:é\u202e\ud800" for n in range(5_000)]  # wide and lone-surrogate text kept

    def render_words(start: int, stop: int) -> Iterator[str]:
        return iter(words[start:stop])

    assert "".join(shares.spread(len(words), render_words, 2)) == "".join(words)
    assert "".join(shares.spread(len(words), render_words, 5)) == "".join(words)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ab{}\n", max_size=20) | st.text(alphabet="a\u00e9\u2013\U0001f600\ud800", max_size=4)),
    st.integers(1, 50),
)
def test_a_childs_messages_keep_text_past_ascii_apart(pieces: list[str], chunk: int) -> None:
    """What a child sends: every piece once, in order, as UTF-8 (lone surrogates kept), in
    messages of about CHUNK characters whose segments are ASCII pieces joined or one piece
    past ASCII alone, so this process decodes them to ASCII text again."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shares, "CHUNK", chunk)
        messages = list(shares._gathered(iter(pieces)))
    segments = [segment.decode("utf-8", "surrogatepass") for message in messages for segment in message]
    assert "".join(segments) == "".join(pieces)
    assert [segment for segment in segments if not segment.isascii()] == [
        piece for piece in pieces if not piece.isascii()
    ]
    for message in messages[:-1]:  # each message but the last holds at least CHUNK characters
        assert sum(len(segment.decode("utf-8", "surrogatepass")) for segment in message) >= chunk


def test_a_spread_of_mixed_text_in_a_real_child_is_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shares, "MIN_ITEMS_PER_JOB", 1)
    monkeypatch.setattr(shares, "CHUNK", 300)
    words = [f"{n}:\u2013\ud800," if n % 7 == 0 else f"{n}:ascii," for n in range(5_000)]

    def render_words(start: int, stop: int) -> Iterator[str]:
        return iter(words[start:stop])

    for jobs in (2, 3):
        pieces = list(shares.spread(len(words), render_words, jobs))
        assert "".join(pieces) == "".join(words)
        # the child's ASCII came back as ASCII text: only the wide words are wide
        assert sum(not piece.isascii() for piece in pieces) == sum(not word.isascii() for word in words)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github"])
def test_the_cli_spreads_with_its_jobs(
    forced: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, fmt: str
) -> None:
    """`kubelint lint --jobs 2` writes the report --jobs 1 writes, the second share of the JSON
    records made by a child (the other formats' lines cost too little to be worth a child)."""
    from kubelint_py.cli import main

    monkeypatch.chdir(FIXTURES.parent)
    written = tmp_path_factory.mktemp("reports")
    for jobs in ("1", "2"):
        out = str(written / f"{jobs}.{fmt}")
        assert main(["lint", "fixtures", "--no-plugins", "--jobs", jobs, "--format", fmt, "--output", out]) in (0, 1)
        assert len(_children(forced)) == (int(jobs) - 1 if fmt == "json" else 0)
    assert (written / f"1.{fmt}").read_bytes() == (written / f"2.{fmt}").read_bytes()
