"""kubelint_py.k8s.encryption: EncryptionConfiguration parsing, precedence and key checks."""

from __future__ import annotations

import base64

import pytest

from kubelint_py.k8s.encryption import (
    covers_secrets,
    decoded_length,
    effective_entry,
    is_placeholder,
    keys,
    parse,
)


def _config(*entries: dict[str, object]) -> dict[str, object]:
    return {"resources": list(entries)}


def test_parse_providers_and_paths() -> None:
    (entry,) = parse(
        _config(
            {
                "resources": ["secrets"],
                "providers": [{"aescbc": {"keys": [{"name": "k", "secret": "x"}]}}, {"identity": {}}, "junk", {}],
            }
        )
    )
    assert [p.type for p in entry.providers] == ["aescbc", "identity"]
    assert entry.first is not None and entry.first.path == ("resources", 0, "providers", 0)
    (key,) = keys(entry.providers[0])
    assert key.name == "k" and key.path == ("resources", 0, "providers", 0, "aescbc", "keys", 0)
    assert parse({"resources": "nope"}) == []


def test_precedence_exact_then_group_wildcard_then_all() -> None:
    entries = parse(
        _config(
            {"resources": ["*.*"], "providers": [{"identity": {}}]},
            {"resources": ["*."], "providers": [{"secretbox": {}}]},
            {"resources": ["configmaps", "secrets"], "providers": [{"kms": {}}]},
        )
    )
    assert effective_entry(entries, "secrets") is entries[2]
    assert effective_entry(entries, "pods") is entries[1]
    assert effective_entry(entries, "deployments", "apps") is entries[0]
    assert effective_entry(parse(_config({"resources": ["secrets.example.com"]})), "secrets") is None
    assert covers_secrets(entries[0]) and covers_secrets(entries[1]) and covers_secrets(entries[2])
    assert not covers_secrets(parse(_config({"resources": ["*.apps"]}))[0])


@pytest.mark.parametrize("length", [1, 16, 24, 31, 32, 33])
def test_decoded_length(length: int) -> None:
    assert decoded_length(base64.b64encode(bytes(length)).decode()) == length


@pytest.mark.parametrize("bad", ["", "not base64!", "ZGVmZ2hpamtsbW5vcHFycw", "ZGVm ZGVm", 32, None])
def test_invalid_base64(bad: object) -> None:
    assert decoded_length(bad) is None


def test_newlines_ignored_like_go() -> None:
    text = base64.b64encode(bytes(32)).decode()
    assert decoded_length(text[:20] + "\n" + text[20:]) == 32


@pytest.mark.parametrize("value", ["<BASE 64 ENCODED SECRET>", "${KEY}", "{{ .Values.key }}", " <x> "])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["c2VjcmV0", "<half", "prefix ${KEY}", 42, None])
def test_not_placeholders(value: object) -> None:
    assert not is_placeholder(value)
