"""Collect the rule set of a run: built-in Python and YAML rules, user declarative rules,
and third-party plugins. Nothing registers itself; modules are scanned for `Rule` objects.

Built-in rules are listed in `kubelint_py/registry/rule_index.py`, generated from the rule modules'
own metadata by `scripts/gen_rule_index.py` (a test checks it against the modules). A run
takes their metadata from it and imports a rule's module only when its check is first
called: a pre-commit run over one Service imports the few modules of rules that apply to
Services, not all of them.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from kubelint_py.guidance import BY_SLUG
from kubelint_py.input.confine import FileTooLarge, NotRegularFile, read_regular
from kubelint_py.model import INPUT_PROBLEMS, DocType, Examples, RuleMeta, Scope, Severity, ToolError
from kubelint_py.peers import peers_of
from kubelint_py.registry.declarative import RuleSpecError, build_declarative, rule_dict_from_meta
from kubelint_py.rule_api import Rule

BUILTIN_PACKAGE = "kubelint_py.builtin_rules"
PLUGIN_GROUP = "kubelint.rules"


class RegistryError(Exception):
    """A rule set that cannot be used (duplicate ids, invalid custom rule): exit 2."""


@dataclass(slots=True)
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    errors: list[ToolError] = field(default_factory=list)
    plugins: list[tuple[str, str, str]] = field(default_factory=list)  # (entry point, distribution, version)

    def add(self, new: Rule, source: str) -> None:
        if new.id in self.rules:
            raise RegistryError(f'{source}: rule id "{new.id}" is defined twice')
        if not new.meta.peers:
            peers = peers_of(new.id)
            if peers:  # the one table of other linters' equivalent checks (kubelint_py/peers.py)
                new = Rule(replace(new.meta, peers=peers), new.check, new.check_run)
        self.rules[new.id] = new

    def sorted(self) -> list[Rule]:
        return [self.rules[k] for k in sorted(self.rules)]


def named_rules_in_module(module: ModuleType) -> Iterator[tuple[str, Rule]]:
    for name in sorted(vars(module)):
        value = getattr(module, name)
        if isinstance(value, Rule):
            yield name, value


def rules_in_module(module: ModuleType) -> Iterator[Rule]:
    for _name, value in named_rules_in_module(module):
        yield value


# what only a declarative rule has: a Python rule's check takes their place
DECLARATIVE_KEYS = ("target", "message", "schema")


def _validator(declarative: bool = True) -> Any:
    """schemas/rule.schema.json: a declarative rule file's format, or (`declarative=False`) the
    metadata and scope every rule has, for Python rules and plugins."""
    from jsonschema import Draft202012Validator

    from kubelint_py.config.config import load_schema

    schema = dict(load_schema("rule.schema.json"))
    if not declarative:
        schema["required"] = [key for key in schema["required"] if key not in DECLARATIVE_KEYS]
    return Draft202012Validator(schema)


def validate_rule_spec(spec: Mapping[str, Any], source: str, validator: Any | None = None) -> None:
    """Every way `spec` departs from the rule schema, in one RuleSpecError (one line each)."""
    errors = sorted(
        (validator or _validator()).iter_errors(spec), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    if errors:
        lines = []
        for error in errors:
            where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            lines.append(f"{source}: rule {spec.get('id', '?')}: {where}: {error.message}")
        raise RuleSpecError("\n".join(dict.fromkeys(lines)))


def validate_rule(rule: Rule, source: str, validator: Any | None = None) -> None:
    validate_rule_spec(rule_dict_from_meta(rule.meta), source, validator or _validator(declarative=False))
    if rule.meta.document not in BY_SLUG and "/" not in rule.id:
        raise RuleSpecError(f'{source}: rule {rule.id}: unknown guidance document "{rule.meta.document}"')


def load_yaml_rules(text: str, source: str, *, trusted: bool = True) -> list[Rule]:
    from kubelint_py.input.streams import split_documents
    from kubelint_py.input.yamlio import LimitExceeded, YamlSyntaxError, parse_document

    found: list[Rule] = []
    validator = _validator()
    for chunk in split_documents(text):
        try:
            parsed = parse_document(chunk.text, line_offset=chunk.first_line - 1)
        except (YamlSyntaxError, LimitExceeded) as exc:
            raise RuleSpecError(f"{source}:{exc.pos.line}: {exc.message}") from None
        if parsed is None:
            continue
        if not isinstance(parsed.data, Mapping):
            raise RuleSpecError(f"{source}:{chunk.first_line}: a rule must be a mapping")
        validate_rule_spec(parsed.data, source, validator)
        found.append(build_declarative(parsed.data, source, trusted=trusted))
    return found


def _builtin_folders() -> Iterator[Any]:
    from importlib import resources

    root = resources.files(BUILTIN_PACKAGE)
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            yield folder


def _builtin_modules() -> Iterator[str]:
    for folder in _builtin_folders():
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".py") and not entry.name.startswith("_"):
                yield f"{BUILTIN_PACKAGE}.{folder.name}.{entry.name[:-3]}"


def _builtin_yaml_names() -> Iterator[str]:
    """`folder/file.yaml` of the built-in declarative rules."""
    for folder in _builtin_folders():
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith((".yaml", ".yml")):
                yield f"{folder.name}/{entry.name}"


def _builtin_yaml(names: Sequence[str]) -> Iterator[tuple[str, str]]:
    if not names:  # importlib.resources costs ~6 ms to import: not for nothing
        return
    from importlib import resources

    root = resources.files(BUILTIN_PACKAGE)
    for name in names:
        folder, _, file = name.partition("/")
        yield f"rules/{name}", root.joinpath(folder).joinpath(file).read_text(encoding="utf-8")


def scan_builtin(registry: Registry) -> None:
    """Import every built-in rule module and read every built-in YAML rule: the source of
    truth that `kubelint_py/registry/rule_index.py` is generated from (and tested against)."""
    for module_name in _builtin_modules():
        module = importlib.import_module(module_name)
        for found in rules_in_module(module):
            registry.add(found, module_name)
    for source, text in _builtin_yaml(list(_builtin_yaml_names())):
        for found in load_yaml_rules(text, source):
            registry.add(found, source)


class DeferredCheck:
    """The check of a built-in rule whose module is not imported yet.

    The first call imports the module, puts the module's own check into the registry's
    `Rule` (the engine reads `rule.check` for every document, so later calls go straight
    to it) and runs it. Rules that no document of the run is in scope for are never
    imported. Anything holding on to this object still gets the right answer: every
    call delegates.
    """

    __slots__ = ("attribute", "module", "rule", "run")

    def __init__(self, module: str, attribute: str, run: bool) -> None:
        self.module = module
        self.attribute = attribute
        self.run = run
        self.rule: Rule | None = None

    def __call__(self, *args: Any) -> Any:
        return self.load()(*args)

    def __repr__(self) -> str:
        return f"<deferred {'check_run' if self.run else 'check'} of {self.module}.{self.attribute}>"

    def load(self) -> Any:
        """Import the rule's module; returns its check (or check_run)."""
        real = getattr(importlib.import_module(self.module), self.attribute, None)
        rule = self.rule
        assert rule is not None
        if not isinstance(real, Rule) or real.meta != rule.meta:
            raise RuntimeError(
                f"{self.module}.{self.attribute}: kubelint_py/registry/rule_index.py is out of date for rule "
                f"{rule.id}; regenerate it with `python scripts/gen_rule_index.py`"
            )
        object.__setattr__(rule, "check", real.check)  # frozen for rule authors, not for the registry
        object.__setattr__(rule, "check_run", real.check_run)
        return real.check_run if self.run else real.check


def _meta_from_row(row: Sequence[Any]) -> RuleMeta:
    """One rule of the index (see scripts/gen_rule_index.py for the layout) as RuleMeta."""
    (
        rule_id,
        title,
        document,
        severity,
        kinds,
        kind_groups,
        doc_types,
        rationale,
        remediation,
        fail,
        pass_,
        references,
        options_schema,
        default_enabled,
        category,
        security_severity,
        precision,
        cross_object,
        source,
        sensitive,
    ) = row
    return RuleMeta(
        id=rule_id,
        title=title,
        document=document,
        severity=Severity(severity),
        scope=Scope(frozenset(kinds), frozenset(kind_groups), frozenset(DocType(d) for d in doc_types)),
        rationale=rationale,
        remediation=remediation,
        examples=Examples(fail, pass_),
        references=references,
        options_schema=options_schema,
        default_enabled=default_enabled,
        category=category,
        security_severity=security_severity,
        precision=precision,
        cross_object=cross_object,
        source=source,
        sensitive=sensitive,
        peers=peers_of(rule_id),
    )


def meta_row(meta: RuleMeta) -> tuple[Any, ...]:
    """RuleMeta -> its row in the index (the inverse of `_meta_from_row`)."""
    return (
        meta.id,
        meta.title,
        meta.document,
        int(meta.severity),
        tuple(sorted(meta.scope.kinds)),
        tuple(sorted(meta.scope.kind_groups)),
        tuple(sorted(d.value for d in meta.scope.doc_types)),
        meta.rationale,
        meta.remediation,
        meta.examples.fail,
        meta.examples.pass_,
        meta.references,
        meta.options_schema,
        meta.default_enabled,
        meta.category,
        meta.security_severity,
        meta.precision,
        meta.cross_object,
        meta.source,
        meta.sensitive,
    )


def load_builtin(registry: Registry) -> None:
    """The built-in rules from the index; their modules are imported when first needed."""
    from kubelint_py.registry.rule_index import RULES, YAML_RULES

    for module_name, attribute, kind, *row in RULES:
        module = f"{BUILTIN_PACKAGE}.{module_name}"
        deferred = DeferredCheck(module, attribute, kind == "run") if kind != "none" else None
        found = Rule(
            _meta_from_row(row),
            check=deferred if kind == "check" else None,
            check_run=deferred if kind == "run" else None,
        )
        if deferred is not None:
            deferred.rule = found
        registry.add(found, module)
    for source, text in _builtin_yaml(YAML_RULES):
        for found in load_yaml_rules(text, source):
            registry.add(found, source)


def with_source(found: Rule, source: str) -> Rule:
    """`found` with `meta.source` saying where it comes from: `custom` (customRules, --rules) or
    `plugin NAME`; only the rules of this package are `builtin`."""
    from dataclasses import replace

    return replace(found, meta=replace(found.meta, source=source))


def load_custom(registry: Registry, paths: Iterable[str]) -> None:
    for raw_path in paths:
        path = Path(raw_path)
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        if not path.exists():
            raise RegistryError(f"{raw_path}: custom rules path does not exist")
        for file in files:
            text = _read_rules_file(file)
            try:
                for found in load_yaml_rules(text, str(file), trusted=False):
                    # from the tree: its texts are escaped wherever shown (ruledoc), never taken as ours
                    registry.add(with_source(found, "custom"), str(file))
            except RuleSpecError as exc:
                raise RegistryError(str(exc)) from None


# Custom rules come from the tree: read only regular files (a FIFO must not block the run) of
# at most this size (the schema of every rule is walked and checked at load).
CUSTOM_RULES_MAX_BYTES = 4 * 1024 * 1024


def _read_rules_file(file: Path) -> str:
    try:
        raw = read_regular(file, CUSTOM_RULES_MAX_BYTES)
    except NotRegularFile:
        raise RegistryError(f"{file}: custom rules must be a regular file; not read") from None
    except FileTooLarge:
        raise RegistryError(
            f"{file}: custom rules file over {CUSTOM_RULES_MAX_BYTES // (1024 * 1024)} MiB; not read"
        ) from None
    except OSError as exc:
        raise RegistryError(f"{file}: cannot read custom rules ({(exc.strerror or str(exc)).lower()})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RegistryError(f"{file}: custom rules are not UTF-8 text") from None


def _declares_plugins(path_entry: str) -> bool:
    """Whether a distribution in this sys.path entry may declare a `kubelint.rules` entry
    point: its entry_points.txt names the group, or the entry is not a plain directory
    (a zip file, an egg) and cannot be read this cheaply."""
    root = path_entry or "."
    if root.lower().endswith(".egg"):
        return True
    try:
        entries = list(os.scandir(root))
    except NotADirectoryError:
        return True
    except OSError:  # missing or unreadable: importlib.metadata finds nothing there either
        return False
    group = PLUGIN_GROUP.encode()
    for entry in entries:
        if entry.name.lower().endswith((".dist-info", ".egg-info")):
            try:
                with open(f"{entry.path}{os.sep}entry_points.txt", "rb") as handle:
                    if group in handle.read():
                        return True
            except OSError:
                continue
    return False


def plugins_possible() -> bool:
    """False only when no distribution importlib.metadata could see declares a
    `kubelint.rules` entry point: no entry_points.txt on sys.path names the group and no
    import hook of another kind supplies distributions. Costs about a millisecond, where
    `importlib.metadata.entry_points()` costs ~15 ms (its import and a parse of every
    installed distribution's entry points), so a run without plugins skips it."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None) is not None:
            return True
    return any(not isinstance(entry, str) or _declares_plugins(entry) for entry in sys.path)


def load_plugins(registry: Registry) -> None:
    if not plugins_possible():
        return
    from importlib.metadata import entry_points

    validator = None
    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist is not None else "unknown distribution"
        version = ep.dist.version if ep.dist is not None else ""
        try:
            module = ep.load()
            validator = validator or _validator(declarative=False)
            for found in rules_in_module(module):
                if not found.id.startswith(f"{ep.name}/"):
                    raise RuleSpecError(f'rule id "{found.id}" must start with "{ep.name}/"')
                validate_rule(found, f"plugin {ep.name}", validator)
                registry.add(with_source(found, f"plugin {ep.name}"), f"plugin {ep.name}")
            registry.plugins.append((ep.name, dist, version))
        except Exception as exc:  # a broken plugin must not take the run down
            registry.errors.append(ToolError(None, f"plugin {ep.name} from {dist} could not be loaded: {exc}"))


def build_registry(*, custom: Sequence[str] = (), plugins: bool = True) -> Registry:
    registry = Registry()
    load_builtin(registry)
    load_custom(registry, custom)
    if plugins:
        load_plugins(registry)
    return registry


class Selection(NamedTuple):  # not a dataclass: creating one costs ~0.6 ms of start-up
    enabled: list[Rule]
    unknown: list[str]


def _expand(names: Iterable[str], registry: Registry) -> tuple[set[str], list[str]]:
    ids: set[str] = set()
    unknown: list[str] = []
    for name in names:
        if name in registry.rules:
            ids.add(name)
        elif name in BY_SLUG:
            ids.update(r.id for r in registry.rules.values() if r.meta.document == name)
        else:
            unknown.append(name)
    return ids, unknown


def unknown_names(names: Iterable[str], registry: Registry) -> list[str]:
    """The names (rule ids or guidance-document slugs, as selections take them) no rule answers to."""
    return list(dict.fromkeys(_expand(names, registry)[1]))


def select_rules(
    registry: Registry,
    *,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Selection:
    """Default-enabled rules, plus config `enable`, minus `disable`; then the CLI's
    `--select` (only these; naming an opt-in rule by id turns it on) and `--ignore`. The
    input problems (`INPUT_PROBLEMS`) are always on."""
    enable_ids, unknown_a = _expand(enable, registry)
    disable_ids, unknown_b = _expand(disable, registry)
    select = list(select)
    select_ids, unknown_c = _expand(select, registry)
    ignore_ids, unknown_d = _expand(ignore, registry)
    active = {r.id for r in registry.rules.values() if r.meta.default_enabled} | enable_ids
    active -= disable_ids
    if select:
        explicit = {name for name in select if name in registry.rules}
        active = (active & select_ids) | explicit
    active -= ignore_ids
    active |= INPUT_PROBLEMS & registry.rules.keys()
    return Selection([registry.rules[i] for i in sorted(active)], unknown_a + unknown_b + unknown_c + unknown_d)


def severity_of(rule: Rule, overrides: Mapping[str, Severity]) -> Severity:
    return overrides.get(rule.id, rule.meta.severity)
