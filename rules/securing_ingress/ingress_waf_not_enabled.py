"""ingress-waf-not-enabled (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.nginx import (
    DEFAULT_CONFIGMAP_NAMES,
    annotation,
    has_annotation,
    is_nginx_ingress,
    parse_bool,
    prefix_of,
)
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("ingress-waf-not-enabled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not is_nginx_ingress(doc, ctx.of_kind("IngressClass"), ctx.options):
        return
    prefix = prefix_of(ctx.options)
    if has_annotation(doc, "modsecurity-snippet", prefix):
        return
    names = ctx.options.get("controllerConfigMaps", DEFAULT_CONFIGMAP_NAMES)
    config = next(
        (c for name in names for c in ctx.lint.named_anywhere("ConfigMap", name) if c.api_version == "v1"), None
    )
    global_modsec = parse_bool(config.value("data", "enable-modsecurity")) if config is not None else None
    global_crs = parse_bool(config.value("data", "enable-owasp-modsecurity-crs")) if config is not None else None
    modsec_value, modsec_path = annotation(doc, "enable-modsecurity", prefix)
    crs_value, _ = annotation(doc, "enable-owasp-core-rules", prefix)
    modsec = parse_bool(modsec_value)
    modsec_on = modsec if modsec is not None else global_modsec is True
    crs_on = parse_bool(crs_value) is True or global_crs is True
    if modsec_on and crs_on:
        return
    if modsec is False:
        yield Violation('enable-modsecurity is "false": the WAF is switched off for this Ingress', modsec_path)
        return
    where = (
        "neither on the Ingress nor in the controller ConfigMap"
        if config is not None
        else "on the Ingress (the controller ConfigMap is not in the input)"
    )
    missing = "ModSecurity with the OWASP Core Rule Set" if not modsec_on else "the OWASP Core Rule Set"
    related = ((config, ("data",), "controller ConfigMap"),) if config is not None else ()
    yield Violation(f"{missing} is not enabled {where}", ("metadata", "annotations"), related=related)
