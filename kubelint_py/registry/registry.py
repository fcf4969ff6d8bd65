"""Collect the rule set of a run: built-in Python and YAML rules, user declarative rules,
and third-party plugins. Nothing registers itself; modules are scanned for `Rule` objects.

Built-in rules come from the generated index (kubelint_py/registry/builtin.py says how); custom
rules from YAML files (kubelint_py/registry/declarative.py); plugins from entry points.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from kubelint_py.guidance import BY_SLUG
from kubelint_py.input.confine import ReadWords, read_worded
from kubelint_py.model import INPUT_PROBLEMS, Severity, ToolError
from kubelint_py.peers import peers_of
from kubelint_py.registry.builtin import indexed_builtin, rules_in_module, scanned_builtin
from kubelint_py.registry.declarative import RuleSpecError, load_yaml_rules, rule_validator, validate_rule
from kubelint_py.rule_api import Rule

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


def scan_builtin(registry: Registry) -> None:
    """Every built-in rule from its module (imported): the source of truth of the index."""
    for found, source in scanned_builtin():
        registry.add(found, source)


def load_builtin(registry: Registry) -> None:
    """Every built-in rule from the index; modules are imported when a check is first called."""
    for found, source in indexed_builtin():
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
    words = ReadWords(
        f"{file}: custom rules must be a regular file; not read",
        f"{file}: custom rules file over {CUSTOM_RULES_MAX_BYTES // (1024 * 1024)} MiB; not read",
        lambda exc: f"{file}: cannot read custom rules ({(exc.strerror or str(exc)).lower()})",
        f"{file}: custom rules are not UTF-8 text",
    )
    return read_worded(file, CUSTOM_RULES_MAX_BYTES, words, RegistryError)


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
            validator = validator or rule_validator(declarative=False)
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
