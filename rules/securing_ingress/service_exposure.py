"""service-loadbalancer-unrestricted and service-nodeport-exposed (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.entrypoints import runs_entry_point
from kubelint_py.k8s.examples import service
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, rule, selector_from_map

# annotation -> required value (None: any value other than "false", as the AWS in-tree provider reads it)
INTERNAL_ANNOTATIONS: Mapping[str, str | None] = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": None,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "Internal",
    "cloud.google.com/load-balancer-type": "Internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
}
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"

_LB_FAIL = service(
    name="shop", namespace="prod", spec="type: LoadBalancer\n", ports="- {port: 443, targetPort: 8443}\n"
)
_LB_PASS = service(
    name="shop",
    namespace="prod",
    spec="""\
type: LoadBalancer
loadBalancerSourceRanges: [203.0.113.0/24]
""",
    ports="- {port: 443, targetPort: 8443}\n",
)


def _is_internal(annotations: Mapping[str, object], extra: Mapping[str, object]) -> bool:
    for key, wanted in {**INTERNAL_ANNOTATIONS, **extra}.items():
        value = annotations.get(key)
        if not isinstance(value, str) or not value:
            continue
        if wanted is None and value.lower() != "false":
            return True
        if isinstance(wanted, str) and value.lower() == wanted.lower():
            return True
    return False


def _has_source_ranges(doc: Document) -> bool:
    ranges = [r for r in doc.sequence("spec", "loadBalancerSourceRanges") if isinstance(r, str) and r.strip()]
    legacy = doc.annotations().get(SOURCE_RANGES_ANNOTATION)
    return bool(ranges) or (isinstance(legacy, str) and bool(legacy.strip()))


def fronts_entry_point(doc: Document, ctx: RuleContext) -> bool:
    """The Service selects only pods of ingress controllers or gateway proxies (and some)."""
    templates = ctx.pod_templates_matching(selector_from_map(doc.value("spec", "selector")), ctx.namespace_of(doc))
    return bool(templates) and all(runs_entry_point(template.doc) for template in templates)


@rule(
    id="service-loadbalancer-unrestricted",
    title="LoadBalancer Service open to the internet",
    document="securing-ingress",
    severity=Severity.WARNING,
    kinds=("v1/Service",),
    rationale="""
A `type: LoadBalancer` Service gets a cloud load balancer that, without
`loadBalancerSourceRanges` and without an internal-LB annotation, accepts traffic from any
address on the internet, straight to the pods and around the ingress controller's TLS, WAF,
authentication and rate limits. The legacy `service.beta.kubernetes.io/load-balancer-source-ranges`
annotation counts as a restriction (the cloud providers still honour it); the AWS `internal`
annotation counts with any value other than "false", as the provider reads it. The Service of
an ingress controller or gateway proxy (ingress-nginx, Traefik, HAProxy, Kong, Contour/Envoy,
Istio gateways, ...) is not reported: it is the public entry point the remediation points to.
""",
    remediation="Restrict `loadBalancerSourceRanges` or make the load balancer internal; publish through the "
    "ingress controller instead.",
    examples=(_LB_FAIL, _LB_PASS),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
        "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/",
        "https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer",
    ),
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "internalAnnotations": {
                "type": "object",
                "additionalProperties": {"type": ["string", "null"]},
                "default": {},
                "description": "More annotations that make a load balancer internal, as {annotation: value} "
                '(null: any value other than "false").',
            }
        },
    },
)
def check_load_balancer(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "type") != "LoadBalancer" or fronts_entry_point(doc, ctx):
        return
    if _has_source_ranges(doc) or _is_internal(doc.annotations(), ctx.options.get("internalAnnotations", {})):
        return
    yield Violation(
        "is a LoadBalancer with no loadBalancerSourceRanges and no internal-load-balancer annotation: "
        "reachable from any address",
        ("spec", "type"),
    )


_NP_FAIL = service(
    name="shop", namespace="prod", spec="type: NodePort\n", ports="- {port: 80, targetPort: 8080, nodePort: 30080}\n"
)


@rule(
    id="service-nodeport-exposed",
    title="Service published on every node's port",
    document="securing-ingress",
    severity=Severity.INFO,
    kinds=("v1/Service",),
    rationale="""
A `type: NodePort` Service opens a port in the 30000-32767 range on every node, reachable by
anything that can reach a node address: the application is served around the ingress
controller's TLS, WAF, authentication and rate limits, and node firewalls have to be kept in
step with every such Service. The Service of an ingress controller or gateway proxy is not
reported: on bare metal, NodePort is how the entry point itself is published.
""",
    remediation="Use `type: ClusterIP` behind the ingress controller.",
    examples=(_NP_FAIL, _NP_FAIL.replace("type: NodePort", "type: ClusterIP").replace(", nodePort: 30080", "")),
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",),
)
def check_node_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("spec", "type") == "NodePort" and not fronts_entry_point(doc, ctx):
        yield Violation("is a NodePort Service: the pods are reachable on a port of every node", ("spec", "type"))
