"""The two NetworkPolicy rules over one namespace of 20,000 objects: every default-deny policy
(`podSelector: {}`) selects every pod, so pairing each policy with each pod template was
quadratic (here 5,000 x 5,000). Policies sharing a selector are paired with a template once,
as a group, and each policy's rules are read once."""

from __future__ import annotations

from typing import Any

import pytest

from kubelint_py.model import Source
from tests.helpers import lint_sources

RULES = ("networkpolicy-egress-blocks-dns", "networkpolicy-ingress-omits-service-port")
MODULE = "kubelint_py.builtin_rules.network_connectivity.networkpolicy_traffic"


def _objects(apps: int) -> bytes:
    """Per app a Deployment, its Service and an ingress policy allowing the wrong port; as many
    default-deny policies restricting egress (no DNS) and ingress for every pod."""
    docs = []
    for i in range(apps):
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{i}, namespace: shop}}\n"
            f"spec:\n  selector: {{matchLabels: {{app: a{i}}}}}\n  template:\n    metadata: {{labels: {{app: a{i}}}}}\n"
            "    spec: {containers: [{name: c, image: 'r.example/c:1',"
            " ports: [{name: http, containerPort: 8080}]}]}"
        )
        docs.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: app{i}, namespace: shop}}\n"
            f"spec: {{selector: {{app: a{i}}}, ports: [{{port: 80, targetPort: http}}]}}"
        )
        docs.append(
            f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: app{i}, namespace: shop}}\n"
            f"spec: {{podSelector: {{matchLabels: {{app: a{i}}}}}, policyTypes: [Ingress],"
            " ingress: [{ports: [{port: 80}]}]}"
        )
        docs.append(
            f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny{i}, namespace: shop}}\n"
            "spec: {podSelector: {}, policyTypes: [Ingress, Egress], egress: [{ports: [{port: 5432}]}]}"
        )
    return "\n---\n".join(docs).encode()


@pytest.mark.slow
def test_pairings_are_linear_at_20000_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module: Any = importlib.import_module(MODULE)
    apps = 5_000  # 20,000 objects: 5,000 templates, 10,000 policies of which 5,000 select every pod
    pairings = reads = 0
    by_template, policy_rules = module._policies_by_template, module.policy_rules

    def counted_pairs(ctx: Any, policy_type: str) -> Any:
        nonlocal pairings
        found = by_template(ctx, policy_type)
        pairings += sum(len(selecting.groups) for _, selecting in found)
        return found

    def counted_reads(policy: Any, direction: str) -> Any:
        nonlocal reads
        reads += 1
        return policy_rules(policy, direction)

    monkeypatch.setattr(module, "_policies_by_template", counted_pairs)
    monkeypatch.setattr(module, "policy_rules", counted_reads)
    report = lint_sources([Source("shop.yaml", _objects(apps))], select=RULES, assume_complete=True)
    by_rule = {rule: [f for f in report.findings if f.rule_id == rule] for rule in RULES}
    # every app: its egress is restricted by the 5,000 deny policies, none allowing DNS; its
    # ingress by its own policy (port 80, not the target port 8080) and the deny policies
    assert len(by_rule[RULES[0]]) == apps and len(by_rule[RULES[1]]) == apps
    assert "NetworkPolicies deny0, deny1, deny2 and 4997 more" in by_rule[RULES[0]][0].message
    assert "NetworkPolicies app0, deny0, deny1 and 4998 more" in by_rule[RULES[1]][0].message
    # (template, group of policies) pairs: the deny group and the app's own, per rule (were 50
    # million policy-template pairs), and each policy's rules read once per rule plus at most
    # five per finding for its related locations
    assert pairings <= 2 * 2 * apps
    assert reads <= 2 * 2 * apps + 5 * apps
