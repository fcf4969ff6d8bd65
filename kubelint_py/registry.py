"""Collect the rule set of a run: built-in Python and YAML rules, user declarative rules,
and third-party plugins. Nothing registers itself; modules are scanned for `Rule` objects."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from kubelint_py.declarative import RuleSpecError, build_declarative, rule_dict_from_meta
from kubelint_py.guidance import BY_SLUG
from kubelint_py.model import Severity, ToolError
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
        self.rules[new.id] = new

    def sorted(self) -> list[Rule]:
        return [self.rules[k] for k in sorted(self.rules)]


def rules_in_module(module: ModuleType) -> Iterator[Rule]:
    for name in sorted(vars(module)):
        value = getattr(module, name)
        if isinstance(value, Rule):
            yield value


def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from kubelint_py.config import load_schema

    return Draft202012Validator(load_schema("rule.schema.json"))


def validate_rule_spec(spec: Mapping[str, Any], source: str, validator: Any | None = None) -> None:
    from jsonschema.exceptions import best_match

    error = best_match((validator or _validator()).iter_errors(spec))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise RuleSpecError(f"{source}: rule {spec.get('id', '?')}: {where}: {error.message}")


def validate_rule(rule: Rule, source: str, validator: Any | None = None) -> None:
    validate_rule_spec(rule_dict_from_meta(rule.meta), source, validator)
    if rule.meta.document not in BY_SLUG and "/" not in rule.id:
        raise RuleSpecError(f'{source}: rule {rule.id}: unknown guidance document "{rule.meta.document}"')


def load_yaml_rules(text: str, source: str, *, trusted: bool = True) -> list[Rule]:
    from kubelint_py.streams import split_documents
    from kubelint_py.yamlio import LimitExceeded, YamlSyntaxError, parse_document

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
        if "schema" not in parsed.data:
            raise RuleSpecError(
                f"{source}: rule {parsed.data['id']}: a declarative rule needs target, message and schema"
            )
        found.append(build_declarative(parsed.data, source, trusted=trusted))
    return found


def _builtin_modules() -> Iterator[str]:
    root = resources.files(BUILTIN_PACKAGE)
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name.startswith(("_", ".")):
            continue
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".py") and not entry.name.startswith("_"):
                yield f"{BUILTIN_PACKAGE}.{folder.name}.{entry.name[:-3]}"


def _builtin_yaml() -> Iterator[tuple[str, str]]:
    root = resources.files(BUILTIN_PACKAGE)
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name.startswith(("_", ".")):
            continue
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith((".yaml", ".yml")):
                yield f"rules/{folder.name}/{entry.name}", entry.read_text(encoding="utf-8")


def load_builtin(registry: Registry) -> None:
    for module_name in _builtin_modules():
        module = importlib.import_module(module_name)
        for found in rules_in_module(module):
            registry.add(found, module_name)
    for source, text in _builtin_yaml():
        for found in load_yaml_rules(text, source):
            registry.add(found, source)


def load_custom(registry: Registry, paths: Iterable[str]) -> None:
    for raw_path in paths:
        path = Path(raw_path)
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        if not path.exists():
            raise RegistryError(f"{raw_path}: custom rules path does not exist")
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RegistryError(f"{file}: cannot read custom rules ({exc})") from None
            try:
                for found in load_yaml_rules(text, str(file), trusted=False):
                    registry.add(found, str(file))
            except RuleSpecError as exc:
                raise RegistryError(str(exc)) from None


def load_plugins(registry: Registry) -> None:
    from importlib.metadata import entry_points

    validator = None
    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist is not None else "unknown distribution"
        version = ep.dist.version if ep.dist is not None else ""
        try:
            module = ep.load()
            validator = validator or _validator()
            for found in rules_in_module(module):
                if not found.id.startswith(f"{ep.name}/"):
                    raise RuleSpecError(f'rule id "{found.id}" must start with "{ep.name}/"')
                validate_rule(found, f"plugin {ep.name}", validator)
                registry.add(found, f"plugin {ep.name}")
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


@dataclass(frozen=True, slots=True)
class Selection:
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


def select_rules(
    registry: Registry,
    *,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Selection:
    """Default-enabled rules, plus config `enable`, minus `disable`; then the CLI's
    `--select` (only these; naming an opt-in rule by id turns it on) and `--ignore`."""
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
    return Selection([registry.rules[i] for i in sorted(active)], unknown_a + unknown_b + unknown_c + unknown_d)


def severity_of(rule: Rule, overrides: Mapping[str, Severity]) -> Severity:
    return overrides.get(rule.id, rule.meta.severity)
