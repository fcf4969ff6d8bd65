"""ingress-sensitive-path-unrestricted (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.nginx import DEFAULT_PREFIX, has_annotation
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

DEFAULT_PATHS = ("/admin", "/internal", "/actuator", "/metrics", "/debug", "/manage", "/console", "/swagger")
DEFAULT_RESTRICTIONS = ("whitelist-source-range", "allowlist-source-range", "auth-url", "auth-type", "auth-tls-secret")


@rule("ingress-sensitive-path-unrestricted")
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
