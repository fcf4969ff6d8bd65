"""Shares of one job done in forked child processes, their results sent back through pipes
piece by piece as they are made (`Streams`).

Children inherit the parent's memory (documents, indexes) copy-on-write, so nothing is
pickled on the way in. multiprocessing.Pool waited forever for a worker the kernel's OOM
killer had ended; here a child that dies, is killed or fails gives None, and the caller
does that share itself, so the run still finishes with the output a single process gives.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
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


def split_evenly(count: int, parts: int) -> list[range]:
    """`split` of `count` items of equal weight into `parts` equal shares, as equal as can be,
    without a weight per item (the JSON report's 68,299 records: `split` made and summed a
    float for each, 0.02 s of serial time on the 10,000-document corpus)."""
    cuts = [count * n // parts for n in range(parts + 1)]
    return [range(cuts[n], cuts[n + 1]) for n in range(parts)]


class Streams(Generic[T]):
    """`work(n)` for each n in `numbers`, each in a child forked at construction, whose pieces
    reach `receive(n, piece)` in this process as they come.

    A child sends each piece as soon as it is made, so this process can take them in between
    its own work (`poll`, which never waits) instead of all at the end: unpickling and
    unpacking what a child sends is work on the critical path otherwise (0.15 s of documents
    after loading, 0.24 s of findings after checking the 10,000-document corpus). `finish`
    waits for the rest and says which children finished their work; pieces received from a
    child that did not (it died, was killed, failed) are the caller's to drop, and its share
    the caller's to do itself, so the run still ends with the output one process gives.

    Each piece is pickled whole before it is sent: keep pieces small (a few MB at most).
    Use as a context manager: leaving it early (an exception, Ctrl-C) kills and reaps the
    children still running.
    """

    def __init__(
        self, work: Callable[[int], Iterable[T]], numbers: Iterable[int], receive: Callable[[int, T], None]
    ) -> None:
        self._receive = receive
        self._children: list[_Child] = []
        try:
            for number in numbers:
                self._children.append(_fork(work, number))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Streams[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def poll(self) -> None:
        """Take in what the children have sent, without waiting for more: every pipe is read
        until it is empty, so a child blocked on a full pipe goes on at once (read once per
        poll, a child's findings came in at 1 MB per piece of this process's own work, and the
        child finished 0.45 s after this process on the 10,000-document corpus)."""
        import select

        while True:
            reading = [child for child in self._children if child.read_end >= 0]
            if not reading:
                return
            ready, _, _ = select.select([child.read_end for child in reading], [], [], 0)
            if not ready:
                return
            for child in reading:
                if child.read_end in ready:
                    self._take(child)

    def finish(self) -> list[bool]:
        """Wait for every child; whether each (in order of `numbers`) finished its work."""
        finished: list[bool] = []
        while self._children:
            child = self._children[0]
            while child.read_end >= 0:
                self._take(child)
            _, status = os.waitpid(child.pid, 0)
            self._children.pop(0)  # reaped: `close` must not signal or wait for its pid again
            finished.append(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and not child.cut)
        return finished

    def _take(self, child: _Child) -> None:
        """Read what the pipe holds (waiting for something, or its end, if it holds nothing)
        and receive every whole piece read so far."""
        import pickle

        data = os.read(child.read_end, _CHUNK)
        if not data:  # the end of the stream
            os.close(child.read_end)
            child.read_end = -1
            child.cut = child.cut or bool(child.pending)  # or a piece begun and never ended
            return
        child.pending += data
        start = 0
        with memoryview(child.pending) as view:
            while len(view) - start >= _HEADER.size:
                (size,) = _HEADER.unpack_from(view, start)
                end = start + _HEADER.size + size
                if end > len(view):
                    break
                with view[start + _HEADER.size : end] as piece:
                    start = end
                    if child.cut:
                        continue
                    try:
                        received = pickle.loads(piece)
                    except Exception:  # a garbled piece: the child's share is redone
                        child.cut = True
                        continue
                self._receive(child.number, received)
        del child.pending[:start]

    def close(self) -> None:
        for child in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            if child.read_end >= 0:
                os.close(child.read_end)
            os.waitpid(child.pid, 0)
        self._children = []


_HEADER = struct.Struct("<Q")  # a piece's length, before its pickle


class _Child:
    __slots__ = ("cut", "number", "pending", "pid", "read_end")

    def __init__(self, pid: int, read_end: int, number: int) -> None:
        self.pid = pid
        self.read_end = read_end  # -1 once the stream has ended
        self.number = number
        self.pending = bytearray()  # bytes of pieces not yet whole
        self.cut = False


def _fork(work: Callable[[int], Iterable[T]], number: int) -> _Child:
    import pickle  # here, before the fork: a run that forks nothing never loads it (~2 ms)

    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb", buffering=0) as pipe:
                for piece in work(number):
                    data = pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(_HEADER.pack(len(data)))
                    pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no traceback, no flushing of the parent's buffered output
    os.close(write_end)
    return _Child(pid, read_end, number)


def _widen(fd: int) -> None:
    """A pipe of 1 MB where Linux allows it (64 KB by default): a child then rarely waits for
    this process to read a piece while this process is busy with its own share."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _CHUNK)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass
