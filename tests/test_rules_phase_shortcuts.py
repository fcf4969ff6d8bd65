"""The rules phase's shortcuts of the second pass (issue 20) answer what the general readings
answer."""

from __future__ import annotations

import marshal

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.k8s.credentials import _ANCHOR_RE, _no_anchor_anywhere
from tests.helpers import ANCHOR_BYTES_RE

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
    assert ANCHOR_BYTES_RE.search(marshal.dumps(_nested(text))) is not None
    assert not _no_anchor_anywhere(_nested(text))
    assert not _no_anchor_anywhere({text: "key, not value"})


@given(st.text(ANCHOR_ALPHABET, max_size=40))
def test_the_byte_search_finds_every_anchor_the_text_search_finds(text: str) -> None:
    """The byte search looks for a part of each anchor: it may send a document without a
    credential to the walk, never skip one with an anchor."""
    if _ANCHOR_RE.search(text) is not None:
        assert ANCHOR_BYTES_RE.search(marshal.dumps(_nested(text))) is not None
        assert ANCHOR_BYTES_RE.search(text.encode("utf-8")) is not None


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


CREDENTIAL_TEXTS = [
    "AKIAIOSFODNN7EXAMPLE",
    "postgres://admin:s3cret@db:5432/app",
    "https://user:${PASSWORD}@host/",
    "ghp_" + "a" * 36,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "-----BEGIN PRIVATE KEY-----",
    "xoxb-123456-abcdef",
    "see https://example.com/docs",
    "eyJ not a token",
    "plain",
]
_LEAVES = st.one_of(st.sampled_from(CREDENTIAL_TEXTS), st.text(max_size=12), st.integers(), st.booleans(), st.none())
_KEYS = st.sampled_from(["a", "b", "env", "value", "metadata", "annotations"])
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)


@given(st.dictionaries(_KEYS, _TREES, max_size=4), st.lists(st.lists(st.one_of(_KEYS, st.integers(0, 3)), max_size=3)))
def test_scan_of_a_document_equals_the_walk_without_shortcuts(
    data: dict[str, object], skip: list[list[str | int]]
) -> None:
    """The anchored scanner (a document's map searched first by its marshal bytes, then strings
    without an anchor passed over) finds what every pattern run on every string finds."""
    from kubelint_py.k8s.credentials import DEFAULT_SCANNER, CredentialScanner, credential_scanner

    plain = CredentialScanner(DEFAULT_SCANNER.patterns, anchored=False)
    skipped: list[tuple[str | int, ...]] = [tuple(path) for path in skip]
    assert list(DEFAULT_SCANNER.scan(data, skip=skipped)) == list(plain.scan(data, skip=skipped))
    assert credential_scanner({}) is DEFAULT_SCANNER and credential_scanner(None) is DEFAULT_SCANNER


def test_option_free_matchers_are_the_defaults() -> None:
    from kubelint_py.k8s.credentials import DEFAULT_NAME_MATCHER, DEFAULT_SCANNER, credential_scanner, name_matcher

    assert name_matcher({}) is DEFAULT_NAME_MATCHER and name_matcher(None) is DEFAULT_NAME_MATCHER
    assert name_matcher({"sensitiveNames": None}) is DEFAULT_NAME_MATCHER
    assert credential_scanner({"credentialPatterns": None}) is DEFAULT_SCANNER
    assert name_matcher({"extraSensitiveNames": ["FOO"]}) is not DEFAULT_NAME_MATCHER
    assert credential_scanner({"disabledCredentialPatterns": ["jwt"]}) is not DEFAULT_SCANNER


PORTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers:
        - {name: init, image: x, ports: [{containerPort: 22}]}
        - {name: proxy, image: envoy, restartPolicy: Always, ports: [{name: admin, containerPort: "9901"}]}
      containers:
        - name: app
          image: nginx
          ports:
            - {name: http, containerPort: 8080}
            - {name: http, containerPort: 8080, protocol: udp}
            - {containerPort: 22}
            - not-a-map
            - {name: "", containerPort: true}
        - {name: bare, image: redis}
        - {name: odd, image: redis, ports: {containerPort: 1}}
      ephemeralContainers:
        - {name: debug, image: busybox, ports: [{containerPort: 7}]}
"""


def test_ports_made_once_per_container_equal_the_reading() -> None:
    from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
    from kubelint_py.k8s.ports import container_ports, declared_ports, ports_of
    from kubelint_py.k8s.workloads import ContainerScope, containers
    from kubelint_py.model import Source

    result = LoadResult()
    load_source(Source("t.yaml", PORTS.encode()), LoadOptions(), result)
    (doc,) = result.documents
    for scope in ContainerScope:  # every scope's containers: kept per container, whichever asks first
        for container in containers(doc, scope):
            assert ports_of(doc, container) == container_ports(container)
            assert ports_of(doc, container) is ports_of(doc, container)
    expected = [port for c in containers(doc, ContainerScope.C_SIDECARS) for port in container_ports(c)]
    assert declared_ports(doc) == expected
    assert [(p.container.name, p.number, p.name, p.protocol) for p in expected] == [
        ("app", 8080, "http", "TCP"),
        ("app", 8080, "http", "UDP"),
        ("app", 22, None, "TCP"),
        ("app", None, None, "TCP"),
        ("proxy", None, "admin", "TCP"),  # (a quoted number is no containerPort)
    ]
