"""kubelint_py.k8s.credentials: sensitive names, placeholders, credential patterns."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.k8s.credentials import (
    CREDENTIAL_PATTERNS,
    DEFAULT_NAME_MATCHER,
    DEFAULT_SCANNER,
    credential_scanner,
    describe_path,
    is_placeholder,
    is_placeholder_secret_value,
    is_var_reference,
    name_matcher,
    normalise_name,
    with_article,
)

SAMPLES = {
    "pem-private-key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "aws-access-key-id": "AKIAIOSFODNN7EXAMPLE",
    "github-token": "ghp_R3alLook1ngT0kenAbCdEfGhIjKlMnOpQr12",
    "slack-token": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "google-api-key": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3b3JrZXIifQ.c2lnbmF0dXJl",
    "url-credentials": "mysql://root:Hunter2-x@db:3306/app",
}


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "db-passwd",
        "PGPASSWORD",
        "PWD",
        "client_secret",
        "githubToken",
        "apiKey",
        "API-KEY",
        "PRIVATE_KEY",
        "awsAccessKey",
        "GOOGLE_CREDENTIALS",
        "authkey",
        "x.secret.y",
    ],
)
def test_sensitive_names(name: str) -> None:
    assert DEFAULT_NAME_MATCHER.matches(name)


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD_FILE",
        "passwordFile",
        "token-path",
        "SECRET_DIR",
        "TOKEN_ENABLED",
        "TOKEN_TTL",
        "session-token-timeout",
        "PASSWORD_LENGTH",
        "AUTH_TOKEN_HEADER",
        "LOG_LEVEL",
        "USERNAME",
        "",
        42,
        None,
    ],
)
def test_not_sensitive(name: object) -> None:
    assert not DEFAULT_NAME_MATCHER.matches(name)


def test_name_options_extend_and_replace() -> None:
    extended = name_matcher({"extraSensitiveNames": ["PASSPHRASE"], "extraNonSensitiveSuffixes": ["_NAME"]})
    assert extended.matches("GPG_PASSPHRASE") and extended.matches("DB_PASSWORD")
    assert not extended.matches("TLS_SECRET_NAME")
    replaced = name_matcher({"sensitiveNames": ["^PIN$"], "nonSensitiveSuffixes": []})
    assert replaced.matches("pin") and not replaced.matches("DB_PASSWORD")
    assert not name_matcher({"sensitiveNames": []}).matches("DB_PASSWORD")


def test_normalise_name() -> None:
    assert normalise_name("dbPassword-file") == "DB_PASSWORD_FILE"
    assert normalise_name("tls.secret") == "TLS_SECRET"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        None,
        "<password>",
        "<>",
        "${DB_PASSWORD}",
        "{{ .Values.password }}",
        "{{.x}}",
        "CHANGEME",
        "changeme",
        "REPLACE_ME",
        "$(DB_PASSWORD)",
        "$(A)$(B)",
    ],
)
def test_placeholders(value: object) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["hunter2", "<a>b", "${A}x", "CHANGEME2", "$(A) x", True, 0, ["x"]])
def test_not_placeholders(value: object) -> None:
    assert not is_placeholder(value)


def test_placeholder_secret_value_decodes_base64() -> None:
    assert is_placeholder_secret_value(base64.b64encode(b"<CHANGEME>").decode())
    assert is_placeholder_secret_value(base64.b64encode(b"CHANGEME").decode())
    assert not is_placeholder_secret_value(base64.b64encode(b"hunter2").decode())
    assert not is_placeholder_secret_value("not base64 !")


def test_var_reference() -> None:
    assert is_var_reference("$(A)") and is_var_reference(" $(A)$(B_C) ")
    assert not is_var_reference("x$(A)") and not is_var_reference("$$")


@pytest.mark.parametrize("pattern_id", sorted(CREDENTIAL_PATTERNS))
def test_every_pattern_has_a_sample(pattern_id: str) -> None:
    hit = DEFAULT_SCANNER.find(f"prefix {SAMPLES[pattern_id]} suffix")
    assert hit is not None and hit.pattern_id == pattern_id


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "AKIAIOSFODNN7EXAMPL",  # 15 characters
        "XAKIAIOSFODNN7EXAMPLEX",
        "ghp_short",
        "xoxb-your-token-here",
        "AIzaShort",
        "eyJhbGciOiJIUzI1NiJ9",
        "https://user:${PASSWORD}@example.com",
        "https://user:$(PASSWORD)@example.com",
        "https://user:<password>@example.com",
        "https://user:****@example.com",
        "https://example.com:8443/a@b",
        "git@github.com:org/repo.git",
        "user:pass@host",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert DEFAULT_SCANNER.find(text) is None


def test_pattern_options() -> None:
    only_aws = credential_scanner({"credentialPatterns": {"aws-access-key-id": r"AKIA[A-Z0-9]{16}"}})
    assert only_aws.find(SAMPLES["github-token"]) is None
    hit = only_aws.find(SAMPLES["aws-access-key-id"])
    assert hit is not None and hit.kind == "AWS access key id"
    extra = credential_scanner({"extraCredentialPatterns": {"stripe": r"sk_live_[0-9a-zA-Z]{8,}"}})
    found = extra.find("sk_live_abcdefgh12")
    assert found is not None and found.kind == "credential (stripe)"
    disabled = credential_scanner({"disabledCredentialPatterns": ["jwt"]})
    assert disabled.find(SAMPLES["jwt"]) is None


def test_scan_reports_paths_never_values() -> None:
    data = {"a": [{"b": SAMPLES["github-token"]}], "skip": SAMPLES["jwt"], "n": 1}
    found = list(DEFAULT_SCANNER.scan(data, skip=[("skip",)]))
    assert [(path, hit.pattern_id) for path, hit in found] == [(("a", 0, "b"), "github-token")]
    for _, hit in found:
        assert SAMPLES["github-token"] not in repr(hit)


def test_describe_path_and_article() -> None:
    assert describe_path(("spec", "containers", 0, "env", 1, "value")) == "spec.containers[0].env[1].value"
    assert describe_path(("metadata", "annotations", "a.b/c")) == 'metadata.annotations["a.b/c"]'
    assert with_article("AWS access key id") == "an AWS access key id"
    assert with_article("GitHub token") == "a GitHub token"


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200))
def test_scanner_never_crashes_and_hits_are_in_text(text: str) -> None:
    hit = DEFAULT_SCANNER.find(text)
    if hit is not None:
        assert hit.pattern_id in CREDENTIAL_PATTERNS


@given(
    st.sampled_from(sorted(SAMPLES)),
    st.text(alphabet=" \n\t,;\"'=", max_size=5),
    st.text(alphabet=" \n\t,;\"'", max_size=5),
)
def test_samples_found_in_any_surrounding(pattern_id: str, before: str, after: str) -> None:
    hit = DEFAULT_SCANNER.find(before + SAMPLES[pattern_id] + after)
    assert hit is not None and hit.pattern_id == pattern_id


@given(
    st.from_regex(r"[A-Z][A-Z0-9_]{0,20}", fullmatch=True),
    st.sampled_from(["_FILE", "_PATH", "_DIR", "_ENABLED", "_TTL", "_TIMEOUT", "_LENGTH", "_HEADER"]),
)
def test_excluded_suffixes_always_win(stem: str, suffix: str) -> None:
    assert not DEFAULT_NAME_MATCHER.matches(stem + "_PASSWORD" + suffix)


def test_empty_replacement_switches_everything_off() -> None:
    assert credential_scanner({"credentialPatterns": {}}).find(SAMPLES["aws-access-key-id"]) is None


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "a" * 50_000 + "://" + "b" * 50_000,
        "x://" * 25_000,
        ("eyJ" + "a" * 50) * 2000,
        "xoxb-" + "1" * 100_000,
        "AKIA" * 25_000,
    ],
)
def test_scanner_is_linear_on_hostile_input(text: str) -> None:
    import time

    start = time.perf_counter()
    DEFAULT_SCANNER.find(text)
    assert time.perf_counter() - start < 2.0


@given(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters=":/@?#"), max_size=8),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/@?#"), min_size=1, max_size=8),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8),
)
def test_every_url_with_credentials_passes_the_anchors(before: str, user: str, password: str, after: str) -> None:
    """The scanner skips strings (and whole documents, by their marshal bytes) without an anchor:
    every text the url-credentials pattern finds must hold one, whatever the characters around."""
    import marshal
    import re

    from kubelint_py.k8s.credentials import _ANCHOR_RE
    from tests.helpers import ANCHOR_BYTES_RE

    text = f"{before}https://{user}:{password}@{after}"
    if re.search(CREDENTIAL_PATTERNS["url-credentials"][1], text) is None:
        return
    assert _ANCHOR_RE.search(text) is not None
    assert ANCHOR_BYTES_RE.search(marshal.dumps({"k": [text]})) is not None
