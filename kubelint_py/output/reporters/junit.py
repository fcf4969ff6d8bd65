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
from collections.abc import Iterator, Mapping

from kubelint_py.model import Finding, Report, RuleMeta, Severity, object_label
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


def _not_xml_escaped(text: str) -> str:
    """`text` with what XML 1.0 cannot hold escaped (ASCII text holds none: not searched)."""
    if text.isascii():
        return text
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _xml(text: str) -> str:
    """Text of an element. Each character is escaped or kept on its own, line breaks kept:
    the text of lines joined is their texts joined (`_Failures.element` writes a body so)."""
    return _not_xml_escaped(printable_message(text))


def _one_line(text: str) -> str:
    return _not_xml_escaped(printable(text))


class _Failures:
    """Each finding's `<failure>`, with what is the same for every finding of a rule (its
    `type`, the remediation and help link closing the body) and a file's shown name made once
    (the 68,299 findings of the 10,000-document corpus asked display_file 100,749 times and
    help_uri_for and the remediation's white space 68,299 times each)."""

    def __init__(self, options: ReportOptions, metas: Mapping[str, RuleMeta]) -> None:
        self.options = options
        self.metas = metas
        self.shown: dict[str, str] = {}  # file -> display_file
        self.rules: dict[str, tuple[str, str]] = {}  # rule id -> (`type`, the body's last lines' text)

    def shown_file(self, file: str) -> str:
        shown = self.shown.get(file)
        if shown is None:
            shown = self.shown[file] = display_file(file, self.options)
        return shown

    def _rule(self, rule_id: str) -> tuple[str, str]:
        found = self.rules.get(rule_id)
        if found is None:
            tail = []
            meta = self.metas.get(rule_id)
            if meta is not None and meta.remediation.strip():
                tail.append("help: " + " ".join(meta.remediation.split()))
            tail.append(f"rule: {help_uri_for(rule_id, self.metas, self.options.help_base_uri)}")
            found = self.rules[rule_id] = (_one_line(rule_id), _xml("\n".join(tail)))
        return found

    def element(self, finding: Finding, file: str) -> ET.Element:
        line, column, _, _ = region(finding.span)
        kind, tail = self._rule(finding.rule_id)
        label = _LABELS[finding.severity]
        element = ET.Element("failure", {"type": kind, "message": _one_line(f"{label}: {finding.message}")})
        # `_xml` of the body's lines one by one: a line is printable nearly always (one C test),
        # the body as a whole never is (its line breaks: a regular expression's scan each)
        body = [_xml(f"{file}:{line}:{column}: {label} {finding.rule_id} {finding.message}")]
        for related in finding.related:
            pos = related.span.start
            body.append(_xml(f"note: {related.label} at {self.shown_file(related.file)}:{pos.line}:{pos.column}"))
        body.append(tail)
        element.text = "\n".join(body)
        return element


_LABELS = {severity: severity.label for severity in Severity}


def report_tree(report: Report, options: ReportOptions) -> ET.Element:
    failures_of = _Failures(options, rules_by_id(report))
    shown_file = failures_of.shown_file
    # file -> object -> its findings (the file as reports show it)
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(dict)
    active = report.active  # a property that filters every finding: taken once
    # an object of rendered Helm or Kustomize output whose findings moved to the files people
    # edit is tested there, not a second time (passing) in the rendered stream
    moved = {
        (shown_file(f.rendered.file), object_label(f.object, f.doc_index)) for f in active if f.rendered is not None
    }
    for file, label in report.objects:
        if (shown_file(file), label) not in moved:
            cases[shown_file(file)].setdefault(label, [])
    for finding in sorted_findings(active, report.ordered):
        file = shown_file(finding.file)
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
        classname = _one_line(file)
        for label, found in objects.items():
            case = ET.SubElement(suite, "testcase", {"name": _one_line(label), "classname": classname, "time": "0"})
            for finding in found:
                case.append(failures_of.element(finding, file))
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
            where = shown_file(error.file) if error.file else "kubelint"
            case = ET.SubElement(suite, "testcase", {"name": _one_line(where), "classname": "kubelint", "time": "0"})
            failure = ET.SubElement(case, "error", {"type": "input", "message": _one_line(error.message)})
            failure.text = _xml(f"{where}{f':{error.line}' if error.line is not None else ''}: {error.message}")
        totals["tests"] += len(report.errors)
        totals["errors"] += len(report.errors)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    return root


_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def chunks(report: Report, options: ReportOptions) -> Iterator[str]:
    """`render`'s text a test suite at a time: ElementTree writes an element's text, its
    children and its tail (the indentation after it) as in the whole, so the root's start tag
    and text, each suite's text and the root's end tag are the whole's text. The report of the
    10,000-document corpus was one str of 52 MB made, copied twice and encoded at once, all
    of it 2 bytes a character for a few en dashes; now only the suites that hold one are."""
    root = report_tree(report, options)
    ET.indent(root, space="  ")
    if not len(root):  # no suite: the root alone, as an empty element
        yield _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
        return
    shell = ET.Element(root.tag, root.attrib)
    shell.text = root.text
    end = f"</{root.tag}>"
    yield _DECLARATION + ET.tostring(shell, encoding="unicode").removesuffix(end)
    for suite in root:
        yield ET.tostring(suite, encoding="unicode")
    yield end + "\n"


def render(report: Report, options: ReportOptions) -> str:
    return "".join(chunks(report, options))
