"""ingress-sensitive-path-unrestricted (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import ingress, ingress_path
from kubelint_py.k8s.nginx import DEFAULT_PREFIX, has_annotation
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

DEFAULT_PATHS = ("/admin", "/internal", "/actuator", "/metrics", "/debug", "/manage", "/console", "/swagger")
DEFAULT_RESTRICTIONS = ("whitelist-source-range", "allowlist-source-range", "auth-url", "auth-type", "auth-tls-secret")

_FAIL = ingress(paths=ingress_path(path="/actuator", port=8081))
_PASS = ingress(
    annotations='nginx.ingress.kubernetes.io/allowlist-source-range: "10.0.0.0/8"\n',
    paths=ingress_path(path="/actuator", port=8081),
)


@rule(
    id="ingress-sensitive-path-unrestricted",
    title="Administrative path published without access control",
    document="securing-ingress",
    severity=Severity.WARNING,
    kind_groups=("ingress",),
    rationale="""
Paths such as `/admin`, `/actuator`, `/metrics`, `/debug` or `/swagger` expose management
functions, heap dumps, environment variables and internal API descriptions. Routed through a
public Ingress without a source-IP allow-list or external authentication, they are reachable by
anyone on the internet and are among the first things scanners try. The path prefixes
(case-insensitive) and the annotations that count as a restriction are configurable; the
default annotations are ingress-nginx's (`<prefix>/whitelist-source-range`,
`allowlist-source-range`, `auth-url`, `auth-type`, `auth-tls-secret`), and another
controller's can be added as full annotation names.
""",
    remediation="Restrict the path by source range or external authentication, or do not route it publicly.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#whitelist-source-range",
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.security",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "sensitivePaths": {
                "type": "array",
                "items": {"type": "string"},
                "default": list(DEFAULT_PATHS),
                "description": "Path prefixes (case-insensitive) that need a restriction.",
            },
            "restrictionAnnotations": {
                "type": "array",
                "items": {"type": "string"},
                "default": list(DEFAULT_RESTRICTIONS),
                "description": "Annotations that restrict access: short names get the ingress-nginx prefix, "
                "names containing '/' are used as they are.",
            },
            "annotationPrefix": {"type": "string", "default": DEFAULT_PREFIX},
        },
    },
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    prefix = str(ctx.options.get("annotationPrefix", DEFAULT_PREFIX))
    for name in ctx.options.get("restrictionAnnotations", DEFAULT_RESTRICTIONS):
        if "/" in name:
            value = doc.annotations().get(name)
            if value is not None and value != "":
                return
        elif has_annotation(doc, name, prefix):
            return
    sensitive = [p.lower() for p in ctx.options.get("sensitivePaths", DEFAULT_PATHS)]
    for i, entry in enumerate(doc.sequence("spec", "rules")):
        http = entry.get("http") if isinstance(entry, Mapping) else None
        paths = http.get("paths") if isinstance(http, Mapping) else None
        for j, item in enumerate(paths if isinstance(paths, list) else ()):
            path = item.get("path") if isinstance(item, Mapping) else None
            if isinstance(path, str) and any(path.lower().startswith(p) for p in sensitive):
                yield Violation(
                    f"routes the sensitive path {quote(path)} with no source-range or authentication restriction",
                    ("spec", "rules", i, "http", "paths", j, "path"),
                )
