"""ingress-auth-url-plaintext (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.nginx import annotation, is_nginx_ingress, prefix_of, url_host
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


@rule("ingress-auth-url-plaintext")
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
