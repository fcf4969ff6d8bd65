"""Loading over several processes gives exactly what one process gets."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult
from kubelint_py.model import Source
from kubelint_py.run import parallel_load
from kubelint_py.run.packing import pack_document, unpack_document
from kubelint_py.run.parallel_load import blocks, load_sources
from tests.helpers import FIXTURES


def _summary(result: LoadResult) -> tuple[object, ...]:
    documents = [
        (d.file, d.index, d.kind, d.name, d.namespace, d.data, d.span, d.directives, d.positions.lookup(("metadata",)))
        for d in result.documents
    ]
    return documents, result.problems, result.unknown, result.templates_skipped, result.skipped_files


def _fixture_sources() -> list[Source]:
    paths = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return [Source(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in paths]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_forked_load_equals_sequential_load(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    sources = _fixture_sources()
    sequential = load_sources(sources, LoadOptions(), jobs=1)
    monkeypatch.setattr(parallel_load, "MIN_BYTES_PER_JOB", 1)
    forked = parallel_load._load_forked(sources, LoadOptions(), jobs)
    assert forked is not None  # the fixtures' aliases stay well inside the run's budget
    assert _summary(forked) == _summary(sequential)
    assert sequential.problems  # the fixtures include broken YAML: problems are merged too


def _aliasing(name: str) -> Source:
    """A List whose second item is an alias of the first: alias-expanded nodes to charge."""
    text = (
        f"apiVersion: v1\nkind: List\nitems:\n- &cm\n  apiVersion: v1\n  kind: ConfigMap\n"
        f"  metadata: {{name: {name}}}\n  data:\n" + "".join(f"    k{n}: v{n}\n" for n in range(23)) + "- *cm\n"
    )
    return Source(f"{name}.yaml", text.encode())


def test_alias_budget_spent_across_blocks_is_decided_sequentially(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [_aliasing(f"cm{n}") for n in range(6)]
    single = load_sources(sources[:1], LoadOptions(), jobs=1)
    per_file = LoadOptions().max_alias_nodes - single.alias_budget.remaining  # type: ignore[union-attr]
    assert per_file > 0
    options = LoadOptions(max_alias_nodes=per_file * 4)  # room for four of the six files
    sequential = load_sources(sources, options, jobs=1)
    assert [p.code for p in sequential.problems] == ["input-too-large", "input-too-large"]
    monkeypatch.setattr(parallel_load, "MIN_BYTES_PER_JOB", 1)
    assert parallel_load._load_forked(sources, options, 2) is None  # each block fits; both together do not
    assert _summary(load_sources(sources, options, jobs=2)) == _summary(sequential)


def _sources(sizes: Sequence[int]) -> list[Source]:
    return [Source(f"f{n}.yaml", b"x" * size) for n, size in enumerate(sizes)]


@given(st.lists(st.integers(0, 1000), max_size=40), st.lists(st.floats(0.5, 2.0), min_size=1, max_size=8))
def test_blocks_are_contiguous_complete_and_proportional(sizes: list[int], shares: list[float]) -> None:
    sources = _sources(sizes)
    parts = blocks(sources, shares)
    assert len(parts) == len(shares)
    assert [s for part in parts for s in part] == sources
    total = sum(sizes)
    for part, share in zip(parts, shares, strict=True):  # no block exceeds its share by more than one file
        weight = sum(len(s.raw or b"") for s in part)
        assert weight <= total * share / sum(shares) + max(sizes, default=0) + 1e-6


@pytest.mark.slow
def test_packed_documents_round_trip() -> None:
    documents = load_sources(_fixture_sources(), LoadOptions()).documents
    assert any(d.directives for d in documents) and any(d.path_prefix for d in documents)
    assert any(d.helm_source for d in documents) and any(not d.namespace for d in documents)
    again = [unpack_document(pack_document(d)) for d in documents]
    assert _summary(LoadResult(documents=again)) == _summary(LoadResult(documents=documents))
    assert [list(d.positions.all_entries()) for d in again] == [list(d.positions.all_entries()) for d in documents]  # type: ignore[attr-defined]
    assert [d.doc_type for d in again] == [d.doc_type for d in documents]


def test_small_inputs_load_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*_args: object) -> None:
        raise AssertionError("forked for a small input")

    monkeypatch.setattr(parallel_load, "_load_forked", no_fork)
    load_sources(_fixture_sources()[:50], LoadOptions(), jobs=4)
