"""Scenario: a web service locked down with NetworkPolicies whose egress allow-list forgets
DNS (fixtures/scenarios/web-service-dns-forgotten.yaml).

Runs every rule of the network-connectivity pack over one realistic bundle (Namespace,
Deployment, Service, Ingress, HPA, PDB, three NetworkPolicies) and asserts the exact
(rule id, line) set, then checks that the obvious fixes make each finding go away and that
the other pack rules notice the mistakes one typically makes while fixing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubelint_py.model import Source
from tests.helpers import FIXTURES, lint_sources, registry

SCENARIO = FIXTURES / "scenarios" / "web-service-dns-forgotten.yaml"
TEXT = SCENARIO.read_text(encoding="utf-8")


def _pack_ids() -> list[str]:
    return sorted(r.id for r in registry().rules.values() if r.meta.document == "network-connectivity")


def _findings(text: str = TEXT, config: Mapping[str, Any] | None = None) -> set[tuple[str, int]]:
    report = lint_sources(
        [Source("web-service-dns-forgotten.yaml", text.encode("utf-8"))], select=_pack_ids(), config=config
    )
    assert not [f for f in report.findings if f.rule_id in ("yaml-syntax", "internal-error")]
    return {(f.rule_id, f.span.start.line) for f in report.findings}


def _line(anchor: str, occurrence: int = 1, text: str = TEXT) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if anchor in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{anchor!r} not found")


# the Deployment's pod template labels (line 27) are what both policies select
EXPECTED = {("networkpolicy-egress-blocks-dns", 27)}

DNS_RULE = """\
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
"""


def test_the_scenario_rules_belong_to_the_pack() -> None:
    # derived, not counted: rules are added to the pack over time
    assert {rule for rule, _ in EXPECTED} <= set(_pack_ids())


def test_expected_line_is_the_pod_template_labels() -> None:
    lines = TEXT.splitlines()
    assert lines[26] == "      labels:" and lines[25] == "    metadata:"
    assert lines[27].strip() == "app.kubernetes.io/name: web"


def test_exact_findings() -> None:
    assert _findings() == EXPECTED


def test_same_findings_when_declared_complete() -> None:
    assert _findings(config={"assumeComplete": True}) == EXPECTED


def test_finding_names_both_policies_as_related() -> None:
    report = lint_sources([Source("s.yaml", TEXT.encode())], select=["networkpolicy-egress-blocks-dns"])
    (finding,) = report.findings
    assert "default-deny-all" in finding.message and "web-allow-egress" in finding.message
    assert [loc.span.start.line for loc in finding.related] == [
        _line("  policyTypes:", 1),  # default-deny-all
        _line("  policyTypes:", 3),  # web-allow-egress
    ]


def test_adding_dns_egress_fixes_it() -> None:
    fixed = TEXT.replace("  egress:\n", "  egress:\n" + DNS_RULE)
    assert _findings(fixed) == set()


def test_dns_in_a_separate_policy_fixes_it_too() -> None:
    allow_dns = (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: allow-dns, namespace: shop}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n" + DNS_RULE
    )
    assert _findings(TEXT + allow_dns) == set()


def test_typical_mistakes_while_fixing_are_caught() -> None:
    fixed = TEXT.replace("  egress:\n", "  egress:\n" + DNS_RULE)
    # allowing the Service port (80) instead of the pod's port: policies see the pod port
    wrong_port = fixed.replace("        - port: http\n", "        - port: 80\n")
    assert _findings(wrong_port) == {("networkpolicy-ingress-omits-service-port", 27)}
    # renaming the container port breaks the Service's named targetPort and both probes; the
    # Ingress is fine (it names the Service port, not the container's), and the policy still
    # lists the same name as the Service, which is all the policy rule compares
    renamed = fixed.replace("            - name: http\n", "            - name: web\n")
    assert _findings(renamed) == {
        ("service-targetport-name-unresolved", _line("targetPort: http", text=renamed)),
        ("probe-port-unresolved", _line("              port: http", 1, renamed)),
        ("probe-port-unresolved", _line("              port: http", 2, renamed)),
    }
    # the Ingress pointing at the container port instead of the Service port
    ingress_to_pod_port = fixed.replace(
        "                port:\n                  name: http\n",
        "                port:\n                  number: 8080\n",
    )
    assert _findings(ingress_to_pod_port) == {
        ("ingress-backend-unresolved", _line("number: 8080", text=ingress_to_pod_port))
    }
    # the Service applied in another namespace than the Deployment
    moved = fixed.replace(
        "  name: web\n  namespace: shop\nspec:\n  selector:\n",
        "  name: web\n  namespace: shop-v2\nspec:\n  selector:\n",
    )
    assert moved != fixed
    assert _findings(moved) == {
        ("service-selector-other-namespace", _line("  selector:", 2, moved)),
        ("ingress-backend-unresolved", _line("                name: web", text=moved)),
    }


def _big_namespace(n: int) -> str:
    """n Deployments and n Services in one namespace (half the Services match nothing),
    policies selecting one workload each, and one default-deny policy selecting all."""
    parts: list[str] = []
    for i in range(n):
        parts.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: big}}\nspec:\n"
            f"  template:\n    metadata: {{labels: {{app: a{i}, tier: web}}}}\n    spec:\n      containers:\n"
            f"        - name: c\n          image: nginx\n          ports: [{{name: http, containerPort: 8080}}]\n"
        )
        # the unmatched half keeps a trace of its workload (app a{i}), as a label typo does;
        # a selector sharing nothing with the namespace fronts pods from elsewhere (not reported)
        selector = f"a{i}" if i % 2 else f"a{i}, tier: api"
        parts.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: big}}\n"
            f"spec:\n  selector: {{app: {selector}}}\n  ports: [{{port: 80, targetPort: http}}]\n"
        )
        if i % 10 == 0:
            parts.append(
                f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np{i}, namespace: big}}\n"
                f"spec:\n  podSelector: {{matchLabels: {{app: a{i}}}}}\n  ingress: [{{ports: [{{port: 9999}}]}}]\n"
            )
    parts.append(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: big}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
    )
    return "---\n".join(parts)


def test_selector_matching_stays_linear_in_one_big_namespace(monkeypatch: Any) -> None:
    """Cross-object rules use the indexed queries: doubling the objects of one namespace
    doubles the label-selector evaluations instead of squaring them."""
    from kubelint_py.k8s.selectors import LabelSelector

    original = LabelSelector.matches
    calls = [0]

    def counting(self: LabelSelector, labels: Mapping[str, object]) -> bool:
        calls[0] += 1
        return original(self, labels)

    monkeypatch.setattr(LabelSelector, "matches", counting)
    counts: list[int] = []
    for n in (200, 400):
        calls[0] = 0
        report = lint_sources([Source("big.yaml", _big_namespace(n).encode())], select=_pack_ids())
        assert sum(f.rule_id == "service-selector-no-match" for f in report.findings) == n // 2
        assert sum(f.rule_id == "networkpolicy-egress-blocks-dns" for f in report.findings) == n
        counts.append(calls[0])
    assert counts[1] <= 2.5 * counts[0], counts
