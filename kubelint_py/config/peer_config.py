"""`kubelint init --from kube-linter|polaris FILE`: a peer's configuration as a commented
.kubelint.yaml (the starter of kubelint_py/config/init_config.py with the translated values in place of
the defaults), saying in comments where each value came from and what could not be carried over.

kube-linter (`.kube-linter.yaml`, docs/configuring-kubelinter.md of kube-linter):

- `checks.addAllBuiltIn` runs every built-in check, `checks.doNotAutoAddDefaults` none but the
  `include`d ones, otherwise its defaults plus `include`; `exclude` always wins. A kubelint rule
  is enabled when one of its kube-linter equivalents runs, disabled when all of them are known not
  to run (excluded, or not included under doNotAutoAddDefaults); it is left alone when kube-linter
  runs an equivalent by default or it has none.
- `checks.ignorePaths` (doublestar globs) become `exclude` patterns when they are relative.
- `customChecks` cannot be translated (kube-linter templates are Go code; write kubelint
  custom rules instead).

Polaris (its config.yaml, or Helm values with the configuration under `config:`):

- `checks: {<id>: ignore | warning | danger}`: a kubelint rule whose Polaris equivalents are all
  `ignore` is disabled; otherwise it is enabled at `danger` -> error, `warning` -> warning (the
  most severe of its equivalents), written only where that differs from kubelint's default.
- `exemptions: [{namespace, controllerNames, containerNames, rules}]` become kubelint exemptions
  (namespaces, names, rules); one naming containers is written commented out, since a kubelint
  exemption cannot name a container and would exempt the whole object.

Both also turn on `compat.peerSuppressions` for the peer, so its annotations keep working.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kubelint_py.config.config import ConfigError, read_yaml_file
from kubelint_py.config.init_config import DOCS_URI, ExemptionDraft, Item, Overrides, starter_config
from kubelint_py.model import RuleMeta, Severity
from kubelint_py.peers import BY_NAME, EQUIVALENTS, rules_for

SOURCES = ("kube-linter", "polaris")
_WIDTH = 98  # header comment lines, "# " included: 100 columns
_POLARIS_LEVELS = {"danger": Severity.ERROR, "warning": Severity.WARNING}


class _Translation:
    """The values and comments gathered while reading a peer's configuration."""

    def __init__(self, peer: str, metas: Mapping[str, RuleMeta]) -> None:
        self.peer = peer
        self.metas = metas
        self.enable: dict[str, str] = {}  # rule id -> why
        self.disable: dict[str, str] = {}
        self.kept: dict[str, str] = {}  # rules left at kubelint's default, and why
        self.severity: dict[str, tuple[Severity, str]] = {}
        self.exclude: list[Item] = []
        self.exemptions: list[ExemptionDraft] = []
        self.untranslated: list[str] = []

    def turn_on(self, rule_id: str, why: str) -> None:
        if rule_id in self.metas and not self.metas[rule_id].default_enabled:
            self.enable[rule_id] = why

    def turn_off(self, rule_id: str, why: str) -> None:
        if rule_id in self.metas and self.metas[rule_id].default_enabled:
            self.disable[rule_id] = why

    def overrides(self, source: str) -> Overrides:
        title = BY_NAME[self.peer].title
        active = sum(1 for draft in self.exemptions if draft.active)
        parked = len(self.exemptions) - active
        counts = (
            f"{len(self.enable)} rule(s) enabled, {len(self.disable)} disabled, "
            f"{len(self.severity)} severity change(s), {active} exemption(s)"
            + (f" and {parked} left commented out" if parked else "")
        )
        header = textwrap.wrap(
            f"kubelint configuration, translated by `kubelint init --from {self.peer}` from the {title} "
            f"configuration {source}: {counts}. Each translated value says where it came from; the other "
            "keys keep kubelint's defaults. Review it before use.",
            width=_WIDTH,
        )
        header.append(f"Documentation: {DOCS_URI}")
        if self.untranslated:
            header += ["", f"Not translated from {source}:"]
            for line in self.untranslated:
                header += textwrap.wrap(line, width=_WIDTH, initial_indent="  - ", subsequent_indent="    ")
        values: dict[str, object] = {
            "compat.peerSuppressions": [Item(self.peer, f"{title}'s own annotations keep suppressing")],
        }
        if self.enable:
            values["rules.enable"] = [Item(r, why) for r, why in sorted(self.enable.items())]
        if self.disable:
            values["rules.disable"] = [Item(r, why) for r, why in sorted(self.disable.items())]
        if self.severity:
            values["rules.severity"] = {r: Item(sev.label, why) for r, (sev, why) in sorted(self.severity.items())}
        if self.exclude:
            values["exclude"] = self.exclude
        if self.exemptions:
            values["exemptions"] = self.exemptions
        notes: dict[str, list[str]] = {}
        if self.kept:
            notes["rules.enable"] = [
                f"Left at kubelint's default: {r} ({why})." for r, why in sorted(self.kept.items())
            ]
        return Overrides(header=header, values=values, notes=notes)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    return []


def _peer_rules(peer: str) -> dict[str, tuple[str, ...]]:
    """kubelint rule -> its checks of `peer`."""
    return {rule_id: by_peer[peer] for rule_id, by_peer in EQUIVALENTS.items() if peer in by_peer}


def _listed(checks: Iterable[str]) -> str:
    return ", ".join(checks)


# -- kube-linter ----------------------------------------------------------------------------
def _kube_linter(data: Mapping[str, Any], out: _Translation) -> None:
    checks = data.get("checks")
    checks = checks if isinstance(checks, Mapping) else {}
    include, exclude = _strings(checks.get("include")), _strings(checks.get("exclude"))
    add_all = checks.get("addAllBuiltIn") is True
    only_included = checks.get("doNotAutoAddDefaults") is True and not add_all
    known = {check for ids in _peer_rules("kube-linter").values() for check in ids}
    for name, listed in (("include", include), ("exclude", exclude)):
        unknown = [c for c in dict.fromkeys(listed) if c not in known]
        if unknown:
            out.untranslated.append(f"checks.{name}: {_listed(unknown)} (no kubelint equivalent)")

    def runs(check: str) -> bool | None:
        """Whether kube-linter runs `check` (None: only if it is one of its defaults)."""
        if check in exclude:
            return False
        if add_all or check in include:
            return True
        return False if only_included else None

    mode = "addAllBuiltIn" if add_all else "doNotAutoAddDefaults" if only_included else "defaults"
    for rule_id, ids in sorted(_peer_rules("kube-linter").items()):
        state = {check: runs(check) for check in ids}
        on = [c for c, run in state.items() if run]
        off = [c for c, run in state.items() if run is False]
        if on:
            source = "addAllBuiltIn" if add_all and not set(on) & set(include) else "include"
            out.turn_on(rule_id, f"kube-linter {source}: {_listed(on)}")
            if off:
                out.kept[rule_id] = f"excluded {_listed(off)}, but kube-linter still runs {_listed(on)}"
        elif all(run is False for run in state.values()):
            why = "exclude" if set(ids) <= set(exclude) else f"{mode}, not included"
            out.turn_off(rule_id, f"kube-linter {why}: {_listed(ids)}")
        elif off:
            rest = [c for c, run in state.items() if run is None]
            out.kept[rule_id] = f"excluded {_listed(off)}, but it also covers {_listed(rest)}"
    for pattern in _strings(checks.get("ignorePaths")):
        if pattern.startswith(("/", "~")) or ".." in pattern.split("/"):
            out.untranslated.append(f"checks.ignorePaths: {pattern} (outside the repository)")
        else:
            out.exclude.append(Item(pattern.removeprefix("./"), "kube-linter checks.ignorePaths"))
    custom = data.get("customChecks")
    if isinstance(custom, list) and custom:
        names = [str(c.get("name", "?")) for c in custom if isinstance(c, Mapping)]
        out.untranslated.append(
            f"customChecks: {_listed(names)} (kube-linter check templates; write them as kubelint custom rules, "
            "customRules)"
        )
    for key in data:
        if key not in ("checks", "customChecks"):
            out.untranslated.append(f"{key} (not a kube-linter setting kubelint knows)")
    for key in checks:
        if key not in ("include", "exclude", "addAllBuiltIn", "doNotAutoAddDefaults", "ignorePaths"):
            out.untranslated.append(f"checks.{key}")


# -- Polaris --------------------------------------------------------------------------------
def _polaris(data: Mapping[str, Any], out: _Translation) -> None:
    root = data
    nested = data.get("config")
    if "checks" not in data and isinstance(nested, Mapping):  # the Helm chart's values
        root = nested
    checks = root.get("checks")
    checks = checks if isinstance(checks, Mapping) else {}
    levels: dict[str, str] = {}
    for check, level in checks.items():
        text = str(level).strip().lower() if isinstance(level, str) else ""
        if text not in ("ignore", "warning", "danger"):
            out.untranslated.append(f"checks.{check}: {level!r} (not ignore, warning or danger)")
            continue
        levels[str(check)] = text
    unmapped = [c for c, level in levels.items() if level != "ignore" and not rules_for("polaris", c)]
    if unmapped:
        out.untranslated.append(f"checks: {_listed(unmapped)} (no kubelint equivalent)")
    for rule_id, ids in sorted(_peer_rules("polaris").items()):
        set_levels = {c: levels[c] for c in ids if c in levels}
        if not set_levels:
            continue
        said = _listed(f"{c}: {lvl}" for c, lvl in set_levels.items())
        active = [lvl for lvl in set_levels.values() if lvl != "ignore"]
        if not active:
            out.turn_off(rule_id, f"Polaris {said}")
            continue
        out.turn_on(rule_id, f"Polaris {said}")
        severity = max(_POLARIS_LEVELS[lvl] for lvl in active)
        meta = out.metas.get(rule_id)
        if meta is not None and severity != meta.severity:
            out.severity[rule_id] = (severity, f"Polaris {said}; kubelint's default is {meta.severity.label}")
    exemptions = root.get("exemptions")
    if isinstance(exemptions, list):
        for number, item in enumerate(exemptions):
            if isinstance(item, Mapping):
                out.exemptions.append(_polaris_exemption(number, item, out))
    for key in root:
        if key not in ("checks", "exemptions"):
            what = "custom checks: write them as kubelint custom rules, customRules" if key == "customChecks" else ""
            out.untranslated.append(f"{key}" + (f" ({what})" if what else ""))


def _polaris_exemption(number: int, item: Mapping[str, Any], out: _Translation) -> ExemptionDraft:
    namespace = item.get("namespace")
    controllers = _strings(item.get("controllerNames"))
    containers = _strings(item.get("containerNames"))
    checks = _strings(item.get("rules"))
    entries: dict[str, object] = {}
    comments = [f"Polaris exemptions[{number}]"]
    active = True
    if isinstance(namespace, str) and namespace:
        entries["namespaces"] = [namespace]
    if controllers:
        entries["names"] = controllers
        comments.append("Polaris matches controllerNames as prefixes; kubelint matches names exactly.")
    if checks:
        mapped = sorted({rule_id for check in checks for rule_id in rules_for("polaris", check)})
        unmapped = [c for c in checks if not rules_for("polaris", c)]
        if unmapped:
            comments.append(f"No kubelint equivalent of {_listed(unmapped)}.")
        for rule_id in mapped:  # a rule wider than the checks named: say what else it exempts
            wider = [c for c in EQUIVALENTS[rule_id]["polaris"] if c not in checks]
            if wider:
                comments.append(f"{rule_id} also covers {_listed(wider)}, which this exemption does not name.")
        if not mapped:
            comments.append("None of its checks has a kubelint equivalent: nothing to exempt.")
            active = False
        entries["rules"] = mapped
    if containers:
        comments.append(
            f"Polaris exempts only the containers {_listed(containers)}; a kubelint exemption cannot name a "
            "container and would exempt the whole object, so it is left commented out."
        )
        active = False
    if not entries:
        comments.append("It names no namespace, controller or rule that kubelint can match.")
        active = False
    entries["reason"] = f"Polaris exemption {number}" + (f" ({_listed(checks)})" if checks else " (every check)")
    return ExemptionDraft(entries, comments, active)


def translated_config(peer: str, path: Path, metas: Mapping[str, RuleMeta] | None = None) -> str:
    """The .kubelint.yaml text `kubelint init --from <peer> <path>` writes."""
    if peer not in SOURCES:
        raise ConfigError(f"cannot translate a {peer} configuration; use one of: {', '.join(SOURCES)}")
    if metas is None:
        from kubelint_py.registry.registry import build_registry

        metas = {rule_id: rule.meta for rule_id, rule in build_registry(plugins=False).rules.items()}
    data = read_yaml_file(path, f"{path}: the {BY_NAME[peer].title} configuration")
    out = _Translation(peer, metas)
    if peer == "kube-linter":
        _kube_linter(data, out)
    else:
        _polaris(data, out)
    return starter_config(out.overrides(str(path)))
