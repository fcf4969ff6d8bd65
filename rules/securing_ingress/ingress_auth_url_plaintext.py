"""ingress-auth-url-plaintext (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import CLASS_OPTIONS_SCHEMA, annotation, is_nginx_ingress, prefix_of, url_host
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = ingress(
    annotations="""\
nginx.ingress.kubernetes.io/auth-url: "http://auth.example.com/oauth2/auth"
""",
    paths="",
)


@rule(
    id="ingress-auth-url-plaintext",
    title="External authentication called over plain HTTP",
    document="securing-ingress",
    severity=Severity.WARNING,
    kinds=("Ingress",),
    rationale="""
For every request, ingress-nginx forwards the client's headers (cookies, `Authorization`) to the
`auth-url` endpoint. Over `http://` to a host outside the cluster, those credentials and the
authentication decision cross the network in clear text and can be read or forged. A
cluster-local Service name (ending in `.svc` or `.svc.<cluster domain>`) stays inside the
cluster network and is accepted. Only Ingresses served by ingress-nginx are checked.
""",
    remediation="Use `https://` for external authentication endpoints (or an in-cluster Service name).",
    examples=(_FAIL, _FAIL.replace("http://auth.example.com", "https://auth.example.com")),
    references=(
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#external-authentication",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **CLASS_OPTIONS_SCHEMA,
            "clusterDomains": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["cluster.local"],
                "description": "Cluster DNS domains: hosts ending in .svc.<domain> are in-cluster.",
            },
        },
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    value, path = annotation(doc, "auth-url", prefix_of(ctx.options))
    if not isinstance(value, str) or not value.strip().lower().startswith("http://"):
        return
    host = url_host(value.strip())
    suffixes = [".svc"] + [f".svc.{d.strip('.').lower()}" for d in ctx.options.get("clusterDomains", ["cluster.local"])]
    if any(host.endswith(s) for s in suffixes):
        return
    yield Violation(f"auth-url sends client credentials over plain HTTP to {quote(host)}", path)
