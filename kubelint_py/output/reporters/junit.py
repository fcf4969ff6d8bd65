"""`--format junit`: JUnit XML as GitLab (`artifacts:reports:junit`), Jenkins (`junit`) and Azure
Pipelines (`PublishTestResults`) ingest it, valid against Jenkins' junit schema (the common one:
tests/junit_schema.py checks every report against it).

* `<testsuites>`: the run; `tests`, `failures` and `errors` add up its suites.
* one `<testsuite>` per linted file (`name` = the file), in file order;
* one `<testcase>` per object of the file (`name` = `Kind ns/name`, or `document #N` when the
  finding has no object, `classname` = the file), whether it has findings or not, so the pass
  count means something;
* one `<failure>` per finding (`type` = the rule id, `message` = severity and message), with
  the position, the rule's remediation and its help link in the body; `failures` counts the
  test cases with one or more (parsers take `tests - failures` as the passes);
* inputs kubelint could not process (`errors` of the report) are `<error>`s in a `kubelint`
  suite.

Only the standard library writes it. Text from the tree passes `printable_message` (no control,
bidi or invisible character) and characters XML 1.0 cannot hold are escaped the same way;
ElementTree escapes markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping

from kubelint_py.model import Finding, Report, RuleMeta, object_label
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    region,
    rules_by_id,
    sorted_findings,
)
from kubelint_py.output.safe_text import printable, printable_message

# what XML 1.0 cannot hold and `printable_message` leaves (it escapes C0, C1 and surrogates)
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


def report_tree(report: Report, options: ReportOptions) -> ET.Element:
    metas = rules_by_id(report)
    # file -> object -> its findings (the file as reports show it)
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(dict)
    # an object of rendered Helm or Kustomize output whose findings moved to the files people
    # edit is tested there, not a second time (passing) in the rendered stream
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
        # `failures` counts failed test cases (a parser takes tests - failures as the passes);
        # each finding is a <failure> element of its object's test case
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


def render(report: Report, options: ReportOptions) -> str:
    root = report_tree(report, options)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
