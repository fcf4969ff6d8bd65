"""Shared test helpers: lint text or files in-process, read fixture expectations."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from kubelint_py.config.config import Config, config_from_data, validate_config_data
from kubelint_py.model import Report, Source
from kubelint_py.registry.registry import Registry, build_registry
from kubelint_py.run.pipeline import LintRequest, run_lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
# Folders of fixtures/ that hold multi-rule material rather than one rule's fixtures.
NON_RULE_DIRS = frozenset(("scenarios", "helm", "kustomize", "control-plane", "hostile"))
_EXPECT_RE = re.compile(r"#\s*expect:\s*([a-z0-9/,\s-]+?)\s*(?=#|$)")
_CONFIG_RE = re.compile(r"^#\s*fixture-config:\s*(\{.*\})\s*$")


@lru_cache(maxsize=1)
def registry() -> Registry:
    return build_registry(plugins=False)


def make_config(data: Mapping[str, Any] | None = None) -> Config:
    if not data:
        return Config()
    validate_config_data(data, "fixture-config")
    return config_from_data(data)


def lint_sources(
    sources: Sequence[Source],
    *,
    select: Sequence[str] = (),
    config: Mapping[str, Any] | None = None,
    assume_complete: bool = False,
    raise_errors: bool = True,
    cwd: Path = ROOT,
) -> Report:
    request = LintRequest(
        sources=sources,
        select=select,
        assume_complete=assume_complete,
        raise_errors=raise_errors,
        plugins=False,
        cwd=cwd,
    )
    return run_lint(request, make_config(config), registry())


def lint_text(text: str, *, name: str = "test.yaml", **kwargs: Any) -> Report:
    return lint_sources([Source(name, text.encode("utf-8"))], **kwargs)


def expectations(path: Path) -> Counter[tuple[str, int]]:
    """`# expect: rule-id` markers on the lines where findings are expected (repeatable),
    or a sibling `<name>.expect` file with `<line> <rule-id>` rows for undecodable fixtures."""
    sidecar = path.with_name(path.name + ".expect")
    found: Counter[tuple[str, int]] = Counter()
    if sidecar.exists():
        for row in sidecar.read_text(encoding="utf-8").splitlines():
            if row.strip() and not row.startswith("#"):
                line, rule_id = row.split()
                found[(rule_id, int(line))] += 1
        return found
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in _EXPECT_RE.finditer(line):
            for rule_id in match.group(1).split(","):
                if rule_id.strip():
                    found[(rule_id.strip(), number)] += 1
    return found


def fixture_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return {}
    return text_config(text)


def text_config(text: str) -> dict[str, Any]:
    """The `# fixture-config: {json}` comment among the first lines of a fixture or example."""
    for line in text.splitlines()[:20]:
        match = _CONFIG_RE.match(line.strip())
        if match:
            loaded: dict[str, Any] = json.loads(match.group(1))
            return loaded
    return {}
