"""The commands that lint: `lint` (paths or stdin), `helm` (charts rendered with `helm
template`) and `kustomize` (`kustomize build`); each ends in one merged report, its output and
the exit code."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kubelint_py.cli.console import color_default, echo
from kubelint_py.cli.errors import EXIT_CLEAN, KubelintError
from kubelint_py.cli.reports import (
    LineReader,
    apply_baseline,
    check_writable,
    emit_reports,
    read_stdin,
    refuse_overwriting_inputs,
)


def _usable_cpus() -> int:
    """CPUs this process may run on: `taskset` and container cpusets limit them below
    os.cpu_count(), and a process per host CPU would then only compete for the few."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def split_values(values: Sequence[str]) -> list[str]:
    """Repeatable options that also accept comma lists: `--select a,b --select c`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


class Input(NamedTuple):  # not a dataclass: creating one costs ~0.6 ms of start-up
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
    lint_and_exit(options, [Input(paths=paths, chart_root=chart_root)])


def lint_and_exit(options: dict[str, Any], inputs: Sequence[Input], default_category: str = "manifests") -> None:
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
    from functools import partial

    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.input.discovery import DiscoveryError
    from kubelint_py.model import Severity, exit_code
    from kubelint_py.registry.registry import RegistryError
    from kubelint_py.run import report_shares
    from kubelint_py.run.forked import IdleCores
    from kubelint_py.run.pipeline import LintRequest, max_file_bytes, run_lint

    formats = formats or ("text",)
    if len(outputs) > len(formats):
        import click

        raise click.UsageError("more --output than --format options: pair each --output with a --format")
    _check_one_stdout_document(formats, outputs)
    if options.get("statistics"):
        _check_statistics_format(formats, outputs)
    for out in outputs:
        check_writable(out)
    if write_baseline_path is not None:
        check_writable(write_baseline_path)
    if target_version is not None and not valid_version(target_version):
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
    refuse_overwriting_inputs(written, [*named, *context_paths], cwd, [*context_paths, *config.context])
    stdin_bytes = None
    if any("-" in item.paths for item in inputs):
        stdin_bytes = read_stdin(limit)
    # with default jobs, the report's processes are decided as the run's, from what the cores
    # had idle while it ran (IdleCores: another program busy on the second core leaves one)
    idle = IdleCores() if not options["jobs"] and jobs > 1 else None
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
            select=split_values(select),
            ignore=split_values(ignore),
            namespace=namespace,
            assume_complete=assume_complete,
            raise_errors=debug,
            plugins=not no_plugins,
            custom_rules=rule_paths,
            target_version=target_version,
            settings={"targetProvider": target_provider} if target_provider else {},
            jobs=jobs,
            adaptive_jobs=not options["jobs"],  # the default: as many as there are idle cores
            cwd=cwd,
            tree=tree,
            force_exclude=bool(options.get("force_exclude")),
        )
        try:
            reports.append(run_lint(request, config))
        except (ConfigError, RegistryError, DiscoveryError) as exc:
            raise KubelintError(str(exc)) from None
    report = _merge_reports(reports)
    refuse_overwriting_inputs(written, report.files, cwd)  # the files found in directories too
    if baseline_path is not None or write_baseline_path is not None:
        report = apply_baseline(report, baseline_path, write_baseline_path, limit)
    threshold_name = fail_on or config.fail_on
    threshold = None if exit_zero or threshold_name == "never" else Severity.parse(threshold_name)
    code = exit_code(report, threshold)
    if not report.findings and not report.stats.get("documents") and not report.errors:
        excluded = report.stats.get("excluded", 0)
        why = f" ({plural_files(excluded)} named left out by --force-exclude)" if excluded else ""
        echo(f"kubelint: no Kubernetes objects found{why}", err=True)
        if report.stats.get("templatesSkipped"):
            echo(
                f"kubelint: skipped {report.stats['templatesSkipped']} unrendered Helm template file(s); "
                "lint `helm template` output instead",
                err=True,
            )
    for note in report.notes:  # why findings stayed on a rendered stream, and what to do
        echo(f"kubelint: warning: {note}", err=True)
    emit_reports(
        report,
        formats,
        outputs,
        code,
        threshold,
        sarif_root or cwd,
        _sarif_category(options, default_category),
        color_default(color),
        show_source,
        include_suppressed,
        quiet,
        verbose,
        cwd,
        LineReader(cwd, stdin_bytes, stdin_filename or "<stdin>", tree, limit),
        statistics=bool(options.get("statistics")),
        spread=partial(report_shares.spread, jobs=jobs, workers=idle.workers if idle is not None else None),
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
        ordered=True,
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
    from kubelint_py.integrations.charts import chart_name
    from kubelint_py.integrations.renderers import RendererMissing, RenderError, charts_for, helm_template
    from kubelint_py.model import Source

    passed = _helm_pass_through(options)
    if options.get("force_exclude"):
        targets = tuple(_force_excluded_targets(targets, options["config_path"]))
    charts, not_charts = charts_for(targets)
    if not_charts:
        raise KubelintError(f"{not_charts[0]}: no Helm chart there (no Chart.yaml in it or above it)")
    if not charts:
        echo("kubelint: none of the given files belongs to a Helm chart", err=True)
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
        inputs.append(Input(sources=(Source(rendered.label, rendered.text.encode("utf-8")),), chart_root=chart))
    category = f"helm-{chart_name(charts[0]) or charts[0].resolve().name}" if len(charts) == 1 else "helm"
    lint_and_exit(options, inputs, category)


def _helm_pass_through(options: dict[str, Any]) -> dict[str, Any]:
    """The `helm template` flags of `kubelint helm` (helm_flags.HELM_PASS_THROUGH), taken out of
    `options` and checked; --kube-version 1.NN[.P] is also the --target-version unless given."""
    import click

    from kubelint_py.integrations.helm_flags import HELM_PASS_THROUGH, helm_pass_through_error

    passed: dict[str, Any] = {}
    for option in HELM_PASS_THROUGH:
        value = options.pop(option.name, None)
        if option.kind == "values":
            value = tuple(split_values(value or ()))  # repeatable, and comma lists as helm takes them
        items = () if option.kind == "switch" or value is None else (value,) if option.kind == "value" else value
        for item in items:
            if (problem := helm_pass_through_error(option.name, item)) is not None:
                raise click.BadParameter(problem, param_hint=option.flag)
        passed[option.name] = value
    kube_version = passed.get("kube_version")
    if kube_version and options.get("target_version") is None:
        minor = re.match(r"v?(\d+\.\d+)", kube_version)
        if minor is not None and valid_version(minor.group(1)):
            options["target_version"] = minor.group(1)
    return passed


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
        inputs.append(Input(sources=(Source(rendered.label, rendered.text.encode("utf-8")),), chart_root=directory))
    category = f"kustomize-{directories[0].resolve().name}" if len(directories) == 1 else "kustomize"
    lint_and_exit(options, inputs, category)


def valid_version(text: str) -> bool:
    major, _, minor = text.partition(".")
    return major == "1" and minor.isdigit()
