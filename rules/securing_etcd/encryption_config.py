"""EncryptionConfiguration rules (rule-catalog §7.3). Key material is never echoed: messages
name the provider and the key's `name`, never its `secret`."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.k8s.encryption import (
    KEY_PROVIDERS,
    Key,
    covers_secrets,
    decoded_length,
    effective_entry,
    is_placeholder,
    keys,
    parse,
)
from kubelint_py.k8s.flags import referrers
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule

# Example keys: 32 bytes of zeros (base64), obviously not a real secret.


def _related(doc: Document, ctx: RuleContext) -> tuple[tuple[Document, FieldPath, str], ...]:
    return tuple(
        (pod, path, "loaded by kube-apiserver --encryption-provider-config here")
        for pod, path in referrers(doc, ctx.lint.documents, "kube-apiserver", "encryption-provider-config")
    )


def _describe(resources: tuple[str, ...]) -> str:
    return ", ".join(resources) if resources else "no resources"


@rule("encryption-identity-first")
def check_identity_first(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        first = entry.first
        if first is not None and first.type == "identity":
            yield Violation(
                f"the first provider for {_describe(entry.resources)} is identity: new writes are stored unencrypted",
                first.path,
                _related(doc, ctx),
            )


@rule("encryption-secrets-not-covered")
def check_secrets_covered(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    entries = parse(doc.data)
    entry = effective_entry(entries, "secrets")
    if entry is None:
        path: FieldPath = ("resources",) if doc.has("resources") else ()
        yield Violation("no resources[] entry covers secrets: they are stored unencrypted", path, _related(doc, ctx))
        return
    first = entry.first
    if first is None:
        yield Violation("the entry covering secrets has no providers", entry.path, _related(doc, ctx))
    elif first.type == "identity":
        yield Violation(
            "the entry covering secrets has identity as its first provider: they are stored unencrypted",
            (*entry.path, "resources"),
            _related(doc, ctx),
        )


@rule("encryption-provider-not-recommended")
def check_provider(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        first = entry.first
        if first is None or not covers_secrets(entry):
            continue
        if first.type == "aescbc":
            yield Violation(
                "secrets are encrypted with aescbc: CBC padding-oracle weakness, not recommended", first.path
            )
        elif first.type == "aesgcm":
            yield Violation(
                "secrets are encrypted with aesgcm: only safe with automated key rotation "
                "(rotate every 200,000 writes)",
                first.path,
            )


@rule("encryption-kms-v1")
def check_kms_v1(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        for provider in entry.providers:
            if provider.type != "kms":
                continue
            version = provider.config.get("apiVersion")
            name = provider.config.get("name")
            label = f' "{name}"' if isinstance(name, str) else ""
            if version is None or version == "v1":
                where: FieldPath = (*provider.path, "kms", "apiVersion") if version is not None else provider.path
                yield Violation(f"kms provider{label} uses KMS v1 (deprecated, disabled by default since v1.29)", where)


def _key_anchor(key: Key) -> FieldPath:
    """Where a key finding points: the key's `name` (its list item when unnamed), never the
    `secret` line, so `--show-source` cannot print key material for block-style YAML."""
    return (*key.path, "name") if key.name is not None else key.path


def _key_label(provider_type: str, name: str | None, number: int) -> str:
    return f'{provider_type} key "{name}"' if name else f"{provider_type} key #{number}"


@rule("encryption-key-invalid")
def check_key_invalid(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        for provider in entry.providers:
            lengths = KEY_PROVIDERS.get(provider.type)
            if lengths is None:
                continue
            found = keys(provider)
            if not found:
                yield Violation(f"{provider.type} provider has no keys", provider.path)
                continue
            names = [key.name for key in found if key.name is not None]
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                listed = ", ".join(f'"{name}"' for name in duplicates)
                yield Violation(
                    f"{provider.type} provider defines key name {listed} more than once",
                    (*provider.path, provider.type, "keys"),
                )
            for number, key in enumerate(found):
                label = _key_label(provider.type, key.name, number)
                if is_placeholder(key.secret):
                    continue
                length = decoded_length(key.secret)
                if length is None:
                    yield Violation(f"{label} is not valid base64", _key_anchor(key))
                elif length not in lengths:
                    allowed = ", ".join(str(n) for n in lengths)
                    yield Violation(f"{label} decodes to {length} bytes (must be {allowed})", _key_anchor(key))


@rule("encryption-key-short")
def check_key_short(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        for provider in entry.providers:
            if provider.type not in ("aescbc", "aesgcm"):
                continue
            for number, key in enumerate(keys(provider)):
                if is_placeholder(key.secret):
                    continue
                length = decoded_length(key.secret)
                if length in (16, 24):
                    yield Violation(
                        f"{_key_label(provider.type, key.name, number)} is {length} bytes (AES-{length * 8}); use 32",
                        _key_anchor(key),
                    )


@rule("encryption-key-material-inline")
def check_inline(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        for provider in entry.providers:
            if provider.type not in KEY_PROVIDERS:
                continue
            for number, key in enumerate(keys(provider)):
                secret = key.secret
                if isinstance(secret, str) and secret.strip() and not is_placeholder(secret):
                    yield Violation(
                        f"{_key_label(provider.type, key.name, number)} holds real key material (value not shown)",
                        _key_anchor(key),
                    )
