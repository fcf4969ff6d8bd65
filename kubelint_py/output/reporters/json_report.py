"""`--format json`: the versioned report of integration.md (f), schema in schemas/report.schema.json.

`file`, `level`, `helpUri` and `fingerprint` are computed by the same helpers as the SARIF
output, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Finding, Report, RuleMeta, Severity
from kubelint_py.output.jsonwrite import Items, indented_chunks
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


def _finding_record(
    finding: Finding,
    metas: Mapping[str, RuleMeta],
    options: ReportOptions,
    shown_file: Callable[[str], str] | None = None,
    help_uri: Callable[[str], str] | None = None,
) -> dict[str, object]:
    """`shown_file` / `help_uri`: `display_file` and `help_uri_for` as the caller caches them."""
    if shown_file is None:
        shown_file = lambda file: display_file(file, options)  # noqa: E731
    if help_uri is None:
        help_uri = lambda rule_id: help_uri_for(rule_id, metas, options.help_base_uri)  # noqa: E731
    line, column, end_line, end_column = region(finding.span)
    obj = finding.object
    record: dict[str, object] = {
        "ruleId": finding.rule_id,
        "severity": finding.severity.label,
        "level": sarif_level(finding.severity),
        "guidance": finding.document,
        "message": finding.message,
        "file": shown_file(finding.file),
        "line": line,
        "column": column,
        "endLine": end_line,
        "endColumn": end_column,
        "object": None
        if obj is None
        else {
            "apiVersion": finding.api_version,
            "kind": obj.kind,
            "namespace": obj.namespace,
            "name": obj.name,
            "documentIndex": finding.doc_index,
        },
        "path": finding.logical_path or ".".join(str(p) for p in finding.path),
    }
    if finding.rendered is not None:
        record["rendered"] = {
            "source": "helm" if finding.helm_source is not None else "kustomize",
            "file": shown_file(finding.rendered.file),
            "line": finding.rendered.span.start.line,
            "column": finding.rendered.span.start.column,
            "approximate": finding.approximate,
        }
    record["related"] = [
        {
            "file": shown_file(loc.file),
            "line": loc.span.start.line,
            "column": loc.span.start.column,
            "message": loc.label,
        }
        for loc in finding.related
    ]
    meta = metas.get(finding.rule_id)
    record["remediation"] = meta.remediation if meta is not None else ""
    record["helpUri"] = help_uri(finding.rule_id)
    record["fingerprint"] = fingerprint_of(finding)
    if finding.suppressed_by is not None:
        record["suppression"] = {"kind": suppression_kind(finding), "justification": finding.justification}
    if finding.baseline_state is not None:  # only when --baseline was applied
        record["baselineState"] = finding.baseline_state
    return record


def report_data(report: Report, options: ReportOptions, *, lazy: bool = False) -> dict[str, object]:
    """The report as data; `lazy`: its findings as `Items`, each record made as it is written
    (`chunks`), never all at once."""
    metas = rules_by_id(report)
    # pure functions of the file (rule id) for this report: computed once, not per finding
    shown_file: Callable[[str], str] = cache(lambda file: display_file(file, options))
    help_uri: Callable[[str], str] = cache(lambda rule_id: help_uri_for(rule_id, metas, options.help_base_uri))

    def location(finding: Finding) -> tuple[str, int, int, str]:
        line, column, _, _ = region(finding.span)
        return (shown_file(finding.file), line, column, finding.rule_id)

    def records(findings: Iterable[Finding]) -> Iterator[dict[str, object]]:
        for finding in sorted(findings, key=location):  # stable: as the records sorted by location
            yield _finding_record(finding, metas, options, shown_file, help_uri)

    findings = report.active  # a property that filters every finding: taken once
    suppressed = report.suppressed
    active_records: object = Items(records(findings), empty=not findings) if lazy else list(records(findings))
    suppressed_records: object = Items(records(suppressed), empty=not suppressed) if lazy else list(records(suppressed))
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
        "findings": active_records,
        "suppressed": suppressed_records,
        "errors": [{"file": e.file, "message": e.message, "line": e.line} for e in report.errors],
    }


def chunks(report: Report, options: ReportOptions) -> Iterator[str]:
    """`render`'s text in pieces (of about 64 KB), each finding's record made as it is written:
    the report is streamed to its file or stdout (a 56 MB report on the 10,000-document corpus
    existed up to three times in memory, 538 MB peak against 368 MB for text)."""
    # json_safe works per character: the same on each value's text as on the whole
    yield from indented_chunks(report_data(report, options, lazy=True), json_safe)
    yield "\n"


def render(report: Report, options: ReportOptions) -> str:
    """The report; its strings keep the tree's text exactly, control and bidi characters as
    `\\uXXXX` escapes rather than raw (`json_safe`)."""
    return "".join(chunks(report, options))
