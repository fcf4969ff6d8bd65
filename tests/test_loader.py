"""The loader: YAML 1.1 scalars, positions, limits, bad input. Never raises, and what it gives
back keeps its promises (tests/loader_invariants.py)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kubelint_py.input.decoding import decode
from kubelint_py.input.loader import LoadOptions, LoadResult, load_source, load_text
from kubelint_py.input.positions import PositionIndex
from kubelint_py.input.streams import _markers, iter_documents
from kubelint_py.input.yaml_scalars import (
    BOOL_FALSE,
    BOOL_TRUE,
    FLOAT,
    INT,
    STR,
    resolve_plain,
    resolved_by_pattern,
    to_int,
)
from kubelint_py.input.yamlio import LimitExceeded, Limits, YamlSyntaxError, parse_document
from kubelint_py.model import DocType, Pos, Source, Span
from tests.loader_invariants import assert_sound


def load(text: str, name: str = "x.yaml") -> LoadResult:
    result = LoadResult()
    load_text(name, text, True, LoadOptions(), result)
    return result


def test_yaml_11_scalars_as_kubernetes_reads_them() -> None:
    parsed = parse_document(
        "a: yes\nb: 'yes'\nc: 0644\nd: 0o644\ne: 0x1F\nf: 1_000\ng: ~\nh: 1e3\ni: .inf\nj: on\nk: !!str 12\n"
        "l: 2001-12-14\nm: 12.50\nn: Off\no: 0\np: -017\n"
    )
    assert parsed is not None
    assert parsed.data == {
        "a": True,
        "b": "yes",
        "c": 420,
        "d": 420,
        "e": 31,
        "f": 1000,
        "g": None,
        "h": 1000.0,
        "i": float("inf"),
        "j": True,
        "k": "12",
        "l": "2001-12-14",
        "m": 12.5,
        "n": False,
        "o": 0,
        "p": -15,
    }


def test_keys_stay_text() -> None:
    parsed = parse_document("y: 1\n80: http\nnull: x\n")
    assert parsed is not None and parsed.data == {"y": 1, "80": "http", "null": "x"}


def test_positions_are_one_based_and_exact() -> None:
    text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: nginx\n"
    parsed = parse_document(text, line_offset=10)
    assert parsed is not None
    span = parsed.positions.lookup(("spec", "containers", 0, "image"))
    assert span.start == Pos(16, 7) and span.end == Pos(16, 19)
    assert parsed.positions.lookup(("spec", "containers", 0, "missing")).start == Pos(15, 7)
    assert parsed.positions.lookup(("nowhere",)).start == Pos(11, 1)


def test_unknown_tags_never_construct_objects() -> None:
    parsed = parse_document(
        "a: !!python/object/apply:os.system ['echo pwned']\nb: !!python/name:os.system x\nc: !foo {x: 1}\n"
    )
    assert parsed is not None
    assert parsed.data == {"a": ["echo pwned"], "b": "x", "c": {"x": 1}}
    assert {tag for tag, _ in parsed.tags} >= {"tag:yaml.org,2002:python/object/apply:os.system", "!foo"}


def test_duplicate_keys_reported_with_both_lines() -> None:
    result = load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n")
    dup = [p for p in result.problems if p.code == "yaml-duplicate-key"]
    assert len(dup) == 1 and dup[0].span.start.line == 5 and dup[0].related[0].span.start.line == 4


def test_broken_document_does_not_hide_neighbours() -> None:
    text = (
        "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\nbad: [\n---\napiVersion: v1\nkind: B\nmetadata: {name: b}\n"
    )
    result = load(text)
    assert [d.kind for d in result.documents] == ["A", "B"]
    assert [(p.code, p.span.start.line) for p in result.problems] == [("yaml-syntax", 5)]
    assert result.documents[1].positions.lookup(("kind",)).start.line == 8


@pytest.mark.parametrize("marker", ["---", "--- # next", "...", "---\r"])
@pytest.mark.parametrize(("indicator", "value"), [("|", "x\n"), (">", "x\n"), ("|+", "x\n\n"), ("|-", "x")])
def test_a_block_scalar_ending_a_document_keeps_its_line_break(marker: str, indicator: str, value: str) -> None:
    """The document's last line break is its own, not the next marker's: `k: |` ending a
    document before `---` is "x\\n", as kubectl (and the same document alone) reads it."""
    body = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n  k: {indicator}\n    x\n"
    extra = "\n" if indicator == "|+" else ""
    result = load(f"{body}{extra}{marker}\n{body}{extra}")
    assert [doc.value("data", "k") for doc in result.documents] == [value, value]
    assert [doc.value("data", "k") for doc in load(body + extra).documents] == [value]


def test_list_items_become_documents_with_positions() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
    result = load(text)
    assert [(d.kind, d.name) for d in result.documents] == [("Service", "s")]
    assert result.documents[0].positions.lookup(("metadata", "name")).start == Pos(6, 14)


def test_non_kubernetes_yaml_is_counted_not_reported() -> None:
    result = load("on: [push]\njobs:\n  build: {runs-on: ubuntu-latest}\n")
    assert not result.documents and not result.problems and result.unknown == 1


def test_recognition_by_content() -> None:
    docs = load(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n"
        "  - command: [kube-apiserver, --anonymous-auth=false]\n---\n"
        "data-dir: /var/lib/etcd\nlisten-client-urls: https://0.0.0.0:2379\n---\n"
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n"
    ).documents
    assert [d.doc_type for d in docs] == [DocType.APISERVER_STATIC_POD, DocType.ETCD_CONFIG, DocType.AUDIT_POLICY]


def test_limits_become_problems_not_crashes() -> None:
    try:
        parse_document("[" * 100_000 + "]" * 100_000)
    except LimitExceeded as exc:
        assert "nesting" in exc.message
    else:
        raise AssertionError("deep nesting accepted")
    laughs = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    try:
        parse_document(laughs, limits=Limits(max_nodes=50_000))
    except LimitExceeded as exc:
        assert "alias" in exc.message
    else:
        raise AssertionError("alias bomb accepted")


def test_binary_and_encodings() -> None:
    result = LoadResult()
    load_source(Source("bin.yaml", b"\x00\x01\x02\xff"), LoadOptions(), result)
    load_source(Source("u16.yaml", "apiVersion: v1\nkind: A\n".encode("utf-16")), LoadOptions(), result)
    load_source(Source("crlf.yaml", b"apiVersion: v1\r\nkind: B\r\n"), LoadOptions(), result)
    assert [p.code for p in result.problems] == ["input-unreadable"]
    assert [d.kind for d in result.documents] == ["A", "B"]


def test_unrendered_helm_templates_are_skipped() -> None:
    result = LoadResult()
    source = Source(
        "chart/templates/deploy.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    load_source(source, LoadOptions(), result)
    assert result.templates_skipped == 1 and not result.problems


def test_syntax_error_position_points_at_the_problem() -> None:
    try:
        parse_document("a: 1\nb: [1, 2\nc: 3\n")
    except YamlSyntaxError as exc:
        assert exc.pos.line in (2, 3)
    else:
        raise AssertionError


@given(st.text(max_size=300))
def test_loader_never_raises_on_text(text: str) -> None:
    assert_sound(text, load(text), again=lambda: load(text))


def _load_bytes(raw: bytes) -> LoadResult:
    result = LoadResult()
    load_source(Source("b.yaml", raw), LoadOptions(), result)
    return result


@given(st.binary(max_size=300))
def test_loader_never_raises_on_bytes(raw: bytes) -> None:
    result = _load_bytes(raw)
    text = decode(raw).text
    assert_sound(text, result, again=lambda: _load_bytes(raw))
    if text is None:  # undecodable: one problem says so, nothing else is read
        assert [p.code for p in result.problems] == ["input-unreadable"] and not result.documents


_yaml_chars = st.sampled_from(list(string.ascii_letters + string.digits + " :-[]{},#&*!|>'\"\n\t?%@`"))


@given(st.lists(_yaml_chars, max_size=200).map("".join))
def test_loader_never_raises_on_yaml_shaped_text(text: str) -> None:
    assert_sound(text, load(text), again=lambda: load(text))


# whole top-level entries of real manifests, a few of them odd: documents of them in any order
_ENTRIES = (
    "apiVersion: v1",
    "apiVersion: apps/v1",
    "kind: Pod",
    "kind: Deployment",
    "metadata:\n  name: web\n  labels: {app: web}",
    "metadata: {name: web, namespace: prod}",
    "spec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext: {privileged: true}",
    "spec: {replicas: 2, template: {spec: {containers: [{name: a, image: 'x:1'}]}}}",
    "# kubelint: ignore[privileged-container] reviewed",
    "anchors: &x [1, 2]\naliases: *x",
    "kind: List\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: a}}\n  - 3",
    "data: {a: 'yes', b: 0644, c: ~}",
    "broken: [1, 2",
    "\t: tab",
    # the end of a file often ends an entry (they are joined without a final newline)
    "empty:",
    "? explicit",
    "metadata: {name: flow, annotations:{docs: http://example.com/a:b}}",  # only the slow parser reads it
)
_manifests = st.lists(st.lists(st.sampled_from(_ENTRIES), max_size=8).map("\n".join), min_size=1, max_size=4).map(
    "\n---\n".join
)


@given(_manifests)
def test_loader_keeps_its_promises_on_manifest_shaped_text(text: str) -> None:
    """Entries of real manifests in any order and number: documents, duplicate keys and syntax
    errors all come out, and are sound."""
    assert_sound(text, load(text), again=lambda: load(text))


_scalars = st.one_of(st.integers(-(10**6), 10**6), st.booleans(), st.none(), st.text(string.ascii_letters, max_size=8))
_trees = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=6), children, max_size=4),
    ),
    max_leaves=20,
)


@pytest.mark.slow
@given(st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=6), _trees, min_size=1, max_size=5))
def test_json_round_trip_and_positions_inside_span(tree: dict[str, object]) -> None:
    import json

    text = json.dumps(tree, indent=2)
    parsed = parse_document(text)
    assert parsed is not None and parsed.data == tree
    last = text.count("\n") + 1

    def paths(node: object, prefix: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
        out = [prefix]
        if isinstance(node, dict):
            for key, value in node.items():
                out += paths(value, (*prefix, key))
        elif isinstance(node, list):
            for number, value in enumerate(node):
                out += paths(value, (*prefix, number))
        return out

    for path in paths(tree, ()):
        span = parsed.positions.lookup(path)
        assert 1 <= span.start.line <= last and span.start.line <= span.end.line <= last


# the markers' definition, as a regular expression: `---` or `...` at column 0, then a blank
_MARKER_DEFINITION = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)", re.M)


@given(st.text(alphabet="-.\n\r\t #a", max_size=60))
def test_document_markers_are_found_as_defined(text: str) -> None:
    """Streams are cut at marker lines found with str.find: the same places the definition's
    multi-line regular expression finds."""
    assert list(_markers(text)) == [match.start() for match in _MARKER_DEFINITION.finditer(text)]


def test_documents_split_at_markers_with_their_lines_and_helm_sources() -> None:
    text = "--- # c\na: 1\n...\n# Source: chart/templates/x.yaml\n---\n# Source: chart/templates/y.yaml\nb: 2\n---\n"
    chunks = list(iter_documents(text))
    assert [(c.first_line, c.helm_source) for c in chunks] == [
        (1, None),
        (4, "chart/templates/x.yaml"),  # a comment after `...`: a document of its own
        (5, "chart/templates/y.yaml"),
    ]
    assert chunks[0].text == "--- # c\na: 1\n"
    assert list(iter_documents("...\na: 1\n")) == [("\na: 1\n", 1, None, (), ())]  # `...` line kept blank


@given(st.one_of(st.text(alphabet="0123456789+-._:eEbxoO.infaINFNn~<=TtYy ", max_size=12), st.text(max_size=8)))
def test_plain_scalar_shortcuts_equal_the_patterns(value: str) -> None:
    """resolve_plain decides most words and decimal numbers without YAML 1.1's patterns."""
    if value and value not in BOOL_TRUE | BOOL_FALSE | {"~", "null", "Null", "NULL", "<<"}:
        assert resolve_plain(value) == resolved_by_pattern(value)


@pytest.mark.parametrize(
    ("value", "tag"),
    [("8080", INT), ("0", INT), ("0644", INT), ("09", FLOAT), ("1_000", INT), ("1:30", INT), ("١٢", STR), ("TCP", STR)],
)
def test_plain_scalars_of_each_shortcut(value: str, tag: str) -> None:
    assert resolve_plain(value) == resolved_by_pattern(value) == tag


@given(st.text(alphabet=st.sampled_from(["a", "\n", "\t", "\r", "é", "\u2028", "\x7f", "\x01", "\x1f", "\x85", "€"])))
def test_control_characters_found_in_utf8_bytes_as_in_text(text: str) -> None:
    """A UTF-8 file is checked for control characters on its bytes: the same verdict, and the
    same line, as searching its text."""
    decoded = decode(text.encode("utf-8"))
    control = re.search("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control is None:
        assert decoded.problem is None and decoded.text == text.replace("\r\n", "\n")
    else:
        line = text.count("\n", 0, control.start()) + 1
        assert decoded.problem is not None and decoded.problem.endswith(f"at line {line}")


@given(st.integers(min_value=0, max_value=10**30))
def test_decimal_integers_read_by_the_shortcut_as_by_the_general_reading(number: int) -> None:
    """to_int's shortcut for plain digits gives what the general reading gives (a leading `+`
    sends the same text through it)."""
    assert to_int(str(number)) == to_int(f"+{number}") == number
    assert to_int("0644") == to_int("+0644") == 0o644  # a leading zero: octal, never the shortcut


_TEXTS = st.text(alphabet=st.sampled_from(["a", "1", " ", ":", "-", "#", "'", '"', "\n", "y", "0", "é", "!", "*", "["]))
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), _TEXTS)
_TREES = st.recursive(
    _LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_TEXTS.filter(bool), kids, max_size=4),
    max_leaves=25,
)


@given(_TREES, st.sampled_from([None, True]), st.booleans())
def test_walk_without_anchors_as_with_them(tree: object, flow: bool | None, tagged: bool) -> None:
    """A text without `&` has no anchor, so no node can come twice: the walk skips its alias
    memo and reads plain list items itself (yamlio._Walker); data, positions, tags and the
    node count are what the general walk makes."""
    import io

    from ruamel.yaml import YAML

    from kubelint_py.input.yamlio import DEFAULT_LIMITS, _compose, _Walker

    dumper = YAML()
    dumper.default_flow_style = flow
    out = io.StringIO()
    dumper.dump({"root": tree}, out)
    text = out.getvalue()
    if tagged:  # explicit tags on list items and values: the general path of a scalar
        text = text.replace("- 1", "- !!str 1").replace(": y", ": !custom y")
    assume("&" not in text)
    try:
        node = _compose(text, 0, DEFAULT_LIMITS, None)
    except YamlSyntaxError:  # ruamel writes some texts that YAML 1.1 parsers read otherwise
        assume(False)
    walks = []
    for anchors in (True, False):
        walker = _Walker(0, DEFAULT_LIMITS, None, anchors=anchors)
        data, children = walker.walk(node, 0)
        walks.append((data, children, walker.marks.tolist(), walker.tags, walker.nodes, walker.duplicates))
    assert walks[0] == walks[1]


_ITEMS = st.one_of(_TEXTS, st.sampled_from(["!!str 1", "!!int 7", "!x y", "0644", "yes", "~", "'q'"]))


@given(st.lists(_ITEMS, max_size=6))
def test_list_items_read_as_scalars_are(items: list[str]) -> None:
    """The walk reads plain text list items itself; each item is what `_scalar`, the general
    reading, makes of it, and a too long one is refused the same way."""
    from kubelint_py.input.yaml_nodes import ScalarNode
    from kubelint_py.input.yamlio import _compose, _Walker

    text = "".join(f"- {item}\n" if item.strip() else "- ''\n" for item in items) or "[]\n"
    try:
        node = _compose(text, 0, Limits(), None)
    except YamlSyntaxError:
        assume(False)
    limits = Limits(max_scalar=3)
    scalars = [item for item in node.value if type(item) is ScalarNode]  # (`- -` nests a list)
    general = []
    for item in scalars:
        try:
            general.append(_Walker(0, limits)._scalar(item))
        except LimitExceeded as exc:
            general.append(exc.message)
    read = []
    for item in scalars:
        try:
            read.append(_Walker(0, limits).walk(item, 1)[0])
        except LimitExceeded as exc:
            read.append(exc.message)
    assert read == general


@given(st.text(alphabet=st.sampled_from(["a", "-", " ", "[", "{", "\n"]), max_size=900), st.integers(1, 250))
def test_nesting_bound_decided_by_length_as_by_longest_line(text: str, depth: int) -> None:
    """A text shorter than the room left is plausible at once: its longest line is shorter still."""
    from kubelint_py.input.yamlio import _nesting_is_plausible

    limits = Limits(max_depth=depth)
    longest = max(map(len, text.split("\n")))
    assert _nesting_is_plausible(text, limits) == (text.count("[") + text.count("{") + longest < depth * 4)


@given(st.text(alphabet="0123456789+-._:eExoO.infaINFNn~<=TtYy a", max_size=10))
def test_plain_scalars_resolved_again_as_the_first_time(value: str) -> None:
    """The resolver remembers the tags of plain scalars: asked again, the same answer, which is
    resolve_plain's (a quoted scalar is text)."""
    from kubelint_py.input.yaml_nodes import ScalarNode
    from kubelint_py.input.yaml_scalars import STR_TAG, TAG_OBJECTS, resolve

    for _ in range(2):
        assert resolve(ScalarNode, value, (True, False)) is TAG_OBJECTS[resolve_plain(value)]
        assert resolve(ScalarNode, value, (False, True)) is STR_TAG


def _lookup_by_entries(index: PositionIndex, path: tuple[str | int, ...]) -> Span:
    """`PositionIndex.lookup` read through `entries` only, as it was before its shortcuts."""
    entry, _, data = index._walk(path)
    if entry is None:
        return Span(index.span.start, Pos(index.span.start.line, index.span.start.column + 1))
    child = entry[8]
    if child is None:
        return Span(Pos(entry[0], entry[1]), Pos(entry[6], entry[7]))
    if (entry[0], entry[1]) == (entry[4], entry[5]):
        first = next(index.entries(child, data), None)
        if first is not None:
            key = first[1]
            return Span(Pos(key[0], key[1]), Pos(key[2], key[3]))
    return Span(Pos(entry[0], entry[1]), Pos(entry[2], entry[3]))


@given(_TREES, st.sampled_from([None, True, False]), st.booleans())
def test_lookup_as_read_through_entries(tree: object, flow: bool | None, merged: bool) -> None:
    """Every finding's place: `lookup` reads a list item's first key and builds its spans with
    tuple.__new__; each path of the data (and one step past it) gets what reading the entries
    gives, merge keys (`<<`, whose mappings keep their entries in a dict) included."""
    import io

    from ruamel.yaml import YAML

    dumper = YAML()
    dumper.default_flow_style = flow
    out = io.StringIO()
    dumper.dump({"root": tree, "items": [tree, {"k": tree}]}, out)
    text = out.getvalue()
    if merged:
        text = "base: &b {m: [1, {n: 2}]}\n" + text.replace("root:", "more:\n  <<: *b\n  x: [{y: 1}]\nroot:", 1)
    try:
        parsed = parse_document(text)
    except YamlSyntaxError:  # ruamel writes some texts that YAML 1.1 parsers read otherwise
        assume(False)
    assert parsed is not None
    index = parsed.positions
    assert isinstance(index, PositionIndex)
    paths = [path for path, _, _ in index.all_entries()]
    for path in [(), *paths, *((*path, 0) for path in paths), *((*path, "nowhere") for path in paths)]:
        assert index.lookup(path) == _lookup_by_entries(index, path), path
