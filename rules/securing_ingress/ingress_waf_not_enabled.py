"""ingress-waf-not-enabled (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import ingress
from kubelint_py.k8s.nginx import (
    CLASS_OPTIONS_SCHEMA,
    CONFIGMAP_OPTIONS_SCHEMA,
    DEFAULT_CONFIGMAP_NAMES,
    annotation,
    has_annotation,
    is_nginx_ingress,
    parse_bool,
    prefix_of,
)
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule

_FAIL = ingress(paths="")
_PASS = ingress(
    annotations="""\
nginx.ingress.kubernetes.io/enable-modsecurity: "true"
nginx.ingress.kubernetes.io/enable-owasp-core-rules: "true"
""",
    paths="",
)


@rule(
    id="ingress-waf-not-enabled",
    title="No web application firewall on the Ingress",
    document="securing-ingress",
    severity=Severity.INFO,
    kinds=("Ingress",),
    cross_object=True,
    rationale="""
ingress-nginx ships ModSecurity with the OWASP Core Rule Set, which blocks common injection,
path traversal and scanner traffic before it reaches the application. It is enabled per Ingress
(`enable-modsecurity` and `enable-owasp-core-rules`, or a `modsecurity-snippet`) or for the
whole controller in its ConfigMap (`enable-modsecurity` and `enable-owasp-modsecurity-crs`).
The Ingress annotation wins over the ConfigMap (an Ingress with `enable-modsecurity: "false"`
opts out). The ConfigMap is only taken into account when it is part of the input.
""",
    remediation="Enable ModSecurity with the OWASP CRS (start in detection mode, then blocking), or put a WAF in "
    "front of the controller.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#modsecurity",
        "https://kubernetes.github.io/ingress-nginx/user-guide/third-party-addons/modsecurity/",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {**CLASS_OPTIONS_SCHEMA, **CONFIGMAP_OPTIONS_SCHEMA},
    },
)
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
