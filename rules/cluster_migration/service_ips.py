"""service-hardcoded-cluster-ip and service-loadbalancer-ip-set (rule-catalog §3)."""

import ipaddress
from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule


def _ip_literal(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@rule("service-hardcoded-cluster-ip")
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


@rule("service-loadbalancer-ip-set")
def check_load_balancer_ip(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("spec", "loadBalancerIP")
    if value is None or value == "":
        return
    yield Violation(
        f"spec.loadBalancerIP requests {quote(value)}, an address bound to the source provider and region "
        "(field deprecated since v1.24)",
        ("spec", "loadBalancerIP"),
    )
