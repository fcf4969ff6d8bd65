"""One lint run, end to end: sources -> documents -> context -> findings -> Report.

The CLI builds a `LintRequest`; tests call `run_lint` directly.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kubelint_py.config.config import Config, ConfigError, config_problems
from kubelint_py.input.confine import Tree, expand_glob, is_glob, static_prefix
from kubelint_py.input.discovery import READ_CEILING, DiscoveryError, Ignore, discover, read_ignore_file
from kubelint_py.input.loader import LoadOptions
from kubelint_py.input.schema_locations import CATALOG_SETTING, Located, locate, missing_folders
from kubelint_py.input.yamlio import Limits
from kubelint_py.integrations.rendered import ORIGIN_ANNOTATION, map_rendered
from kubelint_py.k8s.credentials import text_spells_no_credential
from kubelint_py.model import Document, Report, Source, ToolError, object_label
from kubelint_py.registry.registry import Registry, build_registry, select_rules, severity_of, unknown_names
from kubelint_py.rule_api import Rule
from kubelint_py.run.context import LintContext, incomplete_files
from kubelint_py.run.engine import ActiveRule, Engine, EngineOptions
from kubelint_py.run.forked import IdleCores
from kubelint_py.run.parallel_load import load_sources
from kubelint_py.run.suppress import Suppressor


@dataclass(frozen=True, slots=True, kw_only=True)
class LintRequest:
    """What one run lints, and how: the command line's paths and options, or a program's."""

    paths: Sequence[str] = ()
    sources: Sequence[Source] = ()
    context_paths: Sequence[str] = ()
    stdin: bytes | None = None
    stdin_name: str = "<stdin>"
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    namespace: str | None = None
    assume_complete: bool = False
    raise_errors: bool = False
    plugins: bool = True
    custom_rules: Sequence[str] = ()
    schema_locations: Sequence[str] = ()  # --schema-location: folders of CRD schemas
    settings: Mapping[str, Any] = field(default_factory=dict)
    target_version: str | None = None
    jobs: int = 1
    # `jobs` is the most: each fork takes as many processes as the cores have idle then
    # (forked.IdleCores), so a busy machine is not made to switch between them (the CLI's default)
    adaptive_jobs: bool = False
    cwd: Path = field(default_factory=Path.cwd)
    chart_root: Path | None = None  # --chart-root: the chart (or kustomization) rendered output came from
    # --force-exclude: `.kubelintignore` and `exclude` apply to the paths named too (pre-commit)
    force_exclude: bool = False
    # the scanned tree (docs/security.md) [default: from cwd and the paths above]; the CLI adds
    # the other paths of its command line (--config, --baseline)
    tree: Tree | None = None


def request_tree(request: LintRequest) -> Tree:
    """The tree paths from the scanned files must stay in."""
    if request.tree is not None:
        return request.tree
    named = [
        *request.paths,
        *request.context_paths,
        request.chart_root,
        *request.custom_rules,
        *request.schema_locations,
    ]
    return Tree.for_run(request.cwd, named)


def max_file_bytes(config: Config) -> int:
    """`limits.maxFileBytes`, never above discovery's ceiling: the limit of every read."""
    return min(_load_options(config).max_file_bytes, READ_CEILING)


def _load_options(config: Config) -> LoadOptions:
    limits = dict(config.settings.get("limits") or {})
    default = LoadOptions()
    return LoadOptions(
        max_file_bytes=limits.get("maxFileBytes", default.max_file_bytes),
        max_documents=limits.get("maxDocuments", default.max_documents),
        limits=Limits(
            max_depth=limits.get("maxDepth", default.limits.max_depth),
            max_nodes=limits.get("maxNodes", default.limits.max_nodes),
            max_scalar=limits.get("maxScalarLength", default.limits.max_scalar),
        ),
    )


def option_problems(rule: Rule, config: Config) -> list[str]:
    """What is wrong with the configuration's options for `rule`, one line each."""
    given = dict(config.options.get(rule.id, {}))
    schema = rule.meta.options_schema
    where = config.path or "configuration"
    if not given:  # defaults need no validation: keeps jsonschema out of a plain run's start-up
        return []
    if schema is None:
        return [f"{where}: rules.options.{rule.id}: this rule takes no options"]
    from jsonschema import Draft202012Validator

    problems = []
    for error in sorted(Draft202012Validator(schema).iter_errors(given), key=lambda e: list(map(str, e.path))):
        path = ".".join(str(p) for p in error.absolute_path)
        suffix = f".{path}" if path else ""
        allowed = ""
        properties = schema.get("properties")
        if error.validator == "additionalProperties" and isinstance(properties, Mapping):
            allowed = f"; allowed: {', '.join(sorted(properties))}"
        problems.append(f"{where}: rules.options.{rule.id}{suffix}: {error.message}{allowed}")
    return problems


def rule_options(rule: Rule, config: Config) -> dict[str, Any]:
    """Per-rule options: the schema's defaults overlaid with the config's, validated."""
    given = dict(config.options.get(rule.id, {}))
    schema = rule.meta.options_schema
    problems = option_problems(rule, config)
    if problems:
        raise config_problems(problems)
    if schema is None:
        return {}
    properties = schema.get("properties")
    props: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
    defaults = {k: v.get("default") for k, v in props.items() if isinstance(v, Mapping)}
    return {**{k: v for k, v in defaults.items() if v is not None}, **given}


def selection_problems(registry: Registry, config: Config, request: LintRequest) -> list[str]:
    """Every rule id the configuration and the command line name that no rule has, with where
    it is named and what may be named there; and every option that does not fit its rule."""
    where = config.path or "configuration"
    see = "see `kubelint rules --all`"
    problems = []
    for key, names in (
        (f"{where}: rules.enable", sorted(config.enable)),
        (f"{where}: rules.disable", sorted(config.disable)),
        ("--select", request.select),
        ("--ignore", request.ignore),
    ):
        unknown = unknown_names(names, registry)
        if unknown:
            problems.append(f"{key}: unknown rule id or guidance document: {', '.join(unknown)} ({see})")
    for key, ids in ((f"{where}: rules.severity", config.severity), (f"{where}: rules.options", config.options)):
        unknown = sorted(set(ids) - set(registry.rules))
        if unknown:
            problems.append(f"{key}: unknown rule id(s): {', '.join(unknown)} ({see})")
    for number, exemption in enumerate(config.exemptions):
        unknown = sorted(exemption.rules - set(registry.rules))
        if unknown:
            problems.append(f"{where}: exemptions[{number}].rules: unknown rule id(s): {', '.join(unknown)} ({see})")
    for rule_id in sorted(set(config.options) & set(registry.rules)):
        problems += option_problems(registry.rules[rule_id], config)
    return problems


def active_rules(registry: Registry, config: Config, request: LintRequest) -> list[ActiveRule]:
    problems = selection_problems(registry, config, request)
    if problems:  # all at once: a user fixes them in one go
        raise config_problems(problems)
    selection = select_rules(
        registry, enable=config.enable, disable=config.disable, select=request.select, ignore=request.ignore
    )
    return [ActiveRule(r, severity_of(r, config.severity), rule_options(r, config)) for r in selection.enabled]


def config_context(config: Config, tree: Tree) -> list[str]:
    """The configuration's `context`, each path in the tree: a glob expanded here (without
    following links to directories, unlike glob.glob: a loop of links cannot hang the run),
    keeping what it matches in the tree. A trusted configuration's paths are taken as given."""
    if config.trusted:
        return list(config.context)
    where = config.path or "configuration"
    paths: list[str] = []
    for entry in config.context:
        if is_glob(entry) and not Path(entry).exists():
            prefix = static_prefix(entry)
            if not tree.contains(prefix):
                raise ConfigError(f'{where}: context: "{entry}" is outside the scanned tree; not read')
            found = [match for match in expand_glob(entry) if tree.contains(match)]
            if not found:
                raise DiscoveryError(f"{entry}: no file matches this pattern")
            paths += found
        elif not tree.contains(entry):
            raise ConfigError(f'{where}: context: "{entry}" is outside the scanned tree; not read')
        else:
            paths.append(entry)
    return paths


def schema_folders(request: LintRequest, config: Config, tree: Tree) -> list[Path]:
    """`--schema-location` folders, then the configuration's `schemaLocations` (in the tree
    unless the configuration is trusted), relative to the working directory."""
    where = config.path or "configuration"
    folders = [request.cwd / entry for entry in request.schema_locations]
    for entry in config.schema_locations:
        if not config.trusted and not tree.contains(request.cwd / entry):
            raise ConfigError(f'{where}: schemaLocations: "{entry}" is outside the scanned tree; not read')
        folders.append(request.cwd / entry)
    missing = missing_folders(folders)
    if missing:
        raise ConfigError(f"schema location {missing[0]}: not a directory")
    return folders


def located_schemas(request: LintRequest, config: Config, documents: Sequence[Document]) -> Located:
    """What the schema locations hold for the custom resources of `documents` (nothing to read
    without schema locations or custom resources)."""
    folders = schema_folders(request, config, request_tree(request))
    if not folders:
        return Located({}, [])
    # a folder the configuration names is confined to the tree by schema_folders; links inside
    # the folders must not lead out of them
    tree = request_tree(request).with_paths(folders, request.cwd)
    return locate(folders, documents, cwd=request.cwd, max_bytes=max_file_bytes(config), tree=tree)


def custom_rule_paths(request: LintRequest, config: Config, tree: Tree) -> list[str]:
    """Custom rule files to load, from the configuration's `customRules` and --rules: in the
    tree (a file of a directory that links out of it is left out), regular files (a FIFO
    cannot block the run) within the size limit (a link to /dev/zero cannot fill the memory)."""
    limit = max_file_bytes(config)
    named = [(entry, not config.trusted) for entry in config.custom_rules]
    named += [(entry, True) for entry in request.custom_rules]
    paths: list[str] = []
    for entry, confined in named:
        path = Path(entry)
        if not confined or not path.exists():
            paths.append(entry)  # the registry says that it does not exist
        elif not tree.contains(path):
            where = config.path or "configuration"
            raise ConfigError(f'{where}: customRules: "{entry}" is outside the scanned tree; not read')
        elif path.is_dir():
            paths += [str(file) for file in sorted(path.rglob("*.y*ml")) if _rule_file(file, tree, limit)]
        elif _rule_file(path, tree, limit):
            paths.append(entry)
        else:
            raise ConfigError(f"{entry}: custom rules file is not a regular file; not read")
    return paths


def _rule_file(file: Path, tree: Tree, limit: int) -> bool:
    """Whether `file` is a regular file in the tree; ConfigError when it is over `limit`."""
    try:
        info = file.stat()
    except OSError:
        return False
    if not tree.contains(file) or not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size > limit:
        raise ConfigError(f"{file}: custom rules file over the limit of {limit:,} bytes; not read")
    return True


def collect_sources(
    request: LintRequest, config: Config, excluded: list[str] | None = None
) -> tuple[list[Source], list[Source]]:
    """The sources to lint and those of the context; `excluded` receives the paths named on
    the command line that --force-exclude left out."""
    patterns = read_ignore_file(request.cwd) + list(config.exclude)
    ignore = Ignore(patterns)
    targets = list(request.sources) + discover(
        request.paths,
        cwd=request.cwd,
        ignore=ignore,
        stdin=request.stdin,
        stdin_name=request.stdin_name,
        force_exclude=request.force_exclude,
        excluded=excluded,
    )
    target_names = {s.display for s in targets}
    context_paths = [*request.context_paths, *config_context(config, request_tree(request))]
    context = (
        [
            s
            for s in discover(context_paths, cwd=request.cwd, ignore=ignore, is_target=False)
            if s.display not in target_names and s.error is None
        ]
        if context_paths
        else []
    )
    return targets, context


def _rendered_texts(request: LintRequest, sources: Sequence[Source], documents: Sequence[Document]) -> dict[str, bytes]:
    """The bytes of the streams whose findings may move to the files they were rendered from
    (`# Source:` headers, kustomize origins; all of them when piped in or given --chart-root):
    the others' bytes are not kept for the whole run (12 MB of 10,000 documents)."""
    every = request.chart_root is not None or "-" in request.paths
    rendered = {
        d.file
        for d in documents
        if d.helm_source is not None or isinstance(d.annotations().get(ORIGIN_ANNOTATION), str)
    }
    return {s.display: s.raw for s in sources if s.raw is not None and (every or s.display in rendered)}


def run_lint(request: LintRequest, config: Config, registry: Registry | None = None) -> Report:
    """One run. The CLI pauses the cyclic garbage collector around the whole command
    (kubelint_py/cli/main.py); a program embedding kubelint decides for itself."""
    idle = IdleCores() if request.adaptive_jobs and request.jobs > 1 else None
    tree = request_tree(request)
    request = replace(request, tree=tree)
    registry = registry or build_registry(custom=custom_rule_paths(request, config, tree), plugins=request.plugins)
    rules = active_rules(registry, config, request)
    excluded: list[str] = []
    targets, context_sources = collect_sources(request, config, excluded)
    options = _load_options(config)
    # each target document's text is screened while it is at hand: a document whose text holds no
    # anchor of the built-in credential patterns is not serialised again for the credential scan
    screened = options._replace(credential_screen=text_spells_no_credential)
    result = load_sources(targets, screened, idle.workers(request.jobs) if idle is not None else request.jobs)
    # the bytes were read to be parsed: only the rendered streams' are read again (map_rendered)
    texts = _rendered_texts(request, targets, result.documents)
    targets = [s._replace(raw=b"") if s.raw else s for s in targets]
    # context sources answer lookups; their problems are not ours to report
    context_result = load_sources(context_sources, options)
    result.documents.extend(context_result.documents)
    located = located_schemas(request, config, result.documents)
    if located.sources:  # CRD files of the schema locations: lookups only, like context
        result.documents.extend(load_sources(located.sources, options).documents)
    namespace = request.namespace or config.namespace or "default"
    # a directory with a file that did not load whole: its objects are not all known
    incomplete = incomplete_files(
        [*result.problems, *context_result.problems], [*result.skipped_files, *context_result.skipped_files]
    )
    lint = LintContext(result.documents, default_namespace=namespace, incomplete_files=incomplete)
    loader_ids = {r.id for r in registry.rules.values() if r.check is None and r.check_run is None}
    enabled_loader = {a.rule.id: a for a in rules if a.rule.id in loader_ids}
    checked = [a for a in rules if a.rule.id not in loader_ids]
    settings = {**config.settings, **request.settings}
    if config.target_provider and "targetProvider" not in request.settings:  # --target-provider wins
        settings["targetProvider"] = config.target_provider
    settings["targetVersion"] = request.target_version or config.target_version
    settings[CATALOG_SETTING] = located.schemas
    engine = Engine(
        checked,
        enabled_loader,
        Suppressor(config),
        EngineOptions(
            assume_complete=request.assume_complete or config.assume_complete,
            settings=settings,
            raise_errors=request.raise_errors,
            jobs=request.jobs,
            workers=idle.workers if idle is not None else None,
        ),
        known_ids=frozenset(registry.rules),
    )
    findings = engine.run(lint, result.problems)
    notes: list[str] = []
    findings = map_rendered(
        findings,
        result.documents,
        texts,
        chart_root=request.chart_root,
        cwd=request.cwd,
        tree=tree,
        max_bytes=max_file_bytes(config),
        piped=[request.stdin_name] if "-" in request.paths else [],
        notes=notes,
    )
    errors = list(registry.errors)
    errors += [ToolError(s.display, s.error) for s in targets if s.error is not None]
    errors += [ToolError(s.display, s.skipped) for s in targets if s.skipped is not None]
    unreadable = {s.display for s in targets if s.error is not None}
    errors += [  # decoded but not text (binary, invalid UTF-8): an error as well as a finding
        ToolError(p.file, p.message)
        for p in result.problems
        if p.code == "input-unreadable" and p.file not in unreadable
    ]
    target_files = tuple(sorted({s.display for s in targets if s.raw is not None}))
    stats = {
        "files": len(target_files),
        "documents": sum(1 for d in result.documents if d.is_target),
        "unknown": result.unknown,
        "templatesSkipped": result.templates_skipped,
        "rules": len(rules),
        "excluded": len(excluded),  # named, and left out by --force-exclude
    }
    objects = tuple(
        dict.fromkeys(
            (d.file, object_label(d.ref if d.kind else None, d.index)) for d in result.documents if d.is_target
        )
    )
    return Report(
        objects=objects,
        findings=tuple(findings),
        rules=tuple(a.rule.meta for a in rules),
        files=target_files,
        errors=tuple(errors),
        stats=stats,
        notes=tuple(notes),
        ordered=True,  # sorted by engine.finalize (and again by map_rendered when a finding moved)
    )
