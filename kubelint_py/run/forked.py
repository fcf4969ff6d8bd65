"""Shares of one job done in forked child processes, each result sent back through a pipe.

Children inherit the parent's memory (documents, indexes) copy-on-write, so nothing is
pickled on the way in. multiprocessing.Pool waited forever for a worker the kernel's OOM
killer had ended; here a child that dies, is killed or fails gives None, and the caller
does that share itself, so the run still finishes with the output a single process gives.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_CHUNK = 1 << 20


def can_fork() -> bool:
    return hasattr(os, "fork")


class IdleCores:
    """How many processes the machine has room for, from what it did since the last look.

    A process per usable core pays for itself only when the cores are idle: with another
    program using the second of two cores, default workers cost 25 % more CPU than one process
    and were 15-29 % slower. Each look reads the idle time of the cores this process may run
    on (/proc/stat, niced programs' time counted as idle) and this process's own CPU time (its
    finished children included) since the previous look: room = (idle + own) / elapsed, so the
    run's own busy workers do not count against it. Where there is no /proc/stat, or too short
    a window to say, `most`."""

    __slots__ = ("_mark",)

    MIN_WINDOW = 0.05  # seconds; /proc/stat counts in ticks of 10 ms

    def __init__(self) -> None:
        self._mark = _sample()

    def workers(self, most: int) -> int:
        now = _sample()
        mark, self._mark = self._mark, now
        if most <= 1 or now is None or mark is None or now[0] - mark[0] < self.MIN_WINDOW:
            return most
        elapsed = now[0] - mark[0]
        room = ((now[2] - mark[2]) / _TICKS + now[1] - mark[1]) / elapsed
        return max(1, min(most, int(room + 0.5)))


_TICKS = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0


def _sample() -> tuple[float, float, int] | None:
    """(monotonic seconds, this process's CPU seconds with its reaped children, idle or niced
    ticks of the cores it may run on), or None where the system does not say."""
    import time

    try:
        cores = {f"cpu{n}" for n in os.sched_getaffinity(0)}
        with open("/proc/stat", "rb") as stat:  # a kernel file, not one of the tree
            lines = stat.read().decode("ascii", "replace").splitlines()
    except (AttributeError, OSError):
        return None
    idle = 0
    for line in lines:
        fields = line.split()
        if fields and fields[0] in cores and len(fields) > 5:
            # idle and iowait, and nice: a niced program (a fuzzer, a build in the background)
            # gives its core to a run of normal priority
            idle += int(fields[2]) + int(fields[4]) + int(fields[5])
    times = os.times()
    own = times.user + times.system + times.children_user + times.children_system
    return time.monotonic(), own, idle


def split(weights: Sequence[float], shares: Sequence[float]) -> list[range]:
    """The one work splitter: contiguous runs of items (as ranges of their indexes), one per
    share, whose weights are in proportion to the shares (some may be empty). Files are split
    by their bytes (a run's source order is kept when the blocks are merged), documents by the
    checks they are in scope of."""
    total = sum(weights)
    bounds = [sum(shares[: n + 1]) / sum(shares) * total for n in range(len(shares) - 1)]
    cuts = [0]
    running = 0.0
    for position, weight in enumerate(weights):
        running += weight
        while len(cuts) <= len(bounds) and running >= bounds[len(cuts) - 1]:
            cuts.append(position + 1)
    cuts += [len(weights)] * (len(shares) + 1 - len(cuts))
    return [range(cuts[n], cuts[n + 1]) for n in range(len(shares))]


class Forked(Generic[T]):
    """`work(n)` for each n in `numbers`, each in a child forked at construction.

    Use as a context manager: leaving it early (an exception, Ctrl-C) kills and reaps the
    children still running.
    """

    def __init__(self, work: Callable[[int], T], numbers: Iterable[int]) -> None:
        self._children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
        try:
            for number in numbers:
                self._children.append(_fork(work, number))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def results(self) -> list[T | None]:
        """Each child's result in order of `numbers`, waiting for them; None for a child that
        did not finish its work."""
        found: list[T | None] = []
        while self._children:
            pid, read_end = self._children[0]
            result: tuple[T] | None = _load_from(read_end)  # closes the read end
            self._children[0] = (pid, -1)
            _, status = os.waitpid(pid, 0)
            self._children.pop(0)
            ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and result is not None
            found.append(result[0] if ok and result is not None else None)
        return found

    def close(self) -> None:
        for pid, read_end in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            if read_end >= 0:
                os.close(read_end)
            os.waitpid(pid, 0)
        self._children = []


def _fork(work: Callable[[int], T], number: int) -> tuple[int, int]:
    import pickle  # here, before the fork: a run that forks nothing never loads it (~2 ms)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            # pickled into the pipe as it goes: a whole payload (hundreds of MB for 25,000
            # documents) is never in memory, here or in the parent (`_load_from`)
            with os.fdopen(write_end, "wb", buffering=_CHUNK) as pipe:
                pickle.dump((work(number),), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)  # no traceback, no flushing of the parent's buffered output
    os.close(write_end)
    return pid, read_end


def _load_from(read_end: int) -> tuple[T] | None:
    """The child's result, unpickled as it arrives; None when it did not send it whole (it
    died, was killed or failed: the stream ends early or is cut)."""
    import pickle

    with os.fdopen(read_end, "rb", buffering=_CHUNK) as pipe:
        try:
            sent = pickle.load(pipe)
        except Exception:  # whatever a cut stream raises: the share is redone
            return None
    return sent if type(sent) is tuple and len(sent) == 1 else None
