"""Load many sources over several processes; the result is the one a single process gets.

Files are the unit of work. The sources are cut into contiguous blocks of about equal size;
this process loads the first block while forked workers load the others and send back their
documents as they go (pickled: for 10,000 documents about 0.2 s to read back, against 1.5 s
to parse half of them), which this process unpacks in between its own files. Blocks are
merged in source order, so documents, problems and counts come out in the order a
sequential load produces.

One fact is run-wide: the alias budget (alias-expanded nodes the whole run may create).
Each worker charges a budget of its own; if the blocks together spent no more than the run
may, no document could have been refused in a sequential load either, and the results
stand. Otherwise (only hostile input gets there) the sources are loaded again sequentially,
so that exactly the documents a sequential load refuses are refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.input.yamlio import AliasBudget
from kubelint_py.model import Document, Source
from kubelint_py.run.forked import Streams, can_fork, split

# This process's share of the bytes relative to a worker's: workers also pickle what they
# parsed, and this process unpacks it in between its own files. On the 10,000-document corpus
# loading ended at 1.38 s with 1.0 against 1.44 s with 1.15 and 1.42 s with 0.9 (medians of 4).
PARENT_SHARE = 1.0

# Below this many bytes per process, forking and sending documents back costs more than it saves.
MIN_BYTES_PER_JOB = 2 * 1024 * 1024

# A child sends its documents after about this many bytes of sources (about 200 documents,
# under a megabyte pickled), so this process unpacks them in between its own files.
PIECE_BYTES = 256 * 1024


def load_sources(sources: Sequence[Source], options: LoadOptions, jobs: int = 1) -> LoadResult:
    total = sum(len(s.raw) for s in sources if s.raw is not None)
    jobs = min(jobs, total // MIN_BYTES_PER_JOB or 1)
    if jobs > 1 and can_fork():
        merged = _load_forked(sources, options, jobs)
        if merged is not None:
            return merged
    return _load_block(sources, options)


def _load_block(sources: Sequence[Source], options: LoadOptions) -> LoadResult:
    result = LoadResult()
    for source in sources:
        load_source(source, options, result)
    return result


def blocks(sources: Sequence[Source], shares: Sequence[float]) -> list[Sequence[Source]]:
    """Contiguous runs of `sources`, one per share, with bytes in proportion to the shares
    (some may be empty)."""
    sizes = [len(s.raw) if s.raw is not None else 0 for s in sources]
    return [sources[part.start : part.stop] for part in split(sizes, shares)]


def _budget_spent(result: LoadResult, options: LoadOptions) -> int:
    budget = result.alias_budget
    return 0 if budget is None else options.max_alias_nodes - budget.remaining


def _load_forked(sources: Sequence[Source], options: LoadOptions, jobs: int) -> LoadResult | None:
    from kubelint_py.run import packing  # only runs that fork need it

    parts = blocks(sources, [PARENT_SHARE] + [1.0] * (jobs - 1))

    def load_streamed(number: int) -> Iterator[list[packing.Packed] | LoadResult]:
        """In a forked child: the block's documents as plain tuples, some files' at a time,
        then the rest of its result."""
        result = LoadResult()
        loaded = 0
        for source in parts[number]:
            load_source(source, options, result)
            loaded += len(source.raw) if source.raw is not None else 0
            if loaded >= PIECE_BYTES:
                yield [packing.pack_document(doc) for doc in result.documents]
                result.documents.clear()  # sent: the child needs them no more
                loaded = 0
        yield [packing.pack_document(doc) for doc in result.documents]
        result.documents = []
        yield result

    documents: dict[int, list[Document]] = {number: [] for number in range(1, jobs)}
    ends: dict[int, LoadResult] = {}  # each child's result without its documents, sent last

    def receive(number: int, piece: list[packing.Packed] | LoadResult) -> None:
        if isinstance(piece, LoadResult):
            piece.documents = documents[number]
            ends[number] = piece
        else:
            documents[number].extend(map(packing.unpack_document, piece))

    results = [LoadResult()]
    with Streams(load_streamed, range(1, jobs), receive) as children:
        for source in parts[0]:
            load_source(source, options, results[0])
            children.poll()  # the children's documents, unpacked while they parse on
        for number, finished in enumerate(children.finish(), start=1):
            # a child that died (killed?) or failed: its block is loaded here
            results.append(ends[number] if finished and number in ends else _load_block(parts[number], options))
    spent = sum(_budget_spent(r, options) for r in results)
    if spent > options.max_alias_nodes:
        return None  # blocks' aliases together exceed the run's budget: decide sequentially
    merged = LoadResult(alias_budget=AliasBudget(options.max_alias_nodes - spent))
    for part in results:
        merged.documents.extend(part.documents)
        merged.problems.extend(part.problems)
        merged.unknown += part.unknown
        merged.templates_skipped += part.templates_skipped
        merged.skipped_files.extend(part.skipped_files)
    return merged
