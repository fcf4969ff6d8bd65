"""ingress-tls-secret-missing (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import ingress, stream
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

TLS_TYPE = "kubernetes.io/tls"
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")

_FAIL = stream(
    """\
apiVersion: v1
kind: Secret
metadata: {name: other-tls, namespace: prod}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
""",
    ingress(
        spec="""\
ingressClassName: nginx
tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
"""
    ),
)
_PASS = ingress(
    annotations="cert-manager.io/cluster-issuer: letsencrypt\n",
    spec="""\
ingressClassName: nginx
tls:
  - hosts: [shop.example.com]
    secretName: shop-tls
""",
)


def _is_tls_secret(secret: Document) -> bool:
    if secret.value("type") == TLS_TYPE:
        return True
    keys = set(secret.mapping("data")) | set(secret.mapping("stringData"))
    return {"tls.crt", "tls.key"} <= keys


@rule(
    id="ingress-tls-secret-missing",
    title="Ingress TLS entry has no usable certificate Secret",
    document="securing-ingress",
    severity=Severity.ERROR,
    kind_groups=("ingress",),
    cross_object=True,
    rationale="""
A `tls` entry whose certificate Secret does not exist makes the controller fall back to its
default certificate (ingress-nginx: a self-signed "Kubernetes Ingress Controller Fake
Certificate"): browsers reject the host and API clients either fail or get trained to skip
verification. A `tls` entry without `secretName` always uses the default certificate (cert-manager
cannot issue for it either; suppress when the default certificate is intended). The
lookup accepts a `kubernetes.io/tls` Secret, any Secret carrying `tls.crt` and `tls.key` (which
ingress-nginx also loads), or a cert-manager Certificate writing that Secret; a cert-manager
issuer annotation on the Ingress also counts, and so does any other producer of the Secret in
the input: an external-secrets `ExternalSecret`/`ClusterExternalSecret` target, a Bitnami
`SealedSecret`, a workload allowed to create Secrets in the namespace (RBAC), and, unless
--assume-complete, an operator's custom resources in the namespace or a file of the directory
that did not load. The lookup only runs when the input holds at least one TLS Secret or
Certificate (or with --assume-complete).
""",
    remediation="Create the TLS Secret in the Ingress namespace, or let cert-manager issue it "
    "(`cert-manager.io/cluster-issuer` annotation).",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
        "https://cert-manager.io/docs/usage/ingress/",
        "https://kubernetes.github.io/ingress-nginx/user-guide/tls/#default-ssl-certificate",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    annotations = doc.annotations()
    issuer = any(isinstance(annotations.get(k), str) and annotations.get(k) for k in CERT_MANAGER_ANNOTATIONS)
    namespace = ctx.namespace_of(doc)
    certificates = ctx.lint.cached(
        "cert-manager certificates", lambda: [c for c in ctx.of_kind("Certificate") if c.group == "cert-manager.io"]
    )
    has_tls_secrets = ctx.lint.cached(
        "has TLS secrets", lambda: any(s.api_version == "v1" and _is_tls_secret(s) for s in ctx.of_kind("Secret"))
    )
    guard = ctx.assume_complete or bool(certificates) or has_tls_secrets
    for i, entry in enumerate(doc.sequence("spec", "tls")):
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("secretName")
        if not isinstance(name, str) or not name:
            yield Violation(
                f"spec.tls[{i}] has no secretName: its hosts get the controller's default "
                "certificate (cert-manager also needs the name to issue one)",
                ("spec", "tls", i),
            )
            continue
        if issuer or not guard:
            continue
        secret = ctx.get("Secret", namespace, name)
        if secret is not None and secret.api_version == "v1" and _is_tls_secret(secret):
            continue
        if any(ctx.namespace_of(c) == namespace and c.value("spec", "secretName") == name for c in certificates):
            continue
        if secret is None and ctx.lint.may_exist(
            "Secret", namespace, name, near=doc, assume_complete=ctx.assume_complete
        ):
            continue
        related = ((secret, ("type",), "Secret of that name is not a TLS Secret"),) if secret is not None else ()
        problem = (
            "is not a TLS Secret"
            if secret is not None
            else "exists neither as a TLS Secret nor as a cert-manager Certificate's secretName"
        )
        yield Violation(
            f"spec.tls[{i}].secretName {quote(name)} {problem} in namespace {quote(namespace)}",
            ("spec", "tls", i, "secretName"),
            related=related,
        )
