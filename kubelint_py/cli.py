"""The command line: the only module that touches argv, the environment, stdout/stderr and
the exit code. `main(argv) -> int` so it can be tested without SystemExit.

The commands are click commands, but click is imported and the command tree built only when
a command line needs it (`_build_cli`, also reached as `kubelint_py.cli.cli`): the command
pre-commit runs, `kubelint lint [--context DIR ...] FILE...`, is parsed by `_fast_lint_options`
into the same options click would give, which saves ~15 ms of a ~0.2 s run (click's import
and its option set-up). tests/test_cli_fast_path.py holds the two parsers to one another.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from kubelint_py import version

if TYPE_CHECKING:
    import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


class KubelintError(Exception):
    """A problem the user must fix (bad config, unknown rule, unwritable output): exit 2.

    Not a click exception, so that raising one needs no click; the command group turns it
    into one (`_build_cli`), and `main` shows it the same way."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        _echo(f"kubelint: error: {self.format_message()}", err=True)


# click.echo's ANSI pattern: escape sequences are dropped when the stream is not a terminal
_ANSI_PATTERN = r"\033\[[0-?]*[ -/]*[@-~]"


def _echo(message: str, *, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """click.echo, without importing click for it: on a UTF-8 text stream (the usual stdout
    and stderr, and pytest's capture) this does what click.echo does there (append the newline,
    drop ANSI escapes unless the stream is a terminal or `color` is True, write, flush); anything
    else, or once click is loaded anyway, is left to click.echo itself."""
    stream = sys.stderr if err else sys.stdout
    if err:
        # messages name files, keys and values of the scanned tree: no raw control or bidi
        # character, no line a CI runner reads as a workflow command (reports are safe already)
        from kubelint_py.output.safe_text import printable_text

        message = printable_text(message)
    if "click" in sys.modules or not _plain_utf8_stream(stream):
        import click

        click.echo(message, err=err, nl=nl, color=color)
        return
    text = message + "\n" if nl else message
    if text:
        try:
            terminal = stream.isatty()
        except Exception:
            terminal = False
        if not terminal and not color:
            import re

            text = re.sub(_ANSI_PATTERN, "", text)
        stream.write(text)
    stream.flush()


def _plain_utf8_stream(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    return isinstance(stream, io.TextIOWrapper) and isinstance(encoding, str) and encoding.lower() in ("utf-8", "utf8")


def _usable_cpus() -> int:
    """CPUs this process may run on: `taskset` and container cpusets limit them below
    os.cpu_count(), and a process per host CPU would then only compete for the few."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _split(values: Sequence[str]) -> list[str]:
    """Repeatable options that also accept comma lists: `--select a,b --select c`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _color_default(ctx_color: bool | None) -> bool:
    """Colour by the common convention: `--color`/`--no-color`, else `NO_COLOR` (any non-empty
    value turns it off, no-color.org), else `FORCE_COLOR` (any non-empty value turns it on,
    piped output included, force-color.org), else whether stdout is a terminal."""
    if ctx_color is not None:
        return ctx_color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """A report, baseline or configuration written with the project's one atomic writer
    (kubelint_py/atomic_write.py); a failure is the user's to fix (exit 2)."""
    from kubelint_py.atomic_write import write_atomically as write

    try:
        write(path, text, mode=mode)
    except OSError as exc:
        raise KubelintError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None


def _check_writable(path: Path) -> None:
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise KubelintError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise KubelintError(f"cannot write {path}: it is a directory")
    if not os.access(directory, os.W_OK):
        raise KubelintError(f"cannot write {path}: permission denied")


class _Input(NamedTuple):  # not a dataclass: creating one costs ~0.6 ms of start-up
    """One lint run: PATHS, or a rendered stream and the chart/kustomization it maps back to."""

    paths: tuple[str, ...] = ()
    sources: tuple[Any, ...] = ()
    chart_root: Path | None = None


def lint_command(paths: tuple[str, ...], chart_root: Path | None, **options: Any) -> None:
    """Lint manifests in PATHS: files, directories, quoted globs, or - for stdin [default: .,
    or stdin with --stdin-filename]."""
    if not paths:
        # as ruff does: the current directory, never an empty stdin read by accident in CI
        paths = ("-",) if options.get("stdin_filename") else (".",)
    _lint_and_exit(options, [_Input(paths=paths, chart_root=chart_root)])


def _lint_and_exit(options: dict[str, Any], inputs: Sequence[_Input], default_category: str = "manifests") -> None:
    """Lint each input (paths, or one rendered chart or kustomization), merge, report, exit."""
    formats = options["formats"]
    outputs = options["outputs"]
    fail_on = options["fail_on"]
    exit_zero = options["exit_zero"]
    config_path = options["config_path"]
    select = options["select"]
    ignore = options["ignore"]
    namespace = options["namespace"]
    context_paths = options["context_paths"]
    schema_locations = options["schema_locations"]
    assume_complete = options["assume_complete"]
    include_suppressed = options["include_suppressed"]
    target_version = options["target_version"]
    target_provider = options["target_provider"]
    rule_paths = options["rule_paths"]
    no_plugins = options["no_plugins"]
    stdin_filename = options.get("stdin_filename")  # `lint` only: helm and kustomize read no stdin
    sarif_root = options["sarif_root"]
    show_source = options["show_source"]
    color = options["color"]
    quiet = options["quiet"]
    verbose = options["verbose"]
    debug = options["debug"]
    baseline_path = options["baseline_path"]
    write_baseline_path = options["write_baseline_path"]
    jobs = options["jobs"] or min(_usable_cpus(), 8)
    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.input.discovery import DiscoveryError
    from kubelint_py.model import Severity, exit_code
    from kubelint_py.registry.registry import RegistryError
    from kubelint_py.run.pipeline import LintRequest, max_file_bytes, run_lint

    formats = formats or ("text",)
    if len(outputs) > len(formats):
        import click

        raise click.UsageError("more --output than --format options: pair each --output with a --format")
    _check_one_stdout_document(formats, outputs)
    if options.get("statistics"):
        _check_statistics_format(formats, outputs)
    for out in outputs:
        _check_writable(out)
    if write_baseline_path is not None:
        _check_writable(write_baseline_path)
    if target_version is not None and not _valid_version(target_version):
        import click

        raise click.BadParameter("use the form 1.NN, e.g. 1.31", param_hint="--target-version")
    cwd = Path.cwd()
    named = [p for item in inputs for p in (*item.paths, item.chart_root)]
    base_tree = Tree.for_run(cwd, [*named, *context_paths, *schema_locations, *rule_paths, baseline_path])
    try:
        config = load_config(config_path, cwd, os.environ, base_tree)
    except ConfigError as exc:
        raise KubelintError(str(exc)) from None
    tree = base_tree.with_paths([config_path], cwd)
    limit = max_file_bytes(config)
    written = [*outputs, write_baseline_path]
    _refuse_overwriting_inputs(written, [*named, *context_paths], cwd, [*context_paths, *config.context])
    stdin_bytes = None
    if any("-" in item.paths for item in inputs):
        stdin_bytes = _read_stdin(limit)
    reports = []
    for item in inputs:
        request = LintRequest(
            paths=item.paths,
            sources=item.sources,
            chart_root=item.chart_root,
            context_paths=context_paths,
            schema_locations=schema_locations,
            stdin=stdin_bytes,
            stdin_name=stdin_filename or "<stdin>",
            select=_split(select),
            ignore=_split(ignore),
            namespace=namespace,
            assume_complete=assume_complete,
            raise_errors=debug,
            plugins=not no_plugins,
            custom_rules=rule_paths,
            target_version=target_version,
            settings={"targetProvider": target_provider} if target_provider else {},
            jobs=jobs,
            cwd=cwd,
            tree=tree,
            force_exclude=bool(options.get("force_exclude")),
        )
        try:
            reports.append(run_lint(request, config))
        except (ConfigError, RegistryError, DiscoveryError) as exc:
            raise KubelintError(str(exc)) from None
    report = _merge_reports(reports)
    _refuse_overwriting_inputs(written, report.files, cwd)  # the files found in directories too
    if baseline_path is not None or write_baseline_path is not None:
        report = _apply_baseline(report, baseline_path, write_baseline_path, limit)
    threshold_name = fail_on or config.fail_on
    threshold = None if exit_zero or threshold_name == "never" else Severity.parse(threshold_name)
    code = exit_code(report, threshold)
    if not report.findings and not report.stats.get("documents") and not report.errors:
        excluded = report.stats.get("excluded", 0)
        why = f" ({plural_files(excluded)} named left out by --force-exclude)" if excluded else ""
        _echo(f"kubelint: no Kubernetes objects found{why}", err=True)
        if report.stats.get("templatesSkipped"):
            _echo(
                f"kubelint: skipped {report.stats['templatesSkipped']} unrendered Helm template file(s); "
                "lint `helm template` output instead",
                err=True,
            )
    for note in report.notes:  # why findings stayed on a rendered stream, and what to do
        _echo(f"kubelint: warning: {note}", err=True)
    _emit_reports(
        report,
        formats,
        outputs,
        code,
        threshold,
        sarif_root or cwd,
        _sarif_category(options, default_category),
        _color_default(color),
        show_source,
        include_suppressed,
        quiet,
        verbose,
        cwd,
        _LineReader(cwd, stdin_bytes, stdin_filename or "<stdin>", tree, limit),
        statistics=bool(options.get("statistics")),
    )
    raise SystemExit(code)


# formats that are one document each: two of them, or one with a line format, in one stream
# parse as neither
DOCUMENT_FORMATS = ("json", "sarif", "junit")


def _check_statistics_format(formats: Sequence[str], outputs: Sequence[Path]) -> None:
    """--statistics replaces the report on stdout by counts, which exist as text and JSON only."""
    for fmt in formats[len(outputs) :]:
        if fmt not in ("text", "json"):
            import click

            raise click.UsageError(
                f"--statistics prints counts as text or json, not {fmt}: give --format {fmt} an --output FILE"
            )


def _check_one_stdout_document(formats: Sequence[str], outputs: Sequence[Path]) -> None:
    """The formats without an --output all go to stdout: a JSON, SARIF or JUnit document there
    must be alone, or the stream is no valid document (usage error, exit 2)."""
    on_stdout = list(formats[len(outputs) :])
    documents = [fmt for fmt in on_stdout if fmt in DOCUMENT_FORMATS]
    if documents and len(on_stdout) > 1:
        import click

        shown = " and ".join(f"--format {fmt}" for fmt in on_stdout)
        raise click.UsageError(
            f"{shown} would share stdout, which would then be no valid {documents[0]} document: "
            "give each --format but one an --output FILE (--format and --output pair in order)"
        )


def plural_files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _force_excluded_targets(targets: Sequence[Path], config_path: str | None) -> list[Path]:
    """`kubelint helm --force-exclude`: the targets (files of charts, as pre-commit names them)
    that `.kubelintignore` and the configuration's `exclude` leave in."""
    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.input.discovery import DiscoveryError, Ignore, display_path, read_ignore_file

    cwd = Path.cwd()
    try:
        config = load_config(config_path, cwd, os.environ, Tree.for_run(cwd, [*targets, config_path]))
        ignore = Ignore(read_ignore_file(cwd) + list(config.exclude))
    except (ConfigError, DiscoveryError) as exc:
        raise KubelintError(str(exc)) from None
    return [target for target in targets if not ignore.excludes(display_path(target, cwd), target.is_dir())]


def _sarif_category(options: dict[str, Any], default_category: str) -> str:
    """--sarif-category when given, else the command's own (`helm-<chart>` for charts)."""
    click = sys.modules.get("click")
    if click is None:  # the fast path (no --sarif-category): no click context
        return default_category
    context = click.get_current_context(silent=True)
    source = context.get_parameter_source("sarif_category") if context is not None else None
    if source is None or source is click.core.ParameterSource.DEFAULT:
        return default_category
    return str(options["sarif_category"])


def _merge_reports(reports: Sequence[Any]) -> Any:
    """One report from several runs (one per rendered chart or kustomization)."""
    from kubelint_py.model import Finding, Report

    if len(reports) == 1:
        return reports[0]
    stats: dict[str, int] = {}
    for report in reports:
        for key, value in report.stats.items():
            stats[key] = stats.get(key, 0) + value if key != "rules" else value
    return Report(
        findings=tuple(sorted((f for r in reports for f in r.findings), key=Finding.sort_key)),
        rules=reports[0].rules,
        files=tuple(sorted({file for r in reports for file in r.files})),
        errors=tuple(e for r in reports for e in r.errors),
        stats=stats,
        objects=tuple(dict.fromkeys(o for r in reports for o in r.objects)),
        notes=tuple(dict.fromkeys(note for r in reports for note in r.notes)),
    )


def helm_command(
    targets: tuple[Path, ...],
    values_files: tuple[str, ...],
    set_values: tuple[str, ...],
    release: str | None,
    **options: Any,
) -> None:
    """Render charts with `helm template` and lint the output; findings point at the templates.

    TARGETS are chart directories or files inside charts (as pre-commit passes them); each
    chart (nearest Chart.yaml) is rendered once. --namespace is also the release namespace.
    """
    from kubelint_py.integrations.rendered import chart_name
    from kubelint_py.integrations.renderers import RendererMissing, RenderError, charts_for, helm_template
    from kubelint_py.model import Source

    passed = _helm_pass_through(options)
    if options.get("force_exclude"):
        targets = tuple(_force_excluded_targets(targets, options["config_path"]))
    charts, not_charts = charts_for(targets)
    if not_charts:
        raise KubelintError(f"{not_charts[0]}: no Helm chart there (no Chart.yaml in it or above it)")
    if not charts:
        _echo("kubelint: none of the given files belongs to a Helm chart", err=True)
        raise SystemExit(EXIT_CLEAN)
    cwd = Path.cwd()
    inputs = []
    for chart in charts:
        try:
            rendered = helm_template(
                chart,
                values=values_files,
                sets=set_values,
                release=release,
                namespace=options["namespace"],
                passed=passed,
                cwd=cwd,
            )
        except (RendererMissing, RenderError) as exc:
            raise KubelintError(str(exc)) from None
        inputs.append(_Input(sources=(Source(rendered.label, rendered.text.encode("utf-8")),), chart_root=chart))
    category = f"helm-{chart_name(charts[0]) or charts[0].resolve().name}" if len(charts) == 1 else "helm"
    _lint_and_exit(options, inputs, category)


def _helm_pass_through(options: dict[str, Any]) -> dict[str, Any]:
    """The `helm template` flags of `kubelint helm` (renderers.HELM_PASS_THROUGH), taken out of
    `options` and checked; --kube-version 1.NN[.P] is also the --target-version unless given."""
    import click

    from kubelint_py.integrations.renderers import HELM_PASS_THROUGH, helm_pass_through_error

    passed: dict[str, Any] = {}
    for option in HELM_PASS_THROUGH:
        value = options.pop(option.name, None)
        if option.kind == "values":
            value = tuple(_split(value or ()))  # repeatable, and comma lists as helm takes them
        items = () if option.kind == "switch" or value is None else (value,) if option.kind == "value" else value
        for item in items:
            if (problem := helm_pass_through_error(option.name, item)) is not None:
                raise click.BadParameter(problem, param_hint=option.flag)
        passed[option.name] = value
    kube_version = passed.get("kube_version")
    if kube_version and options.get("target_version") is None:
        minor = re.match(r"v?(\d+\.\d+)", kube_version)
        if minor is not None and _valid_version(minor.group(1)):
            options["target_version"] = minor.group(1)
    return passed


def _helm_pass_through_options() -> list[Any]:
    """click options for renderers.HELM_PASS_THROUGH, so the table is the one list of them."""
    import click

    from kubelint_py.integrations.renderers import HELM_PASS_THROUGH

    made = []
    for option in HELM_PASS_THROUGH:
        if option.kind == "switch":
            made.append(click.option(option.flag, option.name, is_flag=True, help=option.help))
        else:
            metavar = "VERSION" if option.kind == "value" else "GROUP/VERSION[/KIND]"
            made.append(
                click.option(
                    option.flag, option.name, multiple=option.kind == "values", metavar=metavar, help=option.help
                )
            )
    return made


def kustomize_command(directories: tuple[Path, ...], **options: Any) -> None:
    """Build DIRECTORIES with `kustomize build` (or `kubectl kustomize`) and lint the output;
    findings point at the resource files through origin annotations (your files are not changed)."""
    from kubelint_py.integrations.renderers import RendererMissing, RenderError, kustomize_build
    from kubelint_py.model import Source

    cwd = Path.cwd()
    inputs = []
    for directory in directories:
        try:
            rendered = kustomize_build(directory, cwd=cwd)
        except (RendererMissing, RenderError) as exc:
            raise KubelintError(str(exc)) from None
        inputs.append(_Input(sources=(Source(rendered.label, rendered.text.encode("utf-8")),), chart_root=directory))
    category = f"kustomize-{directories[0].resolve().name}" if len(directories) == 1 else "kustomize"
    _lint_and_exit(options, inputs, category)


def _refuse_overwriting_inputs(
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
_REPORT_HEAD = re.compile(rb'^\{\s*"schemaVersion"[^{}]*?"tool"\s*:\s*(?:"kubelint"|\{\s*"name"\s*:\s*"kubelint")')
_SARIF_HEAD = re.compile(
    rb'^\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"[\s\S]{0,400}?"driver"\s*:\s*\{[^{}]*"name"\s*:\s*"kubelint"'
)


def _earlier_report(path: Path) -> bool:
    """Whether `path` holds a JSON report, SARIF log or baseline that kubelint wrote (its first
    KiB; a FIFO or device is not opened for long: O_NONBLOCK, then only a regular file is read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return False
    try:
        head = os.read(fd, 1024) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return False
    finally:
        os.close(fd)
    return _REPORT_HEAD.match(head) is not None or _SARIF_HEAD.match(head) is not None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _apply_baseline(report: Any, read: Path | None, write: Path | None, limit: int) -> Any:
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
    _echo(f"kubelint: wrote {len(recorded.entries)} finding(s) to baseline {write}{dropped}", err=True)
    return baseline.apply(report, recorded).report


def _valid_version(text: str) -> bool:
    major, _, minor = text.partition(".")
    return major == "1" and minor.isdigit()


def _read_stdin(limit: int) -> bytes:
    """At most `limit` + 1 bytes of stdin: bounded like a file (`cat /dev/zero | kubelint lint -`
    must not take the memory); one byte more than the limit makes the loader report
    input-too-large."""
    stream = sys.stdin
    if stream is None:
        return b""
    try:
        if hasattr(stream, "buffer"):
            return _read_bounded(stream.buffer, limit + 1)
        return str(stream.read(limit + 1)).encode("utf-8")[: limit + 1]
    except (OSError, ValueError):
        return b""


def _read_bounded(stream: Any, size: int) -> bytes:
    """Up to `size` bytes, in blocks: one read(size) would allocate `size` at once."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(bytes(chunk))
        left -= len(chunk)
    return b"".join(chunks)


def _emit_reports(
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
    line_reader: _LineReader,
    statistics: bool = False,
) -> None:
    from kubelint_py.output.reporters import ReportOptions, render

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
        )
        if statistics and target is None:  # --statistics: counts in place of the report on stdout
            from kubelint_py.output.reporters import statistics as stats_report

            text = stats_report.render(fmt, report, options)
        else:
            text = render(fmt, report, options)
        if target is None:
            _echo(text, nl=not text.endswith("\n"), color=options.color or None)
        else:
            write_atomically(target, text)
        if fmt == "github":
            _append_step_summary(report, options)
    if statistics and len(outputs) >= len(formats) and options is not None:  # every report went to a file
        from kubelint_py.output.reporters import statistics as stats_report

        _echo(stats_report.render_text(report, options), nl=False)


def _append_step_summary(report: Any, options: Any) -> None:
    """`--format github` in a GitHub Actions job: append a Markdown summary of the run to the
    file the runner names in GITHUB_STEP_SUMMARY (shown on the run's page). A summary that
    cannot be written is a warning: the annotations and the exit code still stand."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from kubelint_py.output.reporters.github_summary import render as render_summary

    text = render_summary(report, options)
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        _echo(
            f"kubelint: warning: cannot append the job summary to GITHUB_STEP_SUMMARY ({target}): "
            f"{(exc.strerror or str(exc)).lower()}",
            err=True,
        )


class _LineReader:
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


def _listing_registry(config_path: str | None, rule_paths: Sequence[str], no_plugins: bool) -> tuple[Any, Any]:
    """The rules a `kubelint lint` here would know, and its configuration: built-in rules, the
    configuration's `customRules` and --rules (confined to the tree like a lint run's), plugins."""
    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.registry.registry import RegistryError, build_registry
    from kubelint_py.run.pipeline import LintRequest, custom_rule_paths

    cwd = Path.cwd()
    base_tree = Tree.for_run(cwd, [*rule_paths])
    try:
        config = load_config(config_path, cwd, os.environ, base_tree)
        tree = base_tree.with_paths([config_path], cwd)
        request = LintRequest(custom_rules=tuple(rule_paths), plugins=not no_plugins, cwd=cwd, tree=tree)
        registry = build_registry(custom=custom_rule_paths(request, config, tree), plugins=not no_plugins)
    except (ConfigError, RegistryError) as exc:
        raise KubelintError(str(exc)) from None
    return registry, config


def rules_command(
    fmt: str,
    document: str | None,
    show_all: bool,
    config_path: str | None,
    rule_paths: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """List the rules a run here uses (the configuration's enable/disable applied, custom rules
    and plugins included): id, severity, guidance document, title. --all adds the rules that are
    off, with a STATUS column (on, opt-in, off)."""
    import click

    from kubelint_py.guidance import BY_SLUG
    from kubelint_py.output.ruledoc import rules_json, rules_table_text
    from kubelint_py.registry.registry import select_rules

    registry, config = _listing_registry(config_path, rule_paths, no_plugins)
    documents = set(BY_SLUG) | {r.meta.document for r in registry.rules.values()}
    if document is not None and document not in documents:
        raise click.BadParameter(
            f"unknown guidance document; one of: {', '.join(sorted(documents))}", param_hint="--document"
        )
    selection = select_rules(registry, enable=config.enable, disable=config.disable)
    if selection.unknown:
        where = config.path or "configuration"
        raise KubelintError(f"{where}: rules.enable/disable name unknown rules: {', '.join(sorted(selection.unknown))}")
    enabled = {rule.id for rule in selection.enabled}
    metas = [r.meta for r in registry.sorted() if document is None or r.meta.document == document]
    shown = metas if show_all else [m for m in metas if m.id in enabled]
    if fmt == "json":
        _echo(rules_json(shown, enabled), nl=False)
    else:
        _echo(rules_table_text(shown, enabled if show_all else None), nl=False)
    hidden = len(metas) - len(shown)
    if hidden and fmt == "text":
        _echo(
            f"kubelint: {hidden} more rule(s) are off (opt-in, or disabled by the configuration): add --all", err=True
        )


def explain_command(rule_id: str, config_path: str | None, rule_paths: tuple[str, ...], no_plugins: bool) -> None:
    """Explain a rule (built-in, custom or from a plugin): what it checks, why, a failing and a
    fixed example, how to fix."""
    import difflib

    from kubelint_py.output.ruledoc import rule_text

    registry, _config = _listing_registry(config_path, rule_paths, no_plugins)
    found = registry.rules.get(rule_id)
    if found is None:
        _explain_peer_check(rule_id, registry.rules)
        close = difflib.get_close_matches(rule_id, list(registry.rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `kubelint rules`"
        raise KubelintError(f'unknown rule "{rule_id}"{hint}')
    _echo(rule_text(found.meta), nl=False)


def _explain_peer_check(name: str, rules: dict[str, Any]) -> None:
    """`kubelint explain CKV_K8S_16` (or `polaris:runAsPrivileged`): another linter's check id
    names the kubelint rule(s) reporting the same problem. One rule: its explanation; several:
    the list. Returns (to report an unknown rule) when no peer has such a check."""
    from kubelint_py.output.ruledoc import rule_text
    from kubelint_py.output.safe_text import printable, printable_text
    from kubelint_py.peers import BY_NAME, canonical, id_shape_ok, lookup

    matches = [(peer, check, [r for r in ids if r in rules]) for peer, check, ids in lookup(name)]
    matches = [(peer, check, ids) for peer, check, ids in matches if ids]
    ids = sorted({rule_id for _, _, found in matches for rule_id in found})
    if not ids:
        peer, sep, check = name.partition(":")
        if not (sep and peer in BY_NAME):  # Checkov's and Trivy's ids are recognisable as such
            peer = next((p for p in ("checkov", "trivy") if id_shape_ok(p, canonical(p, name))), "")
            check = canonical(peer, name) if peer else name
        if peer:
            raise KubelintError(
                printable(f"{BY_NAME[peer].title} check {check} has no kubelint equivalent; see `kubelint rules`")
            )
        return
    checks = "; ".join(f"{BY_NAME[peer].title} check {check}" for peer, check, _ in matches)
    if len(ids) == 1:
        _echo(printable_text(f"{checks}: kubelint rule {ids[0]}\n\n" + rule_text(rules[ids[0]].meta)), nl=False)
    else:
        lines = [f"{checks}: {len(ids)} kubelint rules report the same problem:"]
        lines += [f"  {rule_id}  {rules[rule_id].meta.title.strip()}" for rule_id in ids]
        lines.append("Run `kubelint explain <rule-id>` for the one you need.")
        _echo(printable_text("\n".join(lines) + "\n"), nl=False)
    raise SystemExit(EXIT_CLEAN)


def fix_command(
    paths: tuple[str, ...],
    show_diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_path: str | None,
    namespace: str | None,
    context_paths: tuple[str, ...],
    target_version: str | None,
    no_plugins: bool,
) -> None:
    """Apply safe, unambiguous fixes to manifests in PATHS (files or directories; default .),
    keeping comments, key order, quoting and indentation. Exit 1 with --diff when there is
    something to fix."""
    import click

    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.input.discovery import DiscoveryError
    from kubelint_py.integrations.autofix import plan_fixes, write_fixes
    from kubelint_py.registry.registry import RegistryError
    from kubelint_py.run.pipeline import LintRequest

    if "-" in paths:
        raise click.UsageError("kubelint fix rewrites files: it cannot fix stdin")
    if target_version is not None and not _valid_version(target_version):
        raise click.BadParameter("use the form 1.NN, e.g. 1.31", param_hint="--target-version")
    cwd = Path.cwd()
    base_tree = Tree.for_run(cwd, [*(paths or (".",)), *context_paths])
    try:
        config = load_config(config_path, cwd, os.environ, base_tree)
        request = LintRequest(
            tree=base_tree.with_paths([config_path], cwd),
            paths=paths or (".",),
            context_paths=context_paths,
            select=_split(select),
            ignore=_split(ignore),
            namespace=namespace,
            plugins=not no_plugins,
            target_version=target_version,
            cwd=cwd,
        )
        result = plan_fixes(request, config)
    except (ConfigError, RegistryError, DiscoveryError) as exc:
        raise KubelintError(str(exc)) from None
    for file, why in result.skipped_files:
        _echo(f"{file}: not rewritten: {why}", err=True)
    for outcome in result.not_applied:
        where = f"{outcome.finding.file}:{outcome.finding.span.start.line}:{outcome.finding.span.start.column}"
        _echo(f"{where}: not fixed {outcome.finding.rule_id}: {outcome.reason}", err=True)
    changed = [f for f in result.files if f.changed]
    applied = result.applied
    if show_diff:
        for file_fix in changed:
            from kubelint_py.output.safe_text import printable_text

            _echo(printable_text(file_fix.diff()), nl=False)
        summary = f"{len(applied)} fix(es) available in {len(changed)} file(s); nothing was changed"
        _echo(f"kubelint: {summary}", err=True)
        raise SystemExit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    try:
        written = set(write_fixes(result, cwd))
    except OSError as exc:
        raise KubelintError(f"cannot rewrite {exc.filename}: {(exc.strerror or str(exc)).lower()}") from None
    for file, why in result.unwritten:
        _echo(f"{file}: not rewritten: {why}; run kubelint fix again", err=True)
    applied = [outcome for outcome in applied if outcome.finding.file in written]
    for outcome in applied:
        start = outcome.finding.span.start
        caution = f" (note: {outcome.spec.caution})" if outcome.spec.caution else ""
        _echo(
            f"{outcome.finding.file}:{start.line}:{start.column}: fixed {outcome.finding.rule_id}: "
            f"{outcome.spec.summary}{caution}"
        )
    _echo(f"Fixed {len(applied)} finding(s) in {len(written)} file(s)")
    raise SystemExit(EXIT_FINDINGS if result.unwritten else EXIT_CLEAN)


def init_command(path: Path, force: bool, from_peer: tuple[str, Path] | None = None) -> None:
    """Write a commented starter configuration (every key, its default and what it does) to
    PATH [default: .kubelint.yaml]; with --from, translated from a kube-linter or Polaris
    configuration."""
    from kubelint_py.config.init_config import starter_config

    if (path.exists() or path.is_symlink()) and not force:
        raise KubelintError(f"{path} already exists; use --force to overwrite it")
    text, done = starter_config(), ""
    if from_peer:
        from kubelint_py.config.config import ConfigError
        from kubelint_py.config.peer_config import translated_config

        peer, source = from_peer
        try:
            text = translated_config(peer, source)
        except ConfigError as exc:
            raise KubelintError(str(exc)) from None
        done = f" from {source} (what could not be translated is listed at its top)"
    _check_writable(path)
    # a replaced file keeps its mode; a new one is read by others
    write_atomically(path, text, mode=None if path.is_file() else 0o644)
    _echo(f"kubelint: wrote {path}{done}; edit it, then run `kubelint lint`", err=True)


# `kubelint lint` without options, as click passes it to the command (chart_root aside).
_LINT_DEFAULTS: dict[str, Any] = {
    "formats": (),
    "outputs": (),
    "fail_on": None,
    "exit_zero": False,
    "config_path": None,
    "select": (),
    "ignore": (),
    "namespace": None,
    "context_paths": (),
    "schema_locations": (),
    "assume_complete": False,
    "include_suppressed": False,
    "target_version": None,
    "target_provider": None,
    "rule_paths": (),
    "no_plugins": False,
    "stdin_filename": None,
    "force_exclude": False,
    "sarif_category": "manifests",
    "sarif_root": None,
    "statistics": False,
    "show_source": False,
    "color": None,
    "quiet": False,
    "verbose": False,
    "debug": False,
    "jobs": 0,
    "baseline_path": None,
    "write_baseline_path": None,
}
# The options the fast path understands: ones whose values click does not check or convert,
# so that nothing click would reject (and word its own way) gets past it.
_FAST_FLAGS: dict[str, tuple[str, Any]] = {
    "--exit-zero": ("exit_zero", True),
    "--assume-complete": ("assume_complete", True),
    "--include-suppressed": ("include_suppressed", True),
    "--no-plugins": ("no_plugins", True),
    "--force-exclude": ("force_exclude", True),
    "--show-source": ("show_source", True),
    "--statistics": ("statistics", True),
    "--color": ("color", True),
    "--no-color": ("color", False),
    "--quiet": ("quiet", True),
    "-q": ("quiet", True),
    "--verbose": ("verbose", True),
    "-v": ("verbose", True),
    "--debug": ("debug", True),
}
_FAST_MULTIPLE = {
    "--context": "context_paths",
    "--schema-location": "schema_locations",
    "--select": "select",
    "--ignore": "ignore",
    "--rules": "rule_paths",
}
_FAST_SINGLE = {"--namespace": "namespace", "--target-provider": "target_provider"}


def _fast_lint_options(args: Sequence[str]) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """(PATHS, options) of `lint PATH... [--context DIR] [--select ID] [-q] ...` exactly as
    click would pass them to `lint_command`, or None for any other command line (another
    command, an option outside the few above, a value that looks like an option, no PATH,
    shell completion): click then parses it, with its own checks and messages."""
    if len(args) < 2 or args[0] != "lint" or "_KUBELINT_COMPLETE" in os.environ:
        return None
    options = dict(_LINT_DEFAULTS)
    multiple: dict[str, list[str]] = {}
    paths: list[str] = []
    rest = list(args[1:])
    rest.reverse()
    while rest:
        arg = rest.pop()
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _FAST_FLAGS and not equals:
            key, flag_value = _FAST_FLAGS[name]
            options[key] = flag_value
            continue
        param = _FAST_MULTIPLE.get(name) or _FAST_SINGLE.get(name)
        if param is None:
            return None
        if not equals:
            if not rest or rest[-1].startswith("-"):
                return None
            value = rest.pop()
        if name in _FAST_MULTIPLE:
            multiple.setdefault(param, []).append(value)
        else:
            options[param] = value
    if not paths:
        return None
    for key, values in multiple.items():
        options[key] = tuple(values)
    return tuple(paths), options


def _group() -> None:
    """Offline static linter for Kubernetes manifests, Helm and Kustomize output, and
    control-plane configuration."""


@functools.lru_cache(maxsize=1)
def _build_cli() -> click.Group:
    """The click command group (built once, on first use)."""
    import click

    class ClickKubelintError(click.ClickException):
        exit_code = EXIT_ERROR

        def show(self, file: IO[Any] | None = None) -> None:
            _echo(f"kubelint: error: {self.format_message()}", err=True)

    class KubelintGroup(click.Group):
        def invoke(self, ctx: click.Context) -> Any:
            try:
                return super().invoke(ctx)
            except KubelintError as exc:
                raise ClickKubelintError(exc.message) from None

    def print_version(ctx: click.Context) -> None:
        click.echo(f"kubelint {version()}")
        ctx.exit()

    shared_options = (
        click.option(
            "--format",
            "formats",
            multiple=True,
            type=click.Choice(["text", "json", "sarif", "github", "junit"]),
            help="Output format; repeat with --output for several reports in one run. [default: text]",
        ),
        click.option(
            "--output",
            "outputs",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the report of the matching --format to FILE (atomically) instead of stdout.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON_CHOICES),
            default=None,
            help="Lowest severity that makes the exit code 1. [default: warning]",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings exist (report-only adoption)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use."),
        click.option(
            "--select", multiple=True, help="Only these rule ids or guidance documents (comma lists allowed)."
        ),
        click.option("--ignore", multiple=True, help="Skip these rule ids or guidance documents."),
        click.option("--namespace", help="Namespace of objects that set none (like kubectl apply -n)."),
        click.option(
            "--context",
            "context_paths",
            multiple=True,
            help="Load PATH for cross-object lookups only; its findings are not reported.",
        ),
        click.option(
            "--schema-location",
            "schema_locations",
            multiple=True,
            metavar="DIR",
            help="Folder of custom resource schemas (<group>/<kind>_<version>.json, the CRD catalog layout) "
            "or CRD manifests, for custom resources whose CRD is not in the input; repeatable.",
        ),
        click.option(
            "--assume-complete", is_flag=True, help="The input is self-contained: cross-object rules drop their guards."
        ),
        click.option("--include-suppressed", is_flag=True, help="Also show suppressed findings (text, SARIF)."),
        click.option("--target-version", help="Kubernetes release the manifests go to, e.g. 1.31."),
        click.option(
            "--target-provider", help="Cloud provider the manifests go to (aws, gcp, azure): its annotations pass."
        ),
        click.option("--rules", "rule_paths", multiple=True, help="Files or directories of declarative rules (YAML)."),
        click.option("--no-plugins", is_flag=True, help="Do not load third-party rule plugins."),
        click.option("--stdin-filename", help="Path to report for input read from stdin."),
        click.option(
            "--force-exclude",
            is_flag=True,
            help="Apply .kubelintignore and the configuration's exclude to the paths named too "
            "(pre-commit names every changed file).",
        ),
        click.option(
            "--sarif-category", default="manifests", show_default=True, help="SARIF automationDetails category."
        ),
        click.option(
            "--sarif-root",
            type=click.Path(file_okay=False, path_type=Path),
            help="Directory SARIF URIs are relative to. [default: current directory]",
        ),
        click.option(
            "--statistics",
            is_flag=True,
            help="Print the number of findings per rule and per severity instead of the findings "
            "(text or json; reports with an --output are written as usual).",
        ),
        click.option("--show-source", is_flag=True, help="Text: print the offending line with a caret."),
        click.option("--color/--no-color", default=None, help="Colour text output. [default: on a terminal]"),
        click.option("--quiet", "-q", is_flag=True, help="Text: findings only, no summary."),
        click.option("--verbose", "-v", is_flag=True, help="Text: add the remediation under each finding."),
        click.option("--debug", is_flag=True, help="Show tracebacks; let rule exceptions propagate."),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(0, 64),
            default=0,
            help="Processes for large inputs (2 MB and 1,000+ documents per process); 0 = one per usable core (max 8).",
        ),
        click.option(
            "--baseline",
            "baseline_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Report and fail only on findings not recorded in this baseline file.",
        ),
        click.option(
            "--write-baseline",
            "write_baseline_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Record today's findings in this baseline file (fixed entries are dropped).",
        ),
    )

    # options that do something in `lint` only, or in `lint` and `helm` (pre-commit's two hooks)
    only_in = {"stdin_filename": ("lint",), "force_exclude": ("lint", "helm")}
    # `helm` and `kustomize` name their SARIF category after what they render
    category_default = {
        "helm": "helm-<chart name>, or helm for several charts",
        "kustomize": "kustomize-<directory name>, or kustomize for several",
    }

    def options_of(command_name: str) -> Callable[[Any], Any]:
        """The options `lint`, `helm` and `kustomize` share: one list, so they never drift apart;
        each command shows only those that do something there, with its true defaults."""

        def decorate(function: Any) -> Any:
            for option in reversed(shared_options):
                function = option(function)
            params = function.__click_params__
            params[:] = [p for p in params if command_name in only_in.get(p.name, (command_name,))]
            for param in params:
                if param.name == "sarif_category" and command_name in category_default:
                    param.show_default = False
                    param.help = f"SARIF automationDetails category. [default: {category_default[command_name]}]"
            return function

        return decorate

    group = click.group(
        "cli", cls=KubelintGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
    )(
        click.option(
            "--version",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=lambda ctx, _param, value: print_version(ctx) if value else None,
            help="Show the version and exit.",
        )(_group)
    )

    def command(name: str, *decorators: Any) -> Callable[[Callable[..., Any]], Any]:
        def register(function: Callable[..., Any]) -> Any:
            for decorate in reversed(decorators):
                function = decorate(function)
            return group.command(name)(function)

        return register

    command(
        "lint",
        click.argument("paths", nargs=-1),
        options_of("lint"),
        click.option(
            "--chart-root",
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            help="Chart directory `helm template` output came from (findings point at its templates), "
            "or the kustomization directory of `kustomize build` output. [default: detected]",
        ),
    )(lint_command)

    command(
        "helm",
        click.argument("targets", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option(
            "-f",
            "--values",
            "values_files",
            multiple=True,
            type=click.Path(dir_okay=False, exists=True),
            help="Values file for helm template (repeatable).",
        ),
        click.option("--set", "set_values", multiple=True, help="KEY=VALUE for helm template --set (repeatable)."),
        click.option("--release", help="Release name for helm template. [default: release-name]"),
        *_helm_pass_through_options(),
        options_of("helm"),
    )(helm_command)

    command(
        "kustomize",
        click.argument(
            "directories", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path)
        ),
        options_of("kustomize"),
    )(kustomize_command)

    # where `rules` and `explain` find rules, as `lint` does
    registry_options = (
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use."),
        click.option("--rules", "rule_paths", multiple=True, help="Files or directories of declarative rules (YAML)."),
        click.option("--no-plugins", is_flag=True, help="Do not load third-party rule plugins."),
    )

    command(
        "rules",
        click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("--document", help="Only rules of this guidance document (slug)."),
        click.option(
            "--all",
            "show_all",
            is_flag=True,
            help="Also list the rules that are off (opt-in, or disabled by the configuration), with their status.",
        ),
        *registry_options,
    )(rules_command)

    command(
        "explain",
        click.argument("rule_id"),
        *registry_options,
    )(explain_command)

    command(
        "fix",
        click.argument("paths", nargs=-1),
        click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes and change nothing."),
        click.option("--select", multiple=True, help="Only fix findings of these rule ids or guidance documents."),
        click.option("--ignore", multiple=True, help="Do not fix findings of these rule ids or guidance documents."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use."),
        click.option("--namespace", help="Namespace of objects that set none (like kubectl apply -n)."),
        click.option("--context", "context_paths", multiple=True, help="Load PATH for cross-object lookups only."),
        click.option("--target-version", help="Kubernetes release the manifests go to, e.g. 1.31."),
        click.option("--no-plugins", is_flag=True, help="Do not load third-party rule plugins."),
    )(fix_command)

    command(
        "init",
        click.argument("path", default=".kubelint.yaml", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--force", is_flag=True, help="Overwrite an existing file."),
        click.option(
            "--from",
            "from_peer",
            nargs=2,
            type=(click.Choice(["kube-linter", "polaris"]), click.Path(dir_okay=False, exists=True, path_type=Path)),
            default=None,
            metavar="LINTER FILE",
            help="Translate LINTER's configuration FILE (kube-linter or polaris) instead of writing the defaults.",
        ),
    )(init_command)
    return group


def __getattr__(name: str) -> Any:
    """`kubelint_py.cli.cli`, the click group, is built when first asked for."""
    if name == "cli":
        return _build_cli()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code instead of raising SystemExit.

    The cyclic garbage collector is off while a command runs (the run builds many long-lived,
    acyclic objects that reference counting frees; see pipeline.cyclic_gc_paused). Called as
    the program (`argv` None: the console script, `python -m kubelint_py`), the objects left
    at the end are frozen (`gc.freeze`) rather than collected: the interpreter is about to
    exit, and its collections, when the collector is switched back on and at shutdown, would
    walk every one of them, ~30 ms of a ~0.2 s one-file run."""
    previous = _quiet_sigint_in_forked_children()
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if argv is None:
            gc.freeze()
        if collecting:
            gc.enable()


def _quiet_sigint_in_forked_children() -> Any:
    """Ctrl-C reaches every process of the terminal's group: processes forked for --jobs
    leave quietly (no traceback each) and this process reports the interruption once."""
    main_pid = os.getpid()

    def on_sigint(signum: int, frame: Any) -> None:
        if os.getpid() != main_pid:
            os._exit(EXIT_INTERRUPTED)
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread (kubelint embedded in a program): leave signals alone
        return None


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        fast = _fast_lint_options(args)
        if fast is not None:
            paths, options = fast
            _lint_and_exit(options, [_Input(paths=paths)])
        else:
            _build_cli().main(args=args, prog_name="kubelint", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
    except KubelintError as exc:  # raised on the fast path (the command group converts its own)
        exc.message = _relative_to_cwd(exc.message)
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        _echo("kubelint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_CLEAN
    except OSError as exc:  # the report could not be written: stdout on a full disk, a closed descriptor
        if debug:
            raise
        _silence_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write the report: "
        _echo(f"kubelint: error: {where}{(exc.strerror or str(exc)).lower()}", err=True)
        return EXIT_ERROR
    except Exception as exc:
        click = sys.modules.get("click")
        if click is not None and isinstance(exc, click.exceptions.Abort):
            _echo("kubelint: interrupted", err=True)
            return EXIT_INTERRUPTED
        if click is not None and isinstance(exc, click.ClickException):
            exc.message = _relative_to_cwd(exc.message)
            exc.show()
            return exc.exit_code if exc.exit_code != 1 else EXIT_ERROR
        if debug:
            raise
        # not str(exc): it may quote the input's values, and is a Python repr for KeyError
        _echo(
            f"kubelint: internal error ({type(exc).__name__}): this is a bug in kubelint; "
            "run again with --debug and report the traceback",
            err=True,
        )
        return EXIT_ERROR
    return EXIT_CLEAN


def _relative_to_cwd(message: str) -> str:
    """Paths under the current directory as the user would type them: a message shows no
    absolute path of this machine that the user did not give."""
    try:
        prefix = f"{Path.cwd()}{os.sep}"
    except OSError:
        return message
    return message.replace(prefix, "")


def _silence_stdout() -> None:
    """After a closed pipe (`kubelint ... | head`), stop Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
