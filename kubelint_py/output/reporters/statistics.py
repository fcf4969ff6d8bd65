"""`--statistics`: how many findings of each rule and of each severity, as `ruff --statistics`
shows them, as text or JSON. Counts the findings a run reports (suppressed and baselined ones
are not), so the numbers add up to the text report's summary line.

Rule ids and titles of custom rules come from the scanned tree: text passes `printable` and
`no_workflow_commands`, JSON `json_safe`, like every report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from kubelint_py.model import Report, Severity
from kubelint_py.output.jsonwrite import indented
from kubelint_py.output.reporters import ReportOptions, plural, rules_by_id, severity_counts
from kubelint_py.output.safe_text import json_safe, no_workflow_commands, printable

SCHEMA_VERSION = "1.0"


class RuleCount(NamedTuple):
    rule_id: str
    severity: Severity  # the most severe of its findings (a severity override applies to all)
    findings: int
    fixable: bool  # `kubelint fix` has a fix for the rule
    title: str


def rule_counts(report: Report) -> list[RuleCount]:
    """One row per rule with findings: most findings first, then by rule id."""
    from kubelint_py.output.ruledoc import fix_text

    metas = rules_by_id(report)
    active = report.active
    counts = Counter(f.rule_id for f in active)
    worst: dict[str, Severity] = {}
    for finding in active:
        worst[finding.rule_id] = max(worst.get(finding.rule_id, finding.severity), finding.severity)
    rows = [
        RuleCount(
            rule_id,
            worst[rule_id],
            count,
            fix_text(rule_id) is not None,
            metas[rule_id].title.strip() if rule_id in metas else "",
        )
        for rule_id, count in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.findings, row.rule_id))


def _files_with_findings(report: Report) -> int:
    return len({finding.file for finding in report.active})


def render_text(report: Report, options: ReportOptions) -> str:
    """Aligned columns: count, rule id, severity, `[*]` when `kubelint fix` can fix it, title;
    then the totals by severity."""
    rows = rule_counts(report)
    lines: list[str] = []
    if rows:
        count_width = max(len(str(row.findings)) for row in rows)
        id_width = max(len(printable(row.rule_id)) for row in rows)
        severity_width = max(len(row.severity.label) for row in rows)
        for row in rows:
            marker = "[*]" if row.fixable else "   "
            lines.append(
                f"{row.findings:>{count_width}}  {printable(row.rule_id):<{id_width}}  "
                f"{row.severity.label:<{severity_width}}  {marker} {printable(row.title)}".rstrip()
            )
        lines.append("")
    lines.append(_totals(report))
    if any(row.fixable for row in rows):
        lines.append("[*] `kubelint fix` can fix these")
    if report.errors:
        lines.append(f"{plural(len(report.errors), 'input')} could not be processed (run without --statistics)")
    return no_workflow_commands("\n".join(lines) + "\n")


def _totals(report: Report) -> str:
    counts = severity_counts(report.active)
    total = sum(counts.values())
    if not total:
        return "No problems found"
    parts = ", ".join(f"{counts[s]} {s.label}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = _files_with_findings(report)
    return f"Found {plural(total, 'problem')} in {plural(files, 'file')} ({parts})"


def statistics_data(report: Report) -> dict[str, object]:
    rows = rule_counts(report)
    counts = severity_counts(report.active)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": "kubelint",
        "total": sum(counts.values()),
        "files": _files_with_findings(report),
        "bySeverity": {s.label: counts[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        "rules": [
            {
                "ruleId": row.rule_id,
                "severity": row.severity.label,
                "count": row.findings,
                "fixable": row.fixable,
                "title": row.title,
            }
            for row in rows
        ],
        "errors": len(report.errors),
    }


def render_json(report: Report, options: ReportOptions) -> str:
    return json_safe(indented(statistics_data(report))) + "\n"


FORMATS: Sequence[str] = ("text", "json")


def render(fmt: str, report: Report, options: ReportOptions) -> str:
    """The statistics in `fmt` (text or json)."""
    return render_json(report, options) if fmt == "json" else render_text(report, options)
