"""ingress-ssl-redirect-disabled (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.nginx import annotation, is_nginx_ingress, parse_bool, prefix_of
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("ingress-ssl-redirect-disabled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not doc.sequence("spec", "tls") or not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    prefix = prefix_of(ctx.options)
    redirect, path = annotation(doc, "ssl-redirect", prefix)
    forced, _ = annotation(doc, "force-ssl-redirect", prefix)
    if parse_bool(redirect) is False and parse_bool(forced) is not True:
        yield Violation('ssl-redirect is "false": the TLS hosts also answer on plain HTTP', path)
