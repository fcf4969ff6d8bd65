"""`kubelint init`: a commented starter .kubelint.yaml generated from schemas/config.schema.json.

Every key of the schema appears, in the schema's order, under a one-line description taken
from the schema. Its default comes from the code that applies it (`Config()`, `LoadOptions()`,
the Windows helpers), so the starter file cannot drift from either. Keys of the policy (rules,
exclusions, failOn, ...) are written active with their defaults; keys whose built-in default
should keep following kubelint (`settings`) or that have no value by default (`extends`,
`namespace`, `targetVersion`) are written commented out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kubelint_py.config.config import Config, load_schema
from kubelint_py.input.loader import LoadOptions
from kubelint_py.k8s.apiversions import newest_release
from kubelint_py.k8s.windows import DEFAULT_WINDOWS_TAINT

DOCS_URI = "https://github.com/kubelint/kubelint_py#configuration-kubelintyaml"
RULE_DOCS_URI = "https://github.com/kubelint/kubelint_py/blob/main/docs/rules/"
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./=:-]*")
_RESERVED = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"))
_NONE = object()

# Keys the schema does not describe yet (tests/test_init.py keeps this list exact).
FALLBACK_DESCRIPTIONS: Mapping[str, str] = {
    "rules": "Which rules run, at which severity, with which options.",
    "exemptions[].rules": "Rule ids this exemption applies to (all rules when absent).",
    "exemptions[].paths": "File path globs, gitignore syntax.",
    "exemptions[].namespaces": "Namespaces of the objects.",
    "exemptions[].kinds": "Kinds of the objects.",
    "exemptions[].names": "Names of the objects.",
    "exemptions[].reason": "Why the findings are accepted (shown as the suppression's justification).",
    "settings.cluster": "The cluster the manifests go to.",
    "settings.limits": "Input limits that protect kubelint from hostile files.",
    "settings.limits.maxFileBytes": "Largest file read, in bytes.",
    "settings.limits.maxDocuments": "Most YAML documents read from one file.",
    "settings.limits.maxDepth": "Deepest nesting of mappings and lists.",
    "settings.limits.maxNodes": "Most YAML nodes in one document (alias expansion included).",
    "settings.limits.maxScalarLength": "Longest single value, in characters.",
}


def defaults() -> dict[str, object]:
    """Each key's built-in default, read from the code that applies it."""
    config, load = Config(), LoadOptions()
    return {
        "rules.enable": sorted(config.enable),
        "rules.disable": sorted(config.disable),
        "rules.severity": dict(config.severity),
        "rules.options": dict(config.options),
        "exclude": list(config.exclude),
        "exemptions": list(config.exemptions),
        "failOn": config.fail_on,
        "customRules": list(config.custom_rules),
        "context": list(config.context),
        "assumeComplete": config.assume_complete,
        "requireJustification": config.require_justification,
        "compat.peerSuppressions": list(config.peer_suppressions),
        "settings.cluster.windowsTaint": DEFAULT_WINDOWS_TAINT,
        "settings.limits.maxFileBytes": load.max_file_bytes,
        "settings.limits.maxDocuments": load.max_documents,
        "settings.limits.maxDepth": load.limits.max_depth,
        "settings.limits.maxNodes": load.limits.max_nodes,
        "settings.limits.maxScalarLength": load.limits.max_scalar,
    }


def _examples() -> dict[str, tuple[object, str]]:
    """Keys without a value by default: an example value and what happens when it is absent."""
    newest = newest_release()
    return {
        "extends": ("../.kubelint.yaml", "none"),
        "namespace": ("default", "objects without one are linted as namespace `default`"),
        "targetVersion": (f"{newest[0]}.{newest[1]}", f"the newest release kubelint knows, {newest[0]}.{newest[1]}"),
        "targetProvider": ("aws", "none: every provider's annotations are reported"),
        "settings.cluster.windowsNodes": (True, "detected from the input (node selectors, taints)"),
    }


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
            return value
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_value(k)}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(value)


def _description(key: str, spec: Mapping[str, Any]) -> str:
    text = str(spec.get("description") or FALLBACK_DESCRIPTIONS.get(key, "")).strip()
    return " ".join(text.split())


def _empty_for(spec: Mapping[str, Any]) -> object:
    kind = spec.get("type")
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return _NONE


class Item(NamedTuple):
    """A value written in place of a default (`kubelint init --from`), with a trailing comment."""

    value: object
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ExemptionDraft:
    """One `exemptions` item written by `kubelint init --from`: its keys in order, the comment
    lines above it, and whether it is written active or commented out."""

    entries: Mapping[str, object]
    comments: Sequence[str] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class Overrides:
    """What `kubelint init --from` writes instead of the starter's defaults: comment lines
    for the header, values by key path (lists of `Item`, mappings of `Item`, lists of
    `ExemptionDraft`, or plain values), and comment lines written above a key."""

    header: Sequence[str] = ()
    values: Mapping[str, object] = field(default_factory=dict)
    notes: Mapping[str, Sequence[str]] = field(default_factory=dict)


class _Writer:
    def __init__(self, overrides: Overrides | None = None) -> None:
        self.lines: list[str] = []
        self.defaults = defaults()
        self.examples = _examples()
        self.overrides = overrides or Overrides()

    def comment(self, text: str, pad: str) -> None:
        if text:
            self.lines.append(f"{pad}# {text}")

    def properties(self, props: Mapping[str, Any], prefix: str, depth: int, active: bool) -> None:
        for name, spec in props.items():
            key = f"{prefix}{name}"
            if depth == 0 and self.lines:
                self.lines.append("")
            self.key(name, key, spec, depth, active and key != "settings")

    def key(self, name: str, key: str, spec: Mapping[str, Any], depth: int, active: bool) -> None:
        pad = "  " * depth
        hash_ = "" if active else "# "
        children = spec.get("properties")
        if isinstance(children, Mapping) and key not in self.defaults:
            self.comment(_description(key, spec), pad)
            self.lines.append(f"{pad}{hash_}{name}:")
            self.properties(children, f"{key}.", depth + 1, active)
            return
        if key in self.overrides.values:
            self.comment(_description(key, spec), pad)
            self.notes(key, pad)
            self.override(name, key, self.overrides.values[key], pad, spec)
            return
        default = self.defaults.get(key, _NONE)
        note = ""
        if default is _NONE and key in self.examples:
            example, absent = self.examples[key]
            note = f" Default: {absent}."
            self.comment(_description(key, spec) + note, pad)
            self.lines.append(f"{pad}# {name}: {_value(example)}")
            return
        if default is _NONE:
            default = _empty_for(spec)
        if key == "rules.options":
            note = f" Options of each rule: {RULE_DOCS_URI}<rule-id>.md"
        self.comment(_description(key, spec) + note, pad)
        self.notes(key, pad)
        self.lines.append(f"{pad}{hash_}{name}: {_value(default)}")
        items = spec.get("items")
        if key == "exemptions" and isinstance(items, Mapping):
            self.example_item(items, key, pad)

    def notes(self, key: str, pad: str) -> None:
        for line in self.overrides.notes.get(key, ()):
            self.comment(line, pad)

    def override(self, name: str, key: str, value: object, pad: str, spec: Mapping[str, Any]) -> None:
        """`value` for `key`, in block style with the comments that say where it came from."""
        if isinstance(value, list) and value and all(isinstance(v, ExemptionDraft) for v in value):
            self.lines.append(f"{pad}{name}:")
            for draft in value:
                self.draft(draft, pad + "  ")
            items = spec.get("items")
            if isinstance(items, Mapping):
                self.example_item(items, key, pad)
            return
        if isinstance(value, list) and value and all(isinstance(v, Item) for v in value):
            self.lines.append(f"{pad}{name}:")
            self.lines += [f"{pad}  - {_value(item.value)}{_trailing(item.comment)}" for item in value]
            return
        if isinstance(value, Mapping) and value and all(isinstance(v, Item) for v in value.values()):
            self.lines.append(f"{pad}{name}:")
            self.lines += [f"{pad}  {_value(k)}: {_value(v.value)}{_trailing(v.comment)}" for k, v in value.items()]
            return
        self.lines.append(f"{pad}{name}: {_value(value)}")

    def draft(self, draft: ExemptionDraft, pad: str) -> None:
        for line in draft.comments:
            self.comment(line, pad)
        hash_ = "" if draft.active else "# "
        for number, (name, value) in enumerate(draft.entries.items()):
            lead = "- " if number == 0 else "  "
            self.lines.append(f"{pad}{hash_}{lead}{name}: {_value(value)}")

    def example_item(self, items: Mapping[str, Any], key: str, pad: str) -> None:
        """A commented example list item naming every key of the items, with its description."""
        props = items.get("properties")
        if not isinstance(props, Mapping):
            return
        first = True
        for name, spec in props.items():
            item_key = f"{key}[].{name}"
            value = "" if spec.get("type") == "string" else _empty_for(spec)
            lead = "  - " if first else "    "
            first = False
            rendered = json.dumps(value) if value == "" else _value(value)
            self.lines.append(f"{pad}# {lead}{name}: {rendered}  # {_description(item_key, spec)}")


def _trailing(comment: str) -> str:
    return f"  # {' '.join(comment.split())}" if comment else ""


def starter_config(overrides: Overrides | None = None) -> str:
    """The text of the starter .kubelint.yaml; with `overrides` (`kubelint init --from`), their
    header and values in place of the starter's header and the defaults they replace."""
    schema = load_schema("config.schema.json")
    writer = _Writer(overrides)
    if overrides is not None and overrides.header:
        writer.lines += [f"# {line}".rstrip() for line in overrides.header]
        writer.lines.append("")
    else:
        writer.lines += [
            "# kubelint configuration, written by `kubelint init` from schemas/config.schema.json.",
            "# Every key is listed with its default; commented keys keep kubelint's built-in default.",
            f"# Documentation: {DOCS_URI}",
            "",
        ]
    props = schema.get("properties")
    assert isinstance(props, Mapping)
    start = len(writer.lines)
    writer.properties(props, "", 0, True)
    if writer.lines[start : start + 1] == [""]:
        del writer.lines[start]
    return "\n".join(writer.lines) + "\n"


def schema_keys() -> list[str]:
    """Every key path of the configuration schema (`exemptions[].reason` for list items)."""
    schema = load_schema("config.schema.json")
    out: list[str] = []

    def walk(props: Mapping[str, Any], prefix: str) -> None:
        for name, spec in props.items():
            key = f"{prefix}{name}"
            out.append(key)
            if isinstance(spec.get("properties"), Mapping):
                walk(spec["properties"], f"{key}.")
            items = spec.get("items")
            if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
                walk(items["properties"], f"{key}[].")

    top = schema.get("properties")
    assert isinstance(top, Mapping)
    walk(top, "")
    return out
