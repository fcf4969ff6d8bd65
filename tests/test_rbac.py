"""kubelint_py.k8s.rbac (RBAC matching) and the messages of the §9.1/§9.2 rules built on it."""

from __future__ import annotations

from kubelint_py.k8s.rbac import PolicyRule, is_system_name, policy_rules, role_ref, string_items, subjects
from tests.helpers import lint_text


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> PolicyRule:
    return policy_rules({"rules": [{"apiGroups": groups, "resources": resources, "verbs": verbs}]})[0]


def test_resource_matching_follows_rbac() -> None:
    rule = _rule([""], ["pods"], ["create"])
    assert rule.allows("create", "", "pods")
    assert not rule.allows("create", "", "pods/exec")  # pods does not grant its subresources
    assert not rule.allows("create", "apps", "pods")
    assert not rule.allows("get", "", "pods")
    star = _rule(["*"], ["*"], ["*"])
    assert star.allows("escalate", "rbac.authorization.k8s.io", "roles")
    assert star.allows("create", "", "pods/exec")
    sub = _rule([""], ["*/exec"], ["create"])
    assert sub.allows("create", "", "pods/exec")
    assert not sub.allows("create", "", "pods")
    assert not sub.allows("create", "", "pods/attach")
    assert _rule([""], ["pods/exec"], ["create"]).allows("create", "", "pods/exec")


def test_wrong_types_grant_nothing() -> None:
    rules = policy_rules({"rules": [{"apiGroups": "*", "resources": ["*"], "verbs": ["*", 3]}, "x", None]})
    assert len(rules) == 1
    assert rules[0].api_groups == ()
    assert rules[0].verbs == ("*",)
    assert not rules[0].allows("get", "", "pods")
    assert policy_rules({"rules": "all"}) == []
    assert string_items("a") == ()


def test_matching_resources() -> None:
    rule = _rule(["authentication.k8s.io"], ["userextras/scopes", "userextras", "uids"], ["impersonate"])
    assert rule.matching_resources("userextras") == ("userextras/scopes",)


def test_bindings() -> None:
    data = {
        "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"},
        "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "build"}, "x", {"kind": "User", "name": 5}],
    }
    ref = role_ref(data)
    assert (ref.kind, ref.name) == ("ClusterRole", "view")
    found = subjects(data)
    assert [s.position for s in found] == [0, 2]
    assert found[0].describe() == 'ServiceAccount "build/ci"'
    assert found[1].name is None
    assert role_ref({"roleRef": "view"}).name is None
    assert is_system_name("system:masters") and not is_system_name("masters") and not is_system_name(None)


def _messages(text: str, rule_id: str) -> list[str]:
    return [f.message for f in lint_text(text, select=[rule_id]).findings if f.rule_id == rule_id]


def test_escalation_message_lists_every_grant() -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
  - apiGroups: [""]
    resources: ["pods/exec", "nodes/proxy", "users"]
    verbs: ["create", "get", "impersonate"]
  - apiGroups: ["certificates.k8s.io"]
    resources: ["certificatesigningrequests/approval"]
    verbs: ["patch"]
  - apiGroups: ["certificates.k8s.io"]
    resources: ["signers"]
    verbs: ["approve"]
  - apiGroups: ["*"]
    resources: ["mutatingwebhookconfigurations"]
    verbs: ["update"]
"""
    report = lint_text(text, select=["rbac-escalation-permission"])
    [finding] = [f for f in report.findings if f.rule_id == "rbac-escalation-permission"]
    message = finding.message
    for grant in (
        "impersonate on users (rules[0])",
        "create, get on pods/exec (rules[0])",
        "get, create on nodes/proxy (rules[0])",
        "patch on certificatesigningrequests/approval (rules[1]) together with approve on signers (rules[2])",
        'update on mutatingwebhookconfigurations (rules[3], via "*")',
    ):
        assert grant in message, message
    assert finding.span.start.line == 5
    assert [loc.span.start.line for loc in finding.related] == [8, 11, 14]


def test_pod_level_value_is_one_finding_naming_the_containers() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  securityContext: {runAsNonRoot: false}
  containers:
    - {name: a, image: "a:1"}
    - {name: b, image: "b:1", securityContext: {runAsNonRoot: true}}
  initContainers:
    - {name: c, image: "c:1"}
"""
    assert _messages(text, "run-as-root-allowed") == [
        'Pod prod/p: the pod securityContext sets runAsNonRoot: false, which applies to container "a", '
        'init container "c"'
    ]
