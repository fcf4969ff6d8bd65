"""A large report's long middle (the JSON report's records) made in more than one process.

The reporters are pure functions of the report and their options (output/reporters); the CLI
hands them `spread` as `ReportOptions.spread`. `spread` makes contiguous shares of the sorted
findings' text in children forked at its start (`run/forked.Streams`): they inherit the
findings copy-on-write and send back their share's text as they make it, as UTF-8 in
messages of about CHUNK characters (`_gathered`). This process makes the first share meanwhile,
as it is written, taking the children's messages in between, then writes the children's shares
in order. A child that dies or fails has its share made here: the text is the one a single
process makes, whatever happens. With --jobs 1 (or one idle core, or a small report) nothing
is shared out: `spread` is `render(0, count)` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kubelint_py.run.forked import Streams, can_fork, split_evenly

# Below this many records per process, forking costs more than it saves: the fork ~5 ms, and
# each record made in a child ~2-3 us more, in both processes (copy-on-write faults on the
# pages of the findings read; its text sent back). A text or GitHub line (~2.5 us) never
# pays: on the 10,000-document corpus a child saved this process 0.02-0.04 s of 0.24-0.32 s
# for 0.11-0.18 s of its own CPU. A JSON record took ~9 us to make, ~5 us since its text is
# made from per-rule pieces: a child now saves this process 0.04-0.05 s of 0.35 s (68,299
# records) for 0.18 s of its own CPU, worth it only when a core is idle (IdleCores decides).
MIN_ITEMS_PER_JOB = 5_000

CHUNK = 1 << 16  # characters of a message a child sends back, about
# pieces this process writes between looks for a child's (a select each): a piece is
# jsonwrite.ITEMS_PER_PIECE records, 256 records (~280 KB) between looks, under the 1 MB a
# child's pipe holds
POLL_EVERY = 16

Render = Callable[[int, int], Iterator[str]]


def processes(count: int, jobs: int, workers: Callable[[int], int] | None) -> int:
    """How many processes make `count` pieces: at most `jobs`, one per MIN_ITEMS_PER_JOB, of
    those as many as `workers` says the cores have room for (`forked.IdleCores.workers`:
    the engine's own decision)."""
    wanted = min(jobs, count // MIN_ITEMS_PER_JOB or 1)
    if wanted > 1 and workers is not None:
        wanted = workers(wanted)
    return wanted if wanted > 1 and can_fork() else 1


def spread(count: int, render: Render, jobs: int = 1, workers: Callable[[int], int] | None = None) -> Iterator[str]:
    """`render(0, count)`'s pieces, in order; `render(start, stop)` yields the text of pieces
    start..stop-1 and must depend on nothing but them (it runs in a forked child)."""
    number = processes(count, jobs, workers)
    if number == 1:
        yield from render(0, count)
        return
    shares = split_evenly(count, number)
    received: list[list[list[bytes]]] = [[] for _ in shares]

    def share(n: int) -> Iterator[list[bytes]]:
        """In a forked child: share `n`'s text, each piece sent as it is made."""
        return _gathered(render(shares[n].start, shares[n].stop))

    def receive(n: int, message: list[bytes]) -> None:
        received[n].append(message)

    with Streams(share, range(1, number), receive) as children:
        # the children's pieces taken in as this process writes its own: a child never
        # waits for the pipe, nor this process for a whole share at the end
        for made, piece in enumerate(render(shares[0].start, shares[0].stop)):
            yield piece
            if made % POLL_EVERY == 0:
                children.poll()
        finished = children.finish()
    for n, done in enumerate(finished, start=1):
        messages, received[n] = received[n], []  # each message freed once written
        if not done:  # the child died or failed: its share is made here
            yield from render(shares[n].start, shares[n].stop)
            continue
        messages.reverse()
        while messages:
            for segment in messages.pop():
                yield segment.decode("utf-8", "surrogatepass")


def _gathered(pieces: Iterator[str]) -> Iterator[list[bytes]]:
    """`pieces` as UTF-8, sent in messages of about CHUNK characters: each a list of segments,
    the ASCII pieces joined, a piece past ASCII alone (as the JSON writer yields them). A str
    with one character past Latin-1 takes 2 or 4 bytes a character: joined whole, most 64 KB
    messages of the JSON report of the 10,000-document corpus held one (1,342 of its records
    do), and this process decoded them to such text and encoded them again to write them."""
    message: list[bytes] = []
    batch: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if piece.isascii():
            batch.append(piece)
        else:
            if batch:
                message.append("".join(batch).encode("utf-8"))
                batch.clear()
            message.append(piece.encode("utf-8", "surrogatepass"))
        if size >= CHUNK:
            if batch:
                message.append("".join(batch).encode("utf-8"))
                batch.clear()
            yield message
            message = []
            size = 0
    if batch:
        message.append("".join(batch).encode("utf-8"))
    if message:
        yield message
