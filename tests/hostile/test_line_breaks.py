"""Positions agree with editors and GitHub: lines are counted by `\\n` only.

The YAML parser (libyaml, like go-yaml in kubectl) also ends a line at a lone CR, NEL (U+0085),
LS (U+2028) and PS (U+2029). The structure is kubectl's; every position is the editor's: a
U+2028 inside a value must not move later findings down a line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.input.decoding import decode
from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.input.positions import LineMap, PositionIndex
from kubelint_py.input.yamlio import YamlSyntaxError, parse_document
from kubelint_py.model import Document, LoadProblem, Pos, Source
from tests.hostile.support import lint_in_process, lint_subprocess

BREAKS = ["\u2028", "\u2029", "\x85", "\r"]

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {{note: {note}}}
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
"""
PRIVILEGED = ("spec", "containers", 0, "securityContext", "privileged")


def load(text: str) -> LoadResult:
    result = LoadResult()
    load_source(Source("x.yaml", text.encode()), LoadOptions(), result)
    return result


def only_document(text: str) -> Document:
    result = load(text)
    assert not result.problems, result.problems
    assert len(result.documents) == 1
    return result.documents[0]


def editor_pos(text: str, needle: str) -> Pos:
    """Where an editor shows the first `needle`: lines split at `\\n`, columns in code points."""
    index = text.index(needle)
    line_start = text.rfind("\n", 0, index) + 1
    return Pos(text.count("\n", 0, index) + 1, index - line_start + 1)


@pytest.mark.parametrize("brk", BREAKS, ids=["LS", "PS", "NEL", "CR"])
@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_break_inside_a_quoted_value_moves_nothing(brk: str, quote: str) -> None:
    text = POD.format(note=f"{quote}one{brk}two{quote}")
    doc = only_document(text)
    span = doc.positions.lookup(PRIVILEGED)
    assert span.start == editor_pos(text, "privileged") == Pos(11, 9)
    assert span.end == Pos(11, 25)
    assert doc.positions.lookup(("spec", "containers", 0, "image")).start == Pos(9, 7)
    assert doc.span.start == Pos(1, 1)


@pytest.mark.parametrize("brk", ["\u2028", "\u2029"])
def test_line_and_paragraph_separators_stay_in_the_value(brk: str) -> None:
    doc = only_document(POD.format(note=f'"one{brk}two"'))
    assert doc.data["metadata"]["annotations"] == {"note": f"one{brk}two"}  # type: ignore[index]
    doc = only_document(POD.format(note=f"'one{brk}two'"))
    assert doc.data["metadata"]["annotations"] == {"note": f"one{brk}two"}  # type: ignore[index]


@pytest.mark.parametrize("brk", ["\x85", "\r"])
def test_nel_and_a_lone_cr_fold_as_kubectl_folds_them(brk: str) -> None:
    # go-yaml (kubectl) and libyaml read NEL and CR as line breaks: one folds to a space
    doc = only_document(POD.format(note=f'"one{brk}two"'))
    assert doc.data["metadata"]["annotations"] == {"note": "one two"}  # type: ignore[index]


def test_columns_after_a_separator_count_from_the_editor_line() -> None:
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a\u2028b", namespace: ns}\ndata:\n  k: v\n'
    doc = only_document(text)
    assert doc.namespace == "ns"
    assert doc.positions.key_span(("metadata", "namespace")) is not None
    span = doc.positions.lookup(("metadata", "namespace"))
    assert span.start == editor_pos(text, "namespace") == Pos(3, 25)
    assert span.end == Pos(3, 38)
    assert doc.positions.lookup(("data", "k")).start == Pos(5, 3)


def test_a_value_folded_over_a_separator_ends_on_the_editor_line() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: one\u2028   two\n  j: v\n"
    doc = only_document(text)
    assert doc.data["data"] == {"k": "one\u2028two", "j": "v"}
    span = doc.positions.lookup(("data", "k"))
    assert (span.start, span.end) == (Pos(6, 3), Pos(6, 16))
    assert doc.positions.lookup(("data", "j")).start == Pos(7, 3)


def test_structure_is_kubectls_where_an_editor_shows_a_comment() -> None:
    # an editor shows one comment line; kubectl's parser ends the comment at U+2028 and reads a key
    text = POD.format(note="n").replace(
        "        privileged: true\n", "        runAsUser: 0 # note\u2028        privileged: true\n"
    )
    doc = only_document(text)
    assert doc.data["spec"]["containers"][0]["securityContext"] == {"runAsUser": 0, "privileged": True}  # type: ignore[index]
    span = doc.positions.lookup(PRIVILEGED)
    assert span.start == editor_pos(text, "privileged: true") == Pos(11, 37)


@pytest.mark.parametrize("brk", BREAKS, ids=["LS", "PS", "NEL", "CR"])
def test_problems_after_a_separator_are_on_the_editor_line(brk: str) -> None:
    head = POD.format(note=f'"one{brk}two"')
    duplicate = load(head.replace("spec:\n", "  name: again\nspec:\n"))
    problem = next(p for p in duplicate.problems if p.code == "yaml-duplicate-key")
    assert problem.span.start == Pos(6, 3)
    assert problem.related[0].span.start == Pos(4, 3)
    broken = load(head + "  bad: @oops\n")
    syntax: LoadProblem = next(p for p in broken.problems if p.code == "yaml-syntax")
    assert syntax.span.start == Pos(12, 8), syntax


def test_a_syntax_error_on_a_line_with_a_separator_points_at_its_character() -> None:
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a\u2028b"}\ndata:\n  k: "x\u2028y" @oops\n'
    result = load(text)
    (problem,) = result.problems
    assert problem.code == "yaml-syntax"
    assert problem.span.start == editor_pos(text, "@oops"), problem


def test_tags_are_reported_where_they_stand() -> None:
    parsed = parse_document('a: "x\u2028y"\nb: !custom v\n')
    assert parsed is not None
    assert parsed.tags == (("!custom", Pos(2, 4)),)


def test_a_plain_value_broken_by_a_separator_is_an_error_as_for_kubectl() -> None:
    # `y` is a key without `:` for kubectl's parser too; it notices at the next line
    with pytest.raises(YamlSyntaxError) as caught:
        parse_document("a: x\u2028y\nb: 1\n", line_offset=4)
    assert caught.value.pos == Pos(6, 1)


def test_decoding_keeps_a_lone_cr_and_joins_cr_lf() -> None:
    assert decode(b"a: 1\r\nb: 2\rc: 3\n").text == "a: 1\nb: 2\rc: 3\n"


def test_line_map_counts_newlines_only() -> None:
    text = "a\r\nb\rc\u2028dd\x85e\u2029f\ng"
    lines = LineMap(text, line_offset=10)
    # parser lines: a | b | c | dd | e | f | g
    assert [lines.point(11 + n, 1) for n in range(7)] == [
        (11, 1),
        (12, 1),
        (12, 3),
        (12, 5),
        (12, 8),
        (12, 10),
        (13, 1),
    ]
    assert lines.point(18, 5) == (13, 5)  # past the end: the last line


# no `-` or `.`: `---` after a break is a document marker even inside quotes, for kubectl too
_quoted_text = st.text(alphabet=st.sampled_from(["a", " ", ":", "#", "é", *BREAKS]), max_size=12)


@given(st.lists(_quoted_text, min_size=1, max_size=4), st.sampled_from(['"', "'"]))
def test_positions_do_not_depend_on_breaks_inside_quotes(values: list[str], quote: str) -> None:
    """Any break inside quoted values gives the positions of the same text without it."""

    def doc(vals: list[str]) -> str:
        quoted = [quote + v.replace(quote, "") + quote for v in vals]
        return "top:\n" + "".join(f"  k{n}: {{x: {q}, y: 1}}\n  l{n}: [{q}, 2]\n" for n, q in enumerate(quoted))

    plain = [v.translate({ord(b): "b" for b in BREAKS}) for v in values]
    with_breaks, without = parse_document(doc(values)), parse_document(doc(plain))
    assert with_breaks is not None and without is not None

    def entries(index: object) -> list[object]:  # the values differ: only the positions are compared
        assert isinstance(index, PositionIndex)
        return [(path, entry) for path, entry, _value in index.all_entries()]

    assert entries(with_breaks.positions) == entries(without.positions)
    assert with_breaks.positions.span == without.positions.span


def _inside(lines: list[str], pos: tuple[int, int], end: bool = False) -> bool:
    line, column = pos
    if end and line == len(lines) + 1:  # the end of the stream, on a line of its own
        return column == 1
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


def _all_inside(lines: list[str], index: PositionIndex) -> bool:
    for _path, entry, _value in index.all_entries():
        starts = ((entry[0], entry[1]), (entry[4], entry[5]))
        ends = ((entry[2], entry[3]), (entry[6], entry[7]))
        if not all(_inside(lines, p) for p in starts) or not all(_inside(lines, p, end=True) for p in ends):
            return False
    return True


_yaml_chars = st.sampled_from([*"ab1 :-[]{},#&*!|>'\"\n?", "\t", "  ", ": ", "- ", *BREAKS, "é"])


@pytest.mark.slow
@settings(max_examples=300)
@given(st.lists(_yaml_chars, max_size=80).map("".join))
def test_every_position_is_inside_the_file_as_an_editor_shows_it(text: str) -> None:
    result = load("a: 1\n---\n" + text)
    lines = ("a: 1\n---\n" + text).split("\n")
    for problem in result.problems:
        assert _inside(lines, problem.span.start, end=True), problem
    for doc in result.documents:
        assert _inside(lines, doc.span.start) and _inside(lines, doc.span.end, end=True), doc.span
        assert isinstance(doc.positions, PositionIndex) and _all_inside(lines, doc.positions)


def test_cli_finding_after_a_line_separator_is_at_the_editor_position(tmp_path: Path) -> None:
    text = POD.format(note='"one\u2028two"')
    (tmp_path / "pod.yaml").write_text(text, encoding="utf-8")
    run = lint_in_process(["pod.yaml", "--format", "json", "--select", "privileged-container"], tmp_path)
    (finding,) = run.report()["findings"]
    assert (finding["line"], finding["column"]) == (11, 9)


def test_cli_in_a_real_process_and_in_sarif(tmp_path: Path) -> None:
    text = POD.format(note='"one\u2029two\x85three"').replace("  name: p\n", "  name: p\r\n")
    (tmp_path / "pod.yaml").write_bytes(text.encode("utf-8"))
    run = lint_subprocess(["pod.yaml", "--format", "sarif", "--select", "privileged-container"], tmp_path)
    (result,) = run.report()["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (11, 9)
