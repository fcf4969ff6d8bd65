"""NetworkPolicy reading with the API server's defaulting (rule-catalog §2).

* `policyTypes` absent or empty: `Ingress`, plus `Egress` when `spec.egress` has at least
  one rule (SetDefaults_NetworkPolicySpec). An empty `egress: []` alone does not make a
  policy an egress policy.
* A rule whose `ports` is absent or empty allows every port; a port entry without `port`
  allows every port of its protocol; `endPort` makes a range; a string `port` names a
  container port of the destination (egress) or selected (ingress) pod.
* Protocols default to TCP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from kubelint_py.k8s.ports import port_number, protocol_of
from kubelint_py.model import Document, FieldPath

DNS_PORT = 53
DNS_PORT_NAMES = frozenset(("dns", "dns-tcp"))
DNS_PROTOCOLS = frozenset(("UDP", "TCP"))


def policy_types(doc: Document) -> frozenset[str]:
    """Effective `spec.policyTypes` after API defaulting."""
    written = doc.value("spec", "policyTypes")
    if isinstance(written, list) and written:
        return frozenset(t for t in written if isinstance(t, str))
    types = {"Ingress"}
    egress = doc.value("spec", "egress")
    if isinstance(egress, list) and egress:
        types.add("Egress")
    return frozenset(types)


def policy_types_path(doc: Document) -> FieldPath:
    return ("spec", "policyTypes") if doc.has("spec", "policyTypes") else ("spec", "podSelector")


class PolicyRule(NamedTuple):
    position: int  # index in the rule list
    path: FieldPath
    data: Mapping[str, object]


def policy_rules(doc: Document, direction: str) -> list[PolicyRule]:
    """`spec.ingress[]` or `spec.egress[]` rules (direction "ingress" / "egress")."""
    found: list[PolicyRule] = []
    for index, item in enumerate(doc.sequence("spec", direction)):
        if isinstance(item, Mapping):
            found.append(PolicyRule(index, ("spec", direction, index), item))
        elif item is None:
            found.append(PolicyRule(index, ("spec", direction, index), {}))  # `- ` is an empty rule
    return found


class PolicyPort(NamedTuple):
    protocol: str
    number: int | None  # None with name None = every port of the protocol
    end: int | None
    name: str | None

    def matches(self, number: int | None, name: str | None, protocol: str) -> bool:
        """Does this entry allow traffic to a port given by number and/or container port name?"""
        if self.protocol != protocol:
            return False
        if self.name is not None:
            return name is not None and self.name == name
        if self.number is None:
            return True
        if number is None:
            return False
        if self.end is not None and self.end >= self.number:
            return self.number <= number <= self.end
        return number == self.number

    def describe(self) -> str:
        if self.name is not None:
            return f"{self.name}/{self.protocol}"
        if self.number is None:
            return f"all/{self.protocol}"
        if self.end is not None and self.end > self.number:
            return f"{self.number}-{self.end}/{self.protocol}"
        return f"{self.number}/{self.protocol}"


def rule_ports(rule: Mapping[str, object]) -> list[PolicyPort] | None:
    """The port entries of a rule; None when the rule allows every port."""
    ports = rule.get("ports")
    if not isinstance(ports, list) or not ports:
        return None
    found: list[PolicyPort] = []
    for entry in ports:
        if not isinstance(entry, Mapping):
            continue
        raw = entry.get("port")
        name = raw if isinstance(raw, str) and raw else None
        found.append(PolicyPort(protocol_of(entry), port_number(raw), port_number(entry.get("endPort")), name))
    return found


def allows_dns(rule: Mapping[str, object]) -> bool:
    """An egress rule allows DNS when it allows every port, or a port entry covers 53
    (or is named dns/dns-tcp) on UDP or TCP. Destinations are not evaluated."""
    ports = rule_ports(rule)
    if ports is None:
        return True
    for port in ports:
        if port.protocol not in DNS_PROTOCOLS:
            continue
        if port.name is not None:
            if port.name in DNS_PORT_NAMES:
                return True
            continue
        if port.matches(DNS_PORT, None, port.protocol):
            return True
    return False


def first_rule_path(doc: Document, rules: Sequence[PolicyRule], direction: str) -> FieldPath:
    return rules[0].path if rules else ("spec", direction)
