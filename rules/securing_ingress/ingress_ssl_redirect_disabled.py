"""ingress-ssl-redirect-disabled (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import CLASS_OPTIONS_SCHEMA, annotation, is_nginx_ingress, parse_bool, prefix_of
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = ingress(
    annotations='nginx.ingress.kubernetes.io/ssl-redirect: "false"\n',
    spec="""\
ingressClassName: nginx
tls:
  - {hosts: [shop.example.com], secretName: shop-tls}
""",
    paths="",
)
_PASS = ingress(
    spec="""\
ingressClassName: nginx
tls:
  - {hosts: [shop.example.com], secretName: shop-tls}
""",
    paths="",
)


@rule(
    id="ingress-ssl-redirect-disabled",
    title="HTTP to HTTPS redirect switched off",
    document="securing-ingress",
    severity=Severity.WARNING,
    kinds=("Ingress",),
    rationale="""
ingress-nginx redirects HTTP to HTTPS (308) for every Ingress with TLS unless
`ssl-redirect: "false"` is set: the host then answers on plain HTTP as well, so a user who types
the name, or an attacker who strips TLS, gets an unencrypted session with the same cookies.
`force-ssl-redirect: "true"` wins over `ssl-redirect: "false"` in ingress-nginx and is accepted;
`force-ssl-redirect: "false"` alone is the default and does not disable the normal redirect,
so it is not reported. Booleans are read like ingress-nginx reads them (Go ParseBool). Only
Ingresses served by ingress-nginx are checked.
""",
    remediation='Remove the `ssl-redirect: "false"` override so HTTP is redirected to HTTPS.',
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#server-side-https-enforcement-through-redirect",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(CLASS_OPTIONS_SCHEMA)},
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not doc.sequence("spec", "tls") or not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    prefix = prefix_of(ctx.options)
    redirect, path = annotation(doc, "ssl-redirect", prefix)
    forced, _ = annotation(doc, "force-ssl-redirect", prefix)
    if parse_bool(redirect) is False and parse_bool(forced) is not True:
        yield Violation('ssl-redirect is "false": the TLS hosts also answer on plain HTTP', path)
