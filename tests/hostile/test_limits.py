"""Bounded: alias expansion, nesting, document count, scalar length and file size each
stop at a limit with an `input-too-large` problem on the right line, and the load goes on."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source, load_text
from kubelint_py.input.streams import Chunk, iter_documents, split_documents
from kubelint_py.input.yamlio import Limits
from kubelint_py.model import Directive, Source

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n"


def laughs(name: str, levels: int = 6, width: int = 10) -> str:
    """A ConfigMap whose aliases expand to width**levels nodes ("billion laughs")."""
    letters = "abcdefghijklmnop"
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata:\n"
    text += f"  a: &a [{','.join(['lol'] * width)}]\n"
    for level in range(1, levels):
        previous = letters[level - 1]
        text += f"  {letters[level]}: &{letters[level]} [{','.join(['*' + previous] * width)}]\n"
    return text


def load(text: str, options: LoadOptions | None = None, name: str = "x.yaml") -> LoadResult:
    result = LoadResult()
    load_text(name, text, True, options or LoadOptions(), result)
    return result


def too_large(result: LoadResult) -> list[tuple[int, str]]:
    return [(p.span.start.line, p.message) for p in result.problems if p.code == "input-too-large"]


def test_billion_laughs_between_good_documents_is_one_problem_in_its_own_document() -> None:
    text = (
        CONFIGMAP.format(name="before") + "---\n" + laughs("bomb", levels=9) + "---\n" + CONFIGMAP.format(name="after")
    )
    result = load(text)
    [(line, message)] = too_large(result)
    assert 6 <= line <= 15, line  # inside the bomb's own document (lines 6-15)
    assert "aliasing" in message and "kubectl" in message
    assert [d.name for d in result.documents] == ["before", "after"]


def test_many_small_alias_bombs_are_each_rejected_cheaply() -> None:
    """200 documents of 10**6 laughs in 58 KB: each is rejected as excessive aliasing (as
    go-yaml, and so kubectl, rejects it) instead of handing rules 200 million nodes."""
    text = "---\n".join(laughs(f"n{i}") for i in range(200))
    result = load(text)
    assert len(too_large(result)) == 200 and not result.documents


def test_moderate_aliasing_across_many_documents_hits_the_run_budget() -> None:
    """Each document stays under kubectl's ratio, but together they would expand to millions
    of nodes: the run-wide budget stops it, one document at a time, and the rest still load."""
    written = ",".join(f"v{i}" for i in range(300))
    aliases = ",".join(["*a"] * 20)
    one = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata:\n  a: &a [{written}]\n  b: [{aliases}]\n"
    assert not load(one).problems  # ~6,000 of 6,300 nodes from aliases: kubectl accepts it
    options = LoadOptions(max_alias_nodes=100_000)
    result = load("---\n".join(one.replace("name: x", f"name: n{i}") for i in range(20)), options)
    problems = too_large(result)
    assert problems and all("this run" in m for _, m in problems)
    assert 1 <= len(result.documents) < 20
    assert result.alias_budget is not None and result.alias_budget.remaining >= 0


def test_aliases_kubernetes_accepts_still_load() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  labels: &l {app: web, tier: front}\n"
        "  annotations: *l\ndata: {a: b}\n"
    )
    result = load(text)
    assert not result.problems
    assert result.documents[0].annotations() == {"app": "web", "tier": "front"}


def test_nesting_flow_and_block_reported_at_the_line_that_crosses_the_limit() -> None:
    flow = (
        CONFIGMAP.format(name="a")
        + "---\n"
        + CONFIGMAP.format(name="deep")[:-11]
        + "data: "
        + "[" * 5000
        + "]" * 5000
        + "\n"
    )
    result = load(flow)
    assert [line for line, _ in too_large(result)] == [9]
    block = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n"
    block += "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "v\n"
    [(line, message)] = too_large(load(block + "---\n" + CONFIGMAP.format(name="after")))
    assert "nesting deeper than 200 levels" in message and 200 <= line <= 205


def test_document_count_limit_names_the_first_document_not_linted() -> None:
    text = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(30))
    result = load(text, LoadOptions(max_documents=10))
    assert too_large(result) == [(41, "more than 10 documents in one file; the rest is not linted")]
    assert len(result.documents) == 10


def test_scalar_length_limit() -> None:
    text = (
        CONFIGMAP.format(name="a")
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: "
        + "x" * 2000
        + "\n"
    )
    result = load(text, LoadOptions(limits=Limits(max_scalar=1000)))
    assert too_large(result) == [(10, "scalar longer than 1,000 characters")]
    assert [d.name for d in result.documents] == ["a"]


def test_file_size_limit_reports_line_1_and_reads_nothing_more() -> None:
    result = LoadResult()
    load_source(Source("big.yaml", b"# pad\n" * 200), LoadOptions(max_file_bytes=1000), result)
    [(line, message)] = too_large(result)
    assert line == 1 and "over the limit of 1,000" in message


def test_a_million_tiny_documents_are_split_lazily() -> None:
    """Splitting is lazy: the document limit stops the work, whatever the file holds after."""
    text = "---\na\n" * 1_000_000
    chunks = iter_documents(text)
    first = [next(chunks) for _ in range(3)]
    assert [c.first_line for c in first] == [1, 3, 5]
    result = load(text, LoadOptions(max_documents=1000))
    assert too_large(result) == [(2001, "more than 1,000 documents in one file; the rest is not linted")]


# -- the lazy splitter is the eager one it replaced --------------------------------------

_SOURCE_RE = re.compile(r"^#\s*Source:\s*(\S.*?)\s*$")


def _old_is_marker(line: str) -> bool:
    if line.startswith(("---", "...")):
        return len(line) == 3 or line[3] in " \t\r"
    return False


def _old_split(text: str) -> list[tuple[str, int]]:
    lines = text.split("\n")
    chunks: list[tuple[str, int]] = []
    start = 0
    for number, line in enumerate(lines):
        if number > start and _old_is_marker(line):
            body = [*lines[start:number], ""]  # the line break before the marker ends the chunk
            chunks.append(("\n".join(["", *body[1:]] if body and body[0].startswith("...") else body), start + 1))
            start = number if line.startswith("---") else number + 1
    if start < len(lines):
        body = lines[start:]
        chunks.append(("\n".join(["", *body[1:]] if body and body[0].startswith("...") else body), start + 1))
    return [c for c in chunks if c[0].strip(" \t\r\n-.")]


_stream_lines = st.lists(
    st.sampled_from(
        [
            "---",
            "...",
            "--- ",
            "---\r",
            "...\t",
            "----",
            "...x",
            "a: 1",
            "",
            " ---",
            "# Source: c/t.yaml",
            "- x",
            "--- a: 1",
        ]
    ),
    max_size=30,
)


@given(_stream_lines, st.booleans())
def test_lazy_splitter_matches_the_eager_one(lines: list[str], trailing_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    assert [(c.text, c.first_line) for c in iter_documents(text)] == _old_split(text)


@given(st.text(alphabet="-.\n\r\t ab#:", max_size=80))
def test_lazy_splitter_matches_the_eager_one_on_any_text(text: str) -> None:
    assert [(c.text, c.first_line) for c in split_documents(text)] == _old_split(text)


def test_chunks_keep_directives_and_helm_sources() -> None:
    text = (
        "# Source: chart/templates/a.yaml\na: 1  # kubelint: ignore[x] why\n"
        "---\n# Source: chart/templates/b.yaml\nb: 2\n"
    )
    chunks = split_documents(text)
    assert chunks == [
        Chunk(
            "# Source: chart/templates/a.yaml\na: 1  # kubelint: ignore[x] why\n",
            1,
            "chart/templates/a.yaml",
            (Directive(2, frozenset({"x"}), "why", 2),),
        ),
        Chunk("---\n# Source: chart/templates/b.yaml\nb: 2\n", 3, "chart/templates/b.yaml", ()),
    ]
