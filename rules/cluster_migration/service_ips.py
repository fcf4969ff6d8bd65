"""service-hardcoded-cluster-ip and service-loadbalancer-ip-set (rule-catalog §3)."""

import ipaddress
from collections.abc import Iterator

from kubelint_py.k8s.examples import service
from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule


def _ip_literal(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


_CLUSTER_IP_FAIL = service(namespace="prod", spec="clusterIP: 10.96.12.34\n", ports="- port: 80\n")


@rule(
    id="service-hardcoded-cluster-ip",
    title="Service pins a fixed cluster IP",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    kinds=("Service",),
    rationale="""
A cluster IP is allocated from the service CIDR of one cluster. In the target cluster the
address is outside its `--service-cluster-ip-range` (the API server rejects the Service:
"provided IP is not in the valid range") or already taken by another Service ("provided IP is
already allocated"), so the apply fails. Clients should find Services by DNS name, never by IP.
`None` (headless) and an empty value are not addresses and are fine.
""",
    remediation="Remove `clusterIP`/`clusterIPs` and let the target cluster allocate from its own service CIDR.",
    examples=(_CLUSTER_IP_FAIL, _CLUSTER_IP_FAIL.replace("10.96.12.34", "None")),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/",
        "https://kubernetes.io/docs/concepts/services-networking/service/#choosing-your-own-ip-address",
    ),
)
def check_cluster_ip(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    first = _ip_literal(doc.value("spec", "clusterIP"))
    if first is not None:
        yield Violation(
            f"spec.clusterIP is fixed to {first}, an address of the source cluster's service CIDR",
            ("spec", "clusterIP"),
        )
    for number, item in enumerate(doc.sequence("spec", "clusterIPs")):
        address = _ip_literal(item)
        if address is not None and address != first:  # clusterIPs[0] repeats clusterIP
            yield Violation(
                f"spec.clusterIPs[{number}] is fixed to {address}, an address of the source cluster's service CIDR",
                ("spec", "clusterIPs", number),
            )


_LB_FAIL = service(
    namespace="prod",
    spec="""\
type: LoadBalancer
loadBalancerIP: 203.0.113.10
""",
    ports="- port: 443\n",
)


@rule(
    id="service-loadbalancer-ip-set",
    title="Service requests a static load-balancer IP",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    kinds=("Service",),
    rationale="""
`spec.loadBalancerIP` asks the cloud provider for one specific address, which belongs to the
source provider account and region: in the target the load balancer stays `<pending>` or the
provider rejects it, and traffic never arrives. The field is deprecated since Kubernetes 1.24
because its meaning differs between providers and it cannot express dual-stack.
""",
    remediation="Use the target provider's annotation or load-balancer class for static IPs, or cut over via DNS.",
    examples=(_LB_FAIL, _LB_FAIL.replace("  loadBalancerIP: 203.0.113.10\n", "")),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec",
    ),
)
def check_load_balancer_ip(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("spec", "loadBalancerIP")
    if value is None or value == "":
        return
    yield Violation(
        f"spec.loadBalancerIP requests {quote(value)}, an address bound to the source provider and region "
        "(field deprecated since v1.24)",
        ("spec", "loadBalancerIP"),
    )
