"""secret-plaintext-in-source (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import is_placeholder, is_placeholder_secret_value
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"

_FAIL = """\
apiVersion: v1
kind: Secret
metadata: {name: api-db, namespace: prod}
type: Opaque
data:
  password: VHIwdWI0ZG9yLTM=
"""
_PASS = """\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: api-db, namespace: prod}
spec:
  encryptedData:
    password: AgBy8hCi8TYsz2D1NzU3dGtcnL1ZmNjRnXRpGYp6Pq0Hkh2Vd8QW
"""


@rule(
    id="secret-plaintext-in-source",
    title="Secret with real values committed in plain text",
    document="secret-management",
    sensitive=True,
    severity=Severity.WARNING,
    kinds=("v1/Secret",),
    rationale="""
`data` in a Secret is base64, an encoding anyone reverses with `base64 -d`; `stringData` is
plain text. A Secret manifest with real values in a repository or chart hands the credentials to
everyone with read access to the repository, its forks, CI logs and backups, for as long as the
history exists. Entries that are placeholders (empty, `<...>`, `${...}`, `{{ ... }}`, `CHANGEME`,
`REPLACE_ME`, also after base64 decoding) are not reported; a service-account-token Secret with no
data is filled in by the cluster and is exempt. Secrets rendered by Helm (a `# Source:`
header) are not judged: their values come from the chart's values or are generated at render
time (`randAlphaNum`, `genCA`), so the rendered text says nothing about what is committed.
""",
    remediation="Commit a SealedSecret or a SOPS-encrypted file, or an ExternalSecret that pulls from a store.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://github.com/bitnami-labs/sealed-secrets",
        "https://external-secrets.io/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.helm_source is not None:
        return
    for field in ("data", "stringData"):
        entries = doc.mapping(field)
        placeholder = is_placeholder_secret_value if field == "data" else is_placeholder
        real = [str(k) for k, v in entries.items() if not placeholder(v) and not isinstance(v, bool)]
        if not real:
            continue
        keys = ", ".join(f'"{k}"' for k in real[:5]) + (f" and {len(real) - 5} more" if len(real) > 5 else "")
        encoding = "base64, not encrypted" if field == "data" else "plain text"
        noun = "key" if len(real) == 1 else "keys"
        verb = "holds a value" if len(real) == 1 else "hold values"
        yield Violation(f"{field} {noun} {keys} {verb} in the manifest ({encoding})", (field,))
