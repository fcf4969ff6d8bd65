"""ingress-tls-secret-missing (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

TLS_TYPE = "kubernetes.io/tls"
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")


def _is_tls_secret(secret: Document) -> bool:
    if secret.value("type") == TLS_TYPE:
        return True
    keys = set(secret.mapping("data")) | set(secret.mapping("stringData"))
    return {"tls.crt", "tls.key"} <= keys


@rule("ingress-tls-secret-missing")
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
