"""ingress-nginx-dangerous-annotation (rule-catalog §8)."""

from collections.abc import Callable, Iterator

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import (
    CLASS_OPTIONS_SCHEMA,
    annotation,
    host_problem,
    is_nginx_ingress,
    match_cn_problem,
    prefix_of,
    url_problem,
)
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

SNIPPETS = ("configuration-snippet", "server-snippet", "stream-snippet", "auth-snippet")
CHECKED: dict[str, Callable[[str], str | None]] = {
    "auth-url": url_problem,
    "auth-signin": url_problem,
    "mirror-target": url_problem,
    "mirror-host": host_problem,
    "auth-tls-match-cn": match_cn_problem,
}

_FAIL = ingress(
    annotations="""\
nginx.ingress.kubernetes.io/auth-url: "http://auth.prod.svc.cluster.local/check;}location /x{return 200;"
""",
    paths="",
)
_PASS = ingress(
    annotations="""\
nginx.ingress.kubernetes.io/auth-url: "https://auth.example.com/oauth2/auth"
nginx.ingress.kubernetes.io/auth-signin: "https://auth.example.com/oauth2/start?rd=$escaped_request_uri"
""",
    paths="",
)


@rule(
    id="ingress-nginx-dangerous-annotation",
    title="ingress-nginx annotation can inject controller configuration",
    document="securing-ingress",
    severity=Severity.ERROR,
    kinds=("Ingress",),
    security_severity="9.0",
    rationale="""
ingress-nginx copies snippet annotations (`configuration-snippet`, `server-snippet`,
`stream-snippet`, `auth-snippet`) verbatim into the nginx configuration of the whole controller,
and several other annotations are pasted into it too. Anyone allowed to create an Ingress can
then read files of the controller pod, including its service-account token, which can read every
Secret of the cluster (CVE-2021-25742, and the 2025 annotation-injection advisories
CVE-2025-1097, CVE-2025-1098, CVE-2025-24514). `auth-url`, `auth-signin` and `mirror-target` must
be plain http(s) URLs made only of `A-Za-z0-9-._~:/?[]@&+,=%$` (an allow-list: `;`, `#`, `|`,
quotes, braces, parentheses, backslashes, whitespace and newlines fail; `$` stays for nginx
variables such as `$host`); `mirror-host` is a host name in ingress-nginx (not a URL) and may
only use `A-Za-z0-9-._:[]$`; `auth-tls-match-cn` may only use `A-Za-z0-9-._*=,:/` and spaces.
Only Ingresses served by ingress-nginx are checked.
""",
    remediation='Remove snippet annotations (and keep `allow-snippet-annotations: "false"` in the controller '
    "ConfigMap); keep the other values to plain URLs and names.",
    examples=(_FAIL, _PASS),
    references=(
        "https://github.com/kubernetes/ingress-nginx/issues/7837",
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations-risk/",
        "https://kubernetes.io/blog/2025/03/24/ingress-nginx-cve-2025-1974/",
    ),
    options_schema={"type": "object", "additionalProperties": False, "properties": dict(CLASS_OPTIONS_SCHEMA)},
)
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
