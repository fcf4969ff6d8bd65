"""The GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`) written next to `--format github`:
a run readable without scrolling the log. Markdown: the result, counts by severity and by rule,
the files with most findings, and a note when GitHub will not show every annotation (it shows
about 10 of each type per step).

Everything from the scanned tree (file names, rule ids and titles of custom rules) is made
`printable` and then escaped for Markdown: every ASCII punctuation character gets a backslash
(CommonMark's escape, so nothing is a link, an image, emphasis, HTML, a table cell border or a
heading), so a file name cannot change what the summary says or shows.
"""

from __future__ import annotations

import re
from collections import Counter

from kubelint_py.model import Report, Severity
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    plural,
    rules_by_id,
    sarif_level,
    severity_counts,
)
from kubelint_py.output.reporters.statistics import rule_counts
from kubelint_py.output.safe_text import printable

# GitHub shows at most this many annotations of each type (error, warning, notice) per step
ANNOTATIONS_SHOWN = 10
TOP_FILES = 10
TOP_RULES = 25

_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_text(text: str) -> str:
    """`text` (from the tree) as literal Markdown inline text: one line, every ASCII punctuation
    character backslash-escaped."""
    return _PUNCTUATION.sub(r"\\\1", printable(text))


def _link(text: str, uri: str) -> str:
    """A link whose label is escaped text; the URI is kubelint's own (a rule page) or a custom
    rule's first http(s) reference, kept only when it has no character that could end it."""
    if not uri.startswith(("https://", "http://")) or re.search(r"[\s()<>\[\]\\`\"']", uri):
        return markdown_text(text)
    return f"[{markdown_text(text)}]({uri})"


def annotation_overflow(report: Report) -> dict[str, int]:
    """Annotation type -> how many findings of it GitHub will not show (only types over the limit)."""
    per_type = Counter(sarif_level(f.severity) for f in report.active)
    names = {"error": "error", "warning": "warning", "note": "notice"}
    return {names[level]: count - ANNOTATIONS_SHOWN for level, count in per_type.items() if count > ANNOTATIONS_SHOWN}


def render(report: Report, options: ReportOptions) -> str:
    counts = severity_counts(report.active)
    total = sum(counts.values())
    lines: list[str] = []
    if total:
        parts = ", ".join(
            plural(counts[s], s.label) if s is not Severity.INFO else f"{counts[s]} info"
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if counts[s]
        )
        verdict = "failed" if options.exit_code else "passed"
        lines.append(f"## kubelint {verdict}: {plural(total, 'problem')} ({parts})")
    else:
        lines.append("## kubelint: no problems found" if options.exit_code == 0 else "## kubelint failed")
    scanned = f"{plural(int(report.stats.get('files', len(report.files))), 'file')}, "
    scanned += f"{plural(int(report.stats.get('documents', 0)), 'object')} checked"
    fail_on = options.fail_on.label if options.fail_on is not None else "never"
    lines += ["", f"{scanned}; fails on: {fail_on}; exit code {options.exit_code}.", ""]
    if total:
        lines += ["| Severity | Findings |", "|---|---:|"]
        lines += [f"| {s.label} | {counts[s]} |" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
        lines.append("")
        metas = rules_by_id(report)
        rows = rule_counts(report)
        lines += ["### By rule", "", "| Rule | Severity | Findings | Title |", "|---|---|---:|---|"]
        for row in rows[:TOP_RULES]:
            uri = help_uri_for(row.rule_id, metas, options.help_base_uri)
            lines.append(
                f"| {_link(row.rule_id, uri)} | {row.severity.label} | {row.findings} | {markdown_text(row.title)} |"
            )
        if len(rows) > TOP_RULES:
            lines.append(f"| and {plural(len(rows) - TOP_RULES, 'more rule')} | | | |")
        lines.append("")
        per_file = Counter(display_file(f.file, options) for f in report.active)
        top = sorted(per_file.items(), key=lambda item: (-item[1], item[0]))
        lines += ["### Files with most findings", "", "| File | Findings |", "|---|---:|"]
        lines += [f"| {markdown_text(file)} | {count} |" for file, count in top[:TOP_FILES]]
        if len(top) > TOP_FILES:
            lines.append(f"| and {plural(len(top) - TOP_FILES, 'more file')} | |")
        lines.append("")
    overflow = annotation_overflow(report)
    if overflow:
        hidden = ", ".join(f"{count} {kind}" for kind, count in sorted(overflow.items()))
        lines += [
            f"> **Note:** GitHub shows about {ANNOTATIONS_SHOWN} annotations of each type per step, so {hidden} "
            "annotation(s) are not shown on the pull request (most severe first). Every finding is in the log "
            "above; upload a SARIF report (`--format sarif --output kubelint.sarif`) to code scanning to see "
            "them all in place.",
            "",
        ]
    if report.errors:
        lines += [f"**{plural(len(report.errors), 'input')} could not be processed:**", ""]
        for error in report.errors[:TOP_FILES]:
            where = error.file or "kubelint"
            lines.append(f"- {markdown_text(f'{where}: {error.message}')}")
        if len(report.errors) > TOP_FILES:
            lines.append(f"- and {len(report.errors) - TOP_FILES} more")
        lines.append("")
    suppressed = len(report.suppressed)
    if suppressed:
        lines += [f"{plural(suppressed, 'finding')} suppressed or baselined (not counted above).", ""]
    return "\n".join(lines) + "\n"
