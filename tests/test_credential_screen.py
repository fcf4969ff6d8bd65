"""The loader's screen of a document's source text for the credential scan
(`k8s.credentials.text_spells_no_credential`, `Document.credential_free`): a document it passes
holds no string where a built-in credential pattern could match, however the string is written.
The fixtures of credential-pattern-in-manifest hold the rule to it end to end (fail-escaped-or-folded)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.credentials import _ANCHOR_RE, DEFAULT_SCANNER, text_spells_no_credential
from tests.test_rules_phase_shortcuts import ANCHOR_ALPHABET, ANCHORS

SCREENED = LoadOptions(credential_screen=text_spells_no_credential)


def _load(text: str) -> LoadResult:
    result = LoadResult()
    load_text("x.yaml", text, True, SCREENED, result)
    return result


def _strings(node: object) -> Iterator[str]:
    """Every string of parsed data, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _assert_screen_is_sound(text: str) -> None:
    for doc in _load(text).documents:
        if doc.credential_free:
            spelled = [s for s in _strings(doc.data) if _ANCHOR_RE.search(s) is not None]
            assert not spelled, f"screened as free of credentials, but the data spells an anchor: {spelled!r}"
            assert not list(DEFAULT_SCANNER.scan(doc.data))


# pieces of anchors and of what separates or hides them in YAML
_PIECES = st.sampled_from(
    [
        "A", "KIA", "AKIA", "SIA", "-----", "BEGIN", " ", "PRIVATE KEY", "://", "u", ":", "p@h", "@",
        "eyJ", "y", "J", "gh", "p_", "xox", "b-", "AI", "za", "'", "''", '"', "\\", "\\x41", "\\x4b", "IA",
        "\\u0040", "p", "h", "\\\n",
        "\n", "\n  ", "\t", "\r\n", "\x85", "\u2028", "#", "é", "-",
    ]
)  # fmt: skip
_STRINGS = st.lists(_PIECES, max_size=12).map("".join)


def _dumped(value: str, style: str | None, width: int) -> str:
    yaml = YAML()
    yaml.width = width
    yaml.default_style = style  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": value}}, out)
    return out.getvalue()


@settings(max_examples=300)
@given(_STRINGS, st.sampled_from([None, '"', "'", "|", ">"]), st.sampled_from([8, 20, 80]))
@example("-----BEGIN PRIVATE KEY-----", None, 8)  # folded at the space: `BEGIN` ends a line
@example("https://u:p@h", "'", 8)
def test_a_string_written_in_any_style_is_screened_soundly(value: str, style: str | None, width: int) -> None:
    _assert_screen_is_sound(_dumped(value, style, width))


@settings(max_examples=300)
@given(_STRINGS, st.booleans())
def test_a_string_written_as_json_is_screened_soundly(value: str, ascii_only: bool) -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": %s}}'
    _assert_screen_is_sound(text % json.dumps(value, ensure_ascii=ascii_only))


_TEXT_PIECES = st.sampled_from(
    ["k: ", "- ", "\n", "\n  ", "\n    ", "'", '"', "|\n  ", ">\n  ", "? ", ": ", "{", "}", "[", "]", ", ", "&a ",
     "*a", "<<: ", "#c"]
)  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.one_of(_PIECES, _TEXT_PIECES), max_size=30).map("".join))
@example('k: "A\\x4bIA0123456789ABCDEF"')  # escapes spell what the text does not
@example('k: "https://u:p\\u0040h"')
@example('k: "AK\\\n  IA0123456789ABCDEF"')  # an escaped line break joins without a space
def test_yaml_shaped_text_is_screened_soundly(body: str) -> None:
    """Any text: whatever parses, a passed document spells no anchor."""
    _assert_screen_is_sound("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  " + body)


@given(st.text(ANCHOR_ALPHABET, max_size=40))
@example("a://u:p@h")
def test_the_screen_finds_every_anchor_the_scan_looks_for(text: str) -> None:
    """Text the scan's own anchor search (`_ANCHOR_RE`) finds an anchor in is never passed."""
    if _ANCHOR_RE.search(text) is not None:
        assert not text_spells_no_credential(text)


@given(st.text(), st.sampled_from(ANCHORS), st.text())
def test_a_text_with_an_anchor_is_never_passed(before: str, anchor: str, after: str) -> None:
    assert not text_spells_no_credential(before + anchor + after)


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("data: {k: plain text, u: 'https://example.com/a'}", True),
        ("data: {k: AKIAIOSFODNN7EXAMPLE}", False),
        ("data: {k: 'A\\x4bIA'}", False),  # a backslash, even where it escapes nothing
        ("data:\n  k: -----BEGIN\n    PRIVATE KEY-----\n", False),  # folded: the data has `BEGIN `
        ("# eyJ in a comment\ndata: {k: v}", False),  # comments are text too: only too cautious
    ],
)
def test_the_screen_reads_the_text_as_written(text: str, free: bool) -> None:
    assert text_spells_no_credential(text) is free


def test_the_loader_marks_documents_only_when_it_screens() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n"
    assert [doc.credential_free for doc in _load(text).documents] == [True]
    unscreened = LoadResult()
    load_text("x.yaml", text, True, LoadOptions(), unscreened)
    assert [doc.credential_free for doc in unscreened.documents] == [False]
    spelled = LoadResult()
    load_text("x.yaml", text + "---\n" + text.replace("{k: v}", "{k: AKIAIOSFODNN7EXAMPLE}"), True, SCREENED, spelled)
    assert [doc.credential_free for doc in spelled.documents] == [True, False]  # a verdict per document
