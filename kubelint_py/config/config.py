""".kubelint.yaml: find it, validate it, and answer what it says."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from kubelint_py.input.confine import (
    DEFAULT_MAX_BYTES,
    ReadWords,
    Tree,
    is_glob,
    read_worded,
    static_prefix,
)
from kubelint_py.model import Severity

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")


class ConfigError(Exception):
    """A configuration the user must fix; the CLI prints it on one line and exits 2."""


class Exemption(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """One `exemptions` entry: the rules it silences, for which paths, namespaces, kinds and names, and why."""

    rules: frozenset[str]
    paths: tuple[str, ...]
    namespaces: frozenset[str]
    kinds: frozenset[str]
    names: frozenset[str]
    reason: str


# the severities, options and settings of a configuration that sets none (shared: read-only)
_NONE: Mapping[str, Any] = MappingProxyType({})


class Config(NamedTuple):  # not a dataclass: ~1 ms less of every start
    """A configuration as read and checked (`.kubelint.yaml`, `--config`), or the defaults."""

    path: str | None = None
    enable: frozenset[str] = frozenset()
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = _NONE
    options: Mapping[str, Mapping[str, Any]] = _NONE
    exclude: tuple[str, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    fail_on: str = "warning"
    custom_rules: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    schema_locations: tuple[str, ...] = ()  # folders of CRD schemas (kubelint_py.input.schema_locations)
    namespace: str | None = None
    assume_complete: bool = False
    target_version: str | None = None
    target_provider: str | None = None  # `targetProvider`: the cloud the manifests go to
    settings: Mapping[str, Any] = _NONE
    require_justification: bool = False
    # peers whose own suppression annotations suppress the equivalent kubelint rules
    # (`compat.peerSuppressions`, kubelint_py/run/suppress.py)
    peer_suppressions: tuple[str, ...] = ()
    base_dir: str = "."
    # every file of the configuration lies outside the tree (the user's own, docs/security.md):
    # the paths it names are not confined to the tree
    trusted: bool = False


def load_schema(name: str) -> Mapping[str, Any]:
    import json  # here: only validation (config files, rules) reads schemas
    from importlib import resources

    text = resources.files("kubelint_py.schemas").joinpath(name).read_text(encoding="utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


def find_config(start: Path, env: Mapping[str, str]) -> Path | None:
    """KUBELINT_CONFIG, else the nearest .kubelint.yaml from `start` up to the repository
    root (a directory with .git) or the home directory, else the XDG user config."""
    explicit = env.get("KUBELINT_CONFIG")
    if explicit:
        return Path(explicit)
    home = Path(env.get("HOME", "~")).expanduser()
    current = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = current / name
            if candidate.is_file():
                return candidate
        if (current / ".git").exists() or current == home or current.parent == current:
            break
        current = current.parent
    xdg = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "kubelint" / "config.yaml"
    return xdg if xdg.is_file() else None


def read_yaml_file(path: Path, what: str) -> Mapping[str, Any]:
    """The mapping in the YAML file `path` (a configuration, or another linter's), read as every
    file of the tree is; ConfigError says what is wrong, naming the file as `what` (`PATH: the
    configuration`)."""
    from kubelint_py.input.yamlio import LimitExceeded, YamlSyntaxError, parse_document

    words = ReadWords(
        f"{what} is not a regular file; not read",
        f"{what} is over {DEFAULT_MAX_BYTES:,} bytes; not read",
        lambda exc: f"{what} cannot be read ({exc.strerror or exc})",
        f"{what} is not UTF-8 text",
    )
    text = read_worded(path, DEFAULT_MAX_BYTES, words, ConfigError)
    try:
        parsed = parse_document(text)
    except (YamlSyntaxError, LimitExceeded) as exc:
        raise ConfigError(f"{path}:{exc.pos.line}:{exc.pos.column}: {exc.message}") from None
    if parsed is None:
        return {}
    if not isinstance(parsed.data, Mapping):
        raise ConfigError(f"{what} must be a mapping of keys")
    return parsed.data


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_OUTSIDE = "is outside the scanned tree (the current directory, its repository and the paths on the command line)"


def _load_raw(path: Path, tree: Tree, cwd: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], bool]:
    """The merged data of `path` and what it extends, and whether every file of it is trusted.

    A file in the tree (its directory is in it) is the tree's: what it names must stay in the
    tree (docs/security.md). One outside it is the user's (KUBELINT_CONFIG, the XDG file, a
    --config file kept elsewhere), and names what it likes."""
    resolved = path.resolve()
    if resolved in seen:
        raise ConfigError(f"{path}: `extends` loops back to a file already loaded")
    confined = tree.contains(path.parent)
    if confined and not tree.contains(path):
        raise ConfigError(f"{path}: a link to a file that {_OUTSIDE}; not read")
    raw = dict(read_yaml_file(path, f"{path}: the configuration"))
    validate_config_data(raw, str(path))
    if confined:
        _check_paths(raw, path, tree, cwd)
    parent = raw.pop("extends", None)
    if isinstance(parent, str):
        base_path = path.parent / parent
        if confined and tree.resolve(path.parent, parent) is None:
            raise ConfigError(f'{path}: extends: "{parent}" {_OUTSIDE}; not read')
        if not base_path.is_file():
            raise ConfigError(f'{path}: extends: "{parent}" does not exist')
        base, trusted = _load_raw(base_path, tree, cwd, (*seen, resolved))
        return _merge(base, raw), trusted and not confined
    return raw, not confined


def _check_paths(raw: Mapping[str, Any], path: Path, tree: Tree, cwd: Path) -> None:
    """`context`, `customRules` and `schemaLocations` of a configuration in the tree name places
    in the tree (a glob by its leading directories; what it matches is checked when it is expanded)."""
    for key in ("context", "customRules", "schemaLocations"):
        for entry in _strings(raw.get(key)):
            named = static_prefix(entry) if key == "context" and is_glob(entry) else entry
            if tree.resolve(cwd, named) is None:
                raise ConfigError(f'{path}: {key}: "{entry}" {_OUTSIDE}; not read')


def config_problems(problems: Sequence[str]) -> ConfigError:
    """One ConfigError for every problem found: the problem itself when there is one, else a
    line saying how many and one indented line each, so a user fixes them in one go."""
    unique = list(dict.fromkeys(problems))
    if len(unique) == 1:
        return ConfigError(unique[0])
    return ConfigError(f"{len(unique)} problems in the configuration:\n" + "\n".join(f"  {p}" for p in unique))


def validate_config_data(raw: Mapping[str, Any], where: str) -> None:
    """Check `raw` against schemas/config.schema.json; ConfigError lists every problem, each
    with the file, the key and what is allowed there."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema("config.schema.json"))
    errors = sorted(validator.iter_errors(raw), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    problems = [_problem(error, where) for error in errors if not _covered(error, errors)]
    if problems:
        raise config_problems(problems)


def _covered(error: Any, errors: Sequence[Any]) -> bool:
    """An error inside a value that another error already rejects as a whole (a wrong type)."""
    path = list(error.absolute_path)
    return any(
        other is not error
        and other.validator == "type"
        and list(other.absolute_path) == path[: len(other.absolute_path)]
        and len(other.absolute_path) < len(path)
        for other in errors
    )


def _problem(error: Any, where: str) -> str:
    """One schema error as the user reads it: file, key, what is wrong and what is allowed."""
    location = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, Mapping) else []
        where_key = f"{location}." if error.absolute_path else ""
        return f"{where}: unknown key {where_key}{', '.join(unknown)}; allowed: {', '.join(allowed)}"
    if error.validator == "enum" and isinstance(error.validator_value, list):
        allowed_values = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {location}: {_plain(error.instance)} is not allowed; use one of: {allowed_values}"
    if error.validator == "type":
        return f"{where}: {location}: must be {_type_name(error.validator_value)}, found {_plain(error.instance)}"
    if error.validator == "pattern" and isinstance(error.schema, Mapping) and error.schema.get("description"):
        return f"{where}: {location}: {_plain(error.instance)} does not fit: {error.schema['description']}"
    return f"{where}: {location}: {error.message}"


def _type_name(value: object) -> str:
    names = {"array": "a list", "object": "a mapping", "string": "a string", "boolean": "true or false"}
    names |= {"integer": "an integer", "number": "a number"}
    if isinstance(value, list):
        return " or ".join(names.get(str(v), str(v)) for v in value)
    return names.get(str(value), str(value))


def _plain(value: object) -> str:
    """A value as the user wrote it, for messages (no Python quoting)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return ()


def config_from_data(raw: Mapping[str, Any], path: str | None = None, base_dir: str = ".") -> Config:
    rules = raw.get("rules") or {}
    severities = {rid: Severity.parse(sev) for rid, sev in (rules.get("severity") or {}).items()}
    exemptions = tuple(
        Exemption(
            rules=frozenset(_strings(item.get("rules"))),
            paths=_strings(item.get("paths")),
            namespaces=frozenset(_strings(item.get("namespaces"))),
            kinds=frozenset(_strings(item.get("kinds"))),
            names=frozenset(_strings(item.get("names"))),
            reason=str(item.get("reason", "")),
        )
        for item in raw.get("exemptions") or ()
    )
    target = raw.get("targetVersion")
    return Config(
        path=path,
        enable=frozenset(_strings(rules.get("enable"))),
        disable=frozenset(_strings(rules.get("disable"))),
        severity=severities,
        options={k: dict(v) for k, v in (rules.get("options") or {}).items()},
        exclude=_strings(raw.get("exclude")),
        exemptions=exemptions,
        fail_on=str(raw.get("failOn", "warning")),
        custom_rules=_strings(raw.get("customRules")),
        context=_strings(raw.get("context")),
        schema_locations=_strings(raw.get("schemaLocations")),
        namespace=raw.get("namespace"),
        assume_complete=bool(raw.get("assumeComplete", False)),
        target_version=str(target) if target is not None else None,
        target_provider=raw.get("targetProvider"),
        settings=dict(raw.get("settings") or {}),
        require_justification=bool(raw.get("requireJustification", False)),
        peer_suppressions=tuple(dict.fromkeys(_strings((raw.get("compat") or {}).get("peerSuppressions")))),
        base_dir=base_dir,
    )


def load_config(explicit: str | None, cwd: Path, env: Mapping[str, str], tree: Tree | None = None) -> Config:
    """The one configuration of this run (built-in defaults when no file is found). `tree`:
    the scanned tree without the configuration file itself [default: `cwd` and its repository]."""
    if explicit is not None:
        path: Path | None = Path(explicit)
        if path is None or not path.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
    else:
        path = find_config(cwd, env)
    if path is None:
        return Config()
    raw, trusted = _load_raw(path, tree if tree is not None else Tree.for_run(cwd), cwd)
    config = config_from_data(raw, str(path), str(path.parent))
    return config._replace(trusted=trusted)


def default_env() -> Mapping[str, str]:
    return os.environ
