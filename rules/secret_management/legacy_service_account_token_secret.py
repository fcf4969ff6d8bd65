"""legacy-service-account-token-secret (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"

_FAIL = """\
apiVersion: v1
kind: Secret
metadata:
  name: ci-deployer-token
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: ci-deployer
type: kubernetes.io/service-account-token
"""
_PASS = """\
apiVersion: v1
kind: Pod
metadata: {name: ci-runner, namespace: ci}
spec:
  serviceAccountName: ci-deployer
  containers:
    - name: runner
      image: registry.example.com/ci-runner:1.8
      volumeMounts:
        - {name: token, mountPath: /var/run/secrets/tokens, readOnly: true}
  volumes:
    - name: token
      projected:
        sources:
          - serviceAccountToken: {path: token, expirationSeconds: 3600, audience: ci}
"""


@rule(
    id="legacy-service-account-token-secret",
    title="Long-lived service-account token Secret",
    document="secret-management",
    severity=Severity.WARNING,
    kinds=("v1/Secret",),
    rationale="""
A Secret of type `kubernetes.io/service-account-token` makes the token controller write a
token that never expires and is not bound to a pod: whoever copies it keeps the service
account's API access until the Secret is deleted. Since Kubernetes 1.24 such Secrets are no
longer created automatically, and 1.29+ labels unused ones for cleanup; pods get short-lived,
audience-bound tokens from the TokenRequest API through projected volumes instead.
""",
    remediation="Use TokenRequest (`kubectl create token`) or a projected serviceAccountToken volume instead.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token",
        "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("type") == SA_TOKEN_TYPE:
        account = doc.annotations().get("kubernetes.io/service-account.name")
        whose = f" for service account {quote(account)}" if isinstance(account, str) and account else ""
        yield Violation(f"is a long-lived, non-expiring service-account token Secret{whose}", ("type",))
