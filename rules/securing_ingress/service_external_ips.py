"""service-external-ips (rule-catalog §8)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import service
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

_FAIL = service(
    name="shop", namespace="prod", after="externalIPs: [198.51.100.20]\n", ports="- {port: 443, targetPort: 8443}\n"
)

_PASS = service(
    name="shop",
    namespace="prod",
    spec="""\
type: LoadBalancer
loadBalancerSourceRanges: [203.0.113.0/24]
""",
    ports="- {port: 443, targetPort: 8443}\n",
)

_SHOWN = 3  # addresses named in the message


def _addresses(items: list[object]) -> str:
    shown = ", ".join(quote(item) for item in items[:_SHOWN])
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return f"{shown}{more}"


def _not_proxied(doc: Document) -> bool:
    """kube-proxy skips headless and ExternalName Services (proxy/util.ShouldSkipService)."""
    return doc.value("spec", "type") == "ExternalName" or doc.value("spec", "clusterIP") == "None"


@rule(
    id="service-external-ips",
    title="Service claims traffic for external IPs",
    document="securing-ingress",
    severity=Severity.WARNING,
    kinds=("v1/Service",),
    rationale="""
kube-proxy routes every packet addressed to an IP of `spec.externalIPs`, on every node, to the
Service's pods, and the API server does not check who owns that address. Whoever may create or
edit a Service can so intercept traffic meant for any IP, another tenant's or an external
server's included, as described in CVE-2020-8554; only the `DenyServiceExternalIPs` admission
plugin or an admission policy stops it. A manifest that relies on externalIPs also needs that
door left open on its cluster, and its traffic bypasses the ingress controller's TLS, WAF and
rate limits. Any non-empty list is reported, whatever the Service type, except on a headless
Service (`clusterIP: None`) or an ExternalName Service: kube-proxy programs no rules for those,
so their externalIPs route nothing.
""",
    remediation="Publish through a LoadBalancer Service or the ingress controller; where externalIPs are really "
    "needed, restrict the allowed addresses with an admission policy.",
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
        "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips",
        "https://github.com/kubernetes/kubernetes/issues/97076",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _not_proxied(doc):
        return
    items = list(doc.sequence("spec", "externalIPs"))
    if items:
        yield Violation(
            f"routes traffic addressed to {_addresses(items)} to its pods (spec.externalIPs): any address "
            "can be claimed this way unless admission forbids it",
            ("spec", "externalIPs"),
        )
