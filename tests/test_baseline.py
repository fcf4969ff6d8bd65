"""Baselines (issue 9): record today's findings, fail only on new ones, count the fixed ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kubelint_py.cli import main
from kubelint_py.model import Report, Source
from kubelint_py.run import baseline
from tests.helpers import ROOT, lint_sources
from tests.sarif_check import check_sarif_file

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
"""
SELECT = ["privilege-escalation-allowed", "run-as-root-allowed", "rollback-history-disabled"]


def _lint(text: str, name: str = "deploy/web.yaml") -> Report:
    return lint_sources([Source(name, text.encode("utf-8"))], select=SELECT)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(DEPLOYMENT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield tmp_path


# -- the module -------------------------------------------------------------------------
def test_file_is_sorted_stable_and_one_entry_per_line() -> None:
    report = _lint(DEPLOYMENT)
    recorded = baseline.from_report(report)
    text = baseline.dumps(recorded)
    assert text == baseline.dumps(baseline.loads(text))  # round trip, byte for byte
    data = json.loads(text)
    assert data["schemaVersion"] == baseline.SCHEMA_VERSION
    rows = [line for line in text.splitlines() if line.strip().startswith('{"ruleId"')]
    assert len(rows) == len(data["findings"]) == 2
    assert [r["ruleId"] for r in data["findings"]] == ["privilege-escalation-allowed", "run-as-root-allowed"]
    assert set(data["findings"][0]) == {"ruleId", "file", "object", "path", "fingerprint"}
    assert data["findings"][0]["object"] == "Deployment prod/web"
    # the order of findings in the report does not change the file
    shuffled = baseline.Baseline(tuple(reversed(recorded.entries)))
    assert baseline.dumps(shuffled) == text


def test_edits_elsewhere_keep_findings_baselined() -> None:
    recorded = baseline.from_report(_lint(DEPLOYMENT))
    moved = "# a comment that moves every line\n\n" + DEPLOYMENT.replace(
        "metadata: {name: web, namespace: prod}", "metadata:\n  name: web\n  namespace: prod\n  labels: {a: b}"
    )
    applied = baseline.apply(_lint(moved), recorded)
    assert applied.hidden == 2 and applied.fixed == ()
    assert applied.report.active == ()
    assert {f.baseline_state for f in applied.report.findings} == {"unchanged"}


def test_new_findings_are_reported_and_fixed_ones_counted() -> None:
    recorded = baseline.from_report(_lint(DEPLOYMENT))
    changed = DEPLOYMENT.replace(
        "image: nginx:1.27", "image: nginx:1.27\n          securityContext: {allowPrivilegeEscalation: false}"
    ).replace("spec:\n  selector", "spec:\n  revisionHistoryLimit: 0\n  selector")
    applied = baseline.apply(_lint(changed), recorded)
    assert [f.rule_id for f in applied.report.active] == ["rollback-history-disabled"]
    assert applied.report.active[0].baseline_state == "new"
    assert applied.hidden == 1
    assert [e.rule_id for e in applied.fixed] == ["privilege-escalation-allowed"]
    assert applied.report.stats["baselineHidden"] == 1 and applied.report.stats["baselineFixed"] == 1


def test_entries_outside_the_run_are_neither_fixed_nor_dropped() -> None:
    recorded = baseline.from_report(_lint(DEPLOYMENT, "other/app.yaml"))
    applied = baseline.apply(_lint(DEPLOYMENT), recorded)
    assert applied.fixed == ()  # other/app.yaml was not linted in this run
    rewritten = baseline.from_report(_lint(DEPLOYMENT), recorded)
    assert {e.file for e in rewritten.entries} == {"other/app.yaml", "deploy/web.yaml"}


def test_unreadable_file_does_not_mark_its_entries_fixed() -> None:
    recorded = baseline.from_report(_lint(DEPLOYMENT))
    source = Source("deploy/web.yaml", b"apiVersion: v1\nkind: [\n")
    broken = lint_sources([source], select=[*SELECT, "yaml-syntax"])
    assert [f.rule_id for f in broken.active] == ["yaml-syntax"]
    assert baseline.apply(broken, recorded).fixed == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"schemaVersion": 2, "findings": []}', "unsupported schemaVersion"),
        ('{"schemaVersion": 1, "findings": [{"ruleId": "x"}]}', "findings[0]"),
    ],
)
def test_bad_files_are_explained(text: str, message: str) -> None:
    with pytest.raises(baseline.BaselineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        baseline.loads(text, "b.json")


# -- the command line -------------------------------------------------------------------
def test_cli_write_then_apply(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    select = ["--select", ",".join(SELECT)]
    assert main(["lint", "deploy", *select]) == 1
    capsys.readouterr()
    assert main(["lint", "deploy", *select, "--write-baseline", ".kubelint-baseline.json"]) == 0
    out, err = capsys.readouterr()
    assert "wrote 2 finding(s) to baseline .kubelint-baseline.json" in err
    assert "2 baselined findings hidden, 0 fixed" in out
    first = (repo / ".kubelint-baseline.json").read_text()

    assert main(["lint", "deploy", *select, "--baseline", ".kubelint-baseline.json"]) == 0
    assert "2 baselined findings hidden, 0 fixed" in capsys.readouterr().out

    (repo / "deploy" / "web.yaml").write_text(
        DEPLOYMENT.replace("spec:\n  selector", "spec:\n  revisionHistoryLimit: 0\n  selector").replace(
            "image: nginx:1.27", "image: nginx:1.27\n          securityContext: {allowPrivilegeEscalation: false}"
        )
    )
    assert main(["lint", "deploy", *select, "--baseline", ".kubelint-baseline.json"]) == 1
    out = capsys.readouterr().out
    assert "rollback-history-disabled" in out and "run-as-root-allowed" not in out
    assert "1 baselined finding hidden, 1 fixed (drop them with --write-baseline)" in out

    # every format
    assert main(["lint", "deploy", *select, "--baseline", ".kubelint-baseline.json", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    Draft202012Validator(schema).validate(data)
    assert [f["baselineState"] for f in data["findings"]] == ["new"]
    assert [(f["baselineState"], f["suppression"]["kind"]) for f in data["suppressed"]] == [("unchanged", "baseline")]
    assert data["summary"]["baselined"] == 1 and data["summary"]["baselineFixed"] == 1

    assert main(["lint", "deploy", *select, "--baseline", ".kubelint-baseline.json", "--format", "sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    states = {r["ruleId"]: r["baselineState"] for r in results}
    assert states == {"rollback-history-disabled": "new", "run-as-root-allowed": "unchanged"}
    unchanged = next(r for r in results if r["baselineState"] == "unchanged")
    assert unchanged["suppressions"][0]["kind"] == "external"
    sarif_file = repo / "out.sarif"
    args = ["--baseline", ".kubelint-baseline.json", "--format", "sarif", "--output", str(sarif_file)]
    assert main(["lint", "deploy", *select, *args]) == 1
    verdict = check_sarif_file(sarif_file, repo_root=repo)
    assert verdict.ok and not verdict.warnings, str(verdict)
    sarif_file.unlink()

    assert main(["lint", "deploy", *select, "--baseline", ".kubelint-baseline.json", "--format", "github"]) == 1
    annotations = capsys.readouterr().out.splitlines()
    assert len(annotations) == 1 and "rollback-history-disabled" in annotations[0]

    # rewriting drops the fixed entry and records the new one
    args = ["--baseline", ".kubelint-baseline.json", "--write-baseline", ".kubelint-baseline.json"]
    assert main(["lint", "deploy", *select, *args]) == 0
    assert "dropped 1 fixed" in capsys.readouterr().err
    second = json.loads((repo / ".kubelint-baseline.json").read_text())
    assert sorted(f["ruleId"] for f in second["findings"]) == ["rollback-history-disabled", "run-as-root-allowed"]
    assert second != json.loads(first)


def test_cli_missing_or_bad_baseline_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "deploy", "--baseline", "nope.json"]) == 2
    assert "baseline file not found" in capsys.readouterr().err
    (repo / "bad.json").write_text("{")
    assert main(["lint", "deploy", "--baseline", "bad.json"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
