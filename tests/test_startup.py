"""What a plain pre-commit run (`kubelint lint FILE`) loads, and what it leaves out:
optional dependencies, click, rule modules of kinds the input does not have, the
plugin scan when no distribution declares a plugin. Checked in fresh processes."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.registry import registry as registry_module
from kubelint_py.registry.builtin import BUILTIN_PACKAGE
from kubelint_py.registry.registry import PLUGIN_GROUP, build_registry, plugins_possible
from kubelint_py.registry.rule_index import RULES
from tests.helpers import ROOT

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
"""

# Runs `kubelint lint ARGS` as the console script does (argv from sys.argv), and reports when
# the program ends (cli.main._end_program: the process leaves from there).
_PROBE = """\
import gc, json, sys
sys.argv = ["kubelint", "lint", *sys.argv[1:]]
import kubelint_py.cli.main
entry = sys.modules["kubelint_py.cli.main"]  # (the package's `main` is the function)
end = entry._end_program
def report_then_end(code):
    state = {"code": code, "modules": sorted(sys.modules), "gc_enabled": gc.isenabled()}
    state["frozen"] = gc.get_freeze_count()
    with open("probe.json", "w") as out:
        json.dump(state, out)
    end(code)
entry._end_program = report_then_end
entry.main()
"""


def _probe(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    (tmp_path / "probe.py").write_text(_PROBE)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KUBELINT", "PYTHON"))}
    base["PYTHONPATH"] = str(ROOT)
    base["PYTHONIOENCODING"] = "utf-8"  # the fast path writes UTF-8 streams itself, others via click
    proc = subprocess.run(
        [sys.executable, "probe.py", *args],
        cwd=tmp_path,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    state: dict[str, Any] = json.loads((tmp_path / "probe.json").read_text())
    assert proc.returncode == state["code"], proc.stderr  # the process left with the run's code
    return state


def test_plain_lint_loads_no_optional_dependency_click_or_unneeded_rule(tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    state = _probe(tmp_path, "svc.yaml")
    assert state["code"] in (0, 1)
    modules = set(state["modules"])
    for unwanted in (
        "jsonschema",  # only for validating configuration files and declarative rules
        "sarif_om",  # only for --format sarif
        "kubelint_py.output.reporters.sarif",
        "kubelint_py.output.reporters.json_report",
        "kubelint_py.integrations.autofix",
        "kubelint_py.run.baseline",
        "click",  # only for command lines the fast path does not take
        "pickle",  # only when workers are forked (kubelint_py/run/forked.py)
        "kubelint_py.input.globs",  # only for ignore patterns and exemptions with paths
    ):
        assert unwanted not in modules, unwanted
    rules = {m for m in modules if m.startswith(f"{BUILTIN_PACKAGE}.") and m.count(".") > 2}
    assert any(m.endswith(".service_selector") for m in rules)  # a Service rule ran
    assert not any(".securing_etcd." in m or ".windows_workloads." in m for m in rules), sorted(rules)
    assert len(rules) < len({row[0] for row in RULES}) // 2


def test_the_program_freezes_its_objects_instead_of_collecting_them(tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    state = _probe(tmp_path, "svc.yaml")
    assert state["gc_enabled"] is True
    assert state["frozen"] > 0


def test_main_with_argv_restores_the_collector_and_freezes_nothing(tmp_path: Path) -> None:
    from kubelint_py.cli import main

    (tmp_path / "svc.yaml").write_text(SERVICE)
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    main(["lint", str(tmp_path / "svc.yaml")])
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


# -- plugin discovery -------------------------------------------------------------------

PLUGIN_MODULE = """\
from kubelint_py.rule_api import Severity, Violation, rule


@rule(
    id="acme/no-default-namespace",
    title="Objects name their namespace",
    document="acme-rules",
    severity=Severity.WARNING,
    rationale="Objects without a namespace land in whatever namespace kubectl points at.",
    remediation="Set metadata.namespace.",
    examples=("kind: ConfigMap\\nmetadata: {name: a}\\n", "kind: ConfigMap\\nmetadata: {name: a, namespace: b}\\n"),
    kinds=("ConfigMap",),
)
def check(doc, ctx):
    if not doc.namespace:
        yield Violation(("metadata",), "no metadata.namespace")
"""


def _distribution(site: Path, name: str, entry_points: str | None) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_plugin_scan_is_skipped_only_when_no_distribution_declares_the_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _distribution(site, "tool", "[console_scripts]\ntool = tool:main\n")
    _distribution(site, "bare", None)
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    assert plugins_possible() is False
    _distribution(site, "acme_rules", f"[{PLUGIN_GROUP}]\nacme = acme_rules\n")
    assert plugins_possible() is True


def test_plugin_scan_runs_when_a_path_entry_cannot_be_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("mod.py", "")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert plugins_possible() is True
    monkeypatch.setattr(sys, "path", [str(tmp_path / "thing.egg")])
    assert plugins_possible() is True


def test_plugin_scan_runs_when_another_finder_supplies_distributions(monkeypatch: pytest.MonkeyPatch) -> None:
    class Finder:
        @staticmethod
        def find_spec(*_: Any) -> None:
            return None

        @staticmethod
        def find_distributions(*_: Any) -> list[Any]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert plugins_possible() is True


def test_a_declared_plugin_is_still_loaded(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _distribution(site, "acme_rules", f"[{PLUGIN_GROUP}]\nacme = acme_rules\n")
    (site / "acme_rules.py").write_text(PLUGIN_MODULE)
    code = textwrap.dedent(
        """\
        import json
        from kubelint_py.registry.registry import build_registry
        registry = build_registry()
        errors = [e.message for e in registry.errors]
        print(json.dumps([sorted(r for r in registry.rules if "/" in r), registry.plugins, errors]))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    rules, plugins, errors = json.loads(out)
    assert errors == []
    assert rules == ["acme/no-default-namespace"]
    assert [p[0] for p in plugins] == ["acme"]


def test_no_plugins_in_this_environment_means_no_metadata_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any, **__: Any) -> Any:
        raise AssertionError("importlib.metadata.entry_points() called")

    monkeypatch.setattr(registry_module, "plugins_possible", lambda: False)
    monkeypatch.setattr("importlib.metadata.entry_points", fail)
    assert build_registry().plugins == []
