"""Human output, in the style of ruff: `path:line:col: severity rule-id message`, then a summary.

Everything that comes from the scanned tree (file names, messages, labels, justifications,
source lines, custom rules' remediation) passes `printable` on its way in, and the whole text
`no_workflow_commands` on its way out (docs/security.md, promise 4). Source lines are shown
only when they cannot show a secret (promise 3): not for a sensitive finding, not when the
line itself looks like one, not in a document that says it is a Secret when the finding's
object is unknown (a syntax error).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache

from kubelint_py.k8s.sensitive import line_may_hold_secret, line_names_sensitive_kind
from kubelint_py.model import Finding, Report, RuleMeta, Severity
from kubelint_py.output.reporters import ReportOptions, plural, rules_by_id, severity_counts, sorted_findings
from kubelint_py.output.safe_text import no_workflow_commands, printable

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOR = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_CARET = "\x1b[1;31m"


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled and text else text


@lru_cache(maxsize=4096)  # the same few thousand files come back for every finding
def _file(file: str) -> str:
    """A file name as the start of a line: printable, and never `::` (a GitHub workflow command;
    `./::x` names the same file)."""
    shown = printable(file)
    return "./" + shown if shown.lstrip().startswith("::") else shown


_LABELS = {severity: severity.label for severity in Severity}


def _header(finding: Finding, paint: _Paint) -> str:
    if not paint.enabled:
        return _plain_header(finding)
    start = finding.span.start
    where = paint(_file(finding.file), _BOLD) + f":{start.line}:{start.column}:"
    severity = paint(finding.severity.label, _SEVERITY_COLOR[finding.severity])
    rule = paint(printable(finding.rule_id), _BOLD)
    line = f"{where} {severity} {rule} {printable(finding.message)}"
    if finding.suppressed_by is not None:
        line += " " + paint(_suppression(finding), _DIM)
    return line


def _suppression(finding: Finding) -> str:
    reason = f": {finding.justification}" if finding.justification else ""
    return printable(f"[suppressed by {finding.suppressed_by}{reason}]")


def _plain_header(finding: Finding) -> str:
    """`_header` without colour, in one format: it runs once for each of tens of thousands of findings."""
    start = finding.span.start
    line = f"{start.line}:{start.column}: {_LABELS[finding.severity]} {finding.rule_id} {finding.message}"
    line = f"{_file(finding.file)}:{printable(line)}"
    if finding.suppressed_by is not None:
        line += " " + _suppression(finding)
    return line


def _caret_line(source: str, start_col: int, end_col: int) -> str:
    """Spaces (tabs kept, so the caret lines up) up to the start column, then carets, under
    the line as `printable` shows it."""
    before = printable(source[: max(start_col - 1, 0)])
    prefix = "".join(ch if ch == "\t" else " " for ch in before)
    width = max(len(printable(source[max(start_col - 1, 0) : max(end_col - 1, 0)])), 1)
    return prefix + "^" * width


# The limit of the search for a document's `kind` around a line, each way (a syntax error
# leaves no object to ask): bounded, as `read_line` may have a line for any number.
_DOCUMENT_SCAN = 5000
_DOCUMENT_END = re.compile(r"(?:---|\.\.\.)(?:\s|$)")


def _in_sensitive_document(read_line: Callable[[str, int], str | None], file: str, line: int) -> bool:
    """Whether the lines of the YAML document around `line` name a secret kind."""
    for step in (-1, 1):
        number = line
        for _ in range(_DOCUMENT_SCAN):
            text = read_line(file, number)
            if text is None:
                break
            if line_names_sensitive_kind(text):
                return True
            if number != line and _DOCUMENT_END.match(text):
                break
            number += step
            if number < 1:
                break
    return False


def _may_show(finding: Finding, source: str, options: ReportOptions) -> bool:
    """Whether a source line can be shown without showing a secret."""
    if finding.sensitive or line_may_hold_secret(source):
        return False
    if finding.object is not None:
        return True
    return not _in_sensitive_document(options.read_line, finding.file, finding.span.start.line)


def _source_lines(finding: Finding, options: ReportOptions, paint: _Paint) -> list[str]:
    if finding.sensitive:
        return []
    start, end = finding.span.start, finding.span.end
    source = options.read_line(finding.file, start.line)
    if source is None:
        return []
    source = source.rstrip("\r\n")
    if not _may_show(finding, source, options):
        return []
    if end.line == start.line and end.column > start.column:
        end_col = end.column
    elif end.line > start.line:  # multi-line span: underline to the end of the first line's content
        end_col = max(len(source.rstrip()) + 1, start.column + 1)
    else:  # empty span: one caret
        end_col = start.column + 1
    end_col = min(end_col, max(len(source) + 1, start.column + 1))
    number = str(start.line)
    gutter = " " * len(number)
    return [
        paint(f"{gutter} |", _DIM),
        paint(f"{number} |", _DIM) + f" {printable(source)}",
        paint(f"{gutter} |", _DIM) + " " + paint(_caret_line(source, start.column, end_col), _CARET),
    ]


def _details(finding: Finding, metas: Mapping[str, RuleMeta], paint: _Paint) -> list[str]:
    out = []
    for related in finding.related:
        pos = related.span.start
        where = printable(f"{related.label} at {related.file}")
        out.append(f"  {paint('note', _BOLD)}: {where}:{pos.line}:{pos.column}")
    if finding.rendered is not None:
        pos = finding.rendered.span.start
        approx = " (approximate template location)" if finding.approximate else ""
        where = printable(finding.rendered.file)
        out.append(f"  {paint('note', _BOLD)}: rendered output at {where}:{pos.line}:{pos.column}{approx}")
    meta = metas.get(finding.rule_id)
    if meta is not None and meta.remediation.strip():
        remediation = printable(" ".join(meta.remediation.split()))
        out.append(f"  {paint('help', _BOLD)}: {remediation}")
    return out


def summary_line(report: Report) -> str:
    return _summary(report.active)


def _summary(active: Sequence[Finding]) -> str:
    counts = severity_counts(active)
    total = sum(counts.values())
    if total == 0:
        return "No problems found"
    parts = [plural(counts[Severity.ERROR], "error"), plural(counts[Severity.WARNING], "warning")]
    parts = [p for p in parts if not p.startswith("0 ")]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    return f"Found {plural(total, 'problem')} ({', '.join(parts)})"


def _lines(report: Report, options: ReportOptions) -> Iterator[str]:
    """The report's lines, each made as it is written (a line break follows each)."""
    paint = _Paint(options.color)
    metas = rules_by_id(report)
    active = report.active  # a property that filters every finding: taken once
    shown = sorted_findings(report.findings if options.include_suppressed else active, report.ordered)
    if not (options.color or options.show_source or options.verbose):
        yield from map(_plain_header, shown)
    else:
        for finding in shown:
            yield _header(finding, paint)
            if options.show_source and not finding.sensitive:
                yield from _source_lines(finding, options, paint)
            if options.verbose:
                yield from _details(finding, metas, paint)
    if options.quiet:
        return
    if shown and (options.show_source or options.verbose):
        yield ""
    for error in report.errors:
        where = error.file or "kubelint"
        if error.line is not None:
            where += f":{error.line}"
        yield f"{paint('error', _SEVERITY_COLOR[Severity.ERROR])}: {printable(f'{where}: {error.message}')}"
    summary = _summary(active)
    yield paint(summary, _BOLD) if active else summary
    suppressed = sum(1 for f in report.suppressed if f.baseline_state != "unchanged")
    if suppressed:
        hint = "" if options.include_suppressed else " (shown with --include-suppressed)"
        yield f"{plural(suppressed, 'finding')} suppressed{hint}"
    if "baselineHidden" in report.stats:  # a baseline was applied (kubelint_py/run/baseline.py)
        hidden, fixed = report.stats["baselineHidden"], report.stats.get("baselineFixed", 0)
        drop = " (drop them with --write-baseline)" if fixed else ""
        yield f"{plural(hidden, 'baselined finding')} hidden, {fixed} fixed{drop}"
    if report.errors:
        yield f"{plural(len(report.errors), 'input')} could not be processed (listed above)"


_LINES_PER_CHUNK = 2_000


def chunks(report: Report, options: ReportOptions) -> Iterator[str]:
    """`render`'s text in pieces of whole lines, made as they are written: the text of 68,000
    findings was held as lines, joined, made safe and encoded, 80 MB at once. A piece starts
    at a line's start, so `no_workflow_commands` does on each what it does on the whole. A
    line holding a character past ASCII is a piece of its own: joined to its neighbours it
    made all of their text 2 bytes a character, slow to encode (183 lines of the 10,000-document
    corpus's report made its 35 pieces so)."""
    batch: list[str] = []
    for line in _lines(report, options):
        if not line.isascii():
            if batch:
                batch.append("")
                yield no_workflow_commands("\n".join(batch))
                batch.clear()
            yield no_workflow_commands(line + "\n")
            continue
        batch.append(line)
        if len(batch) >= _LINES_PER_CHUNK:
            batch.append("")
            yield no_workflow_commands("\n".join(batch))
            batch.clear()
    if batch:
        batch.append("")
        yield no_workflow_commands("\n".join(batch))


def render(report: Report, options: ReportOptions) -> str:
    return "".join(chunks(report, options))
