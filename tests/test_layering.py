"""Module boundaries (docs/architecture-notes.md), checked by reading imports with ast.

Every module of kubelint_py has an entry in ALLOWED, the CLI included: a module missing from
the table fails the test, as does an entry that names no module. An entry lists the modules
(or whole packages, such as `k8s`) of kubelint_py that the module may import; importing the
package a module lives in (its `__init__`) or itself is always allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "kubelint_py"

# module -> what it may import; a key that is a package (`k8s`) covers every module in it
ALLOWED: dict[str, set[str]] = {
    # -- the vocabulary every stage shares
    "": set(),  # kubelint_py/__init__.py: version()
    "__main__": {"cli"},
    "model": set(),
    "guidance": set(),
    "fixes": set(),  # what each rule's autofix does: data read by `kubelint fix` and the rule pages
    "peers": set(),  # other linters' equivalent checks: data and lookups, imports nothing
    "atomic_write": {"input.confine"},  # the one writer of files
    "fingerprint": {"model"},  # the one recipe of a finding's fingerprint (baselines, SARIF, JSON)
    "rule_api": {"model", "k8s", "run.context", "registry.meta_file"},
    "k8s": {"model", "k8s"},  # pure Kubernetes semantics (test_k8s_helpers_are_pure says more)
    # -- input: paths and bytes to documents
    "input": set(),
    "input.confine": set(),  # the tree and bounded reads: below everything that opens a path
    "input.decoding": set(),
    "input.globs": set(),  # gitignore patterns from the tree, matched without backtracking
    "input.positions": {"model"},
    "input.streams": {"model"},
    "input.recognize": {"model"},
    # YAML: scalars resolved as Kubernetes reads them, errors and budgets, the slow YAML 1.2
    # parser, and yamlio (composing, the walk that builds data and positions) in front of them
    "input.yaml_nodes": set(),
    "input.yaml_scalars": {"input.yaml_nodes"},
    "input.yaml_errors": {"model", "input.positions"},
    "input.yaml_flow": {"model", "input.yaml_errors", "input.yaml_nodes", "input.yaml_scalars"},
    "input.yamlio": {
        "model",
        "input.positions",
        "input.yaml_errors",
        "input.yaml_flow",
        "input.yaml_nodes",
        "input.yaml_scalars",
    },
    "input.discovery": {"model", "input.confine", "input.globs"},
    "input.loader": {
        "model",
        "input.decoding",
        "input.positions",
        "input.recognize",
        "input.streams",
        "input.yamlio",
    },
    # CRD schemas on disk for the run's custom resources: reads them, hands them to the rules
    "input.schema_locations": {"model", "input.confine", "k8s"},
    # -- configuration
    "config": set(),
    "config.config": {"model", "input.confine", "input.yamlio"},
    "config.init_config": {"model", "config.config", "input.loader", "k8s"},
    # kubelint init --from: a peer's configuration as a starter; the rules' defaults from the registry
    "config.peer_config": {
        "model",
        "config.config",
        "config.init_config",
        "input.confine",
        "input.yamlio",
        "peers",
        "registry.registry",
    },
    # -- the rule set
    "registry": set(),
    "registry.rule_index": set(),  # generated data (scripts/generate.py): imports nothing
    "registry.bounded_schema": set(),  # custom rules' JSON Schemas: checked at load, validated with a budget
    # a rule's metadata from keywords or from its .meta.yaml file (below rule_api, which declares rules)
    "registry.meta_file": {"model", "input.yamlio"},
    # declarative rules and rule files: the rule schema, YAML rules, their bounded JSON Schemas
    "registry.declarative": {
        "model",
        "guidance",
        "k8s",
        "rule_api",
        "config.config",
        "input.streams",
        "input.yamlio",
        "registry.bounded_schema",
    },
    # the built-in rules: scanned from their modules, or from the index with lazy metadata
    "registry.builtin": {
        "model",
        "peers",
        "rule_api",
        "registry.declarative",
        "registry.meta_file",
        "registry.rule_index",
    },
    "registry.registry": {
        "model",
        "guidance",
        "peers",
        "rule_api",
        "input.confine",
        "registry.builtin",
        "registry.declarative",
    },
    # -- a run
    "run": set(),
    "run.forked": set(),  # work shared with forked processes, and the one work splitter
    "run.packing": {"model", "input.positions"},  # findings and documents as plain tuples for the pipes
    "run.context": {"model", "k8s"},
    "run.suppress": {"model", "config.config", "input.globs", "peers"},
    "run.engine": {
        "model",
        "fingerprint",
        "k8s",
        "rule_api",
        "input.recognize",
        "peers",
        "run.context",
        "run.forked",
        "run.packing",
        "run.suppress",
    },
    "run.parallel_load": {"model", "input.loader", "input.yamlio", "run.forked", "run.packing"},
    "run.pipeline": {
        "model",
        "rule_api",
        "config.config",
        "input.confine",
        "input.discovery",
        "input.loader",
        "input.schema_locations",
        "input.yamlio",
        "integrations.rendered",
        "k8s.credentials",  # the screen of the target documents' texts, asked by the loader
        "registry.registry",
        "run.context",
        "run.engine",
        "run.forked",  # IdleCores: how many processes each fork may take
        "run.parallel_load",
        "run.suppress",
    },
    "run.baseline": {"model", "fingerprint", "output.jsonwrite"},
    "run.report_shares": {"run.forked"},  # a large report's per-finding text made in forked children
    # -- output: pure functions of metadata and reports
    "output": set(),
    "output.safe_text": set(),
    "output.jsonwrite": set(),  # the one JSON writer of reports, logs, rule lists and baselines
    "output.guidance_docs": set(),
    "output.ruledoc": {
        "model",
        "k8s.kinds",  # what a scope's kind groups hold, shown on rule pages
        "atomic_write",
        "guidance",
        "fixes",
        "peers",
        "output.guidance_docs",
        "output.jsonwrite",
        "output.safe_text",
    },
    # k8s: the text report asks kubelint_py.k8s.sensitive whether a source line may show a secret
    "output.reporters": {
        "model",
        "fingerprint",
        "k8s",
        "output.jsonwrite",
        "output.reporters",
        "output.ruledoc",
        "output.safe_text",
    },
    # -- integrations: Helm and Kustomize, kubelint fix
    "integrations": set(),
    "integrations.renderers": {"atomic_write", "integrations.helm_flags"},
    "integrations.helm_flags": set(),  # the helm flags passed on: read by the command line and the renderer
    "integrations.outline": set(),  # an indentation outline of (template) text, and the line search
    "integrations.charts": {"input.confine"},  # Chart.yaml names, the search for charts and kustomizations
    "integrations.mapping": {"model", "input.confine", "integrations.charts", "integrations.outline"},
    "integrations.helm_mapping": {"model", "integrations.charts", "integrations.mapping", "integrations.outline"},
    "integrations.kustomize_mapping": {
        "model",
        "integrations.charts",
        "integrations.mapping",
        "integrations.outline",
        "integrations.rendered",  # the origin annotation's name
    },
    "integrations.mapper": {
        "model",
        "fingerprint",
        "integrations.charts",
        "integrations.helm_mapping",
        "integrations.kustomize_mapping",
        "integrations.mapping",
        "integrations.outline",
    },
    # map_rendered: imports the mapper only for runs with rendered output or piped input
    "integrations.rendered": {"model", "input.confine", "integrations.mapper", "run.engine"},
    "integrations.masking": {"model", "k8s", "input.loader", "input.positions"},
    "integrations.autofix": {
        "model",
        "atomic_write",
        "fixes",
        "config.config",
        "input.confine",
        "input.loader",
        "input.streams",
        "integrations.masking",
        "integrations.yaml_edit",
        "registry.registry",
        "run.pipeline",
    },
    "integrations.yaml_edit": {"fixes"},  # the round-trip splices of `kubelint fix`
    # -- the command line: argv, the environment, stdout/stderr and the exit code
    "cli": {"cli.argv", "cli.main"},
    "cli.errors": {"cli.console"},
    "cli.console": {"output.safe_text"},
    # the table of options, and the two parsers made from it (the click group calls the commands)
    "cli.argv": {"", "cli.commands", "cli.console", "cli.errors", "cli.lint", "integrations.helm_flags"},
    "cli.main": {"cli.argv", "cli.console", "cli.errors", "cli.lint"},
    "cli.reports": {
        "",
        "atomic_write",
        "cli.console",
        "cli.errors",
        "input.confine",
        "input.discovery",
        "output.reporters",
        "run.baseline",
    },
    "cli.lint": {
        "model",
        "cli.console",
        "cli.errors",
        "cli.reports",
        "config.config",
        "input.confine",
        "input.discovery",
        "integrations.charts",
        "integrations.helm_flags",
        "integrations.renderers",
        "registry.registry",
        "run.forked",  # IdleCores: the report's processes, decided as the run's
        "run.pipeline",
        "run.report_shares",  # the reporters' `spread`
    },
    "cli.commands": {
        "guidance",
        "peers",
        "cli.console",
        "cli.errors",
        "cli.lint",
        "cli.reports",
        "config",
        "input.confine",
        "input.discovery",
        "integrations.autofix",
        "output.ruledoc",
        "output.safe_text",
        "registry.registry",
        "run.pipeline",
    },
}
# third-party packages that only these modules (or packages) may import
THIRD_PARTY_HOME = {
    "click": {"cli"},  # the whole package
    "ruamel": {
        "input.yamlio",
        "input.yaml_nodes",
        "input.yaml_scalars",
        "input.yaml_errors",
        "input.yaml_flow",
        "integrations.yaml_edit",
    },
    "_ruamel_yaml": {"input.yaml_nodes"},  # ruamel's C extension itself
    "sarif_om": {"output.reporters.sarif"},
}


def _module_name(path: Path) -> str:
    """`input.loader` for kubelint_py/input/loader.py, `input` for its __init__.py."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _entry(module: str) -> str | None:
    """The key of ALLOWED that covers `module`: its own, else the nearest package's."""
    parts = module.split(".") if module else [""]
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        if key in ALLOWED:
            return key
    return None


def _covers(allowed: str, module: str) -> bool:
    if allowed == "":
        return module == ""
    return module == allowed or module.startswith(allowed + ".")


def _imports(path: Path) -> set[str]:
    """Everything `path` imports, as absolute dotted names; `from kubelint_py.x import y` gives
    `kubelint_py.x.y` when y is a module, else `kubelint_py.x`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path.relative_to(ROOT)}: relative import"
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                inside = inner.removeprefix("kubelint_py").lstrip(".")
                names.add(inner if inner.startswith("kubelint_py.") and inside in MODULES else node.module)
    return names


def _own(name: str) -> str | None:
    """`input.loader` for kubelint_py.input.loader; None for a name outside kubelint_py."""
    if name == "kubelint_py":
        return ""
    return name.removeprefix("kubelint_py.") if name.startswith("kubelint_py.") else None


def test_every_module_has_an_entry_and_every_entry_a_module() -> None:
    missing = [module for module in MODULES if _entry(module) is None]
    assert not missing, f"modules missing from ALLOWED in tests/test_layering.py: {missing}"
    stale = [key for key in ALLOWED if not any(_covers(key, module) for module in MODULES)]
    assert not stale, f"entries of ALLOWED that name no module: {stale}"
    for key, allowed in ALLOWED.items():
        for name in allowed:
            assert any(_covers(name, module) for module in MODULES), f"ALLOWED[{key!r}] names {name!r}: no such module"


def test_modules_import_only_what_their_entry_allows() -> None:
    problems = []
    for module, path in MODULES.items():
        key = _entry(module)
        assert key is not None
        parent = module.rpartition(".")[0]
        for name in sorted(_imports(path)):
            target = _own(name)
            if target is None or target in (module, parent):
                continue
            if not any(_covers(allowed, target) for allowed in ALLOWED[key]):
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not problems, "\n".join(problems)


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
    for module, path in MODULES.items():
        for name in _imports(path):
            homes = THIRD_PARTY_HOME.get(name.split(".")[0])
            if homes is not None:
                assert any(_covers(home, module) for home in homes), f"{path.relative_to(ROOT)} imports {name}"


def test_reporters_never_import_the_pipeline() -> None:
    banned = ("run", "registry", "input", "cli", "integrations", "config", "builtin_rules")
    for module, path in MODULES.items():
        if not _covers("output", module):
            continue
        for name in _imports(path):
            target = _own(name)
            assert target is None or target.split(".")[0] not in banned, f"{path.relative_to(ROOT)} imports {name}"
