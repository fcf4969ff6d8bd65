"""`--format json`: the versioned report of integration.md (f), schema in schemas/report.schema.json.

`file`, `level`, `helpUri` and `fingerprint` are computed by the same helpers as the SARIF
output, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import chain, groupby
from operator import attrgetter, itemgetter

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Finding, Location, ObjectRef, Report, Severity
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
_RELATED = ("file", "line", "column", "message")
_SLOT = "\0"  # where a value goes in a record's text made once per rule (`_Records._template`)
_SEVERITY_TEXT = {severity: string(severity.label) for severity in Severity}
_LEVEL_TEXT = {severity: string(sarif_level(severity)) for severity in Severity}


class _Records:
    """Each finding's record as JSON text, written where the report puts it: 68,299 records on
    the 10,000-document corpus. What is the same for every finding of a rule (its severity and
    level, guidance document, remediation and help link, the keys and separators) is written
    once per rule, cut where the values of each finding go (`_template`); a document's
    `object` once per document (the findings come in location order: a document's are next
    to each other); a file's shown name once per file. A record was ~8 us of text made key by
    key, 4 us with a `%` template."""

    def __init__(self, report: Report, options: ReportOptions) -> None:
        self.metas = rules_by_id(report)
        self.options = options
        self.shown: dict[str, str] = {}  # file -> its name in the report
        self.files: dict[str, str] = {}  # file -> that name's JSON text
        self.newline = ""
        self.templates: dict[tuple[str, Severity, str, int], tuple[str, ...]] = {}  # at `newline`
        # the last record's object: (ObjectRef, apiVersion, documentIndex) and its text
        self.last_object: tuple[ObjectRef | None, str, int] = (None, "", -1)
        self.last_object_text = "null"

    def shown_file(self, file: str) -> str:
        shown = self.shown.get(file)
        if shown is None:
            shown = self.shown[file] = display_file(file, self.options)
        return shown

    def file_text(self, file: str) -> str:
        """`file`'s shown name as JSON text."""
        found = self.files.get(file)
        if found is None:
            found = self.files[file] = string(self.shown_file(file))
        return found

    def in_order(self, findings: tuple[Finding, ...], ordered: bool = False) -> list[Finding]:
        """The records' order: as the records sorted by location (stable), the start of
        `region` (the key of each of 68,299 findings made here, inline: 0.055 -> 0.038 s).
        `ordered`: `findings` are in `Finding.sort_key` order (`Report.ordered`)."""
        shown = {file: self.shown_file(file) for file in {finding.file for finding in findings}}
        if ordered:
            by_file = _files_in_order(findings, shown)
            if by_file is not None:
                return by_file

        def location(finding: Finding) -> tuple[str, int, int, str]:
            start = finding.span.start
            line, column = start.line, start.column
            return (shown[finding.file], line if line > 1 else 1, column if column > 1 else 1, finding.rule_id)

        return sorted(findings, key=location)

    def text(self, finding: Finding, newline: str) -> str:
        if newline != self.newline:  # one list's records are all at one place
            self.newline = newline
            self.templates = {}
            self.last_object = (None, "", -1)
        shape = 0
        if finding.rendered is not None:
            shape = 1
        if finding.suppressed_by is not None:
            shape |= 2
        if finding.baseline_state is not None:  # only when --baseline was applied
            shape |= 4
        key = (finding.rule_id, finding.severity, finding.document, shape)
        parts = self.templates.get(key)
        if parts is None:
            parts = self.templates[key] = self._template(finding, shape, newline)
        file = self.files.get(finding.file)
        if file is None:
            file = self.file_text(finding.file)
        line, column, end_line, end_column = region(finding.span)
        obj = finding.object
        if obj is None:
            object_text = "null"
        else:
            identity = (obj, finding.api_version, finding.doc_index)
            if identity == self.last_object:
                object_text = self.last_object_text
            else:
                object_text = self._object(finding, obj, newline + INDENT)
                self.last_object, self.last_object_text = identity, object_text
        message = string(finding.message)
        path = string(finding.logical_path or ".".join(str(p) for p in finding.path))
        related = self._related(finding.related, newline + INDENT) if finding.related else "[]"
        fingerprint = string(finding.fingerprint or fingerprint_of(finding))
        if not shape:  # all but a few: one f-string (`%` parsed the ~1 KB template each time)
            p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 = parts
            return (
                f"{p0}{message}{p1}{file}{p2}{line}{p3}{column}{p4}{end_line}{p5}{end_column}{p6}{object_text}"
                f"{p7}{path}{p8}{related}{p9}{fingerprint}{p10}"
            )
        values = (
            message,
            file,
            str(line),
            str(column),
            str(end_line),
            str(end_column),
            object_text,
            path,
            *self._optional(finding, related, fingerprint, newline + INDENT),
        )
        return "".join(chain.from_iterable(zip(parts[:-1], values, strict=True))) + parts[-1]

    def _optional(self, finding: Finding, related: str, fingerprint: str, newline: str) -> list[str]:
        """The texts of a record from `rendered` on, the optional keys among them."""
        texts = []
        if finding.rendered is not None:
            texts.append(self._rendered(finding, finding.rendered, newline))
        texts += (related, fingerprint)
        if finding.suppressed_by is not None:
            suppression = (string(suppression_kind(finding)), string(finding.justification))
            texts.append(fields(_SUPPRESSION, suppression, newline))
        if finding.baseline_state is not None:
            texts.append(string(finding.baseline_state))
        return texts

    def _template(self, finding: Finding, shape: int, newline: str) -> tuple[str, ...]:
        """The text of the records of `finding`'s rule, severity and guidance document with
        this shape (`rendered`, `suppression`, `baselineState` present or not) between the
        values that vary by finding: what `fields` writes, cut where those values go (JSON
        text holds no raw NUL: `string` writes it `\\u0000`)."""
        meta = self.metas.get(finding.rule_id)
        keys: tuple[str, ...] = _HEAD + _PLACE
        slots: tuple[str, ...] = (
            string(finding.rule_id),
            _SEVERITY_TEXT[finding.severity],
            _LEVEL_TEXT[finding.severity],
            string(finding.document),
            *(_SLOT,) * 8,  # message, file, line, column, endLine, endColumn, object, path
        )
        if shape & 1:
            keys += ("rendered",)
            slots += (_SLOT,)
        keys += _TAIL
        slots += (
            _SLOT,  # related
            string(meta.remediation if meta is not None else ""),
            string(help_uri_for(finding.rule_id, self.metas, self.options.help_base_uri)),
            _SLOT,  # fingerprint
        )
        if shape & 2:
            keys += ("suppression",)
            slots += (_SLOT,)
        if shape & 4:
            keys += ("baselineState",)
            slots += (_SLOT,)
        return tuple(fields(keys, slots, newline).split(_SLOT))

    @staticmethod
    def _object(finding: Finding, obj: ObjectRef, newline: str) -> str:
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

    def _related(self, related: tuple[Location, ...], newline: str) -> str:
        """`related`'s list as `text` writes it (of dicts of these keys) at `newline`."""
        inner = newline + INDENT
        items = [
            fields(
                _RELATED,
                (
                    self.file_text(loc.file),
                    integer(loc.span.start.line),
                    integer(loc.span.start.column),
                    string(loc.label),
                ),
                inner,
            )
            for loc in related
        ]
        return f"[{inner}{(',' + inner).join(items)}{newline}]"


_FILE = attrgetter("file")


def _files_in_order(findings: tuple[Finding, ...], shown: Mapping[str, str]) -> list[Finding] | None:
    """`_Records.in_order` of findings in `Finding.sort_key` order, without a key made for
    each: they come file by file, each file's by line, column and rule already, so when no
    start is clamped by `region` (none before line or column 1) and no two files are shown by
    one name, the order is the files' by shown name (0.040 -> 0.027 s on the 68,299 findings of
    the 10,000-document corpus). None otherwise: the general sort decides."""
    for finding in findings:  # (a loop: `min` over dotted attrgetters took twice as long)
        line, column = finding.span.start
        if line < 1 or column < 1:
            return None
    runs = [(shown[file], list(run)) for file, run in groupby(findings, _FILE)]
    if len({name for name, _ in runs}) != len(runs):
        return None
    runs.sort(key=itemgetter(0))
    return list(chain.from_iterable(run for _, run in runs))


def report_data(report: Report, options: ReportOptions) -> dict[str, object]:
    """The report as data, its findings as `Items`: each record written as it is made
    (`chunks`), never all at once."""
    records = _Records(report, options)

    def listed(findings: tuple[Finding, ...]) -> Items:
        ordered = records.in_order(findings, report.ordered)
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
