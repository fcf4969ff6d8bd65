"""credential-pattern-in-manifest (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import (
    PATTERN_OPTIONS_SCHEMA,
    credential_scanner,
    decode_base64,
    describe_path,
    with_article,
)
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_FAIL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: prod}
data:
  DATABASE_URL: "postgres://app:Tr0ub4dor-3@db.prod.svc:5432/app"
"""
_PASS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: prod}
data:
  DATABASE_URL: "postgres://db.prod.svc:5432/app"
  DATABASE_PASSWORD_FILE: /var/run/secrets/db/password
"""


@rule(
    id="credential-pattern-in-manifest",
    title="Credential value in a manifest",
    document="secret-management",
    sensitive=True,
    severity=Severity.ERROR,
    security_severity="8.5",
    rationale="""
A string that has the shape of a real credential (a PEM private key, an AWS access key id, a
GitHub, Slack or Google API token, a JSON Web Token, or a URL with `user:password@`) sits in an
object that is not a Secret: an environment value, a command line, ConfigMap data, an annotation
or a label. Everyone who can read that object (and Git, CI logs and backups) has the credential,
and it is valid until rotated. The finding names the field and the kind of credential, never the
value. The `kubectl.kubernetes.io/last-applied-configuration` annotation is not scanned (it
repeats the object); Secrets are covered by `secret-plaintext-in-source`.
""",
    remediation="Remove the credential, rotate it, and deliver it through a Secret or external secret store.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(PATTERN_OPTIONS_SCHEMA)},
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Secret" and doc.group == "":
        return
    scanner = credential_scanner(ctx.options)
    skip: list[FieldPath] = [("metadata", "annotations", LAST_APPLIED)]
    if doc.kind == "ConfigMap":
        skip.append(("binaryData",))
        for key, value in doc.mapping("binaryData").items():
            decoded = decode_base64(value)
            hit = scanner.find(decoded) if decoded is not None else None
            if hit is not None:
                path: FieldPath = ("binaryData", str(key))
                yield Violation(f"{describe_path(path)} (base64-decoded) contains {with_article(hit.kind)}", path)
    for path, hit in scanner.scan(doc.data, skip=skip):
        yield Violation(f"{describe_path(path)} contains {with_article(hit.kind)}", path)
