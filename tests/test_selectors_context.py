"""Label selectors, namespace resolution and the lint context's indexed queries."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.selectors import selector_from_label_selector, selector_from_map
from kubelint_py.model import Document
from kubelint_py.run.context import LintContext


def docs(text: str) -> list[Document]:
    result = LoadResult()
    load_text("t.yaml", text, True, LoadOptions(), result)
    return result.documents


def test_match_labels_and_expressions() -> None:
    sel = selector_from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "zone", "operator": "NotIn", "values": ["b"]},
                {"key": "team", "operator": "Exists"},
            ],
        }
    )
    assert sel is not None
    assert sel.matches({"app": "web", "tier": "front", "team": "x"})
    assert sel.matches({"app": "web", "tier": "edge", "team": "x", "zone": "a"})
    assert not sel.matches({"app": "web", "tier": "front", "team": "x", "canary": "1"})
    assert not sel.matches({"app": "web", "tier": "back", "team": "x"})
    assert not sel.matches({"app": "web", "tier": "front", "team": "x", "zone": "b"})
    assert not sel.matches({"app": "web", "tier": "front"})


def test_empty_and_invalid_selectors() -> None:
    everything = selector_from_label_selector({})
    assert everything is not None and everything.is_empty and everything.matches({})
    assert selector_from_label_selector(None) is None
    bad = selector_from_label_selector({"matchExpressions": [{"key": "a", "operator": "Near"}]})
    assert bad is not None and not bad.matches({"a": "1"})
    assert selector_from_map({}) is None and selector_from_map(None) is None
    service = selector_from_map({"app": "web", "enabled": True})
    assert service is not None and service.matches({"app": "web", "enabled": "true", "x": "y"})


def test_namespace_resolution_and_pod_template_matching() -> None:
    ctx = LintContext(
        docs(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
            "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: a, image: x}]}\n---\n"
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: job, namespace: ops}\nspec:\n  jobTemplate:\n"
            "    spec:\n      template:\n        metadata: {labels: {app: web}}\n"
            "        spec: {containers: [{name: a, image: x}]}\n---\n"
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: ops}\n"
        ),
        default_namespace="prod",
    )
    web = selector_from_map({"app": "web"})
    assert [t.doc.name for t in ctx.pod_templates_matching(web, "prod")] == ["web"]
    assert [t.doc.name for t in ctx.pod_templates_matching(web, "ops")] == ["job"]
    assert len(ctx.pod_templates_matching(web, None)) == 2
    namespace = ctx.of_kind("Namespace")[0]
    assert ctx.namespace_of(namespace) is None
    assert ctx.get("Deployment", "prod", "web") is not None


def test_hpa_effective_replicas() -> None:
    ctx = LintContext(
        docs(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 5\n  template:\n"
            "    spec: {containers: [{name: a, image: x}]}\n---\n"
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
            "metadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
            "  minReplicas: 2\n  maxReplicas: 9\n"
        )
    )
    assert ctx.effective_replicas(ctx.of_kind("Deployment")[0]) == 2


@pytest.mark.slow
def test_matching_is_indexed_not_quadratic(monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 pod templates in one namespace, each selected once: the label index keeps the
    number of selector evaluations linear (a full scan per query would be 400 million)."""
    from kubelint_py.k8s.selectors import LabelSelector

    calls = 0
    original = LabelSelector.matches

    def counting(self: LabelSelector, labels: object) -> bool:
        nonlocal calls
        calls += 1
        return original(self, labels)  # type: ignore[arg-type]

    monkeypatch.setattr(LabelSelector, "matches", counting)
    n = 20_000
    text = "\n---\n".join(
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, labels: {{app: a{i}, tier: web}}}}\n"
        f"spec: {{containers: [{{name: c, image: x}}]}}"
        for i in range(n)
    )
    ctx = LintContext(docs(text))
    found = sum(
        len(ctx.pod_templates_matching(selector_from_map({"app": f"a{i}", "tier": "web"}), "default")) for i in range(n)
    )
    assert found == n
    assert calls <= 2 * n
