"""Reporters: pure functions of (Report, ReportOptions) -> str, one module per format.

Reporters never read the environment or touch files: everything they need arrives in
`Report` and `ReportOptions` (the CLI fills `read_line` for `--show-source`, the SARIF
root, colour and the exit code). Each format's module is imported lazily by `render`, so
`sarif_om` is only loaded when SARIF is asked for.

The helpers below are shared so that the JSON, SARIF and GitHub outputs never disagree on
a finding's level, repository-relative path, help link or fingerprint.
"""

from __future__ import annotations

import importlib
import operator
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from kubelint_py.model import Finding, Report, RuleMeta, Severity, Span

if TYPE_CHECKING:  # the JSON writer is imported only by the reports that write JSON
    from kubelint_py.output.jsonwrite import Spread

FORMATS = ("text", "json", "sarif", "github", "junit")

_MODULES = {
    "text": "kubelint_py.output.reporters.text",
    "json": "kubelint_py.output.reporters.json_report",
    "sarif": "kubelint_py.output.reporters.sarif",
    "github": "kubelint_py.output.reporters.github",
    "junit": "kubelint_py.output.reporters.junit",
}

DEFAULT_HELP_BASE = "https://github.com/kubelint/kubelint_py/blob/main/docs/rules/"
INFORMATION_URI = "https://github.com/kubelint/kubelint_py"


def _no_source(file: str, line: int) -> str | None:
    return None


class ReportOptions(NamedTuple):  # not a dataclass: ~0.8 ms less of every start
    """How the reports of a run are written (the command line's presentation options)."""

    fail_on: Severity | None  # None = never
    exit_code: int  # what the process will return
    color: bool = False
    show_source: bool = False  # text: print the offending line with a caret
    include_suppressed: bool = False  # text: show suppressed; SARIF: emit them with `suppressions`
    sarif_category: str = "manifests"
    # Repository-relative paths (SARIF uri, GitHub `file=`, JSON `file`) are computed against this.
    sarif_root: Path = Path()
    tool_version: str = "0.0.0"
    quiet: bool = False  # text: findings only, no summary
    read_line: Callable[[str, int], str | None] = _no_source  # for show_source
    help_base_uri: str = DEFAULT_HELP_BASE
    verbose: bool = False  # text: add remediation under each finding
    # Directory the findings' relative file names are relative to (the CLI's cwd). None: they
    # are taken as relative to `sarif_root` when it is absolute, which is right whenever the
    # root is the current directory (the default).
    cwd: Path | None = None
    # How the JSON report's records are made (`jsonwrite.Items`): the CLI's
    # run/report_shares.spread, in as many processes as the run may use; None: here.
    spread: Spread | None = None


def render(fmt: str, report: Report, options: ReportOptions) -> str:
    """Render `report` in `fmt` (one of FORMATS)."""
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (use {', '.join(FORMATS)})") from None
    module = importlib.import_module(module_name)
    renderer: Callable[[Report, ReportOptions], str] = module.render
    return renderer(report, options)


def render_chunks(fmt: str, report: Report, options: ReportOptions) -> Iterator[str]:
    """`render(fmt, ...)` in pieces, for formats that write theirs as they go (JSON: reports of
    tens of MB are never whole in memory); one piece for the others."""
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (use {', '.join(FORMATS)})") from None
    module = importlib.import_module(module_name)
    chunks: Callable[[Report, ReportOptions], Iterator[str]] | None = getattr(module, "chunks", None)
    if chunks is not None:
        yield from chunks(report, options)
    else:
        yield module.render(report, options)


# -- severity ---------------------------------------------------------------------------
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def sarif_level(severity: Severity) -> str:
    """SARIF `level` (also the JSON report's `level` and the GitHub command): error/warning/note."""
    return _LEVELS[severity]


def security_severity(meta: RuleMeta) -> str | None:
    """GitHub's `security-severity` (a string holding a number), only for security rules: one
    source with `kubelint rules --format json` (kubelint_py/output/ruledoc.py)."""
    from kubelint_py.output.ruledoc import security_severity as of_rule

    return of_rule(meta)


def problem_severity(meta: RuleMeta) -> str | None:
    """`problem.severity` for rules that are not security rules."""
    return None if meta.category == "security" else _PROBLEM_SEVERITY[meta.severity]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- paths ------------------------------------------------------------------------------
def is_pseudo_file(file: str) -> bool:
    """`<stdin>`, `<run>` and the like: no file on disk to point at."""
    return not file or (file.startswith("<") and file.endswith(">"))


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def repo_relative(file: str, options: ReportOptions) -> str | None:
    """`file` relative to `options.sarif_root` as a POSIX path, or None when it lies outside
    the root (or is stdin). Pure path arithmetic: no filesystem access, symlinks are not followed."""
    if is_pseudo_file(file):
        return None
    root, cwd, norm_root = _bases(options.sarif_root, options.cwd)
    path = _posix(file)
    if not _is_abs(path):
        # Relative names are relative to the CLI's cwd; without one, to an absolute root (the
        # default root is the cwd), or to the same unknown directory as a relative root.
        base = cwd if cwd is not None else (root if _is_abs(root) else "")
        path = posixpath.join(base, path) if base else path
    norm_path = posixpath.normpath(path)
    if norm_root == ".":
        rel = norm_path
    elif norm_path.startswith(norm_root) and norm_path.startswith("/", len(norm_root)) and norm_root[-1] != "/":
        # under the root: what relative_to below says of two normalized paths (their parts are
        # their `/`-separated names), without a PurePosixPath each (12 of 14 us a file)
        rel = norm_path[len(norm_root) + 1 :]
    else:
        try:
            rel = PurePosixPath(norm_path).relative_to(norm_root).as_posix()
        except ValueError:
            return None
    if rel in ("", ".") or rel == ".." or rel.startswith("../") or rel.startswith("/"):
        return None
    return rel


@lru_cache(maxsize=16)
def _bases(sarif_root: Path, cwd: Path | None) -> tuple[str, str | None, str]:
    """(root, cwd, normalized root) of `repo_relative` as POSIX text, the root made absolute
    against `cwd` when there is one: the same for every file of a report."""
    root = _posix(sarif_root.as_posix())
    cwd_text = _posix(cwd.as_posix()) if cwd is not None else None
    if cwd_text is not None and not _is_abs(root):
        root = posixpath.join(cwd_text, root)
    return root, cwd_text, posixpath.normpath(root)


def _is_abs(path: str) -> bool:
    return path.startswith("/") or _is_windows_abs(path)


def _is_windows_abs(path: str) -> bool:
    return len(path) > 2 and path[1] == ":" and path[2] == "/" and path[0].isalpha()


def display_file(file: str, options: ReportOptions) -> str:
    """The repository-relative path when there is one, else the file as given."""
    rel = repo_relative(file, options)
    return rel if rel is not None else file


# -- rules, links, fingerprints ---------------------------------------------------------
def rules_by_id(report: Report) -> dict[str, RuleMeta]:
    return {meta.id: meta for meta in report.rules}


def help_uri_for(rule_id: str, metas: Mapping[str, RuleMeta], base: str) -> str:
    from kubelint_py.output.ruledoc import help_uri, id_page_uri

    meta = metas.get(rule_id)
    return help_uri(meta, base) if meta is not None else id_page_uri(rule_id, base)


# `Finding.sort_key`, made in C (tests/test_report_text.py holds them equal): sorting the 68,299
# findings of the 10,000-document corpus 0.050 -> 0.047 s; a run's report needs no sort at all
# (`Report.ordered`)
_SORT_KEY = operator.attrgetter("file", "span.start.line", "span.start.column", "rule_id", "message")


def sorted_findings(findings: Iterable[Finding], ordered: bool = False) -> list[Finding]:
    """`findings` in `Finding.sort_key` order; `ordered`: they are already (`Report.ordered`,
    which a subset of the report's findings keeps)."""
    return list(findings) if ordered else sorted(findings, key=_SORT_KEY)


def suppression_kind(finding: Finding) -> str:
    """`annotation`, `inline` or `config` (config exemptions may be written `config:<key>`)."""
    kind = finding.suppressed_by or ""
    return "config" if kind.startswith("config") else kind


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def region(span: Span) -> tuple[int, int, int, int]:
    """(startLine, startColumn, endLine, endColumn), 1-based, end exclusive as in SARIF; an
    empty or inverted span becomes one character wide so every output can place it."""
    # every report asks it of every finding: plain comparisons, no max() or tuple built to compare
    (line, column), (end_line, end_column) = span
    if line < 1:
        line = 1
    if column < 1:
        column = 1
    if end_line < line or (end_line == line and end_column <= column):
        return line, column, line, column + 1
    return line, column, end_line, end_column if end_column > 1 else 1
