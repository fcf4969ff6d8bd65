"""ingress-no-rate-limit (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.nginx import annotation, is_nginx_ingress, parse_int, prefix_of
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

LIMIT_ANNOTATIONS = ("limit-rps", "limit-rpm", "limit-connections")


@rule("ingress-no-rate-limit")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    prefix = prefix_of(ctx.options)
    for name in LIMIT_ANNOTATIONS:
        value, _ = annotation(doc, name, prefix)
        number = parse_int(value)
        if number is not None and number > 0:
            return
    yield Violation(
        "sets none of limit-rps, limit-rpm or limit-connections to a positive number: clients are not rate limited",
        ("metadata", "annotations"),
    )
