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
from kubelint_py.rule_api import DocType, Document, FieldPath, RuleContext, Severity, Violation, rule

ENC_REF = "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"
KMS_REF = "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/"
SCOPE = (DocType.ENCRYPTION_CONFIG,)

# Example keys: 32 bytes of zeros (base64), obviously not a real secret.
_KEY32 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
_KMS = """\
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - kms:
          apiVersion: v2
          name: vault-kms
          endpoint: unix:///var/run/kms/socket.sock
          timeout: 3s
      - identity: {}
"""
_SECRETBOX = f"""\
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: "{_KEY32}"
      - identity: {{}}
"""
_IDENTITY_FIRST = """\
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - identity: {}
      - kms:
          apiVersion: v2
          name: vault-kms
          endpoint: unix:///var/run/kms/socket.sock
"""
_PLACEHOLDER_BOX = _SECRETBOX.replace(f'"{_KEY32}"', '"${ENCRYPTION_KEY}"')


def _related(doc: Document, ctx: RuleContext) -> tuple[tuple[Document, FieldPath, str], ...]:
    return tuple(
        (pod, path, "loaded by kube-apiserver --encryption-provider-config here")
        for pod, path in referrers(doc, ctx.lint.documents, "kube-apiserver", "encryption-provider-config")
    )


def _describe(resources: tuple[str, ...]) -> str:
    return ", ".join(resources) if resources else "no resources"


@rule(
    id="encryption-identity-first",
    title="New writes are stored unencrypted (identity provider first)",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
The first provider of an entry encrypts every new write of its resources. With `identity`
first, Secrets (or whatever the entry lists) reach etcd in plain base64: anyone with the etcd
data directory, a snapshot or a backup reads them. `identity` belongs only later in the list,
to read data written before encryption was enabled.
""",
    remediation="Put `kms` (apiVersion v2), `secretbox`, `aesgcm` or `aescbc` first; keep `identity` last.",
    examples=(_IDENTITY_FIRST, _KMS),
    references=(ENC_REF, "CIS Kubernetes Benchmark 1.2.27"),
)
def check_identity_first(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for entry in parse(doc.data):
        first = entry.first
        if first is not None and first.type == "identity":
            yield Violation(
                f"the first provider for {_describe(entry.resources)} is identity: new writes are stored unencrypted",
                first.path,
                _related(doc, ctx),
            )


@rule(
    id="encryption-secrets-not-covered",
    title="Secrets are not encrypted at rest",
    document="securing-etcd",
    severity=Severity.ERROR,
    doc_types=SCOPE,
    cross_object=True,
    rationale="""
An EncryptionConfiguration protects only the resources its entries name. kube-apiserver uses
the entry naming `secrets` (else `*.`, else `*.*`, accepted from v1.27) and encrypts with its
first provider; when there is no such entry, or its first provider is `identity`, Secrets are
written to etcd in plain base64 even though encryption at rest looks configured.
""",
    remediation="Add `secrets` to an entry whose first provider is a real encryption provider.",
    examples=(_KMS.replace('["secrets"]', '["configmaps"]'), _KMS),
    references=(ENC_REF,),
)
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


@rule(
    id="encryption-provider-not-recommended",
    title="Secrets are encrypted with a provider that is not recommended",
    document="securing-etcd",
    severity=Severity.WARNING,
    doc_types=SCOPE,
    rationale="""
`aescbc` is vulnerable to padding-oracle attacks and the Kubernetes documentation no longer
recommends it. `aesgcm` is only safe with an automated rotation scheme: its nonces are
random, so a key must be rotated every 200,000 writes. Both keep the key in a file on the
control-plane node next to the data it protects. KMS v2 (envelope encryption with the key in
an external KMS) is the recommended provider; `secretbox` is acceptable without a KMS.
""",
    remediation="Prefer `kms` with `apiVersion: v2`; `secretbox` is acceptable without KMS.",
    examples=(_SECRETBOX.replace("secretbox:", "aescbc:"), _SECRETBOX),
    references=(ENC_REF + "#providers",),
)
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


@rule(
    id="encryption-kms-v1",
    title="KMS provider uses the deprecated v1 API",
    document="securing-etcd",
    severity=Severity.WARNING,
    doc_types=SCOPE,
    category="correctness",
    rationale="""
KMS v1 is deprecated since v1.28 and disabled by default since v1.29 (feature gate
`KMSv1`): a kube-apiserver upgraded past that point with a v1 provider first cannot decrypt
or write Secrets unless the gate is re-enabled. KMS v1 also calls the plugin for every
read, which limits throughput. A `kms` provider without `apiVersion` is v1.
""",
    remediation="Migrate to `apiVersion: v2` (run a v2 plugin, add it first, re-encrypt, then remove v1).",
    examples=(_KMS.replace("          apiVersion: v2\n", ""), _KMS),
    references=(KMS_REF,),
)
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


@rule(
    id="encryption-key-invalid",
    title="Encryption key is invalid",
    document="securing-etcd",
    sensitive=True,
    severity=Severity.ERROR,
    doc_types=SCOPE,
    category="correctness",
    rationale="""
kube-apiserver refuses to start when a key is not valid base64, decodes to a length the
cipher does not accept (AES: 16, 24 or 32 bytes; secretbox: exactly 32), a provider has no
keys, or two keys of one provider share a name: the control plane goes down at the next
restart. Placeholders (`<...>`, `${...}`, `{{ ... }}`) are template slots and are not
checked. The key itself is never printed.
""",
    remediation="Generate a 32-byte random key (`head -c 32 /dev/urandom | base64`) with a unique name.",
    examples=(_SECRETBOX.replace(_KEY32, "c2hvcnQ="), _SECRETBOX),
    references=(ENC_REF,),
)
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


@rule(
    id="encryption-key-short",
    title="AES encryption key shorter than 32 bytes",
    document="securing-etcd",
    sensitive=True,
    severity=Severity.WARNING,
    doc_types=SCOPE,
    rationale="""
A 16- or 24-byte key selects AES-128 or AES-192. Both are accepted, but every Secret in
etcd is protected by this single key for its whole lifetime; 32-byte (AES-256) keys are the
documented recommendation and cost nothing extra.
""",
    remediation="Use 32-byte keys.",
    examples=(
        _SECRETBOX.replace("secretbox:", "aesgcm:").replace(_KEY32, "AAAAAAAAAAAAAAAAAAAAAA=="),
        _SECRETBOX.replace("secretbox:", "aesgcm:"),
    ),
    references=(ENC_REF,),
)
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


@rule(
    id="encryption-key-material-inline",
    title="Encryption key material is stored in the file",
    document="securing-etcd",
    sensitive=True,
    severity=Severity.WARNING,
    doc_types=SCOPE,
    rationale="""
An `aescbc`, `aesgcm` or `secretbox` key in the EncryptionConfiguration decrypts every Secret
in etcd. Such a file committed to a repository, packaged in a chart or copied into a backup
next to the etcd snapshot gives whoever reads it all the Secrets encryption was meant to
protect. Placeholders (`<...>`, `${...}`, `{{ ... }}`) filled in at deploy time are not
reported. The key is never printed.
""",
    remediation="Keep the file only on control-plane nodes (root-only, 0600) or switch to KMS v2.",
    examples=(_SECRETBOX, _PLACEHOLDER_BOX),
    references=(ENC_REF, KMS_REF),
    category="security",
)
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
