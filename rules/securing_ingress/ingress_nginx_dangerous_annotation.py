"""ingress-nginx-dangerous-annotation (rule-catalog §8)."""

from collections.abc import Callable, Iterator

from kubelint_py.k8s.nginx import (
    annotation,
    host_problem,
    is_nginx_ingress,
    match_cn_problem,
    prefix_of,
    url_problem,
)
from kubelint_py.rule_api import Document, RuleContext, Violation, rule

SNIPPETS = ("configuration-snippet", "server-snippet", "stream-snippet", "auth-snippet")
CHECKED: dict[str, Callable[[str], str | None]] = {
    "auth-url": url_problem,
    "auth-signin": url_problem,
    "mirror-target": url_problem,
    "mirror-host": host_problem,
    "auth-tls-match-cn": match_cn_problem,
}


@rule("ingress-nginx-dangerous-annotation")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    prefix = prefix_of(ctx.options)
    for name in SNIPPETS:
        value, path = annotation(doc, name, prefix)
        if value is not None:
            yield Violation(
                f"uses the {name} annotation, which is pasted verbatim into the controller's nginx configuration", path
            )
    for name, validate in CHECKED.items():
        value, path = annotation(doc, name, prefix)
        if value is None or (isinstance(value, str) and not value):
            continue
        problem = validate(value) if isinstance(value, str) else "is not a string"
        if problem is not None:
            yield Violation(f"{name} {problem}: the value can inject nginx configuration", path)
