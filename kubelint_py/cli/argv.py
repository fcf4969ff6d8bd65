"""The command line as one table: every option of every command, as data. Both parsers are
made from it: the click command group (`build_cli`, for every command line), and the parser of
the command pre-commit runs, `kubelint lint [--context DIR ...] FILE...` (`fast_lint_options`),
which gives the lint command the options click would give without importing click: that saves
~12 ms of a ~0.14 s run (click's import and its option set-up).

The click-free parser takes only the options marked `fast` in the table: flags, and values that
click passes on unchecked and unconverted (no choices, no paths, no numbers); anything else on
the command line, and any command line that is not `lint PATH...`, is left to click, with its
own checks and messages.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kubelint_py import version

if TYPE_CHECKING:
    import click

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
FORMATS = ("text", "json", "sarif", "github", "junit")
RENDERING_COMMANDS = ("lint", "helm", "kustomize")


class Option(NamedTuple):
    """One option as click declares it (`flags`, the parameter `name` the command receives)."""

    flags: tuple[str, ...]
    name: str
    help: str
    kind: str = "value"  # "value" | "multiple" | "flag" | "switch" (--x/--no-x) | "pair" (two values)
    default: Any = None  # what the command receives when the option is not given
    choices: tuple[str, ...] = ()
    path: str = ""  # "file" (no directory), "dir" (no file) or "any": a click.Path
    exists: bool = False  # the path must exist (click checks it)
    metavar: str | None = None
    int_range: tuple[int, int] | None = None
    show_default: bool = False
    # the click-free parser of `kubelint lint` takes it: a flag, or a value click does not check
    fast: bool = False
    # of lint, helm and kustomize: the commands where the option does something (the shared list)
    commands: tuple[str, ...] = RENDERING_COMMANDS


class Argument(NamedTuple):
    name: str
    many: bool = False  # nargs=-1
    required: bool = False
    path: str = ""
    exists: bool = False
    default: Any = None


def _flag(flags: tuple[str, ...], name: str, help: str, **more: Any) -> Option:
    return Option(flags, name, help, kind="flag", default=False, **more)


def _many(flags: tuple[str, ...], name: str, help: str, **more: Any) -> Option:
    return Option(flags, name, help, kind="multiple", default=(), **more)


# The options `lint`, `helm` and `kustomize` share, in the order `--help` lists them: one list,
# so they never drift apart; each command shows only those in its `commands`.
SHARED: tuple[Option, ...] = (
    Option(
        ("--format",),
        "formats",
        "Output format; repeat with --output for several reports in one run. [default: text]",
        kind="multiple",
        default=(),
        choices=FORMATS,
    ),
    _many(
        ("--output",),
        "outputs",
        "Write the report of the matching --format to FILE (atomically) instead of stdout.",
        path="file",
    ),
    Option(
        ("--fail-on",),
        "fail_on",
        "Lowest severity that makes the exit code 1. [default: warning]",
        choices=FAIL_ON_CHOICES,
    ),
    _flag(("--exit-zero",), "exit_zero", "Exit 0 even when findings exist (report-only adoption).", fast=True),
    Option(("--config",), "config_path", "Configuration file to use.", path="file"),
    _many(("--select",), "select", "Only these rule ids or guidance documents (comma lists allowed).", fast=True),
    _many(("--ignore",), "ignore", "Skip these rule ids or guidance documents.", fast=True),
    Option(("--namespace",), "namespace", "Namespace of objects that set none (like kubectl apply -n).", fast=True),
    _many(
        ("--context",),
        "context_paths",
        "Load PATH for cross-object lookups only; its findings are not reported.",
        fast=True,
    ),
    _many(
        ("--schema-location",),
        "schema_locations",
        "Folder of custom resource schemas (<group>/<kind>_<version>.json, the CRD catalog layout) "
        "or CRD manifests, for custom resources whose CRD is not in the input; repeatable.",
        metavar="DIR",
        fast=True,
    ),
    _flag(
        ("--assume-complete",),
        "assume_complete",
        "The input is self-contained: cross-object rules drop their guards.",
        fast=True,
    ),
    _flag(("--include-suppressed",), "include_suppressed", "Also show suppressed findings (text, SARIF).", fast=True),
    Option(("--target-version",), "target_version", "Kubernetes release the manifests go to, e.g. 1.31."),
    Option(
        ("--target-provider",),
        "target_provider",
        "Cloud provider the manifests go to (aws, gcp, azure): its annotations pass.",
        fast=True,
    ),
    _many(("--rules",), "rule_paths", "Files or directories of declarative rules (YAML).", fast=True),
    _flag(("--no-plugins",), "no_plugins", "Do not load third-party rule plugins.", fast=True),
    Option(("--stdin-filename",), "stdin_filename", "Path to report for input read from stdin.", commands=("lint",)),
    _flag(
        ("--force-exclude",),
        "force_exclude",
        "Apply .kubelintignore and the configuration's exclude to the paths named too "
        "(pre-commit names every changed file).",
        fast=True,
        commands=("lint", "helm"),
    ),
    Option(
        ("--sarif-category",),
        "sarif_category",
        "SARIF automationDetails category.",
        default="manifests",
        show_default=True,
    ),
    Option(
        ("--sarif-root",),
        "sarif_root",
        "Directory SARIF URIs are relative to. [default: current directory]",
        path="dir",
    ),
    _flag(
        ("--statistics",),
        "statistics",
        "Print the number of findings per rule and per severity instead of the findings "
        "(text or json; reports with an --output are written as usual).",
        fast=True,
    ),
    _flag(("--show-source",), "show_source", "Text: print the offending line with a caret.", fast=True),
    Option(
        ("--color/--no-color",),
        "color",
        "Colour text output. [default: on a terminal]",
        kind="switch",
        fast=True,
    ),
    _flag(("--quiet", "-q"), "quiet", "Text: findings only, no summary.", fast=True),
    _flag(("--verbose", "-v"), "verbose", "Text: add the remediation under each finding.", fast=True),
    _flag(("--debug",), "debug", "Show tracebacks; let rule exceptions propagate.", fast=True),
    Option(
        ("--jobs", "-j"),
        "jobs",
        "Processes for large inputs (2 MB and 1,000+ documents per process); 0 = one per usable core (max 8).",
        default=0,
        int_range=(0, 64),
    ),
    Option(
        ("--baseline",),
        "baseline_path",
        "Report and fail only on findings not recorded in this baseline file.",
        path="file",
    ),
    Option(
        ("--write-baseline",),
        "write_baseline_path",
        "Record today's findings in this baseline file (fixed entries are dropped).",
        path="file",
    ),
)

# `helm` and `kustomize` name their SARIF category after what they render
CATEGORY_DEFAULT = {
    "helm": "helm-<chart name>, or helm for several charts",
    "kustomize": "kustomize-<directory name>, or kustomize for several",
}

_CONFIG = Option(("--config",), "config_path", "Configuration file to use.", path="file")
_RULES = _many(("--rules",), "rule_paths", "Files or directories of declarative rules (YAML).")
_NO_PLUGINS = _flag(("--no-plugins",), "no_plugins", "Do not load third-party rule plugins.")

# Each command: its arguments, the options before the shared ones (when it takes them), the
# shared ones or not, the options after them.
COMMANDS: dict[str, tuple[tuple[Argument, ...], tuple[Option, ...], bool, tuple[Option, ...]]] = {
    "lint": (
        (Argument("paths", many=True),),
        (),
        True,
        (
            Option(
                ("--chart-root",),
                "chart_root",
                "Chart directory `helm template` output came from (findings point at its templates), "
                "or the kustomization directory of `kustomize build` output. [default: detected]",
                path="dir",
                exists=True,
            ),
        ),
    ),
    "helm": (
        (Argument("targets", many=True, required=True, path="any"),),
        (
            _many(
                ("-f", "--values"),
                "values_files",
                "Values file for helm template (repeatable).",
                path="file",
                exists=True,
            ),
            _many(("--set",), "set_values", "KEY=VALUE for helm template --set (repeatable)."),
            Option(("--release",), "release", "Release name for helm template. [default: release-name]"),
            # and the pass-through flags of kubelint_py/integrations/helm_flags.py's HELM_PASS_THROUGH
        ),
        True,
        (),
    ),
    "kustomize": ((Argument("directories", many=True, required=True, path="dir", exists=True),), (), True, ()),
    "rules": (
        (),
        (
            Option(("--format",), "fmt", "", choices=("text", "json"), default="text", show_default=True),
            Option(("--document",), "document", "Only rules of this guidance document (slug)."),
            _flag(
                ("--all",),
                "show_all",
                "Also list the rules that are off (opt-in, or disabled by the configuration), with their status.",
            ),
            _CONFIG,
            _RULES,
            _NO_PLUGINS,
        ),
        False,
        (),
    ),
    "explain": ((Argument("rule_id"),), (_CONFIG, _RULES, _NO_PLUGINS), False, ()),
    "fix": (
        (Argument("paths", many=True),),
        (
            _flag(("--diff",), "show_diff", "Print a unified diff of the fixes and change nothing."),
            _many(("--select",), "select", "Only fix findings of these rule ids or guidance documents."),
            _many(("--ignore",), "ignore", "Do not fix findings of these rule ids or guidance documents."),
            _CONFIG,
            Option(("--namespace",), "namespace", "Namespace of objects that set none (like kubectl apply -n)."),
            _many(("--context",), "context_paths", "Load PATH for cross-object lookups only."),
            Option(("--target-version",), "target_version", "Kubernetes release the manifests go to, e.g. 1.31."),
            _NO_PLUGINS,
        ),
        False,
        (),
    ),
    "init": (
        (Argument("path", path="file", default=".kubelint.yaml"),),
        (
            _flag(("--force",), "force", "Overwrite an existing file."),
            Option(
                ("--from",),
                "from_peer",
                "Translate LINTER's configuration FILE (kube-linter or polaris) instead of writing the defaults.",
                kind="pair",
                choices=("kube-linter", "polaris"),
                path="file",
                exists=True,
                metavar="LINTER FILE",
            ),
        ),
        False,
        (),
    ),
}


def lint_options() -> tuple[Option, ...]:
    """Every option of `kubelint lint`, shared and its own."""
    _arguments, before, shared, after = COMMANDS["lint"]
    return (*before, *(o for o in SHARED if "lint" in o.commands and shared), *after)


# `kubelint lint` without options, as click passes it to the command (chart_root aside).
LINT_DEFAULTS: dict[str, Any] = {o.name: o.default for o in SHARED if "lint" in o.commands}


# -- the click-free parser of `kubelint lint PATH...` ------------------------------------------
def _fast_tables() -> tuple[dict[str, tuple[str, Any]], dict[str, str], dict[str, str]]:
    """(flags -> (name, value), option -> name of a repeatable value, option -> name of a value)."""
    flags: dict[str, tuple[str, Any]] = {}
    multiple: dict[str, str] = {}
    single: dict[str, str] = {}
    for option in lint_options():
        if not option.fast:
            continue
        if option.kind == "flag":
            flags.update((flag, (option.name, True)) for flag in option.flags)
        elif option.kind == "switch":
            on, off = option.flags[0].split("/")
            flags[on] = (option.name, True)
            flags[off] = (option.name, False)
        else:
            (multiple if option.kind == "multiple" else single).update((flag, option.name) for flag in option.flags)
    return flags, multiple, single


FAST_FLAGS, FAST_MULTIPLE, FAST_SINGLE = _fast_tables()


def fast_lint_options(args: Sequence[str]) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """(PATHS, options) of `lint PATH... [--context DIR] [--select ID] [-q] ...` exactly as
    click would pass them to the lint command, or None for any other command line (another
    command, an option the table does not mark fast, a value that looks like an option, no
    PATH, shell completion): click then parses it, with its own checks and messages."""
    if len(args) < 2 or args[0] != "lint" or "_KUBELINT_COMPLETE" in os.environ:
        return None
    options = dict(LINT_DEFAULTS)
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
        if name in FAST_FLAGS and not equals:
            key, flag_value = FAST_FLAGS[name]
            options[key] = flag_value
            continue
        param = FAST_MULTIPLE.get(name) or FAST_SINGLE.get(name)
        if param is None:
            return None
        if not equals:
            if not rest or rest[-1].startswith("-"):
                return None
            value = rest.pop()
        if name in FAST_MULTIPLE:
            multiple.setdefault(param, []).append(value)
        else:
            options[param] = value
    if not paths:
        return None
    for key, values in multiple.items():
        options[key] = tuple(values)
    return tuple(paths), options


# -- the click command group ------------------------------------------------------------------
def _path_type(click: Any, path: str, exists: bool, as_path: bool = True) -> Any:
    kinds = {"file": {"dir_okay": False}, "dir": {"file_okay": False}, "any": {}}[path]
    return click.Path(exists=exists, path_type=Path if as_path else None, **kinds)


# values click converts to pathlib.Path (the others stay strings, as the commands expect them)
_STRING_PATHS = frozenset(("config_path", "values_files"))


def click_option(click: Any, option: Option, help_text: str | None = None) -> Callable[[Any], Any]:
    """The click decorator of `option`."""
    help_text = option.help if help_text is None else help_text
    kwargs: dict[str, Any] = {"help": help_text or None}
    if option.metavar is not None:
        kwargs["metavar"] = option.metavar
    if option.kind == "flag":
        return click.option(*option.flags, option.name, is_flag=True, **kwargs)  # type: ignore[no-any-return]
    if option.kind == "switch":
        return click.option(*option.flags, option.name, default=None, **kwargs)  # type: ignore[no-any-return]
    if option.kind == "pair":
        path = _path_type(click, option.path, option.exists)
        kwargs.update(nargs=2, type=(click.Choice(list(option.choices)), path), default=None)
        return click.option(*option.flags, option.name, **kwargs)  # type: ignore[no-any-return]
    if option.choices:
        kwargs["type"] = click.Choice(list(option.choices))
    elif option.path:
        kwargs["type"] = _path_type(click, option.path, option.exists, option.name not in _STRING_PATHS)
    elif option.int_range is not None:
        kwargs["type"] = click.IntRange(*option.int_range)
    if option.kind == "multiple":
        kwargs["multiple"] = True
    elif option.default is not None:
        kwargs["default"] = option.default
    if option.show_default:
        kwargs["show_default"] = True
    return click.option(*option.flags, option.name, **kwargs)  # type: ignore[no-any-return]


def _click_argument(click: Any, argument: Argument) -> Callable[[Any], Any]:
    kwargs: dict[str, Any] = {}
    if argument.many:
        kwargs["nargs"] = -1
    if argument.required:
        kwargs["required"] = True
    if argument.path:
        kwargs["type"] = _path_type(click, argument.path, argument.exists)
    if argument.default is not None:
        kwargs["default"] = argument.default
    return click.argument(argument.name, **kwargs)  # type: ignore[no-any-return]


def _helm_pass_through_options(click: Any) -> list[Callable[[Any], Any]]:
    """click options for helm_flags.HELM_PASS_THROUGH, so that table is the one list of them."""
    from kubelint_py.integrations.helm_flags import HELM_PASS_THROUGH

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


def _decorators(click: Any, name: str) -> list[Callable[[Any], Any]]:
    """The click decorators of command `name`, outermost first."""
    arguments, before, shared, after = COMMANDS[name]
    made = [_click_argument(click, argument) for argument in arguments]
    made += [click_option(click, option) for option in before]
    if name == "helm":
        made += _helm_pass_through_options(click)
    if shared:
        for option in SHARED:
            if name not in option.commands:
                continue
            if option.name == "sarif_category" and name in CATEGORY_DEFAULT:
                help_text = f"SARIF automationDetails category. [default: {CATEGORY_DEFAULT[name]}]"
                made.append(click_option(click, option._replace(show_default=False), help_text))
            else:
                made.append(click_option(click, option))
    made += [click_option(click, option) for option in after]
    return made


def _group() -> None:
    """Offline static linter for Kubernetes manifests, Helm and Kustomize output, and
    control-plane configuration."""


def _implementations() -> Mapping[str, Callable[..., None]]:
    from kubelint_py.cli import commands, lint

    return {
        "lint": lint.lint_command,
        "helm": lint.helm_command,
        "kustomize": lint.kustomize_command,
        "rules": commands.rules_command,
        "explain": commands.explain_command,
        "fix": commands.fix_command,
        "init": commands.init_command,
    }


@functools.lru_cache(maxsize=1)
def build_cli() -> click.Group:
    """The click command group (built once, on first use)."""
    import click

    from kubelint_py.cli.console import echo
    from kubelint_py.cli.errors import EXIT_ERROR, KubelintError

    class ClickKubelintError(click.ClickException):
        exit_code = EXIT_ERROR

        def show(self, file: Any = None) -> None:
            echo(f"kubelint: error: {self.format_message()}", err=True)

    class KubelintGroup(click.Group):
        def invoke(self, ctx: click.Context) -> Any:
            try:
                return super().invoke(ctx)
            except KubelintError as exc:
                raise ClickKubelintError(exc.message) from None

    def print_version(ctx: click.Context) -> None:
        click.echo(f"kubelint {version()}")
        ctx.exit()

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
    for name, function in _implementations().items():
        for decorate in reversed(_decorators(click, name)):
            function = decorate(function)
        group.command(name)(function)
    return group
