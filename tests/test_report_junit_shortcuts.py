"""The JUnit report's shortcuts write what its plain recipe wrote (issue 20): a rule's `type`,
remediation and help link, and a file's shown name, made once (`junit._Failures`), and a
failure's body made safe line by line rather than whole. The recipe below is a copy of the code
they replaced; both render reports of findings of every shape (related locations, rendered
output, no object, rules without metadata, control, bidi and non-XML characters, line breaks in
messages and labels), with objects that have no findings and input errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.model import Finding, Report, RuleMeta, Severity, ToolError, object_label
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    junit,
    region,
    rules_by_id,
    sorted_findings,
)
from kubelint_py.output.safe_text import printable, printable_message
from tests.test_report_text import FILES, FINDINGS, RULES

# -- the recipe replaced ------------------------------------------------------------------
_NOT_XML = re.compile("[\ufffe\uffff]")


def _xml(text: str) -> str:
    text = printable_message(text)
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _one_line(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", printable(text))


def _failure(finding: Finding, file: str, options: ReportOptions, metas: Mapping[str, RuleMeta]) -> ET.Element:
    line, column, _, _ = region(finding.span)
    element = ET.Element(
        "failure",
        {"type": _one_line(finding.rule_id), "message": _one_line(f"{finding.severity.label}: {finding.message}")},
    )
    body = [f"{file}:{line}:{column}: {finding.severity.label} {finding.rule_id} {finding.message}"]
    for related in finding.related:
        pos = related.span.start
        body.append(f"note: {related.label} at {display_file(related.file, options)}:{pos.line}:{pos.column}")
    meta = metas.get(finding.rule_id)
    if meta is not None and meta.remediation.strip():
        body.append("help: " + " ".join(meta.remediation.split()))
    body.append(f"rule: {help_uri_for(finding.rule_id, metas, options.help_base_uri)}")
    element.text = _xml("\n".join(body))
    return element


def _report_tree(report: Report, options: ReportOptions) -> ET.Element:
    metas = rules_by_id(report)
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(dict)
    moved = {
        (display_file(f.rendered.file, options), object_label(f.object, f.doc_index))
        for f in report.active
        if f.rendered is not None
    }
    for file, label in report.objects:
        if (display_file(file, options), label) not in moved:
            cases[display_file(file, options)].setdefault(label, [])
    for finding in sorted_findings(report.active, report.ordered):
        file = display_file(finding.file, options)
        cases[file].setdefault(object_label(finding.object, finding.doc_index), []).append(finding)
    root = ET.Element("testsuites", {"name": "kubelint"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for file in sorted(cases):
        objects = cases[file]
        failures = sum(1 for found in objects.values() if found)
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _one_line(file),
                "tests": str(len(objects)),
                "failures": str(failures),
                "errors": "0",
                "skipped": "0",
                "time": "0",
            },
        )
        for label, found in objects.items():
            case = ET.SubElement(
                suite, "testcase", {"name": _one_line(label), "classname": _one_line(file), "time": "0"}
            )
            for finding in found:
                case.append(_failure(finding, file, options, metas))
        totals["tests"] += len(objects)
        totals["failures"] += failures
    if report.errors:
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": "kubelint",
                "tests": str(len(report.errors)),
                "failures": "0",
                "errors": str(len(report.errors)),
                "skipped": "0",
                "time": "0",
            },
        )
        for error in report.errors:
            where = display_file(error.file, options) if error.file else "kubelint"
            case = ET.SubElement(suite, "testcase", {"name": _one_line(where), "classname": "kubelint", "time": "0"})
            failure = ET.SubElement(case, "error", {"type": "input", "message": _one_line(error.message)})
            failure.text = _xml(f"{where}{f':{error.line}' if error.line is not None else ''}: {error.message}")
        totals["tests"] += len(report.errors)
        totals["errors"] += len(report.errors)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    return root


def _recipe(report: Report, options: ReportOptions) -> str:
    root = _report_tree(report, options)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- the comparisons ----------------------------------------------------------------------
HOSTILE_TEXT = st.text(alphabet="a \n\r\t\x1b\u202e\ufffe\uffff\u00e9<&\"'%\ud800", max_size=10)
ERRORS = st.builds(ToolError, st.none() | st.sampled_from(FILES), HOSTILE_TEXT, st.none() | st.integers(0, 3))
FINDINGS_WIDE = FINDINGS.flatmap(
    lambda f: st.builds(lambda message: f._replace(message=message), HOSTILE_TEXT | st.just(f.message))
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(FINDINGS_WIDE, max_size=8),
    st.lists(st.tuples(st.sampled_from(FILES), st.sampled_from(("Pod ns/a", "document #0", "x\ufffe"))), max_size=4),
    st.lists(ERRORS, max_size=2),
    st.booleans(),
)
def test_junit_is_its_recipe(
    findings: list[Finding], objects: list[tuple[str, str]], errors: list[ToolError], ordered: bool
) -> None:
    if ordered:
        findings = sorted(findings, key=Finding.sort_key)
    report = Report(
        findings=tuple(findings), rules=RULES, files=(), errors=tuple(errors), objects=tuple(objects), ordered=ordered
    )
    options = ReportOptions(fail_on=Severity.WARNING, exit_code=1, sarif_root=Path("/repo/deploy"), cwd=Path("/repo"))
    assert junit.render(report, options) == _recipe(report, options)


@settings(max_examples=300, deadline=None)
@given(st.lists(HOSTILE_TEXT | st.text(max_size=8), max_size=5))
def test_xml_text_of_lines_joined_is_their_texts_joined(lines: list[str]) -> None:
    assert junit._xml("\n".join(lines)) == "\n".join(junit._xml(line) for line in lines) == _xml("\n".join(lines))
    for line in lines:
        assert junit._one_line(line) == _one_line(line)


@settings(max_examples=100, deadline=None)
@given(st.lists(FINDINGS_WIDE, max_size=8), st.lists(ERRORS, max_size=2))
def test_junit_is_written_a_suite_at_a_time(findings: list[Finding], errors: list[ToolError]) -> None:
    """`chunks`: the declaration and root's start tag, one piece per test suite, the end tag;
    an empty report is the root alone (an empty element)."""
    report = Report(findings=tuple(findings), rules=RULES, files=(), errors=tuple(errors))
    options = ReportOptions(fail_on=None, exit_code=0, sarif_root=Path("/repo"), cwd=Path("/repo"))
    pieces = list(junit.chunks(report, options))
    whole = _recipe(report, options)
    assert "".join(pieces) == whole
    suites = whole.count("<testsuite ")
    assert len(pieces) == (suites + 2 if suites else 1)
    assert all(piece.lstrip().startswith("<testsuite ") for piece in pieces[1:-1])
