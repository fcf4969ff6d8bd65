"""ingress-no-rate-limit (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import CLASS_OPTIONS_SCHEMA, annotation, is_nginx_ingress, parse_int, prefix_of
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

LIMIT_ANNOTATIONS = ("limit-rps", "limit-rpm", "limit-connections")

_FAIL = ingress(paths="")
_PASS = ingress(
    annotations="""\
nginx.ingress.kubernetes.io/limit-rps: "20"
nginx.ingress.kubernetes.io/limit-connections: "10"
""",
    paths="",
)


@rule(
    id="ingress-no-rate-limit",
    title="Ingress has no rate or connection limit",
    document="securing-ingress",
    severity=Severity.INFO,
    kinds=("Ingress",),
    rationale="""
Without `limit-rps`, `limit-rpm` or `limit-connections`, one client can send as many requests
as the controller accepts: credential stuffing, scraping and application-level floods reach the
backend unthrottled and a single abuser can exhaust the backend's capacity for everyone.
ingress-nginx applies the limits per client IP. A value counts only when it is a positive
integer (ingress-nginx ignores anything else). Only Ingresses served by ingress-nginx are checked.
""",
    remediation='Add per-client limits, e.g. `nginx.ingress.kubernetes.io/limit-rps: "20"` and '
    '`limit-connections: "10"`.',
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#rate-limiting",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(CLASS_OPTIONS_SCHEMA)},
)
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
