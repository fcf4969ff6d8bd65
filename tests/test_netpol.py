"""kubelint_py.k8s.netpol: policyTypes defaulting, port entries and the DNS test."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s.netpol import PolicyPort, allows_dns, policy_rules, policy_types, rule_ports
from kubelint_py.model import Document, Source


def policy(spec: str) -> Document:
    text = f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p}}\nspec: {spec}\n"
    result = LoadResult()
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems
    return result.documents[0]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("{podSelector: {}}", {"Ingress"}),
        ("{podSelector: {}, egress: []}", {"Ingress"}),  # empty egress does not default Egress in
        ("{podSelector: {}, egress: [{}]}", {"Ingress", "Egress"}),
        ("{podSelector: {}, policyTypes: []}", {"Ingress"}),
        ("{podSelector: {}, policyTypes: [Egress]}", {"Egress"}),
        ("{podSelector: {}, policyTypes: [Egress, 3]}", {"Egress"}),
    ],
)
def test_policy_types_defaulting(spec: str, expected: set[str]) -> None:
    assert policy_types(policy(spec)) == expected


def test_policy_rules_keeps_null_rules_as_empty() -> None:
    doc = policy("{podSelector: {}, egress: [null, {ports: [{port: 53}]}, 7]}")
    rules = policy_rules(doc, "egress")
    assert [(r.position, r.path) for r in rules] == [(0, ("spec", "egress", 0)), (1, ("spec", "egress", 1))]
    assert rules[0].data == {}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({}, True),
        ({"ports": []}, True),
        ({"ports": [{"port": 53, "protocol": "UDP"}]}, True),
        ({"ports": [{"port": 53}]}, True),
        ({"ports": [{"port": 53, "protocol": "SCTP"}]}, False),
        ({"ports": [{"port": 5432}]}, False),
        ({"ports": [{"port": 1, "endPort": 1024, "protocol": "UDP"}]}, True),
        ({"ports": [{"port": 54, "endPort": 1024}]}, False),
        ({"ports": [{"protocol": "UDP"}]}, True),
        ({"ports": [{"port": "dns", "protocol": "UDP"}]}, True),
        ({"ports": [{"port": "dns-tcp"}]}, True),
        ({"ports": [{"port": "http"}]}, False),
        ({"ports": ["junk"]}, False),
    ],
)
def test_allows_dns(rule: Mapping[str, object], expected: bool) -> None:
    assert allows_dns(rule) is expected


def test_policy_port_matching() -> None:
    ports = rule_ports(
        {"ports": [{"port": 8080}, {"port": "http", "protocol": "UDP"}, {"port": 9000, "endPort": 9010}]}
    )
    assert ports is not None
    tcp8080, http_udp, tcp_range = ports
    assert tcp8080.matches(8080, None, "TCP") and not tcp8080.matches(8080, None, "UDP")
    assert not tcp8080.matches(None, "http", "TCP")
    assert http_udp.matches(None, "http", "UDP") and not http_udp.matches(53, "dns", "UDP")
    assert tcp_range.matches(9005, None, "TCP") and not tcp_range.matches(9011, None, "TCP")
    assert PolicyPort("TCP", None, None, None).matches(1, None, "TCP")
    assert tcp_range.describe() == "9000-9010/TCP"
    assert rule_ports({}) is None
