"""Module boundaries (docs/architecture.md §2.3), checked by reading imports with ast."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "kubelint_py"
# module -> project modules it may import (besides kubelint_py.model and the k8s helpers where listed)
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "guidance": set(),
    "positions": {"model"},
    "decoding": set(),
    "yamlio": {"model", "positions"},
    "streams": {"model"},
    "recognize": {"model"},
    "loader": {"model", "decoding", "positions", "recognize", "streams", "yamlio"},
    "context": {"model", "k8s"},
    "rule_api": {"model", "context", "k8s"},
    "declarative": {"model", "rule_api", "k8s", "bounded_schema"},
    "bounded_schema": set(),  # custom rules' JSON Schemas: checked at load, validated with a budget
    "registry": {"model", "rule_api", "declarative", "guidance", "config", "streams", "yamlio", "rule_index", "peers"},
    "peers": set(),  # other linters' equivalent checks: data and lookups, imports nothing
    "rule_index": set(),  # generated data (scripts/gen_rule_index.py): imports nothing
    "config": {"model", "yamlio", "confine"},
    "suppress": {"model", "config", "globs", "peers"},
    "engine": {"model", "context", "rule_api", "suppress", "recognize", "k8s", "forked", "peers"},
    "forked": set(),
    "parallel_load": {"model", "loader", "forked", "positions", "yamlio"},
    "discovery": {"model", "globs", "confine"},
    "globs": set(),  # gitignore patterns from the tree, matched without backtracking
    "pipeline": {
        "model",
        "config",
        "confine",
        "context",
        "discovery",
        "engine",
        "loader",
        "parallel_load",
        "registry",
        "rendered",
        "rule_api",
        "schema_locations",
        "suppress",
        "yamlio",
    },
    # CRD schemas on disk for the run's custom resources: reads them, hands them to the rules
    "schema_locations": {"model", "confine", "k8s"},
    "ruledoc": {"model", "guidance", "guidance_docs", "fixes", "safe_text", "peers"},
    # k8s: the text report asks kubelint_py.k8s.sensitive whether a source line may show a secret
    "reporters": {"model", "ruledoc", "guidance", "reporters", "safe_text", "k8s"},
    "safe_text": set(),
    "baseline": {"model", "reporters"},
    "fixes": set(),
    "guidance_docs": set(),
    "init_config": {"model", "config", "loader", "k8s"},
    # kubelint init --from: a peer's configuration as a starter; the rules' defaults from the registry
    "peer_config": {"model", "config", "confine", "yamlio", "peers", "init_config", "registry"},
    "autofix": {
        "model",
        "config",
        "confine",
        "atomic_write",
        "fixes",
        "loader",
        "masking",
        "pipeline",
        "registry",
        "streams",
    },
    "rendered": {"model", "engine", "confine"},
    "confine": set(),  # the tree and bounded reads: below everything that opens a path
    "atomic_write": set(),
    "masking": {"model", "loader", "positions", "k8s"},
    "renderers": {"model"},
}
THIRD_PARTY_HOME = {"click": {"cli"}, "ruamel": {"yamlio", "autofix"}, "sarif_om": {"reporters"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _module_key(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0] if len(rel.parts) > 1 else rel.name


def test_core_modules_respect_the_layering() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        key = _module_key(path)
        if key not in ALLOWED:
            continue
        for name in _imports(path):
            if not name.startswith("kubelint_py"):
                continue
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else ""
            if target in ("", key):
                continue
            assert target in ALLOWED[key] or (key == "k8s"), f"{path.relative_to(ROOT)} imports {name}"


def test_k8s_helpers_are_pure() -> None:
    for path in sorted((PACKAGE / "k8s").glob("*.py")):
        for name in _imports(path):
            if name.startswith("kubelint_py"):
                assert name == "kubelint_py.model" or name.startswith("kubelint_py.k8s"), f"{path.name}: {name}"
            root = name.split(".")[0]
            assert root not in ("click", "ruamel", "sarif_om", "jsonschema"), f"{path.name} imports {name}"


def test_rules_import_only_the_rule_api() -> None:
    for path in sorted((ROOT / "rules").rglob("*.py")):
        for name in _imports(path):
            if name.startswith("kubelint_py"):
                assert name == "kubelint_py.rule_api" or name.startswith("kubelint_py.k8s"), (
                    f"{path.relative_to(ROOT)} imports {name}: rules may use kubelint_py.rule_api and kubelint_py.k8s"
                )
            assert name.split(".")[0] not in ("click", "ruamel", "sarif_om"), f"{path.relative_to(ROOT)}: {name}"


def test_third_party_packages_have_one_home() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        key = _module_key(path) if path.parent.name != "reporters" else "reporters"
        for name in _imports(path):
            root = name.split(".")[0]
            if root in THIRD_PARTY_HOME:
                assert key in THIRD_PARTY_HOME[root], f"{path.relative_to(ROOT)} imports {name}"


def test_reporters_never_import_the_pipeline() -> None:
    for path in sorted((PACKAGE / "reporters").glob("*.py")):
        for name in _imports(path):
            for banned in ("engine", "registry", "loader", "pipeline", "cli", "builtin_rules"):
                assert not name.startswith(f"kubelint_py.{banned}"), f"{path.name} imports {name}"
