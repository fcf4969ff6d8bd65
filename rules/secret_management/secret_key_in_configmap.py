"""secret-key-in-configmap (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import NAME_OPTIONS_SCHEMA, is_placeholder, is_placeholder_secret_value, name_matcher
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: prod}
data:
  LOG_LEVEL: info
  SMTP_PASSWORD: "mail-Pa55"
"""
_PASS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: prod}
data:
  LOG_LEVEL: info
  SMTP_PASSWORD_FILE: /var/run/secrets/smtp/password
"""


@rule(
    id="secret-key-in-configmap",
    title="ConfigMap key holds a secret",
    document="secret-management",
    sensitive=True,
    severity=Severity.WARNING,
    kinds=("ConfigMap",),
    rationale="""
ConfigMaps are meant for non-confidential configuration: they are not encrypted at rest by the
usual EncryptionConfiguration (which names `secrets`), they are readable by many more roles
(`view` includes ConfigMaps but not Secrets), and they are printed freely by tooling. A key named
like a password, token or key with a real value puts that credential in all of those places.
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
    if doc.group != "":
        return
    matcher = name_matcher(ctx.options)
    for field in ("data", "binaryData"):
        for key, value in doc.mapping(field).items():
            if not matcher.matches(key):
                continue
            empty = is_placeholder_secret_value(value) if field == "binaryData" else is_placeholder(value)
            if empty or isinstance(value, bool):
                continue
            yield Violation(f'{field} key "{key}" is named like a credential and holds a value', (field, key))
