"""Scopes by group-qualified kind and named kind groups (k8s/kinds.py), as the engine
dispatches them: a bare kind keeps its old meaning (any API group), a qualified one names its
group (the core group spelled v1), and the workload groups hold only documents with a pod
template."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint_py.config.config import Config
from kubelint_py.k8s.kinds import KIND_GROUPS, qualified_kind
from kubelint_py.model import Source
from kubelint_py.registry.declarative import RuleSpecError, load_yaml_rules
from kubelint_py.registry.registry import Registry
from kubelint_py.rule_api import Document, Rule, RuleContext, Severity, Violation, rule
from kubelint_py.run.pipeline import LintRequest, run_lint

ROOT = Path(__file__).resolve().parent.parent


def _probe(**scope: tuple[str, ...]) -> Rule:
    @rule(
        id="acme/probe",
        title="Reports every document it is given",
        document="cluster-hardening",
        severity=Severity.INFO,
        rationale="A probe of the engine's dispatch, for tests only.",
        remediation="None needed.",
        examples=("a: 1\n", "a: 1\n"),
        **scope,
    )
    def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        yield Violation(f"{doc.api_version} {doc.kind}", ())

    return check


def _seen(probe: Rule, *docs: str) -> list[str]:
    registry = Registry()
    registry.add(probe, "test")
    text = "---\n".join(docs)
    request = LintRequest(sources=[Source("x.yaml", text.encode())], select=[probe.id], plugins=False, cwd=ROOT)
    report = run_lint(request, Config(), registry)
    return sorted(f.message.split(": ", 1)[1] for f in report.findings if f.rule_id == probe.id)


def _obj(api_version: str, kind: str, extra: str = "") -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n{extra}"


_TEMPLATE = "spec:\n  template:\n    spec:\n      containers: [{name: a, image: a}]\n"


def test_qualified_kinds_are_group_and_kind() -> None:
    assert qualified_kind("apps/v1", "Deployment") == "apps/Deployment"
    assert qualified_kind("networking.k8s.io/v1beta1", "Ingress") == "networking.k8s.io/Ingress"
    assert qualified_kind("v1", "Service") == "v1/Service"
    assert qualified_kind("v2", "Service") == "v2/Service"  # no group, not the core's version


def test_a_bare_kind_matches_every_group_and_a_qualified_one_its_own() -> None:
    docs = (
        _obj("networking.k8s.io/v1", "Ingress"),
        _obj("extensions/v1beta1", "Ingress"),
        _obj("acme.io/v1", "Ingress"),
    )
    assert _seen(_probe(kinds=("Ingress",)), *docs) == [
        "acme.io/v1 Ingress",
        "extensions/v1beta1 Ingress",
        "networking.k8s.io/v1 Ingress",
    ]
    assert _seen(_probe(kinds=("networking.k8s.io/Ingress",)), *docs) == ["networking.k8s.io/v1 Ingress"]
    assert _seen(_probe(kind_groups=("ingress",)), *docs) == [
        "extensions/v1beta1 Ingress",
        "networking.k8s.io/v1 Ingress",
    ]


def test_a_kind_spelled_with_its_group_is_no_kind_a_scope_names() -> None:
    """`kind: batch/CronJob` is not a kind (the API server rejects it): a scope entry
    `batch/CronJob` names the group and the kind, never a kind of that spelling."""
    docs = (_obj("batch/v1", "batch/CronJob"), _obj("v1", "v1/Service"), _obj("batch/v1", "CronJob"))
    assert _seen(_probe(kinds=("batch/CronJob",)), *docs) == ["batch/v1 CronJob"]
    assert _seen(_probe(kinds=("v1/Service",)), *docs) == []


def test_the_core_group_is_spelled_v1() -> None:
    docs = (_obj("v1", "Service"), _obj("v2", "Service"), _obj("serving.knative.dev/v1", "Service"))
    assert _seen(_probe(kinds=("v1/Service",)), *docs) == ["v1 Service"]


def test_workload_groups_need_a_pod_template() -> None:
    docs = (
        _obj("apps/v1", "Deployment", _TEMPLATE),
        _obj("apps/v1", "Deployment"),  # no template: not a workload
        _obj("apps/v1", "StatefulSet", _TEMPLATE),
        _obj("apps/v1", "DaemonSet", _TEMPLATE),
        _obj("argoproj.io/v1alpha1", "Rollout", _TEMPLATE),
        _obj("batch/v1", "Job", _TEMPLATE),
    )
    assert _seen(_probe(kind_groups=("deployment-like",)), *docs) == [
        "apps/v1 Deployment",
        "argoproj.io/v1alpha1 Rollout",
    ]
    assert _seen(_probe(kind_groups=("serving",)), *docs) == [
        "apps/v1 Deployment",
        "apps/v1 StatefulSet",
        "argoproj.io/v1alpha1 Rollout",
    ]
    assert _seen(_probe(kind_groups=("rolling-update",)), *docs) == [
        "apps/v1 DaemonSet",
        "apps/v1 Deployment",
        "apps/v1 StatefulSet",
        "argoproj.io/v1alpha1 Rollout",
    ]
    assert len(_seen(_probe(kind_groups=("workload",)), *docs)) == 5


def test_a_scope_is_the_union_of_its_entries() -> None:
    docs = (
        _obj("v1", "ConfigMap"),
        _obj("autoscaling/v2", "HorizontalPodAutoscaler"),
        _obj("apps/v1", "DaemonSet", _TEMPLATE),
    )
    assert _seen(_probe(kinds=("v1/ConfigMap",), kind_groups=("hpa", "rolling-update")), *docs) == [
        "apps/v1 DaemonSet",
        "autoscaling/v2 HorizontalPodAutoscaler",
        "v1 ConfigMap",
    ]


_RULE_FILE = """\
id: acme/no-annotations
title: Object carries no annotations
document: cluster-hardening
severity: info
rationale: Annotations say who owns the object and why it is there.
remediation: Add one.
scope: {scope}
target: object
message: has no annotations
schema: {{required: [metadata], properties: {{metadata: {{required: [annotations]}}}}}}
examples:
  fail: "apiVersion: networking.k8s.io/v1\\nkind: Ingress\\nmetadata: {{name: a}}\\n"
  pass: "apiVersion: networking.k8s.io/v1\\nkind: Ingress\\nmetadata: {{name: a, annotations: {{a: b}}}}\\n"
"""


@pytest.mark.parametrize(
    "scope",
    ["{kinds: [Ingress]}", "{kinds: [networking.k8s.io/Ingress]}", "{kind-groups: [ingress]}"],
)
def test_rule_files_take_bare_and_qualified_kinds_and_groups(scope: str) -> None:
    (loaded,) = load_yaml_rules(_RULE_FILE.format(scope=scope), "rules.yaml")
    assert loaded.meta.scope.kinds or loaded.meta.scope.kind_groups


@pytest.mark.parametrize(
    ("scope", "said"),
    [
        ("{kinds: [networking.k8s.io/v1/Ingress]}", "does not match"),
        ("{kind-groups: [ingresses]}", "is not one of"),
    ],
)
def test_rule_files_with_a_versioned_kind_or_an_unknown_group_are_refused(scope: str, said: str) -> None:
    with pytest.raises(RuleSpecError, match=said):
        load_yaml_rules(_RULE_FILE.format(scope=scope), "rules.yaml")


def test_every_group_is_documented_in_the_authoring_guide() -> None:
    guide = (ROOT / "docs" / "rule-authoring.md").read_text(encoding="utf-8")
    for name in KIND_GROUPS:
        assert f"| `{name}` |" in guide, name
