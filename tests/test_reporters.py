"""Reporters: text, JSON and GitHub output, golden files, and the shared helpers.

Reports come from linting small manifests with `privileged-container` and the loader's
`yaml-syntax`, or are built by hand for edge cases. Set KUBELINT_UPDATE_GOLDEN=1 to rewrite
tests/golden/ after an intended output change (and review the diff).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from kubelint_py.model import (
    Examples,
    Finding,
    Location,
    ObjectRef,
    Pos,
    Report,
    RuleMeta,
    Scope,
    Severity,
    Source,
    Span,
    ToolError,
)
from kubelint_py.output.reporters import FORMATS, ReportOptions, render, repo_relative
from kubelint_py.output.reporters.github import esc_data, esc_prop
from tests.helpers import ROOT, lint_sources

GOLDEN = Path(__file__).resolve().parent / "golden"
SELECT = ("privileged-container", "yaml-syntax")

WEB_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
        - name: sidecar
          image: envoy:1.30
          securityContext: {privileged: true}  # kubelint: ignore[privileged-container] needs iptables
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
data: [unclosed
"""
DEBUG_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  annotations:
    ignore.kubelint.io/privileged-container: "break-glass pod"
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
"""
CLEAN_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
    - name: app
      image: nginx:1.27
"""
SOURCES = {"deploy/web.yaml": WEB_YAML, "deploy/debug.yaml": DEBUG_YAML}


# -- building reports ---------------------------------------------------------------------
def lint_files(files: Mapping[str, str], config: Mapping[str, Any] | None = None) -> Report:
    sources = [Source(name, text.encode("utf-8")) for name, text in files.items()]
    return lint_sources(sources, select=SELECT, config=config)


def sample_report() -> Report:
    """Two files: an active and an inline-suppressed finding, a syntax error, an annotated Pod."""
    return lint_files(SOURCES)


def read_line_from(files: Mapping[str, str]) -> Any:
    def read_line(file: str, line: int) -> str | None:
        lines = files.get(file, "").splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    return read_line


def options(**overrides: Any) -> ReportOptions:
    values: dict[str, Any] = {"fail_on": Severity.WARNING, "exit_code": 1, "tool_version": "0.1.0"}
    values.update(overrides)
    return ReportOptions(**values)


def meta(rule_id: str, severity: Severity = Severity.ERROR, **kw: Any) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        title=kw.pop("title", f"Problem found by {rule_id}"),
        document=kw.pop("document", "cluster-hardening"),
        severity=severity,
        scope=Scope(),
        rationale=kw.pop("rationale", "Explains in operational terms why this matters to the cluster."),
        remediation=kw.pop("remediation", "Change the field."),
        examples=Examples("kind: Pod\n", "kind: Pod\n"),
        **kw,
    )


def finding(
    rule_id: str,
    message: str,
    *,
    file: str = "deploy/app.yaml",
    line: int = 3,
    column: int = 5,
    end: tuple[int, int] | None = None,
    severity: Severity = Severity.ERROR,
    **kw: Any,
) -> Finding:
    end_line, end_col = end if end is not None else (line, column + 4)
    kw.setdefault("object", ObjectRef("apps", "Deployment", "prod", "web"))
    kw.setdefault("api_version", "apps/v1")
    kw.setdefault("logical_path", f"spec.{rule_id}")
    return Finding(
        rule_id=rule_id,
        severity=severity,
        document="cluster-hardening",
        message=message,
        file=file,
        span=Span(Pos(line, column), Pos(end_line, end_col)),
        **kw,
    )


def edge_report() -> Report:
    """Hand-built: awkward messages, unicode columns, related and rendered locations, files
    outside the root and on stdin, a rule missing from report.rules, a tool error."""
    rules = (
        meta("alpha-rule", Severity.ERROR, security_severity="9.5"),
        meta("beta-rule", Severity.WARNING, category="reliability", document="traffic-spike"),
        meta("gamma-rule", Severity.INFO, category="networking", document="network-connectivity"),
    )
    findings = (
        finding(
            "alpha-rule",
            'Deployment prod/web: container "app": 100% privileged, really\nsecond line\r',
            line=7,
            column=9,
        ),
        finding(
            "beta-rule",
            "Deployment prod/web: replicas: 1, no PodDisruptionBudget",
            severity=Severity.WARNING,
            file="deploy/ünïcode dir/app.yaml",
            line=2,
            column=12,
            end=(2, 15),
            related=(Location("deploy/pdb.yaml", Span(Pos(4, 3), Pos(4, 9)), "PodDisruptionBudget prod/web"),),
        ),
        finding(
            "gamma-rule",
            "Service prod/web: selector matches nothing",
            severity=Severity.INFO,
            file="charts/web/templates/svc.yaml",
            line=5,
            column=3,
            object=ObjectRef("", "Service", "prod", "web"),
            api_version="v1",
            helm_source="web/templates/svc.yaml",
            rendered=Location("rendered.yaml", Span(Pos(88, 3), Pos(88, 11)), "rendered output"),
            approximate=True,
        ),
        finding("alpha-rule", "Deployment prod/web: outside", file="/elsewhere/x.yaml", line=1, column=1),
        finding(
            "beta-rule",
            "Deployment prod/web: exempted by the config file",
            severity=Severity.WARNING,
            line=5,
            logical_path="spec.replicas",
            suppressed_by="config:exemptions[0]",
            justification="batch job, one replica is fine",
        ),
        finding("alpha-rule", "Deployment prod/web: from stdin", file="<stdin>", line=2, column=1),
        finding(
            "delta-rule",
            "ClusterRole admin: not described",
            object=ObjectRef("rbac.authorization.k8s.io", "ClusterRole", None, "admin"),
            api_version="rbac.authorization.k8s.io/v1",
            line=9,
        ),
    )
    return Report(
        findings=findings,
        rules=rules,
        files=("deploy/app.yaml",),
        errors=(ToolError("deploy/unreadable", "directory cannot be read: permission denied"),),
        stats={"files": 3, "documents": 4},
    )


# -- JSON schema --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def report_validator() -> Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_report(report: Report, opts: ReportOptions) -> dict[str, Any]:
    """Render as JSON and validate against schemas/report.schema.json (every JSON report does)."""
    data: dict[str, Any] = json.loads(render("json", report, opts))
    errors = sorted(report_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return data


# -- golden files -------------------------------------------------------------------------
def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KUBELINT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"missing golden file {path}; run with KUBELINT_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from the golden file"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_edge_report(fmt: str) -> None:
    """Hand-built report and rule metadata, so the golden files change only with the reporters
    (reports from real rules are checked structurally: their wording belongs to the rule authors)."""
    opts = options(verbose=True, include_suppressed=True, exit_code=2)
    suffix = {"text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt", "junit": "junit.xml"}[fmt]
    check_golden(f"edge.{suffix}", render(fmt, edge_report(), opts))
    if fmt == "json":
        json_report(edge_report(), opts)  # the golden JSON is schema-valid too
    if fmt == "junit":
        from tests.junit_schema import count_problems, problems

        text = render(fmt, edge_report(), opts)
        assert problems(text) == [] and count_problems(text) == []  # and valid JUnit


def test_golden_edge_report_text_with_source() -> None:
    source = {"deploy/app.yaml": "\n".join(f"line {n}: value" for n in range(1, 11))}
    opts = options(show_source=True, read_line=read_line_from(source))
    check_golden("edge.source.txt", render("text", edge_report(), opts))


# -- render / FORMATS ---------------------------------------------------------------------
def test_formats_and_unknown_format() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "junit")
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", sample_report(), options())


def test_sarif_om_is_imported_lazily() -> None:
    code = (
        "import sys\n"
        "from kubelint_py.model import Report, Severity\n"
        "from kubelint_py.output.reporters import ReportOptions, render\n"
        "o = ReportOptions(fail_on=Severity.ERROR, exit_code=0)\n"
        "r = Report(findings=(), rules=(), files=())\n"
        "for fmt in ('text', 'json', 'github'): render(fmt, r, o)\n"
        "assert 'sarif_om' not in sys.modules, 'sarif_om imported without SARIF output'\n"
        "render('sarif', r, o)\n"
        "assert 'sarif_om' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_reporters_are_pure() -> None:
    """No environment, clock or file access in reporters: everything comes through options."""
    forbidden = re.compile(
        r"\bos\.environ\b|\bgetenv\b|\bopen\(|\.read_text\(|\.write_text\(|\bdatetime\b|"
        r"\btime\.time\b|\bPath\.cwd\b|\bsys\.std(out|err)\b|\bprint\("
    )
    for path in sorted((ROOT / "kubelint_py" / "output" / "reporters").glob("*.py")):
        found = forbidden.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} uses {found}"


def test_every_format_is_deterministic() -> None:
    opts = options(include_suppressed=True)
    for fmt in FORMATS:
        assert render(fmt, sample_report(), opts) == render(fmt, sample_report(), opts)


# -- text ---------------------------------------------------------------------------------
def test_text_lines_like_ruff_and_summary() -> None:
    out = render("text", sample_report(), options())
    lines = out.splitlines()
    active = sample_report().active
    assert lines[0] == f"deploy/web.yaml:15:13: error privileged-container {active[0].message}"
    assert lines[1] == f"deploy/web.yaml:24:7: error yaml-syntax {active[1].message}"
    assert "Found 2 problems (2 errors)" in lines
    assert "2 findings suppressed (shown with --include-suppressed)" in lines
    assert "sidecar" not in out and "debug" not in out  # suppressed ones are hidden
    assert "\x1b[" not in out


def test_text_clean_run() -> None:
    report = lint_files({"ok.yaml": CLEAN_YAML})
    assert render("text", report, options(exit_code=0)) == "No problems found\n"
    assert render("text", report, options(exit_code=0, quiet=True)) == ""


def test_text_summary_counts_each_severity() -> None:
    report = Report(
        findings=(
            finding("a-rule", "x: one", severity=Severity.ERROR),
            finding("b-rule", "x: two", severity=Severity.WARNING, line=4),
            finding("b-rule", "x: three", severity=Severity.WARNING, line=5),
            finding("c-rule", "x: four", severity=Severity.INFO, line=6),
        ),
        rules=(),
        files=(),
    )
    out = render("text", report, options())
    assert out.splitlines()[-1] == "Found 4 problems (1 error, 2 warnings, 1 info)"
    single = Report(findings=report.findings[1:2], rules=(), files=())
    assert render("text", single, options()).splitlines()[-1] == "Found 1 problem (1 warning)"


def test_text_quiet_prints_findings_only() -> None:
    out = render("text", sample_report(), options(quiet=True))
    assert len(out.splitlines()) == 2
    assert "Found" not in out and "suppressed" not in out


def test_text_color_only_when_asked() -> None:
    out = render("text", sample_report(), options(color=True))
    assert "\x1b[1;31merror\x1b[0m" in out
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == render("text", sample_report(), options())


def test_text_show_source_caret_under_span() -> None:
    out = render("text", sample_report(), options(show_source=True, read_line=read_line_from(SOURCES)))
    lines = out.splitlines()
    i = lines.index("15 |             privileged: true")
    assert lines[i - 1] == "   |"
    assert lines[i + 1] == "   |             ^^^^^^^^^^^^^^^^"
    caret = lines[i + 1][len("   | ") :]
    assert caret.index("^") == 12 and caret.count("^") == 16  # column 13, end column 29 (exclusive)


def test_text_show_source_unicode_and_tabs() -> None:
    report = Report(findings=(finding("a-rule", "x: y", line=1, column=5, end=(1, 8)),), rules=(), files=())
    out = render("text", report, options(show_source=True, read_line=lambda f, n: "\tä: über"))
    assert "1 | \tä: über" in out
    assert "  | \t   ^^^" in out  # tab kept, code points counted: columns 5-7 are "übe"


def test_text_show_source_without_line_available() -> None:
    out = render("text", sample_report(), options(show_source=True))
    assert "|" not in out


def test_text_verbose_adds_remediation_and_related() -> None:
    out = render("text", edge_report(), options(verbose=True))
    assert "  help: Change the field." in out
    assert "  note: PodDisruptionBudget prod/web at deploy/pdb.yaml:4:3" in out
    assert "  note: rendered output at rendered.yaml:88:3 (approximate template location)" in out


def test_text_include_suppressed_marks_them() -> None:
    out = render("text", sample_report(), options(include_suppressed=True))
    assert "[suppressed by inline: needs iptables]" in out
    assert "[suppressed by annotation: break-glass pod]" in out
    assert "2 findings suppressed\n" in out


def test_text_lists_tool_errors() -> None:
    out = render("text", edge_report(), options())
    assert "error: deploy/unreadable: directory cannot be read: permission denied" in out
    assert "1 input could not be processed (listed above)" in out


def test_text_effective_severity_is_shown() -> None:
    report = lint_files(SOURCES, config={"rules": {"severity": {"privileged-container": "warning"}}})
    out = render("text", report, options())
    assert "deploy/web.yaml:15:13: warning privileged-container" in out
    assert "Found 2 problems (1 error, 1 warning)" in out


# -- JSON ---------------------------------------------------------------------------------
def test_json_shape_and_summary() -> None:
    data = json_report(sample_report(), options())
    assert list(data) == ["schemaVersion", "tool", "summary", "findings", "suppressed", "errors"]
    assert data["schemaVersion"] == "1.1"
    assert data["tool"] == {"name": "kubelint", "version": "0.1.0"}
    assert data["summary"] == {
        "filesScanned": 2,
        "objectsScanned": 2,
        "findings": 2,
        "suppressed": 2,
        "errors": 0,
        "bySeverity": {"error": 2, "warning": 0, "info": 0},
        "failOn": "warning",
        "exitCode": 1,
    }
    first = data["findings"][0]
    privileged = next(m for m in sample_report().rules if m.id == "privileged-container")
    assert first == {
        "ruleId": "privileged-container",
        "severity": "error",
        "level": "error",
        "guidance": "cluster-hardening",
        "message": sample_report().active[0].message,
        "file": "deploy/web.yaml",
        "line": 15,
        "column": 13,
        "endLine": 15,
        "endColumn": 29,
        "object": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "namespace": "prod",
            "name": "web",
            "documentIndex": 0,
        },
        "path": "spec.template.spec.containers[name=app].securityContext.privileged",
        "related": [],
        "remediation": privileged.remediation,
        "helpUri": "https://github.com/kubelint/kubelint_py/blob/main/docs/rules/privileged-container.md",
        "fingerprint": first["fingerprint"],
    }
    assert re.fullmatch(r"[0-9a-f]{32}", first["fingerprint"])
    syntax = data["findings"][1]
    assert syntax["ruleId"] == "yaml-syntax" and syntax["object"] is None and syntax["line"] == 24


def test_json_suppressed_always_listed_with_kind() -> None:
    config = {"exemptions": [{"rules": ["privileged-container"], "kinds": ["Deployment"], "reason": "legacy"}]}
    data = json_report(lint_files(SOURCES, config=config), options())
    kinds = {(s["file"], s["line"]): s["suppression"] for s in data["suppressed"]}
    assert kinds == {
        ("deploy/debug.yaml", 12): {"kind": "annotation", "justification": "break-glass pod"},
        ("deploy/web.yaml", 15): {"kind": "config", "justification": "legacy"},
        ("deploy/web.yaml", 18): {"kind": "inline", "justification": "needs iptables"},
    }
    assert all("suppression" not in f for f in data["findings"])


def test_json_rendered_only_when_set_and_related() -> None:
    data = json_report(edge_report(), options(include_suppressed=True, exit_code=2))
    by_rule = {f["ruleId"]: f for f in data["findings"] if f["file"] not in ("<stdin>", "/elsewhere/x.yaml")}
    assert by_rule["gamma-rule"]["rendered"] == {
        "source": "helm",
        "file": "rendered.yaml",
        "line": 88,
        "column": 3,
        "approximate": True,
    }
    assert "rendered" not in by_rule["alpha-rule"]
    assert by_rule["beta-rule"]["related"] == [
        {"file": "deploy/pdb.yaml", "line": 4, "column": 3, "message": "PodDisruptionBudget prod/web"}
    ]
    assert by_rule["gamma-rule"]["level"] == "note" and by_rule["beta-rule"]["level"] == "warning"
    assert by_rule["delta-rule"]["helpUri"].endswith("/docs/rules/delta-rule.md")
    assert data["errors"] == [
        {"file": "deploy/unreadable", "message": "directory cannot be read: permission denied", "line": None}
    ]
    assert data["summary"]["failOn"] == "warning" and data["summary"]["exitCode"] == 2


def test_json_sorted_by_file_line_column_rule() -> None:
    data = json_report(edge_report(), options())
    keys = [(f["file"], f["line"], f["column"], f["ruleId"]) for f in data["findings"]]
    assert keys == sorted(keys)


def test_json_fail_on_never_and_clean() -> None:
    data = json_report(lint_files({"ok.yaml": CLEAN_YAML}), options(fail_on=None, exit_code=0))
    assert data["summary"]["failOn"] == "never"
    assert data["findings"] == [] and data["suppressed"] == []


def test_json_paths_relative_to_root(tmp_path: Path) -> None:
    report = lint_files(SOURCES)
    data = json_report(report, options(sarif_root=tmp_path / "repo", cwd=tmp_path / "repo" / "sub"))
    assert {f["file"] for f in data["findings"]} == {"sub/deploy/web.yaml"}


def test_json_and_sarif_agree() -> None:
    opts = options(include_suppressed=True)
    for report in (sample_report(), edge_report()):
        data = json_report(report, opts)
        sarif = json.loads(render("sarif", report, opts))
        results = sarif["runs"][0]["results"]
        rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        from_sarif = {
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            ): (r["level"], r["partialFingerprints"]["kubelintFinding/v1"], rules[r["ruleId"]]["helpUri"])
            for r in results
        }
        from_json = {
            (f["ruleId"], quote(f["file"], safe="/"), f["line"]): (f["level"], f["fingerprint"], f["helpUri"])
            for f in (*data["findings"], *data["suppressed"])
        }
        assert from_sarif
        for key, value in from_sarif.items():
            assert from_json[key] == value, key


# -- GitHub -------------------------------------------------------------------------------
def test_github_escaping_functions() -> None:
    assert esc_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert esc_prop("a:b,c%") == "a%3Ab%2Cc%25"
    assert esc_data("%0A") == "%250A"  # `%` first, so existing escapes are not decoded


def test_github_commands() -> None:
    out = render("github", sample_report(), options())
    message = sample_report().active[0].message
    assert "\n" not in message and "%" not in message
    assert out.splitlines()[0] == (
        "::error file=deploy/web.yaml,line=15,col=13,endLine=15,endColumn=29,"
        f"title=kubelint privileged-container::{message}"
    )
    assert len(out.splitlines()) == 2  # suppressed findings are not annotated


def test_github_edge_cases() -> None:
    lines = render("github", edge_report(), options()).splitlines()
    assert lines[0] == "::error title=kubelint::deploy/unreadable: directory cannot be read: permission denied"
    commands = [line.split(" ", 1)[0] for line in lines[1:]]
    assert commands == ["::error"] * 4 + ["::warning", "::notice"]  # most severe first
    alpha = next(line for line in lines if "100%25" in line)
    assert alpha == (
        "::error file=deploy/app.yaml,line=7,col=9,endLine=7,endColumn=13,title=kubelint alpha-rule::"
        'Deployment prod/web: container "app": 100%25 privileged, really%0Asecond line%0D'
    )
    beta = next(line for line in lines if line.startswith("::warning"))
    assert "file=deploy/ünïcode dir/app.yaml,line=2,col=12,endLine=2,endColumn=15," in beta
    assert beta.endswith("::Deployment prod/web: replicas: 1, no PodDisruptionBudget")
    stdin = next(line for line in lines if "from stdin" in line)
    assert stdin == "::error title=kubelint alpha-rule::<stdin>:2:1: Deployment prod/web: from stdin"
    outside = next(line for line in lines if "outside" in line)
    assert "file=" not in outside and "/elsewhere/x.yaml:1:1: " in outside


def test_github_property_escaping_in_paths() -> None:
    report = Report(findings=(finding("a-rule", "m", file="odd,name:1%.yaml"),), rules=(), files=())
    out = render("github", report, options())
    assert out.startswith("::error file=odd%2Cname%3A1%25.yaml,line=3,")


def test_github_clean_run_prints_nothing() -> None:
    assert render("github", lint_files({"ok.yaml": CLEAN_YAML}), options(exit_code=0)) == ""


# -- paths --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "root", "cwd", "expected"),
    [
        ("deploy/web.yaml", ".", None, "deploy/web.yaml"),
        ("deploy/web.yaml", "/repo", None, "deploy/web.yaml"),
        ("deploy/web.yaml", "/repo", "/repo/sub", "sub/deploy/web.yaml"),
        ("../other/x.yaml", "/repo", "/repo/sub", "other/x.yaml"),
        ("../x.yaml", "/repo", None, None),
        ("/repo/a b.yaml", "/repo", None, "a b.yaml"),
        ("/elsewhere/x.yaml", "/repo", None, None),
        ("/elsewhere/x.yaml", ".", None, None),
        ("<stdin>", ".", None, None),
        ("sub/x.yaml", "sub", None, "x.yaml"),
        ("sub/x.yaml", "sub", "/work", "x.yaml"),
        ("./deploy//web.yaml", ".", None, "deploy/web.yaml"),
        ("C:\\repo\\deploy\\web.yaml", "C:/repo", None, "deploy/web.yaml"),
    ],
)
def test_repo_relative(file: str, root: str, cwd: str | None, expected: str | None) -> None:
    opts = options(sarif_root=Path(root), cwd=Path(cwd) if cwd else None)
    assert repo_relative(file, opts) == expected


@pytest.mark.parametrize(
    ("start", "end", "caret"),
    [((1, 3), (1, 3), "  | " + "  ^"), ((1, 3), (3, 1), "  | " + "  ^^^^^^^^"), ((1, 1), (1, 40), "  | " + "^" * 10)],
)
def test_text_caret_for_empty_multiline_and_overlong_spans(
    start: tuple[int, int], end: tuple[int, int], caret: str
) -> None:
    item = finding("a-rule", "x: y", line=start[0], column=start[1], end=end)
    out = render(
        "text",
        Report(findings=(item,), rules=(), files=()),
        options(show_source=True, read_line=lambda f, n: "key: value"),
    )
    assert caret in out.splitlines()
