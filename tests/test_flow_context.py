"""No document is lost to the parser: YAML 1.2's flow context.

libyaml 0.1 (ruamel's C scanner) rejects `{image: busybox:1.36}`, `[http://a]` and other flow
collections that YAML 1.2, PyYAML and kubectl accept. Such documents are parsed again (colons
masked at C speed, else by the slow YAML 1.2 flow-context parser), with the same data, the same
positions and the same limits. The expected values below are written by hand from the YAML 1.2.2
spec, chapter 7 (keys stay text: an empty key is "", as `null: x` would be "null").
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError

from kubelint_py.input.decoding import decode
from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.streams import iter_documents
from kubelint_py.input.yaml_flow import compose_flow12 as _compose_flow12
from kubelint_py.input.yamlio import (
    AliasBudget,
    LimitExceeded,
    Limits,
    YamlSyntaxError,
    _compose_c,
    _Walker,
    parse_document,
)
from kubelint_py.model import Pos, Span
from tests.helpers import ROOT
from tests.hostile.support import lint_in_process

SPEC_EXAMPLES: dict[str, tuple[str, object]] = {
    "7.3 completely empty flow nodes": ("{\n  ? foo :,\n  : bar,\n}\n", {"foo": None, "": "bar"}),
    "7.4 double quoted implicit keys": (
        '"implicit block key" : [\n  "implicit flow key" : value,\n ]\n',
        {"implicit block key": [{"implicit flow key": "value"}]},
    ),
    "7.7 single quoted characters": ("'here''s to \"quotes\"'\n", 'here\'s to "quotes"'),
    "7.8 single quoted implicit keys": (
        "'implicit block key' : [\n  'implicit flow key' : value,\n ]\n",
        {"implicit block key": [{"implicit flow key": "value"}]},
    ),
    "7.10 plain characters": (
        '# Outside flow collection:\n- ::vector\n- ": - ()"\n- Up, up, and away!\n- -123\n'
        '- https://example.com/foo#bar\n# Inside flow collection:\n- [ ::vector,\n  ": - ()",\n'
        '  "Up, up and away!",\n  -123,\n  https://example.com/foo#bar ]\n',
        [
            "::vector",
            ": - ()",
            "Up, up, and away!",
            -123,
            "https://example.com/foo#bar",
            ["::vector", ": - ()", "Up, up and away!", -123, "https://example.com/foo#bar"],
        ],
    ),
    "7.11 plain implicit keys": (
        "implicit block key : [\n  implicit flow key : value,\n ]\n",
        {"implicit block key": [{"implicit flow key": "value"}]},
    ),
    "7.12 plain lines": (
        "1st non-empty\n\n 2nd non-empty \n\t3rd non-empty\n",
        "1st non-empty\n2nd non-empty 3rd non-empty",
    ),
    "7.13 flow sequence": ("- [ one, two, ]\n- [three ,four]\n", [["one", "two"], ["three", "four"]]),
    "7.14 flow sequence entries": (
        "[\n\"double\n quoted\", 'single\n           quoted',\nplain\n text, [ nested ],\nsingle: pair,\n]\n",
        ["double quoted", "single quoted", "plain text", ["nested"], {"single": "pair"}],
    ),
    "7.15 flow mappings": (
        "- { one : two , three: four , }\n- {five: six,seven : eight}\n",
        [{"one": "two", "three": "four"}, {"five": "six", "seven": "eight"}],
    ),
    "7.16 flow mapping entries": (
        "{\n? explicit: entry,\nimplicit: entry,\n?\n}\n",
        {"explicit": "entry", "implicit": "entry", "": None},
    ),
    "7.17 flow mapping separate values": (
        '{\nunquoted : "separate",\nhttps://foo.com,\nomitted value:,\n: omitted key,\n}\n',
        {"unquoted": "separate", "https://foo.com": None, "omitted value": None, "": "omitted key"},
    ),
    "7.18 flow mapping adjacent values": (
        '{\n"adjacent":value,\n"readable": value,\n"empty":\n}\n',
        {"adjacent": "value", "readable": "value", "empty": None},
    ),
    "7.19 single pair flow mappings": ("[\nfoo: bar\n]\n", [{"foo": "bar"}]),
    "7.20 single pair explicit entry": ("[\n? foo\n bar : baz\n]\n", [{"foo bar": "baz"}]),
    "7.21 single pair implicit entries": (
        "- [ YAML : separate ]\n- [ : empty key entry ]\n",
        [[{"YAML": "separate"}], [{"": "empty key entry"}]],
    ),
    "7.23 flow content": ("- [ a, b ]\n- { a: b }\n- \"a\"\n- 'b'\n- c\n", [["a", "b"], {"a": "b"}, "a", "b", "c"]),
    "7.24 flow nodes": ('- !!str "a"\n- \'b\'\n- &anchor "c"\n- *anchor\n- !!str\n', ["a", "b", "c", "c", ""]),
    # colons inside plain scalars in flow context (spec 7.3.3 ns-plain-char)
    "colon inside a value": ("{a: b:c}\n", {"a": "b:c"}),
    "colon inside an item": ("[a:b]\n", ["a:b"]),
    "url value": ("{url: http://x.y/z}\n", {"url": "http://x.y/z"}),
    "image tag": ("{image: busybox:1.36}\n", {"image": "busybox:1.36"}),
    "url item": ("[http://a]\n", ["http://a"]),
    "colon key": ("{a:b}\n", {"a:b": None}),
    "colon before a comma ends the scalar": ("[a:, b]\n", [{"a": None}, "b"]),
    "value starting with a colon": ("{a: :b}\n", {"a": ":b"}),
    "item starting with a colon": ("[:x]\n", [":x"]),
    "question mark inside and first": ("[a?b, ?c]\n", ["a?b", "?c"]),
    "json key then adjacent value": ('["a":b]\n', [{"a": "b"}]),
    "colon then hash": ("[a:#b, c]\n", ["a:#b", "c"]),
}


@pytest.mark.parametrize("name", SPEC_EXAMPLES)
def test_spec_flow_examples(name: str) -> None:
    text, expected = SPEC_EXAMPLES[name]
    parsed = parse_document(text)
    assert parsed is not None
    assert parsed.data == expected


# A real syntax error is still one, at its line: (text, line of the error)
INVALID: dict[str, tuple[str, int]] = {
    "7.22 invalid implicit keys": ('[ foo\n bar: invalid,\n "foo' + "x" * 1100 + 'bar": invalid ]\n', 2),
    "unclosed mapping": ("a: {b: busybox:1.36\nc: d\n", 2),  # where libyaml notices, colon or not
    "unclosed sequence": ("a:\n  - [x:y, z\n", 2),
    "value after a value": ("{a: b:, c: d}\n", 1),
    "a colon image and a tab later": ("a: {image: busybox:1.36}\nb:\n\tc: d\n", 3),
    "a colon image and a bad indent later": ("a: {image: busybox:1.36}\nb:\n  c: d\n d: e\n", 4),
    "flow empty key and an unclosed quote": ("a: [: x]\nb: 'open\n", 2),
    "a mapping as key": ("- [ {JSON: like}:adjacent ]\n", 1),  # spec 7.21; kubectl refuses map keys
    "duplicate anchor after a colon": ("a: &x {b: c:d}\nb: &x [e]\n", 2),
}


@pytest.mark.parametrize("name", INVALID)
def test_real_syntax_errors_stay_errors_at_their_line(name: str) -> None:
    text, line = INVALID[name]
    with pytest.raises(YamlSyntaxError) as caught:
        parse_document("\n" * 5 + text, line_offset=10)
    assert caught.value.pos.line == line + 15, caught.value.message


def test_a_syntax_error_through_the_loader_is_a_finding_and_neighbours_load() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x:1}]\n---\n"
    text += "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: y:1}]}\n"
    result = LoadResult()
    load_text("x.yaml", text, True, LoadOptions(), result)
    (problem,) = result.problems
    assert problem.code == "yaml-syntax" and problem.span.start.line in (4, 5), problem
    assert [doc.name for doc in result.documents] == ["b"]


def test_values_and_positions_through_the_loader() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
        'spec:\n  containers: [{name: c, image: busybox:1.36, args: ["a:b", x:y, 1:30], env: [{name: u, '
        "value: http://a/b}]}]\n"
    )
    result = LoadResult()
    load_text("x.yaml", text, True, LoadOptions(), result)
    assert not result.problems
    (doc,) = result.documents
    container = doc.data["spec"]["containers"][0]  # type: ignore[index]
    assert container == {
        "name": "c",
        "image": "busybox:1.36",
        "args": ["a:b", "x:y", 90],  # `1:30` is the YAML 1.1 integer, as it is outside a flow
        "env": [{"name": "u", "value": "http://a/b"}],
    }
    image = doc.positions.lookup(("spec", "containers", 0, "image"))
    start = text.index("image")
    line_start = text.rfind("\n", 0, start) + 1
    assert image == Span(Pos(6, start - line_start + 1), Pos(6, start - line_start + 1 + len("image: busybox:1.36")))
    assert doc.positions.lookup(("spec", "containers", 0, "args", 1)).start == Pos(
        6, text.index("x:y") - line_start + 1
    )


def test_aliases_tags_and_duplicates_survive_the_reparse() -> None:
    parsed = parse_document(
        "a: {x: &img busybox:1.36, y: *img, x: again}\nb: [!custom c:d, !!python/object:os.system z]\n"
    )
    assert parsed is not None
    assert parsed.data == {"a": {"x": "again", "y": "busybox:1.36"}, "b": ["c:d", "z"]}
    assert [(d.key, d.first, d.second) for d in parsed.duplicates] == [("x", Pos(1, 5), Pos(1, 36))]
    assert [tag for tag, _ in parsed.tags] == ["!custom", "tag:yaml.org,2002:python/object:os.system"]


def test_the_slow_parser_constructs_nothing_and_keeps_the_limits() -> None:
    slow = "[:x]\n"  # only the slow parser reads this
    parsed = parse_document("a: !!python/object/apply:os.system [echo]\nb: [:x]\n")
    assert parsed is not None and parsed.data == {"a": ["echo"], "b": [":x"]}
    with pytest.raises(LimitExceeded, match="nesting deeper than 5"):
        parse_document("a: " + "[" * 10 + "]" * 10 + "\nb: " + slow, limits=Limits(max_depth=5))
    laughs = "a: &a [l, l, l, l, l, l, l, l, l, l]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
    )
    with pytest.raises(LimitExceeded, match="nodes"):
        parse_document(laughs + "z: " + slow, limits=Limits(max_nodes=50_000))
    with pytest.raises(LimitExceeded, match="scalar longer"):
        parse_document("a: [:" + "x" * 200 + "]\n", limits=Limits(max_scalar=100))


def test_the_slow_parser_has_a_budget_the_masked_reparse_does_not_spend() -> None:
    budget = AliasBudget(1_000_000, slow_chars=40, slow_events=100)
    parsed = parse_document("a: {image: busybox:1.36}\n", budget=budget)  # masked: C speed, free
    assert parsed is not None and (budget.slow_chars, budget.slow_events) == (40, 100)
    assert parse_document("a: [:x]\n", budget=budget) is not None  # 8 characters, 6 events
    assert (budget.slow_chars, budget.slow_events) == (32, 94)
    with pytest.raises(YamlSyntaxError, match="budget"):
        parse_document("a: [:x]\n" + "b: c\n" * 10, budget=budget)  # too long
    assert budget.slow_chars == 32
    with pytest.raises(YamlSyntaxError, match="budget"):
        parse_document("a: [:x, " + "y, " * 100 + "]\n", budget=AliasBudget(0, slow_events=50))  # too many events


@pytest.mark.slow
def test_a_tree_of_documents_only_the_slow_parser_reads_costs_seconds() -> None:
    doc = "kind: ConfigMap\ndata: {a: [:x], b: [" + ", ".join(f"k{i}: v:{i}" for i in range(40)) + "]}\n---\n"
    result = LoadResult()
    start = time.perf_counter()
    load_text("h.yaml", doc * 4000, True, LoadOptions(), result)
    assert time.perf_counter() - start < 20  # ~2 s of slow parsing, the rest at C speed
    assert len(result.documents) + result.unknown + len(result.problems) == 4000
    assert "budget" in result.problems[-1].message


def test_a_real_error_outside_flow_context_never_reaches_the_slow_parser() -> None:
    budget = AliasBudget(1_000_000, slow_chars=0)
    for text in ("a: b: c\n", "a:\n\tb: c\n", "a: &x 1\nb: &x 2\n", "a: !! x\n", "a: 'open\n"):
        with pytest.raises(YamlSyntaxError) as caught:
            parse_document(text, budget=budget)
        assert "budget" not in caught.value.message


def _documents(root: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(root.rglob("*.y*ml")):
        text = decode(path.read_bytes()).text
        texts.extend(chunk.text for chunk in iter_documents(text or ""))
    return texts


def _walked(node: object) -> tuple[object, ...]:
    walker = _Walker(0, Limits())
    try:
        data, children = walker.walk(node, 0)
    except (LimitExceeded, YamlSyntaxError) as exc:
        return type(exc).__name__, exc.message, exc.pos
    return data, children, tuple(walker.duplicates), tuple(walker.tags)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_documents(ROOT / "fixtures")))
def test_the_slow_parser_gives_what_the_c_parser_gives(text: str) -> None:
    """Same data, positions, duplicates and tags on every document both accept."""
    try:
        fast = _compose_c(text, 0, Limits())
    except (YAMLError, LimitExceeded):  # the C parser refuses it: nothing to compare (a discard, not a pass)
        fast = None
    assume(fast is not None)
    slow = _compose_flow12(text, 0, Limits(), AliasBudget(0, slow_events=10**9))
    assert (slow.start_mark.line, slow.start_mark.column) == (fast.start_mark.line, fast.start_mark.column)
    assert (slow.end_mark.line, slow.end_mark.column) == (fast.end_mark.line, fast.end_mark.column)
    assert _walked(slow) == _walked(fast)


_flow_plain = st.text(alphabet=st.sampled_from(list("ab1.:/-_@")), min_size=1, max_size=10).filter(
    lambda s: s[0] not in ":-@" and not s.endswith(":") and "::" not in s
)


@pytest.mark.slow
@given(st.lists(st.tuples(_flow_plain, _flow_plain), min_size=1, max_size=5))
def test_flow_values_with_colons_read_as_their_text(pairs: list[tuple[str, str]]) -> None:
    keys = [f"k{n}" for n in range(len(pairs))]
    text = "m: {" + ", ".join(f"{k}: {v}" for k, (_, v) in zip(keys, pairs, strict=True)) + "}\n"
    text += "s: [" + ", ".join(item for item, _ in pairs) + "]\n"
    parsed = parse_document(text)
    assert parsed is not None
    data = parsed.data
    assert isinstance(data, dict)
    for key, (item, value) in zip(keys, pairs, strict=True):
        plain = parse_document(f"v: {value}\ni: {item}\n")  # the same scalars outside a flow
        assert plain is not None and isinstance(plain.data, dict)
        assert data["m"][key] == plain.data["v"]
    assert data["s"] == [parse_document(f"i: {item}\n").data["i"] for item, _ in pairs]  # type: ignore[union-attr, index]


FLOW_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: flow, namespace: apps}
spec:
  containers: [{name: c, image: busybox:1.36, securityContext: {privileged: true}}]
"""


def test_cli_rules_fire_on_a_flow_pod(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(FLOW_POD)
    run = lint_in_process(["pod.yaml", "--format", "json"], tmp_path)
    findings = run.report()["findings"]
    rules = {f["ruleId"] for f in findings}
    assert "yaml-syntax" not in rules
    assert "privileged-container" in rules
    privileged = next(f for f in findings if f["ruleId"] == "privileged-container")
    assert (privileged["line"], privileged["column"]) == (5, FLOW_POD.split("\n")[4].index("privileged") + 1)
