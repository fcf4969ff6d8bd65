"""kubelint_py/fingerprint.py: the one recipe of a finding's fingerprint. Baselines and GitHub
alerts made by earlier versions hold these values, so they are pinned here: a change to the
recipe must come with a migration of baselines (and is a reset of every code-scanning alert)."""

from __future__ import annotations

from kubelint_py.fingerprint import fingerprint, fingerprint_of, fingerprint_with, object_identity
from kubelint_py.model import Finding, ObjectRef, Pos, Severity, Source, Span
from tests.helpers import lint_sources

PATH = "spec.template.spec.containers[name=app].securityContext.privileged"


def test_the_recipe_is_pinned() -> None:
    assert (
        fingerprint("privileged-container", "deploy/web.yaml", "apps", "Deployment", "prod", "web", PATH)
        == "874b732dd691480dfcabb84c4cd82b22"
    )
    # an input problem: no object, the document's index and the problem's key as its identity
    assert fingerprint("yaml-duplicate-key", "deploy/web.yaml", "", "", "", "#2/metadata.name", "") == (
        "25c7e9cd54d91b01928bce1828c9acfc"
    )


def test_an_object_identity_joined_once_gives_the_same_fingerprint() -> None:
    identity = object_identity("deploy/web.yaml", "apps", "Deployment", "prod", "web")
    assert fingerprint_with("privileged-container", identity, PATH) == "874b732dd691480dfcabb84c4cd82b22"


def test_hand_built_findings_get_the_same_recipe() -> None:
    span = Span(Pos(1, 1), Pos(1, 2))
    pod = Finding(
        rule_id="host-network",
        severity=Severity.ERROR,
        document="cluster-hardening",
        message="m",
        file="pod.yaml",
        span=span,
        object=ObjectRef("", "Pod", None, "p"),
        path=("spec", "hostNetwork"),
    )
    assert fingerprint_of(pod) == "af0c520eb25c0f08e2c6d06671a4e238"
    problem = Finding(
        rule_id="yaml-syntax",
        severity=Severity.ERROR,
        document="kubelint",
        message="bad: here",
        file="x.yaml",
        span=span,
        doc_index=3,
    )
    assert fingerprint_of(problem) == "fe0110a3958671d186acdb77ca6b1739"


def test_the_engine_uses_the_recipe() -> None:
    pod = b"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: t}\nspec:\n  hostNetwork: true\n"
    report = lint_sources([Source("pod.yaml", pod)], select=["host-namespace-shared"])
    (found,) = report.active
    assert found.fingerprint == fingerprint(
        "host-namespace-shared", "pod.yaml", "", "Pod", "t", "p", found.logical_path
    )
    assert fingerprint_of(found) == found.fingerprint
