"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

GitHub keeps only 10 error and 10 warning annotations per step, so the most severe come
first; SARIF carries the full set.

Every line is a command GitHub's runner executes, so what comes from the scanned tree can neither
end one nor start another: messages and titles are `printable` (no control or bidi character)
and escaped as the runner unescapes them (`%`, CR, LF; in properties `:` and `,` too).
A file whose name `printable` would change is not given as `file=` (GitHub could not place it
anyway): its escaped name goes into the message, like a file outside the repository.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint_py.model import Finding, Report
from kubelint_py.output.reporters import ReportOptions, region, repo_relative, sarif_level
from kubelint_py.output.safe_text import printable, printable_message

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def esc_data(text: str) -> str:
    """Escape a command's message (as @actions/core does); `%` first."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def esc_prop(text: str) -> str:
    """Escape a property value: the message escapes plus `:` and `,`."""
    return esc_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(finding: Finding, options: ReportOptions) -> str:
    command = _COMMANDS[sarif_level(finding.severity)]
    rel = repo_relative(finding.file, options)
    if rel is not None and printable(rel) != rel:
        rel = None
    start_line, start_col, end_line, end_col = region(finding.span)
    props: list[tuple[str, str]] = []
    message = printable_message(finding.message)
    if rel is not None:
        props += [("file", rel), ("line", str(start_line)), ("col", str(start_col)), ("endLine", str(end_line))]
        if end_line == start_line:  # GitHub ignores columns on multi-line annotations
            props.append(("endColumn", str(end_col)))
    else:  # not placeable on a file of the repository: keep the position in the text
        message = f"{printable(finding.file)}:{start_line}:{start_col}: {message}"
    props.append(("title", printable(f"kubelint {finding.rule_id}")))
    rendered = ",".join(f"{key}={esc_prop(value)}" for key, value in props)
    return f"::{command} {rendered}::{esc_data(message)}"


def _lines(report: Report, options: ReportOptions) -> Iterator[str]:
    for error in report.errors:
        where = error.file or "kubelint"
        if error.line is not None:
            where += f":{error.line}"
        message = printable_message(f"{where}: {error.message}")
        yield f"::error title={esc_prop('kubelint')}::{esc_data(message)}"
    findings = sorted(report.active, key=lambda f: (-f.severity, *f.sort_key()))
    for finding in findings:
        yield _annotation(finding, options)


def chunks(report: Report, options: ReportOptions) -> Iterator[str]:
    """`render`'s text in pieces of 2,000 lines, each made as it is written (the annotations of
    68,000 findings were all held, then joined)."""
    batch: list[str] = []
    for line in _lines(report, options):
        batch.append(line)
        if len(batch) >= 2_000:
            batch.append("")
            yield "\n".join(batch)
            batch.clear()
    if batch:
        batch.append("")
        yield "\n".join(batch)


def render(report: Report, options: ReportOptions) -> str:
    return "".join(chunks(report, options))
