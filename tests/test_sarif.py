"""SARIF output checked by tests/sarif_check.py (the OASIS schema + GitHub code scanning's
requirements) against real files in a temporary repository, plus the mapping details of
integration.md (a)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.model import INPUT_PROBLEMS, Location, Pos, Report, Severity, Source, Span
from kubelint_py.output.reporters import ReportOptions, render
from kubelint_py.output.reporters.sarif import _to_data
from tests.helpers import lint_sources
from tests.sarif_check import alert_changes, check_sarif, check_sarif_file
from tests.test_reporters import (
    CLEAN_YAML,
    SELECT,
    SOURCES,
    edge_report,
    finding,
    lint_files,
    meta,
    options,
    sample_report,
)


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lint_tree(root: Path, files: Mapping[str, str], **kw: Any) -> Report:
    """Lint files that really exist under `root`, named relative to it (as the CLI does from cwd)."""
    write_tree(root, files)
    sources = [Source(name, (root / name).read_bytes()) for name in files]
    return lint_sources(sources, select=SELECT, cwd=root, **kw)


def sarif_checked(
    report: Report, opts: ReportOptions, out: Path, repo_root: Path | None, known: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Render SARIF to `out`, check it (tests/sarif_check.py), return the parsed log. `known`:
    the warnings expected, exactly."""
    text = render("sarif", report, opts)
    out.write_text(text, encoding="utf-8")
    verdict = check_sarif_file(out, repo_root=repo_root)
    assert verdict.ok and tuple(verdict.warnings) == known, str(verdict)
    data: dict[str, Any] = json.loads(text)
    return data


def run_of(data: Mapping[str, Any]) -> dict[str, Any]:
    runs = data["runs"]
    assert len(runs) == 1
    run: dict[str, Any] = runs[0]
    return run


# -- the checker gate on realistic reports -----------------------------------------------
def test_repo_root_check_with_real_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    report = lint_tree(repo, SOURCES)
    opts = options(sarif_root=repo, cwd=repo)
    data = sarif_checked(report, opts, tmp_path / "out.sarif", repo)
    run = run_of(data)
    assert data["$schema"].endswith("sarif-schema-2.1.0.json") and data["version"] == "2.1.0"
    assert [r["ruleId"] for r in run["results"]] == ["privileged-container", "yaml-syntax"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "deploy/web.yaml"
    }


def test_repo_root_check_with_suppressed_results(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    config = {"exemptions": [{"rules": ["privileged-container"], "kinds": ["Deployment"], "reason": "legacy"}]}
    report = lint_tree(repo, SOURCES, config=config)
    data = sarif_checked(report, options(sarif_root=repo, include_suppressed=True), tmp_path / "o.sarif", repo)
    suppressions = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r.get("suppressions")
        for r in run_of(data)["results"]
    }
    assert suppressions == {
        12: [{"kind": "inSource", "justification": "break-glass pod"}],
        15: [{"kind": "external", "justification": "legacy"}],
        18: [{"kind": "inSource", "justification": "needs iptables"}],
        24: None,
    }
    plain = sarif_checked(report, options(sarif_root=repo), tmp_path / "p.sarif", repo)
    assert len(run_of(plain)["results"]) == 1  # only yaml-syntax is unsuppressed


def test_edge_report_passes_checker_and_keeps_outsiders_as_notifications(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(
        repo,
        {
            "deploy/app.yaml": "x\n" * 10,
            "deploy/ünïcode dir/app.yaml": "x\n" * 3,
            "deploy/pdb.yaml": "x\n" * 5,
            "charts/web/templates/svc.yaml": "x\n" * 6,
            "rendered.yaml": "x\n" * 90,
        },
    )
    # rules[2] describes a finding whose rule the report does not know: a placeholder, with help
    data = sarif_checked(edge_report(), options(sarif_root=repo, exit_code=2), tmp_path / "e.sarif", repo)
    placeholder = run_of(data)["tool"]["driver"]["rules"][2]
    assert placeholder["shortDescription"]["text"] == "delta-rule"
    assert placeholder["help"]["text"].startswith("kubelint rule delta-rule: see http")
    run = run_of(data)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == sorted(uris)
    assert "deploy/%C3%BCn%C3%AFcode%20dir/app.yaml" in uris
    assert all(not u.startswith(("/", "<")) for u in uris)
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    notes = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any(t.startswith("/elsewhere/x.yaml:1:1: alpha-rule: ") and "outside the SARIF root" in t for t in notes)
    assert any(t.startswith("<stdin>:2:1: alpha-rule: ") for t in notes)
    assert "deploy/unreadable: directory cannot be read: permission denied" in notes
    levels = {n["message"]["text"].split(":")[0]: n["level"] for n in invocation["toolExecutionNotifications"]}
    assert levels["deploy/unreadable"] == "error"


def test_clean_run_describes_every_enabled_rule(tmp_path: Path) -> None:
    report = lint_tree(tmp_path, {"ok.yaml": CLEAN_YAML})
    data = sarif_checked(report, options(sarif_root=tmp_path, exit_code=0), tmp_path / "c.sarif", tmp_path)
    run = run_of(data)
    assert run["results"] == []
    # the selected rules and the input problems, which run whatever the selection
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted({*SELECT, *INPUT_PROBLEMS})
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 0}]


def test_stability_when_lines_are_inserted_above(tmp_path: Path) -> None:
    """--stable-against: the same findings keep their (ruleId, uri, fingerprint) after blank
    lines and comments are added at the top of the file."""
    files = {
        "deploy/debug.yaml": SOURCES["deploy/debug.yaml"].replace("ignore.kubelint.io", "note.example.com"),
        "deploy/web.yaml": SOURCES["deploy/web.yaml"].split("---")[0],
    }
    shifted = {name: "# added comment\n\n# another: one\n\n" + text for name, text in files.items()}
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    a = sarif_checked(lint_tree(a_root, files), options(sarif_root=a_root), tmp_path / "a.sarif", a_root)
    b = sarif_checked(lint_tree(b_root, shifted), options(sarif_root=b_root), tmp_path / "b.sarif", b_root)
    lines_a = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run_of(a)["results"]]
    lines_b = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run_of(b)["results"]]
    assert len(lines_a) == 2 and [x + 4 for x in lines_a] == lines_b
    assert alert_changes(a, b) == []


def test_fingerprint_changes_when_the_object_is_renamed(tmp_path: Path) -> None:
    files = {"deploy/web.yaml": SOURCES["deploy/web.yaml"].split("---")[0]}
    renamed = {"deploy/web.yaml": files["deploy/web.yaml"].replace("name: web", "name: web2")}
    a = json.loads(render("sarif", lint_tree(tmp_path / "a", files), options(sarif_root=tmp_path / "a")))
    b = json.loads(render("sarif", lint_tree(tmp_path / "b", renamed), options(sarif_root=tmp_path / "b")))
    gone, new = alert_changes(a, b)
    assert gone.startswith("- ('privileged-container', 'deploy/web.yaml', ")
    assert new.startswith("+ ('privileged-container', 'deploy/web.yaml', ")


# -- mapping details ----------------------------------------------------------------------
def _rules(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in run_of(data)["tool"]["driver"]["rules"]}


def test_run_envelope() -> None:
    run = run_of(json.loads(render("sarif", sample_report(), options(sarif_category="helm-web", tool_version="1.2.3"))))
    assert run["automationDetails"] == {"id": "kubelint/helm-web/"}
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubelint" and driver["version"] == driver["semanticVersion"] == "1.2.3"
    assert driver["informationUri"].startswith("https://")
    for absent in ("originalUriBaseIds", "language", "newlineSequences", "artifacts"):
        assert absent not in run
    assert "commandLine" not in run["invocations"][0] and "workingDirectory" not in run["invocations"][0]


def test_rule_descriptors() -> None:
    rules = _rules(json.loads(render("sarif", sample_report(), options())))
    assert list(rules) == sorted({"privileged-container", "yaml-syntax", *INPUT_PROBLEMS})
    priv = rules["privileged-container"]
    assert priv["name"] == "PrivilegedContainer"
    assert priv["shortDescription"] == {"text": "Container runs privileged"}
    assert priv["fullDescription"]["text"].startswith("A privileged container")
    assert priv["help"]["markdown"].startswith("# privileged-container\n")
    assert "## Use instead" in priv["help"]["markdown"] and "Use instead (passes):" in priv["help"]["text"]
    assert priv["helpUri"] == "https://github.com/kubelint/kubelint_py/blob/main/docs/rules/privileged-container.md"
    assert priv["defaultConfiguration"] == {"level": "error"}
    assert priv["properties"]["tags"] == ["kubernetes", "security", "cluster-hardening"]
    assert priv["properties"]["security-severity"] == "9.0"  # set by the rule
    assert "problem.severity" not in priv["properties"]
    syntax = rules["yaml-syntax"]["properties"]
    assert syntax == {
        "tags": ["kubernetes", "correctness", "kubelint"],
        "precision": "very-high",
        "problem.severity": "error",
    }


@pytest.mark.parametrize(
    ("severity", "level", "security", "problem"),
    [
        (Severity.ERROR, "error", "8.0", "error"),
        (Severity.WARNING, "warning", "5.5", "warning"),
        (Severity.INFO, "note", "3.0", "recommendation"),
    ],
)
def test_severity_mapping(severity: Severity, level: str, security: str, problem: str) -> None:
    report = Report(
        findings=(
            finding("sec-rule", "x: sec", severity=severity),
            finding("ops-rule", "x: ops", severity=severity, line=4),
        ),
        rules=(meta("sec-rule", severity), meta("ops-rule", severity, category="operations")),
        files=(),
    )
    data = json.loads(render("sarif", report, options()))
    rules = _rules(data)
    assert rules["sec-rule"]["defaultConfiguration"]["level"] == level
    assert rules["sec-rule"]["properties"]["security-severity"] == security
    assert "security-severity" not in rules["ops-rule"]["properties"]
    assert rules["ops-rule"]["properties"]["problem.severity"] == problem
    assert all(r["level"] == level for r in run_of(data)["results"])


def test_level_is_explicit_even_when_it_equals_sarif_om_default() -> None:
    """The reason for our own serializer: jschema_to_python would drop level == "warning"."""
    report = Report(
        findings=(finding("w-rule", "x: y", severity=Severity.WARNING),),
        rules=(meta("w-rule", Severity.ERROR),),
        files=(),
    )
    run = run_of(json.loads(render("sarif", report, options())))
    assert run["results"][0]["level"] == "warning"
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "error"}


def test_result_details() -> None:
    run = run_of(json.loads(render("sarif", edge_report(), options())))
    by_rule = {r["ruleId"]: r for r in run["results"]}
    alpha = by_rule["alpha-rule"]
    assert alpha["message"]["text"].endswith("really\nsecond line\r")
    assert alpha["locations"][0]["logicalLocations"] == [
        {"name": "web", "kind": "resource", "fullyQualifiedName": "apps/v1/Deployment/prod/web"}
    ]
    assert alpha["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 9,
        "endLine": 7,
        "endColumn": 13,
    }
    assert list(alpha["partialFingerprints"]) == ["kubelintFinding/v1"]
    beta = by_rule["beta-rule"]
    assert beta["relatedLocations"] == [
        {
            "id": 1,
            "message": {"text": "PodDisruptionBudget prod/web"},
            "physicalLocation": {
                "artifactLocation": {"uri": "deploy/pdb.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 9},
            },
        }
    ]
    gamma = by_rule["gamma-rule"]
    assert gamma["relatedLocations"][0]["message"] == {"text": "rendered output"}
    assert gamma["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 88
    assert gamma["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "v1/Service/prod/web"
    delta = by_rule["delta-rule"]  # cluster-scoped, and its rule is not in report.rules
    assert delta["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "rbac.authorization.k8s.io/v1/ClusterRole/admin"
    )
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["alpha-rule", "beta-rule", "delta-rule", "gamma-rule"]
    assert rules[0]["properties"]["security-severity"] == "9.5"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_sorted_by_uri_line_column_rule() -> None:
    report = Report(
        findings=(
            finding("b-rule", "x: 1", file="b.yaml", line=1, column=1),
            finding("a-rule", "x: 2", file="a.yaml", line=9, column=2, logical_path="p1"),
            finding("b-rule", "x: 3", file="a.yaml", line=9, column=1, logical_path="p2"),
            finding("a-rule", "x: 4", file="a.yaml", line=9, column=1, logical_path="p3"),
            finding("a-rule", "x: 5", file="a.yaml", line=10, column=1, logical_path="p4"),
        ),
        rules=(meta("a-rule"), meta("b-rule")),
        files=(),
    )
    results = run_of(json.loads(render("sarif", report, options())))["results"]
    keys = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        )
        for r in results
    ]
    assert keys == [
        ("a.yaml", 9, 1, "a-rule"),
        ("a.yaml", 9, 1, "b-rule"),
        ("a.yaml", 9, 2, "a-rule"),
        ("a.yaml", 10, 1, "a-rule"),
        ("b.yaml", 1, 1, "b-rule"),
    ]


def test_same_alert_is_emitted_once(tmp_path: Path) -> None:
    same = finding("a-rule", "x: y", fingerprint="0" * 32)
    report = Report(
        findings=(same, finding("a-rule", "x: y", line=8, fingerprint="0" * 32)), rules=(meta("a-rule"),), files=()
    )
    write_tree(tmp_path, {"deploy/app.yaml": "x\n" * 10})
    data = sarif_checked(report, options(sarif_root=tmp_path), tmp_path / "d.sarif", tmp_path)
    assert len(run_of(data)["results"]) == 1


def test_hand_built_findings_get_a_fingerprint() -> None:
    report = Report(findings=(finding("a-rule", "x: y"),), rules=(meta("a-rule"),), files=())
    result = run_of(json.loads(render("sarif", report, options())))["results"][0]
    assert len(result["partialFingerprints"]["kubelintFinding/v1"]) == 32


def test_empty_span_becomes_one_character() -> None:
    item = finding("a-rule", "x: y", line=1, column=1, end=(1, 1))
    report = Report(findings=(item,), rules=(meta("a-rule"),), files=())
    region = run_of(json.loads(render("sarif", report, options())))["results"][0]["locations"][0]
    assert region["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2}


def test_relative_root_and_cwd(tmp_path: Path) -> None:
    """Files named relative to a cwd below the root get the root-relative uri."""
    repo = tmp_path / "repo"
    sub = repo / "sub"
    report = lint_tree(sub, {"deploy/web.yaml": SOURCES["deploy/web.yaml"]})
    data = sarif_checked(report, options(sarif_root=repo, cwd=sub), tmp_path / "r.sarif", repo)
    uri = run_of(data)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "sub/deploy/web.yaml"


def test_stdin_only_gives_notifications_not_results() -> None:
    report = lint_files({"<stdin>": SOURCES["deploy/web.yaml"]})
    run = run_of(json.loads(render("sarif", report, options())))
    assert run["results"] == []
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 2
    verdict = check_sarif(json.loads(render("sarif", report, options())))
    assert verdict.ok and not verdict.warnings, str(verdict)


def test_serializer_drops_unset_defaults_but_keeps_level() -> None:
    import sarif_om as om

    data = _to_data(om.Result(message=om.Message(text="m"), level="warning", rule_id="r"))
    assert data == {"ruleId": "r", "level": "warning", "message": {"text": "m"}}
    config = _to_data(om.ReportingConfiguration(level="warning"))
    assert config == {"level": "warning"}
    assert _to_data(om.Region(start_line=1)) == {"startLine": 1}


def test_rendered_position_on_stdin_is_kept_as_text(tmp_path: Path) -> None:
    item = finding(
        "a-rule",
        "Deployment prod/web: approximate location",
        file="charts/web/templates/deploy.yaml",
        helm_source="web/templates/deploy.yaml",
        rendered=Location("<stdin>", Span(Pos(120, 7), Pos(120, 12)), "rendered output"),
        approximate=True,
    )
    write_tree(tmp_path, {"charts/web/templates/deploy.yaml": "x\n" * 5})
    report = Report(findings=(item,), rules=(meta("a-rule"),), files=())
    data = sarif_checked(report, options(sarif_root=tmp_path), tmp_path / "h.sarif", tmp_path)
    related = run_of(data)["results"][0]["relatedLocations"]
    assert related == [{"id": 1, "message": {"text": "rendered output (<stdin>:120)"}}]


def test_large_logs_are_written_compact_to_fit_githubs_upload_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint_py.output.reporters import sarif

    report = lint_sources([Source("p.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n")])
    options = ReportOptions(fail_on=Severity.WARNING, exit_code=1)
    pretty = render("sarif", report, options)
    monkeypatch.setattr(sarif, "PRETTY_LIMIT", 100)
    compact = render("sarif", report, options)
    assert "\n  " in pretty and "\n" not in compact.rstrip("\n")
    assert json.loads(pretty) == json.loads(compact)


def _many(count: int) -> Report:
    """`count` findings on distinct lines, every third an error, the rest notes."""
    findings = tuple(
        finding(
            "a-rule" if n % 3 == 0 else "b-rule",
            f"problem number {n}",
            line=n + 1,
            severity=Severity.ERROR if n % 3 == 0 else Severity.INFO,
            fingerprint=f"{n:032x}",
        )
        for n in range(count)
    )
    return Report(findings=findings, rules=(meta("a-rule"), meta("b-rule", Severity.INFO)), files=())


def _omitted(run: Mapping[str, Any]) -> list[str]:
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    return [n["message"]["text"] for n in notes if n["level"] == "warning"]


def test_past_githubs_result_limit_the_most_severe_results_are_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kubelint_py.output.reporters import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 10)
    run = run_of(sarif_checked(_many(30), options(), tmp_path / "many.sarif", None))
    assert [r["level"] for r in run["results"]] == ["error"] * 10
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
    assert lines == list(range(1, 30, 3))  # in location order
    (note,) = _omitted(run)
    assert "30 results" in note and "the 10 most severe are included, 20 left out" in note


def test_past_githubs_size_limit_the_file_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint_py.output.reporters import sarif

    monkeypatch.setattr(sarif, "PRETTY_LIMIT", 0)  # compact, as large logs are written
    unlimited = render("sarif", _many(300), options())
    monkeypatch.setattr(sarif, "MAX_BYTES", len(unlimited.encode()) // 4)  # room for ~75 of 100 errors
    text = render("sarif", _many(300), options())
    assert len(text.encode()) <= sarif.MAX_BYTES
    run = run_of(json.loads(text))
    assert 60 < len(run["results"]) < 100 and {r["level"] for r in run["results"]} == {"error"}
    assert len(_omitted(run)) == 1
    assert not _omitted(run_of(json.loads(unlimited)))  # nothing left out, nothing said


def _outside(report: Report) -> Report:
    """`report` with every finding in a file outside the SARIF root."""
    return dataclasses.replace(
        report, findings=tuple(f._replace(file="/somewhere/else/app.yaml") for f in report.findings)
    )


def test_findings_outside_the_root_stay_within_githubs_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every finding outside --sarif-root became a notification: 51,657 of them made a 24 MB log."""
    from kubelint_py.output.reporters import sarif

    monkeypatch.setattr(sarif, "MAX_UNPLACED_NOTIFICATIONS", 40)
    text = render("sarif", _outside(_many(300)), options())
    run = run_of(json.loads(text))
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["results"] == []
    listed = [n for n in notes if n["message"]["text"].startswith("/somewhere/else/app.yaml:")]
    assert len(listed) == 40 and {n["level"] for n in listed} == {"error"}  # the most severe
    lines = [int(n["message"]["text"].split(":")[1]) for n in listed]
    assert lines == sorted(lines)  # in location order
    (rest,) = _omitted(run)
    assert "300 findings could not be placed" in rest and "the 40 most severe are listed, 260 left out" in rest


def test_a_large_log_outside_the_root_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint_py.output.reporters import sarif

    big = _many(3_000)
    text = render("sarif", _outside(big), options())
    assert len(text.encode()) < 1_000_000 and not run_of(json.loads(text))["results"]
    inside = render("sarif", big, options())
    monkeypatch.setattr(sarif, "MAX_BYTES", len(inside.encode()) // 3)
    trimmed = render("sarif", big, options())
    assert len(trimmed.encode()) <= sarif.MAX_BYTES
