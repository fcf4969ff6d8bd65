"""Forked shares (run/forked.Streams): results come back in order; a child that fails or dies
is reported unfinished (the caller redoes its share) instead of a run that waits forever."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.run import engine, packing, parallel_load
from kubelint_py.run.forked import Streams
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, make_config, registry

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _results(work: Callable[[int], Any], numbers: range) -> list[Any]:
    """Each child's one piece, `work(n)`, in order of `numbers`; None for a child that did not finish."""
    got: dict[int, Any] = {}
    with Streams(lambda number: (work(number),), numbers, got.__setitem__) as children:
        finished = children.finish()
    return [got.get(number) if ok else None for number, ok in zip(numbers, finished, strict=True)]


def test_results_come_back_in_order() -> None:
    big = "x" * 3_000_000  # larger than a pipe's buffer: the child blocks until it is read
    results = _results(lambda n: (n, os.getpid(), big[: n * 1_000_000]), range(1, 4))
    assert [r[0] for r in results if r is not None] == [1, 2, 3]
    assert all(r is not None and r[1] != os.getpid() and len(r[2]) == r[0] * 1_000_000 for r in results)


def _fail_some(number: int) -> int:
    if number == 2:
        raise ValueError("a bug in the share")
    if number == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return number


def test_a_failed_or_killed_child_gives_none() -> None:
    assert _results(_fail_some, range(1, 5)) == [1, None, None, 4]


def _sleep(number: int) -> Iterator[int]:
    time.sleep(60)
    yield number


def test_leaving_early_kills_the_children() -> None:
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Streams(_sleep, range(2), print):
        raise KeyboardInterrupt
    assert time.monotonic() - start < 10


def _pieces(number: int) -> Iterator[tuple[int, int]]:
    for index in range(number * 3):
        if index == 4 and number == 2:
            time.sleep(1.0)  # the first pieces are there before the child ends
        yield number, index


def test_streamed_pieces_arrive_in_order_and_while_the_child_works() -> None:
    got: list[tuple[int, tuple[int, int]]] = []
    with Streams(_pieces, [2, 1, 3], lambda number, piece: got.append((number, piece))) as children:
        deadline = time.monotonic() + 10
        while not any(number == 2 for number, _ in got) and time.monotonic() < deadline:
            children.poll()  # never waits
            time.sleep(0.01)
        early = [piece for number, piece in got if number == 2]
        assert 1 <= len(early) <= 4  # child 2 still sleeps before its fifth piece
        assert children.finish() == [True, True, True]
    for number in (1, 2, 3):
        assert [piece for n, piece in got if n == number] == [(number, i) for i in range(number * 3)]


def _big_pieces(number: int) -> Iterator[bytes]:
    yield b"a" * 3_000_000  # larger than the pipe: read in several parts
    yield b""
    yield bytes(range(256)) * 10_000


def test_pieces_larger_than_the_pipe_come_whole() -> None:
    got: list[bytes] = []
    with Streams(_big_pieces, [1], lambda _n, piece: got.append(piece)) as children:
        assert children.finish() == [True]
    assert got == list(_big_pieces(1))


def _fail_midway(number: int) -> Iterator[int]:
    yield 1
    if number == 2:
        raise ValueError("a bug in the share")
    if number == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    yield 2


def test_a_stream_that_fails_midway_is_not_finished() -> None:
    got: list[tuple[int, int]] = []
    with Streams(_fail_midway, [1, 2, 3], lambda number, piece: got.append((number, piece))) as children:
        assert children.finish() == [True, False, False]
    assert [piece for number, piece in got if number == 1] == [1, 2]  # the others' pieces are the caller's to drop


def _render(jobs: int) -> str:
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, jobs=jobs, cwd=FIXTURES.parent)
    report = run_lint(request, make_config(), registry())
    return render("json", report, ReportOptions(fail_on=None, exit_code=1, cwd=FIXTURES.parent))


@pytest.mark.slow
def test_shares_of_dead_children_are_redone_with_the_same_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    single = _render(1)
    monkeypatch.setattr(engine, "MIN_DOCUMENTS_PER_JOB", 1)
    monkeypatch.setattr(parallel_load, "MIN_BYTES_PER_JOB", 1)
    parent = os.getpid()

    def die_in_child(*args: object) -> object:
        if os.getpid() != parent:
            (tmp_path / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("packing runs only in children")

    monkeypatch.setattr(packing, "pack_finding", die_in_child)  # every rule child dies
    monkeypatch.setattr(packing, "pack_document", die_in_child)  # and every loading child
    assert _render(3) == single
    assert len(list(tmp_path.iterdir())) == 4  # two loading and two rule children died


def test_default_workers_take_only_the_idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """(idle ticks of the cores + this process's own CPU time) / elapsed: another program busy
    on the second core leaves one process; this run's own workers do not count as busy."""
    from kubelint_py.run import forked

    samples: list[tuple[float, float, int] | None] = []
    monkeypatch.setattr(forked, "_sample", lambda: samples.pop(0))
    monkeypatch.setattr(forked, "_TICKS", 100.0)

    def workers(most: int, *looks: tuple[float, float, int] | None) -> int:
        samples[:] = looks
        return forked.IdleCores().workers(most)

    # one second: this process busy on one core, the other core idle / busy with another program
    assert workers(2, (0.0, 0.0, 0), (1.0, 1.0, 100)) == 2
    assert workers(2, (0.0, 0.0, 0), (1.0, 1.0, 3)) == 1
    # this run's two workers kept both cores busy: still room for two
    assert workers(2, (0.0, 0.0, 0), (1.0, 2.0, 0)) == 2
    assert workers(8, (0.0, 0.0, 0), (1.0, 1.0, 100)) == 2  # never more than is idle
    assert workers(2, (0.0, 0.0, 0), (0.01, 0.01, 0)) == 2  # too short to say: as asked
    assert workers(2, None, None) == 2  # no /proc/stat
    assert workers(1, (0.0, 0.0, 0), (1.0, 1.0, 100)) == 1


def test_a_receiver_that_fails_leaves_no_child_behind() -> None:
    def receive(number: int, piece: tuple[int, int]) -> None:
        if number == 2:
            raise RuntimeError("a bug in the caller")

    with pytest.raises(RuntimeError), Streams(_pieces, [1, 2], receive) as children:
        children.finish()  # child 1 is reaped before child 2's piece fails
    assert children.finish() == []  # nothing left to wait for, nothing signalled twice
