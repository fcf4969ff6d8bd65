"""sealed-secret-wide-scope (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

SCOPES = {
    "sealedsecrets.bitnami.com/cluster-wide": "under any name in any namespace",
    "sealedsecrets.bitnami.com/namespace-wide": "under any name in its namespace",
}

_FAIL = """\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: api-db
  namespace: prod
  annotations:
    sealedsecrets.bitnami.com/cluster-wide: "true"
spec:
  encryptedData:
    password: AgBy8hCi8TYsz2D1NzU3dGtcnL1ZmNjRnXRpGYp6Pq0Hkh2Vd8QW
"""
_PASS = _FAIL.replace('  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: "true"\n', "")


@rule(
    id="sealed-secret-wide-scope",
    title="SealedSecret can be unsealed outside its name and namespace",
    document="secret-management",
    severity=Severity.INFO,
    kinds=("bitnami.com/SealedSecret",),
    rationale="""
By default (strict scope) the controller only decrypts a SealedSecret under the name and
namespace it was sealed for, because both are mixed into the encryption. With the
`cluster-wide` or `namespace-wide` annotation, anyone who can create a SealedSecret (often any
namespace owner) can copy the ciphertext from Git into a namespace or name they control and
have the controller decrypt it for them.
""",
    remediation="Reseal with the default strict scope (`kubeseal --scope strict`).",
    examples=(_FAIL, _PASS),
    references=("https://github.com/bitnami-labs/sealed-secrets#scopes",),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    annotations = doc.annotations()
    for key, where in SCOPES.items():
        if annotations.get(key) == "true":
            yield Violation(
                f'{key} is "true": the ciphertext can be unsealed {where}', ("metadata", "annotations", key)
            )
