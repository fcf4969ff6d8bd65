"""Where reports go: stdout or files (atomically, never over an input), the GitHub job summary,
source lines for --show-source, baselines read and written, stdin read within the limit."""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from kubelint_py import version
from kubelint_py.cli.console import ANSI_PATTERN, echo
from kubelint_py.cli.errors import KubelintError


def write_atomically(path: Path, text: str | Iterable[str], mode: int | None = None) -> None:
    """A report, baseline or configuration written with the project's one atomic writer
    (kubelint_py/atomic_write.py); a failure is the user's to fix (exit 2)."""
    from kubelint_py.atomic_write import write_atomically as write

    try:
        write(path, text, mode=mode)
    except OSError as exc:
        raise KubelintError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None


def check_writable(path: Path) -> None:
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise KubelintError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise KubelintError(f"cannot write {path}: it is a directory")
    if not os.access(directory, os.W_OK):
        raise KubelintError(f"cannot write {path}: permission denied")


def refuse_overwriting_inputs(
    outputs: Sequence[Path | None], inputs: Sequence[Any], cwd: Path, context_dirs: Sequence[str] = ()
) -> None:
    """--output or --write-baseline naming an input (the same file by any name, links included;
    a manifest in a --context directory) is a usage error: the report would replace it. A
    report or baseline of an earlier run is read as an input too (`lint .` finds
    `.kubelint-baseline.json`), and is replaced as asked."""
    written = {}
    for out in outputs:
        identity = _identity(out) if out is not None and not _earlier_report(out) else None
        if identity is not None:
            written[identity] = out
    if not written:
        return
    for item in inputs:
        if item is None or str(item) in ("", "-"):
            continue
        identity = _identity(cwd / item)
        clash = written.get(identity) if identity is not None else None
        if clash is not None:
            raise KubelintError(f"{clash} is one of the input files; writing the report would overwrite it")
    if context_dirs:
        from kubelint_py.input.confine import Tree
        from kubelint_py.input.discovery import MANIFEST_SUFFIXES

        context = Tree(os.path.realpath(d) for d in context_dirs if Path(d).is_dir())
        for out in written.values():
            if out is not None and out.name.endswith(MANIFEST_SUFFIXES) and context.contains(out):
                raise KubelintError(f"{out} is one of the input files; writing the report would overwrite it")


# how kubelint's JSON report and baseline, and its SARIF log, begin: the tool's name comes first
_REPORT_HEAD = rb'^\{\s*"schemaVersion"[^{}]*?"tool"\s*:\s*(?:"kubelint"|\{\s*"name"\s*:\s*"kubelint")'


_SARIF_HEAD = rb'^\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"[\s\S]{0,400}?"driver"\s*:\s*\{[^{}]*"name"\s*:\s*"kubelint"'


@cache
def _head(pattern: bytes) -> re.Pattern[bytes]:
    """One of the report heads above, compiled on first use (only when an --output file exists)."""
    return re.compile(pattern)


def _earlier_report(path: Path) -> bool:
    """Whether `path` holds a JSON report, SARIF log or baseline that kubelint wrote (its first
    KiB, read as every file is: a FIFO or device is not opened for long, only a regular file is
    read)."""
    from kubelint_py.input.confine import read_regular

    try:
        head = read_regular(path, 1024, head=True)
    except (OSError, ValueError):
        return False
    return _head(_REPORT_HEAD).match(head) is not None or _head(_SARIF_HEAD).match(head) is not None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def apply_baseline(report: Any, read: Path | None, write: Path | None, limit: int) -> Any:
    """--baseline / --write-baseline (kubelint_py/run/baseline.py holds the logic); the baseline is
    read like an input: a regular file within `limits.maxFileBytes`."""
    from kubelint_py.input.confine import FileTooLarge, NotRegularFile, read_regular
    from kubelint_py.run import baseline

    previous = None
    if read is not None:
        try:
            previous = baseline.loads(read_regular(read, limit).decode("utf-8"), str(read))
        except FileNotFoundError:
            raise KubelintError(f"{read}: baseline file not found (create it with --write-baseline {read})") from None
        except NotRegularFile:
            raise KubelintError(f"{read}: the baseline is not a regular file; not read") from None
        except FileTooLarge:
            raise KubelintError(
                f"{read}: the baseline is over the limit of {limit:,} bytes (settings.limits.maxFileBytes); not read"
            ) from None
        except UnicodeDecodeError:
            raise KubelintError(f"{read}: cannot read the baseline (not UTF-8 text)") from None
        except OSError as exc:
            raise KubelintError(f"{read}: cannot read the baseline ({(exc.strerror or str(exc)).lower()})") from None
        except baseline.BaselineError as exc:
            raise KubelintError(str(exc)) from None
    if write is None:
        assert previous is not None
        return baseline.apply(report, previous).report
    fixed = len(baseline.apply(report, previous).fixed) if previous is not None else 0
    recorded = baseline.from_report(report, previous)
    write_atomically(write, baseline.dumps(recorded))
    dropped = f", dropped {fixed} fixed" if fixed else ""
    echo(f"kubelint: wrote {len(recorded.entries)} finding(s) to baseline {write}{dropped}", err=True)
    return baseline.apply(report, recorded).report


def read_stdin(limit: int) -> bytes:
    """At most `limit` + 1 bytes of stdin: bounded like a file (`cat /dev/zero | kubelint lint -`
    must not take the memory); one byte more than the limit makes the loader report
    input-too-large."""
    stream = sys.stdin
    if stream is None:
        return b""
    try:
        if hasattr(stream, "buffer"):
            from kubelint_py.input.confine import read_at_most

            return read_at_most(stream.buffer.read, limit + 1)
        return str(stream.read(limit + 1)).encode("utf-8")[: limit + 1]
    except (OSError, ValueError):
        return b""


def emit_reports(
    report: Any,
    formats: Sequence[str],
    outputs: Sequence[Path],
    code: int,
    threshold: Any,
    sarif_root: Path,
    sarif_category: str,
    color: bool,
    show_source: bool,
    include_suppressed: bool,
    quiet: bool,
    verbose: bool,
    cwd: Path,
    line_reader: LineReader,
    statistics: bool = False,
    spread: Any = None,
) -> None:
    """Each --format to its --output or stdout; `spread`: how a large report's per-finding text
    is made (`ReportOptions.spread`, run/report_shares.py)."""
    from kubelint_py.output.reporters import ReportOptions, render_chunks

    options = None
    for number, fmt in enumerate(formats):
        target = outputs[number] if number < len(outputs) else None
        options = ReportOptions(
            fail_on=threshold,
            exit_code=code,
            color=color and target is None and fmt == "text",
            show_source=show_source or (color and target is None and fmt == "text"),
            include_suppressed=include_suppressed,
            sarif_category=sarif_category,
            sarif_root=sarif_root.absolute(),
            # importlib.metadata costs ~20 ms of a pre-commit run: only reports that show it ask
            tool_version=version() if fmt in ("json", "sarif") else "",
            quiet=quiet,
            read_line=line_reader,
            verbose=verbose,
            cwd=cwd,
            spread=spread,
        )
        if statistics and target is None:  # --statistics: counts in place of the report on stdout
            from kubelint_py.output.reporters import statistics as stats_report

            text = stats_report.render(fmt, report, options)
            if target is None:
                echo(text, nl=not text.endswith("\n"), color=options.color or None)
        elif target is None:
            _echo_pieces(render_chunks(fmt, report, options), options.color or None)
        else:  # written as it is made (a JSON report of tens of MB is never whole in memory)
            write_atomically(target, render_chunks(fmt, report, options))
        if fmt == "github":
            _append_step_summary(report, options)
    if statistics and len(outputs) >= len(formats) and options is not None:  # every report went to a file
        from kubelint_py.output.reporters import statistics as stats_report

        echo(stats_report.render_text(report, options), nl=False)


def _echo_pieces(pieces: Iterator[str], color: bool | None) -> None:
    """Each piece written as it comes, and a newline at the end unless the text ends with one:
    what `echo` of each piece writes (click.echo once click is loaded), to the stream it would
    write to (`_plain_stdout`), flushed once. echo flushed after every piece and ran click's
    ANSI pattern over it, stdout not being a terminal: `--jobs 1 --format json` of the
    10,000-document corpus, 75 MB in 1,148 pieces, 0.47 -> 0.40 s CPU for the report, the
    pattern's scan 0.04 s of it. Escape sequences are still dropped as echo drops them,
    wherever one is (JSON, SARIF, JUnit and uncoloured text hold none: docs/security.md,
    promise 4); looking for ESC is a memchr (0.007 s)."""
    stream = _plain_stdout()
    if stream is None:  # a terminal, another encoding, a stream of a test runner: echo decides
        last = ""
        for piece in pieces:
            if piece:
                echo(piece, nl=False, color=color)
                last = piece
        if not last.endswith("\n"):
            echo("", color=color)
        return
    strip = not (color or _context_color())
    write = stream.write
    last = ""
    for piece in pieces:
        if piece:
            last = piece
            write(_strip_ansi(piece) if strip and "\x1b" in piece else piece)
    if not last.endswith("\n"):
        write("\n")
    stream.flush()


def _plain_stdout() -> io.TextIOWrapper | None:
    """sys.stdout when echo (and click.echo, which returns such a stream as it is) would write
    to it, and drop escape sequences unless told to colour: the interpreter's own UTF-8 text
    stream (not a subclass: pytest's and click's test runners patch how colour is decided),
    not a terminal (Windows consoles, which click wraps, are terminals). None otherwise."""
    stream = sys.stdout
    if type(stream) is not io.TextIOWrapper or stream.encoding.lower() not in ("utf-8", "utf8"):
        return None
    try:
        terminal = stream.isatty()
    except Exception:  # closed or detached: echo raises or reports what it always did
        return None
    return None if terminal else stream


def _context_color() -> bool | None:
    """The click context's `color` (click.echo's default when not told), None without click."""
    click = sys.modules.get("click")
    if click is None:
        return None
    context = click.get_current_context(silent=True)
    return context.color if context is not None else None


def _strip_ansi(text: str) -> str:
    """`text` without ANSI escape sequences, by click's pattern (`console.ANSI_PATTERN`)."""
    return re.sub(ANSI_PATTERN, "", text)


def _append_step_summary(report: Any, options: Any) -> None:
    """`--format github` in a GitHub Actions job: append a Markdown summary of the run to the
    file the runner names in GITHUB_STEP_SUMMARY (shown on the run's page). A summary that
    cannot be written is a warning: the annotations and the exit code still stand."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from kubelint_py.output.reporters.github_summary import render as render_summary

    text = render_summary(report, options)
    from kubelint_py.atomic_write import append_text

    try:
        append_text(Path(target), text)
    except OSError as exc:
        echo(
            f"kubelint: warning: cannot append the job summary to GITHUB_STEP_SUMMARY ({target}): "
            f"{(exc.strerror or str(exc)).lower()}",
            err=True,
        )


class LineReader:
    """Source lines for --show-source, read lazily and only for files with findings: files in
    the tree, regular, within the size limit of the inputs (else no line is shown)."""

    def __init__(self, cwd: Path, stdin_bytes: bytes | None, stdin_name: str, tree: Any, limit: int) -> None:
        self._cwd = cwd
        self._tree = tree
        self._limit = limit
        self._cache: dict[str, list[str]] = {}
        if stdin_bytes is not None:
            self._cache[stdin_name] = stdin_bytes[:limit].decode("utf-8-sig", "replace").split("\n")

    def __call__(self, file: str, line: int) -> str | None:
        if file not in self._cache:
            self._cache[file] = self._read(self._cwd / file)

        lines = self._cache[file]
        return lines[line - 1].removesuffix("\r") if 0 < line <= len(lines) else None

    def _read(self, path: Path) -> list[str]:
        from kubelint_py.input.confine import read_text

        if not self._tree.contains(path):
            return []
        try:
            return read_text(path, self._limit).split("\n")  # lines by `\n` only, as editors count
        except OSError:
            return []
