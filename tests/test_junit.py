"""Reports CI systems read (issue 19): JUnit XML (`--format junit`), `--statistics`, and the
GitHub job summary next to `--format github`, through the real command line."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import BROKEN, PRIVILEGED_POD, ROOT
from tests.junit_schema import count_problems, problems
from tests.test_workflow import kubelint

CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  LOG_LEVEL: info\n"
# a file name and values meant to break XML, Markdown or a CI log
HOSTILE_NAME = "evil]]><x>&amp;[link](http:%2F%2Fe.example)|`#\x1b[31m.yaml"
HOSTILE_POD = PRIVILEGED_POD.replace("name: debug", 'name: "a<b>&c]]>\\u0007\\ufffe\\u202e"')


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(PRIVILEGED_POD + "---\n" + CLEAN)
    (tmp_path / "deploy" / "clean.yaml").write_text(CLEAN.replace("settings", "other"))
    (tmp_path / "deploy" / "broken.yaml").write_text(BROKEN)
    return tmp_path


# -- the checker itself ----------------------------------------------------------------------------
def test_the_schema_check_accepts_and_rejects_what_the_schema_does() -> None:
    valid = (
        '<testsuites tests="1" failures="1" errors="0" time="1,234.5"><testsuite name="s" tests="1" failures="1" '
        'errors="0" time="0.25"><properties><property name="a" value="b"/></properties><testcase name="t" '
        'classname="c" time="x"><failure type="r" message="m">text</failure><failure>two</failure>'
        "<system-out>o</system-out></testcase></testsuite></testsuites>"
    )
    assert problems(valid) == [] and count_problems(valid) == []
    assert problems("<testsuite/>") == [
        f"/testsuite: missing required attribute {a}" for a in sorted(("errors", "failures", "name", "tests"))
    ]
    suite = '<testsuites><testsuite name="s" tests="1" failures="0" errors="0">{}</testsuite></testsuites>'
    bad = [
        '<testsuites><testcase name="t"/></testsuites>',  # a test case outside a suite
        '<testsuites><testsuite name="s" tests="1" failures="0" errors="0" file="f" colour="red"/></testsuites>',
        '<testsuites><testsuite name="s" tests="0" failures="0" errors="0" time="1s"/></testsuites>',
        suite.format('<testcase classname="c"/>'),  # no name
        suite.format('<testcase name="t" file="f"/>'),  # an attribute the schema does not know
        suite.format('<testcase name="t"><failure><b/></failure></testcase>'),
        suite.format("text"),
        "<report/>",
        "<testsuites>",
    ]
    for text in bad:
        assert problems(text), text
    assert count_problems(suite.format('<testcase name="t"/>').replace("<testsuites>", '<testsuites tests="2">'))


# -- JUnit through the CLI ---------------------------------------------------------------------------
def test_junit_report_is_valid_with_one_case_per_object_and_a_failure_per_finding(repo: Path) -> None:
    result = kubelint(["lint", ".", "--format", "junit", "--output", "report.xml", "--format", "json"], repo)
    assert result.returncode == 1, result.stderr
    text = (repo / "report.xml").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert problems(text) == [] and count_problems(text) == []
    root = ET.fromstring(text)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"deploy/broken.yaml", "deploy/clean.yaml", "deploy/pod.yaml"}
    cases = {case.get("name"): case for case in suites["deploy/pod.yaml"].iter("testcase")}
    assert set(cases) == {"Pod tools/debug", "ConfigMap shop/settings"}  # the clean object is a passing case
    assert cases["ConfigMap shop/settings"].find("failure") is None
    assert all(case.get("classname") == "deploy/pod.yaml" for case in cases.values())
    findings = json.loads(result.stdout)["findings"]
    pod_failures = cases["Pod tools/debug"].findall("failure")
    assert sorted(str(f.get("type")) for f in pod_failures) == sorted(
        f["ruleId"] for f in findings if f["file"] == "deploy/pod.yaml"
    )
    privileged = next(f for f in pod_failures if f.get("type") == "privileged-container")
    assert privileged.get("message", "").startswith("error: Pod tools/debug: ")
    assert "deploy/pod.yaml:11:9: error privileged-container" in (privileged.text or "")
    assert "docs/rules/privileged-container.md" in (privileged.text or "")
    broken = suites["deploy/broken.yaml"].find("testcase")
    assert broken is not None and broken.get("name") == "document #0"
    assert [f.get("type") for f in broken.findall("failure")] == ["yaml-syntax"]
    assert root.get("tests") == "4" and root.get("failures") == "2"  # 4 objects, 2 of them failing


def test_junit_on_stdout_and_errors_for_inputs_not_processed(repo: Path) -> None:
    unreadable = repo / "deploy" / "locked"
    unreadable.mkdir()
    unreadable.chmod(0)
    try:
        result = kubelint(["lint", ".", "--format", "junit"], repo)
    finally:
        unreadable.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert problems(result.stdout) == [] and count_problems(result.stdout) == []
    root = ET.fromstring(result.stdout)
    if os.geteuid() != 0:  # root reads any directory
        kubelint_suite = next(s for s in root.iter("testsuite") if s.get("name") == "kubelint")
        error = kubelint_suite.find("testcase/error")
        assert error is not None and "permission denied" in (error.get("message") or "")
    clean = kubelint(["lint", "deploy/clean.yaml", "--format", "junit"], repo)
    assert clean.returncode == 0 and problems(clean.stdout) == []
    assert ET.fromstring(clean.stdout).get("failures") == "0"


def test_junit_keeps_hostile_names_and_values_inert(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    try:
        (tmp_path / HOSTILE_NAME).write_text(HOSTILE_POD)
    except OSError:
        pytest.skip("the file system refuses the name")
    result = kubelint(["lint", ".", "--format", "junit"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert problems(result.stdout) == [] and count_problems(result.stdout) == []
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout
    root = ET.fromstring(result.stdout)
    assert [
        element.tag for element in root.iter() if element.tag not in ("testsuites", "testsuite", "testcase", "failure")
    ] == []
    case = next(root.iter("testcase"))
    assert "a<b>&c]]>" in (case.get("name") or "")  # the value, escaped as XML, read back as written


# -- --statistics ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_statistics_count_per_rule_and_per_severity(repo: Path) -> None:
    report = json.loads(kubelint(["lint", ".", "--format", "json"], repo).stdout)
    expected: dict[str, int] = {}
    for finding in report["findings"]:
        expected[finding["ruleId"]] = expected.get(finding["ruleId"], 0) + 1
    text = kubelint(["lint", ".", "--statistics"], repo)
    assert text.returncode == 1  # the exit code is the run's
    lines = text.stdout.splitlines()
    rows = [line.split() for line in lines if line[:1].isspace() or line[:1].isdigit()]
    assert {row[1]: int(row[0]) for row in rows} == expected
    assert "Pod tools/debug" not in text.stdout  # counts, not findings
    by_severity = report["summary"]["bySeverity"]
    total = sum(by_severity.values())
    assert (
        f"Found {total} problems in 2 files ({by_severity['error']} error, {by_severity['warning']} warning, "
        in text.stdout
    )
    assert "[*] `kubelint fix` can fix these" in text.stdout  # privilege-escalation-allowed has a fix
    data = json.loads(kubelint(["lint", ".", "--statistics", "--format", "json"], repo).stdout)
    assert {row["ruleId"]: row["count"] for row in data["rules"]} == expected
    assert data["bySeverity"] == by_severity and data["total"] == total
    counts = [row["count"] for row in data["rules"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.slow
def test_statistics_next_to_report_files_and_refused_for_documents_on_stdout(repo: Path) -> None:
    both = kubelint(["lint", ".", "--statistics", "--format", "sarif", "--output", "k.sarif"], repo)
    assert both.returncode == 1
    assert json.loads((repo / "k.sarif").read_text())["runs"][0]["results"]  # the full report, written
    assert "privileged-container" in both.stdout and "Found " in both.stdout
    refused = kubelint(["lint", ".", "--statistics", "--format", "sarif"], repo)
    assert refused.returncode == 2 and "--output" in refused.stderr and refused.stdout == ""
    clean = kubelint(["lint", "deploy/clean.yaml", "--statistics"], repo)
    assert clean.returncode == 0 and clean.stdout == "No problems found\n"
    # the fast path (no click) takes the flag too
    quick = kubelint(["lint", "--statistics", "deploy"], repo)
    assert quick.stdout == kubelint(["lint", "--statistics", "--jobs", "1", "deploy"], repo).stdout


# -- the GitHub job summary --------------------------------------------------------------------------
def _many_findings(root: Path, count: int) -> None:
    docs = [PRIVILEGED_POD.replace("name: debug", f"name: pod-{n}") for n in range(count)]
    (root / "many.yaml").write_text("---\n".join(docs))


@pytest.mark.slow
def test_github_format_appends_a_job_summary(repo: Path) -> None:
    summary = repo.parent / "summary.md"
    summary.write_text("# earlier step\n")
    result = kubelint(["lint", ".", "--format", "github"], repo, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1 and "::error " in result.stdout
    text = summary.read_text()
    assert text.startswith("# earlier step\n## kubelint failed: ")  # appended, not replaced
    assert "| error | " in text and "| warning | " in text
    assert "[privileged\\-container](https://" in text
    assert "| deploy\\/pod\\.yaml | " in text
    assert "Note:" not in text  # few findings: GitHub shows every annotation
    # not asked for: no summary
    summary.write_text("")
    kubelint(["lint", ".", "--format", "text"], repo, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text() == ""


def test_summary_notes_annotations_github_will_not_show(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _many_findings(tmp_path, 14)
    summary = tmp_path.parent / "many-summary.md"
    result = kubelint(
        ["lint", "many.yaml", "--format", "github", "--select", "privileged-container"],
        tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.stdout.count("::error ") == 14  # every annotation is written; GitHub shows 10
    text = summary.read_text()
    assert "| privileged\\-container" not in text or "| error | 14 |" in text
    assert "GitHub shows about 10 annotations of each type per step, so 4 error annotation(s) are not shown" in text


def test_summary_escapes_the_tree_for_markdown(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    try:
        (tmp_path / HOSTILE_NAME).write_text(HOSTILE_POD)
    except OSError:
        pytest.skip("the file system refuses the name")
    summary = tmp_path.parent / "hostile-summary.md"
    result = kubelint(["lint", ".", "--format", "github"], tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    text = summary.read_text()
    assert "\x1b" not in text
    file_rows = [line for line in text.splitlines() if line.startswith("| evil")]
    assert len(file_rows) == 1
    row = file_rows[0]
    # no link, no HTML, no extra table cell, no code span: every punctuation character escaped
    assert "](" not in row.replace("\\](", "") and "<x>" not in row and row.count(" | ") == 1
    cell = row[2 : row.index(" | ")]
    assert re.fullmatch(r"(?:[^!-/:-@\[-`{-~]|\\[!-/:-@\[-`{-~])*", cell)  # punctuation only escaped
    assert re.sub(r"\\(.)", r"\1", cell) == "evil]]><x>&amp;[link](http:%2F%2Fe.example)|`#%1B[31m.yaml"


def test_an_unwritable_summary_is_a_warning(repo: Path) -> None:
    result = kubelint(
        ["lint", ".", "--format", "github"], repo, env={"GITHUB_STEP_SUMMARY": str(repo / "no" / "such" / "dir.md")}
    )
    assert result.returncode == 1 and "::error " in result.stdout
    assert "warning: cannot append the job summary" in result.stderr


def test_junit_of_rendered_helm_output_tests_each_object_once() -> None:
    """Findings mapped to the chart's templates are tested there; only the objects without
    findings stay in the rendered stream's suite."""
    rendered = (ROOT / "fixtures" / "helm" / "rendered" / "web-prod.yaml").read_text()
    result = kubelint(
        ["lint", "-", "--chart-root", "fixtures/helm/charts/web", "--format", "junit"], ROOT, stdin=rendered
    )
    assert result.returncode == 1, result.stderr
    assert problems(result.stdout) == [] and count_problems(result.stdout) == []
    root = ET.fromstring(result.stdout)
    objects = [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]
    names = [name for _, name in objects]
    assert len(names) == len(set(names))  # no object twice
    assert any(file and file.endswith("templates/deployment.yaml") for file, _ in objects)
    stream = next(suite for suite in root.iter("testsuite") if suite.get("name") == "<stdin>")
    assert all(case.find("failure") is None for case in stream.iter("testcase"))
