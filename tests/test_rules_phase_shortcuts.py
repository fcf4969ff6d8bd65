"""The rules phase's shortcuts of the second pass (issue 20) answer what the general readings
answer."""

from __future__ import annotations

import marshal

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.k8s.credentials import _ANCHOR_BYTES_RE, _ANCHOR_RE, _no_anchor_anywhere

# every anchor of the credential patterns, as the exact search finds it
ANCHORS = [
    *("-----BEGIN ", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxp-", "xoxa-"),
    *("xoxr-", "xoxs-", "AIza", "eyJ", "://u:p@", "://:p@", "s3://a:b@c"),
]
# the characters the anchors are made of, so that random texts hold (parts of) anchors often
ANCHOR_ALPHABET = st.sampled_from(list("-BEGIN AKSIghpousr_xobparsIzaeyJ:/@?#\n\t é€"))


def _nested(text: str) -> dict[str, object]:
    return {"metadata": {"name": "x"}, "spec": [{"k": text}, 3, None, True, 2.5]}


@given(st.text(), st.sampled_from(ANCHORS), st.text())
def test_a_document_with_an_anchor_is_never_skipped(before: str, anchor: str, after: str) -> None:
    text = before + anchor + after
    assert _ANCHOR_RE.search(text) is not None
    assert _ANCHOR_BYTES_RE.search(marshal.dumps(_nested(text))) is not None
    assert not _no_anchor_anywhere(_nested(text))
    assert not _no_anchor_anywhere({text: "key, not value"})


@given(st.text(ANCHOR_ALPHABET, max_size=40))
def test_the_byte_search_finds_every_anchor_the_text_search_finds(text: str) -> None:
    """The byte search looks for a part of each anchor: it may send a document without a
    credential to the walk, never skip one with an anchor."""
    if _ANCHOR_RE.search(text) is not None:
        assert _ANCHOR_BYTES_RE.search(marshal.dumps(_nested(text))) is not None
        assert _ANCHOR_BYTES_RE.search(text.encode("utf-8")) is not None


class _Text(str):
    """A str subclass: not the loader's exact type, so never kept."""


def test_windows_image_verdicts_kept_by_text_equal_the_reading() -> None:
    from kubelint_py.k8s import windows

    images: list[object] = [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/dotnet/framework/aspnet:4.8",
        "registry.example/windows/app:1",
        "example/app:1.0-nanoserver-1809",
        "example/app:LTSC2019",
        "nginx:1.25",
        "nginx",
        "registry:5000/windows-tools:1",
        "  ",
        "",
        "example/app@sha256:servercore",
        _Text("example/app:servercore"),
        None,
        42,
        ["mcr.microsoft.com/windows/servercore"],
    ]
    for image in images * 2:  # the second round reads the kept verdicts
        assert windows.is_windows_image(image) is windows._looks_windows(image), image
    assert all(type(key) is str for key in windows._WINDOWS_IMAGES)
    assert windows.is_windows_image("example/app:servercore") is True
    assert windows.is_windows_image("nginx:1.25") is False


def test_windows_image_verdicts_stay_bounded() -> None:
    from kubelint_py.k8s import windows

    for number in range(windows._MAX_IMAGES + 10):
        windows.is_windows_image(f"example/app:{number}")
    assert len(windows._WINDOWS_IMAGES) <= windows._MAX_IMAGES
    assert windows.is_windows_image("mcr.microsoft.com/windows/nanoserver:ltsc2022") is True
