"""Peer suppressions (issue 18, "Moving from another linter"): with `compat.peerSuppressions`,
kube-linter, Polaris, kube-score and Checkov annotations suppress the equivalent kubelint
rules, shown with their kind and reason in every format; annotations that suppress nothing are
reported as unused (fixtures/unused-suppression/*peer*.yaml hold the cases with no equivalent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kubelint_py.cli import main
from kubelint_py.config.config import ConfigError, load_schema, validate_config_data
from kubelint_py.model import Finding, Report, Source
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.run import engine
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import lint_sources, make_config, registry

ALL_PEERS = ["kube-linter", "polaris", "kube-score", "checkov"]
COMPAT = {"compat": {"peerSuppressions": ALL_PEERS}}

# one privileged, host-network, escalating container: a finding for each peer to suppress
_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ops
  annotations:
{annotations}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata:
      labels: {{app: agent}}
{template_annotations}
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: registry.example.com/agent:2.0.1
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
            readOnlyRootFilesystem: false
"""
RULES = ["privileged-container", "host-namespace-shared", "privilege-escalation-allowed", "unused-suppression"]


def _manifest(annotations: dict[str, str], template_annotations: dict[str, str] | None = None) -> str:
    lines = "\n".join(f"    {key}: {value}" for key, value in annotations.items()) or "    owner: ops"
    inner = ""
    if template_annotations:
        inner = "      annotations:\n" + "\n".join(f"        {k}: {v}" for k, v in template_annotations.items())
    return _DEPLOYMENT.format(annotations=lines, template_annotations=inner)


def _lint(text: str, config: dict[str, Any] | None = COMPAT, select: list[str] = RULES) -> Report:
    return lint_sources([Source("agent.yaml", text.encode())], select=select, config=config)


def _by_rule(report: Report) -> dict[str, Finding]:
    return {f.rule_id: f for f in report.findings if f.rule_id != "unused-suppression"}


def _unused(report: Report) -> list[str]:
    return [f.message for f in report.findings if f.rule_id == "unused-suppression"]


PEER_CASES = [
    (
        "kube-linter",
        {"ignore-check.kube-linter.io/privileged-container": '"node agent: needs the devices"'},
        "privileged-container",
        "ignore-check.kube-linter.io/privileged-container: node agent: needs the devices",
    ),
    (
        "polaris",
        {"polaris.fairwinds.com/hostNetworkSet-exempt": '"true"'},
        "host-namespace-shared",
        "polaris.fairwinds.com/hostNetworkSet-exempt",
    ),
    (
        "kube-score",
        {"kube-score/ignore": "container-security-context-privileged, pod-probes"},
        "privileged-container",
        "kube-score/ignore (container-security-context-privileged)",
    ),
    (
        "checkov",
        {"checkov.io/skip3": "CKV_K8S_20=the agent re-execs setuid helpers"},
        "privilege-escalation-allowed",
        "checkov.io/skip3 (CKV_K8S_20): the agent re-execs setuid helpers",
    ),
]


@pytest.mark.parametrize(("peer", "annotations", "rule_id", "reason"), PEER_CASES, ids=[c[0] for c in PEER_CASES])
def test_each_peer_suppresses_its_equivalent(peer: str, annotations: dict[str, str], rule_id: str, reason: str) -> None:
    text = _manifest(annotations)
    found = _by_rule(_lint(text))
    assert found[rule_id].suppressed_by == f"peer:{peer}"
    assert found[rule_id].justification == reason
    others = [f for r, f in found.items() if r != rule_id]
    assert others and all(f.suppressed_by is None for f in others), "only the equivalent rule is suppressed"
    # opt-in: without compat, or with another peer only, the annotation is not read
    assert all(f.suppressed_by is None for f in _by_rule(_lint(text, config=None)).values())
    other = [p for p in ALL_PEERS if p != peer][:1]
    assert _by_rule(_lint(text, config={"compat": {"peerSuppressions": other}}))[rule_id].suppressed_by is None
    assert _by_rule(_lint(text, config={"compat": {"peerSuppressions": [peer]}}))[rule_id].suppressed_by == (
        f"peer:{peer}"
    )


def test_ignore_all_forms_suppress_every_rule() -> None:
    for marks, kind in (
        ({"kube-linter.io/ignore-all": '"vendored chart"'}, "peer:kube-linter"),
        ({"polaris.fairwinds.com/exempt": "true"}, "peer:polaris"),
    ):
        found = _by_rule(_lint(_manifest(marks)))
        assert {f.suppressed_by for f in found.values()} == {kind}
    found = _by_rule(_lint(_manifest({"kube-linter.io/ignore-all": '"vendored chart"'})))
    assert found["privileged-container"].justification == "kube-linter.io/ignore-all: vendored chart"


def test_polaris_needs_true_and_checkov_needs_a_numbered_key() -> None:
    found = _by_rule(
        _lint(
            _manifest(
                {
                    "polaris.fairwinds.com/runAsPrivileged-exempt": '"false"',
                    "polaris.fairwinds.com/exempt": '"yes"',
                    "checkov.io/skip": "CKV_K8S_20",
                    "checkov.io/skipx": "CKV_K8S_19",
                }
            )
        )
    )
    assert all(f.suppressed_by is None for f in found.values())
    found = _by_rule(_lint(_manifest({"polaris.fairwinds.com/runAsPrivileged-exempt": "True"})))
    assert found["privileged-container"].suppressed_by == "peer:polaris"


def test_pod_template_annotations_do_not_count() -> None:
    """kube-linter and Polaris document the object's own annotations (a controller for
    Polaris), kube-score its object's, Checkov its resource's: the pod template's are the
    pods' annotations, not an exemption of the controller."""
    text = _manifest({}, {"ignore-check.kube-linter.io/privileged-container": "x", "kube-score/ignore": "pod-probes"})
    found = _by_rule(_lint(text))
    assert found["privileged-container"].suppressed_by is None


def test_kubelint_own_suppressions_come_first() -> None:
    text = _manifest(
        {
            "ignore.kubelint.io/privileged-container": '"reviewed in SEC-12"',
            "ignore-check.kube-linter.io/privileged-container": '"old reason"',
        }
    )
    report = _lint(text)
    found = _by_rule(report)
    assert found["privileged-container"].suppressed_by == "annotation"
    # the kube-linter annotation now suppresses nothing kubelint reports
    assert _unused(report) == [
        "Deployment ops/agent: kube-linter annotation ignore-check.kube-linter.io/privileged-container suppresses "
        "no kubelint finding here (equivalent rule: privileged-container)"
    ]


def test_unused_peer_annotations() -> None:
    text = _manifest(
        {
            "ignore-check.kube-linter.io/ssh-port": '"old"',  # its rule runs, finds nothing to suppress
            "ignore-check.kube-linter.io/run-as-non-root": '"old"',  # suppresses run-as-root-allowed
            "kube-score/ignore": "container-image-pull-policy,container-security-context-privileged",
            "checkov.io/skip1": "CKV_K8S_11",
        }
    )
    report = _lint(text, select=[*RULES, "run-as-root-allowed", "ssh-port-exposed"])
    assert _unused(report) == [
        "Deployment ops/agent: kube-linter annotation ignore-check.kube-linter.io/ssh-port suppresses no kubelint "
        "finding here (equivalent rule: ssh-port-exposed)",
        "Deployment ops/agent: kube-score annotation kube-score/ignore (container-image-pull-policy): kubelint has no "
        "equivalent of this kube-score check, so it suppresses nothing",
        "Deployment ops/agent: Checkov annotation checkov.io/skip1 (CKV_K8S_11): kubelint has no equivalent of this "
        "Checkov check, so it suppresses nothing",
    ]
    found = _by_rule(report)
    assert found["run-as-root-allowed"].suppressed_by == "peer:kube-linter"
    assert found["privileged-container"].suppressed_by == "peer:kube-score"
    # the same rules turned off: not evidence that the annotations are stale
    quiet = _lint(text, select=["unused-suppression"])
    assert [m for m in _unused(quiet) if "ssh-port" in m or "run-as-non-root" in m] == []


def test_two_peers_naming_the_same_check_are_both_in_use() -> None:
    report = _lint(_all_four())
    assert _by_rule(report)["privileged-container"].suppressed_by == "peer:kube-linter"  # the first one
    assert _unused(report) == []


def test_unused_findings_point_at_the_annotation_and_keep_their_fingerprint() -> None:
    text = _manifest({"checkov.io/skip7": "CKV_K8S_11=BestEffort"})
    report = _lint(text)
    unused = [f for f in report.findings if f.rule_id == "unused-suppression"]
    assert len(unused) == 1 and unused[0].span.start.line == 7
    shifted = _lint("# a comment\n" + text)
    moved = [f for f in shifted.findings if f.rule_id == "unused-suppression"]
    assert moved[0].span.start.line == 8 and moved[0].fingerprint == unused[0].fingerprint


def _all_four() -> str:
    return _manifest(
        {
            "ignore-check.kube-linter.io/privileged-container": '"node agent"',
            "polaris.fairwinds.com/hostNetworkSet-exempt": '"true"',
            "kube-score/ignore": "container-security-context-privileged",
            "checkov.io/skip1": "CKV_K8S_20=setuid helpers",
        }
    )


def test_all_formats_show_kind_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".kubelint.yaml").write_text(json.dumps(COMPAT))
    (tmp_path / "agent.yaml").write_text(_all_four())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    args = ["lint", "--select", ",".join(RULES), "agent.yaml"]

    assert main([*args, "--include-suppressed", "--no-color"]) == 0
    text = capsys.readouterr().out
    assert "[suppressed by peer:kube-linter: ignore-check.kube-linter.io/privileged-container: node agent]" in text
    assert "[suppressed by peer:polaris: polaris.fairwinds.com/hostNetworkSet-exempt]" in text
    assert "[suppressed by peer:checkov: checkov.io/skip1 (CKV_K8S_20): setuid helpers]" in text
    assert "3 findings suppressed" in text

    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    Draft202012Validator(load_schema("report.schema.json")).validate(data)
    kinds = {r["ruleId"]: r["suppression"] for r in data["suppressed"]}
    assert kinds["privileged-container"] == {
        "kind": "peer:kube-linter",
        "justification": "ignore-check.kube-linter.io/privileged-container: node agent",
    }
    assert kinds["host-namespace-shared"]["kind"] == "peer:polaris"
    assert kinds["privilege-escalation-allowed"]["kind"] == "peer:checkov"
    assert data["findings"] == []

    assert main([*args, "--format", "sarif", "--include-suppressed"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    assert results["privileged-container"]["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "ignore-check.kube-linter.io/privileged-container: node agent",
            "properties": {"suppressedBy": "peer:kube-linter"},
        }
    ]
    assert results["host-namespace-shared"]["suppressions"][0]["properties"] == {"suppressedBy": "peer:polaris"}

    assert main([*args, "--format", "github"]) == 0  # suppressed findings make no annotation
    assert "::" not in capsys.readouterr().out


def test_kube_score_annotation_suppresses_per_check(tmp_path: Path) -> None:
    report = _lint(_manifest({"kube-score/ignore": "container-security-context-privileged"}))
    found = _by_rule(report)
    assert found["privileged-container"].suppressed_by == "peer:kube-score"
    assert found["host-namespace-shared"].suppressed_by is None


def test_forked_runs_see_the_same_suppressions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for number in range(6):
        (tmp_path / f"agent{number}.yaml").write_text(_all_four().replace("name: agent", f"name: agent{number}"))
    config = make_config({**COMPAT, "rules": {"enable": RULES}})

    def run(jobs: int) -> list[tuple[str, str, str | None]]:
        request = LintRequest(paths=[str(tmp_path)], select=RULES, plugins=False, jobs=jobs, cwd=tmp_path)
        report = run_lint(request, config, registry())
        return [(f.file, f.rule_id, f.suppressed_by) for f in report.findings]

    single = run(1)
    monkeypatch.setattr(engine, "MIN_DOCUMENTS_PER_JOB", 1)
    assert run(3) == single
    assert not [r for r in single if r[1] == "unused-suppression"]


def test_config_validates_the_peer_names() -> None:
    validate_config_data(COMPAT, "test")
    with pytest.raises(ConfigError, match=r'compat\.peerSuppressions\.0: "trivy" is not allowed'):
        validate_config_data({"compat": {"peerSuppressions": ["trivy"]}}, "test")
    with pytest.raises(ConfigError, match=r"unknown key compat\.ignoreAll"):
        validate_config_data({"compat": {"ignoreAll": True}}, "test")
    assert make_config(COMPAT).peer_suppressions == tuple(ALL_PEERS)
    assert make_config({"compat": {"peerSuppressions": ["polaris", "polaris"]}}).peer_suppressions == ("polaris",)


def test_report_schema_accepts_only_known_peer_kinds() -> None:
    schema = load_schema("report.schema.json")
    kind = schema["$defs"]["finding"]["properties"]["suppression"]["properties"]["kind"]
    validator = Draft202012Validator(kind)
    assert validator.is_valid("peer:checkov") and validator.is_valid("annotation")
    assert not validator.is_valid("peer:trivy") and not validator.is_valid(3)


def test_render_text_of_a_report() -> None:
    report = _lint(_all_four())
    out = render("text", report, ReportOptions(fail_on=None, exit_code=0, include_suppressed=True))
    assert "suppressed by peer:kube-score" not in out  # kube-linter's annotation came first
    assert "suppressed by peer:kube-linter" in out
    assert "suppressed" not in render("text", report, ReportOptions(fail_on=None, exit_code=0)).split("\n")[0]
