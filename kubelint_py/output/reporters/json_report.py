"""`--format json`: the versioned report of integration.md (f), schema in schemas/report.schema.json.

`file`, `level`, `helpUri` and `fingerprint` are computed by the same helpers as the SARIF
output, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Finding, Location, Report, Severity
from kubelint_py.output.jsonwrite import INDENT, Items, fields, indented_chunks, integer, string, text
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    region,
    rules_by_id,
    sarif_level,
    severity_counts,
    suppression_kind,
)
from kubelint_py.output.safe_text import json_safe

SCHEMA_VERSION = "1.1"  # 1.1: baselineState, summary.baselined, summary.baselineFixed


# a record's keys, in order; `rendered` only for findings mapped back to a chart or kustomization,
# `suppression` and `baselineState` only when they apply
_HEAD = ("ruleId", "severity", "level", "guidance", "message", "file", "line", "column", "endLine", "endColumn")
_PLACE = ("object", "path")
_TAIL = ("related", "remediation", "helpUri", "fingerprint")
_OBJECT = ("apiVersion", "kind", "namespace", "name", "documentIndex")
_RENDERED = ("source", "file", "line", "column", "approximate")
_SUPPRESSION = ("kind", "justification")
_SEVERITY_TEXT = {severity: string(severity.label) for severity in Severity}
_LEVEL_TEXT = {severity: string(sarif_level(severity)) for severity in Severity}


class _Records:
    """Each finding's record as JSON text (`jsonwrite.fields`), written where the report puts
    it: 68,299 records on the 10,000-document corpus, built as dicts and written key by key
    before (0.8 s of a 0.9 s report). `file` and `helpUri` are pure functions of the file and
    the rule id for this report: computed once each."""

    def __init__(self, report: Report, options: ReportOptions) -> None:
        metas = rules_by_id(report)
        self.metas = metas
        self.shown_file: Callable[[str], str] = cache(lambda file: display_file(file, options))
        self.help_uri: Callable[[str], str] = cache(lambda rule_id: help_uri_for(rule_id, metas, options.help_base_uri))

    def location(self, finding: Finding) -> tuple[str, int, int, str]:
        """The records' order (stable: as the records sorted by location): the start of
        `region`, made here (the key of each of 68,299 findings is made before the records)."""
        start = finding.span.start
        return (self.shown_file(finding.file), max(start.line, 1), max(start.column, 1), finding.rule_id)

    def text(self, finding: Finding, newline: str) -> str:
        inner = newline + INDENT
        line, column, end_line, end_column = region(finding.span)
        keys: tuple[str, ...] = _HEAD + _PLACE
        texts: tuple[str, ...] = (
            string(finding.rule_id),
            _SEVERITY_TEXT[finding.severity],
            _LEVEL_TEXT[finding.severity],
            string(finding.document),
            string(finding.message),
            string(self.shown_file(finding.file)),
            integer(line),
            integer(column),
            integer(end_line),
            integer(end_column),
            self._object(finding, inner),
            string(finding.logical_path or ".".join(str(p) for p in finding.path)),
        )
        if finding.rendered is not None:
            keys += ("rendered",)
            texts += (self._rendered(finding, finding.rendered, inner),)
        meta = self.metas.get(finding.rule_id)
        keys += _TAIL
        texts += (
            self._related(finding, inner),
            string(meta.remediation if meta is not None else ""),
            string(self.help_uri(finding.rule_id)),
            string(fingerprint_of(finding)),
        )
        if finding.suppressed_by is not None:
            keys += ("suppression",)
            suppression = (string(suppression_kind(finding)), string(finding.justification))
            texts += (fields(_SUPPRESSION, suppression, inner),)
        if finding.baseline_state is not None:  # only when --baseline was applied
            keys += ("baselineState",)
            texts += (string(finding.baseline_state),)
        return fields(keys, texts, newline)

    @staticmethod
    def _object(finding: Finding, newline: str) -> str:
        obj = finding.object
        if obj is None:
            return "null"
        texts = (string(finding.api_version), string(obj.kind), text(obj.namespace), string(obj.name))
        return fields(_OBJECT, (*texts, integer(finding.doc_index)), newline)

    def _rendered(self, finding: Finding, rendered: Location, newline: str) -> str:
        start = rendered.span.start
        values = (
            "helm" if finding.helm_source is not None else "kustomize",
            self.shown_file(rendered.file),
            start.line,
            start.column,
            finding.approximate,
        )
        return fields(_RENDERED, tuple(text(value) for value in values), newline)

    def _related(self, finding: Finding, newline: str) -> str:
        related = [
            {
                "file": self.shown_file(loc.file),
                "line": loc.span.start.line,
                "column": loc.span.start.column,
                "message": loc.label,
            }
            for loc in finding.related
        ]
        return text(related, newline)


def report_data(report: Report, options: ReportOptions) -> dict[str, object]:
    """The report as data, its findings as `Items`: each record written as it is made
    (`chunks`), never all at once."""
    records = _Records(report, options)

    def listed(findings: tuple[Finding, ...]) -> Items:
        ordered = sorted(findings, key=records.location)
        return Items(ordered, empty=not findings, text=records.text, spread=options.spread)

    findings = report.active  # a property that filters every finding: taken once
    suppressed = report.suppressed
    counts = severity_counts(findings)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "kubelint", "version": options.tool_version},
        "summary": {
            "filesScanned": int(report.stats.get("files", len(report.files))),
            "objectsScanned": int(report.stats.get("documents", 0)),
            "findings": len(findings),
            "suppressed": len(suppressed),
            "errors": len(report.errors),
            "bySeverity": {s.label: counts[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
            "failOn": options.fail_on.label if options.fail_on is not None else "never",
            "exitCode": options.exit_code,
            # only when --baseline was applied: findings it hides, entries nothing matches any more
            **{
                key: int(report.stats[stat])
                for key, stat in (("baselined", "baselineHidden"), ("baselineFixed", "baselineFixed"))
                if stat in report.stats
            },
        },
        "findings": listed(findings),
        "suppressed": listed(suppressed),
        "errors": [{"file": e.file, "message": e.message, "line": e.line} for e in report.errors],
    }


def chunks(report: Report, options: ReportOptions) -> Iterator[str]:
    """`render`'s text in pieces (of about 64 KB), each finding's record made as it is written:
    the report is streamed to its file or stdout (a 56 MB report on the 10,000-document corpus
    existed up to three times in memory, 538 MB peak against 368 MB for text)."""
    # json_safe works per character: the same on each value's text as on the whole
    yield from indented_chunks(report_data(report, options), json_safe)
    yield "\n"


def render(report: Report, options: ReportOptions) -> str:
    """The report; its strings keep the tree's text exactly, control and bidi characters as
    `\\uXXXX` escapes rather than raw (`json_safe`)."""
    return "".join(chunks(report, options))
