"""secret-key-in-configmap (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import NAME_OPTIONS_SCHEMA, decode_base64, name_matcher
from kubelint_py.k8s.literals import names_password, non_credential_reason, setting_name_reason
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: prod}
data:
  LOG_LEVEL: info
  SMTP_PASSWORD: "mail-Pa55"
"""
_PASS = _FAIL.replace('  SMTP_PASSWORD: "mail-Pa55"\n', "  SMTP_PASSWORD_FILE: /var/run/secrets/smtp/password\n")


@rule(
    id="secret-key-in-configmap",
    title="ConfigMap key holds a secret",
    document="secret-management",
    sensitive=True,
    severity=Severity.WARNING,
    kinds=("v1/ConfigMap",),
    rationale="""
ConfigMaps are meant for non-confidential configuration: they are not encrypted at rest by the
usual EncryptionConfiguration (which names `secrets`), they are readable by many more roles
(`view` includes ConfigMaps but not Secrets), and they are printed freely by tooling. A key named
like a password, token or key with a real value puts that credential in all of those places.
Values that cannot be a credential are not reported (`binaryData` is judged decoded): empty or
under three characters, booleans and switch words, numbers of up to five digits unless the key
names a password, durations, file paths, URLs without credentials, references resolved at run
time (`${VAR}`, `secret://`, Secret Manager names, Vault paths) and templating placeholders
(`<...>`, `{{ ... }}`, `REPLACE_ME`); nor keys that describe a setting around a secret
(`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`, `DB_SECRET_NAME`, `*_PASSWORD_FILE`). Plausible defaults
(`changeme`, `admin`) are reported: they run as the real password when nobody overrides them.
""",
    remediation="Store the value in a Secret or external secret store and reference that instead.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/configmap/",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(NAME_OPTIONS_SCHEMA)},
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    matcher = name_matcher(ctx.options)
    for field in ("data", "binaryData"):
        for key, value in doc.mapping(field).items():
            if not matcher.matches(key):
                continue
            text = _decoded(value) if field == "binaryData" else value
            if text is not _BINARY and not _could_leak(key, text):
                continue
            yield Violation(f'{field} key "{key}" is named like a credential and holds a value', (field, key))


_BINARY = object()


def _decoded(value: object) -> object:
    """A binaryData value as text when it decodes to UTF-8; `_BINARY` for binary key material."""
    if not isinstance(value, str) or not value.strip():
        return value
    decoded = decode_base64(value)
    return _BINARY if decoded is None else decoded


def _could_leak(key: str, value: object) -> bool:
    """The `data` value under the sensitive key could be a credential."""
    if setting_name_reason(key, value) is not None:
        return False
    return non_credential_reason(value, password_name=names_password(key)) is None
