"""The contributor's path: scripts/new_rule.py scaffolds a rule that is valid, lint-clean and
consistent with its fixtures from the first run, and the local pre-commit hooks of
.pre-commit-config.yaml regenerate what the rules' metadata makes."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kubelint_py.config.config import Config
from kubelint_py.input.yamlio import parse_document
from kubelint_py.model import Source
from kubelint_py.registry.declarative import validate_rule
from kubelint_py.registry.registry import Registry
from kubelint_py.rule_api import Rule
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import ROOT


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NEW_RULE = _script("new_rule")

SCAFFOLDS = [
    ["cpu-limit-example", "--document", "traffic-spike", "--category", "reliability", "--workloads"],
    ["owner-label-example", "--document", "traffic-spike", "--category", "operations", "--kinds", "Service"],
    ["scaler-label-example", "--document", "traffic-spike", "--category", "operations", "--kinds",
     "HorizontalPodAutoscaler,PodDisruptionBudget", "--severity", "info"],
    ["widget-label-example", "--document", "cluster-hardening", "--category", "security", "--kinds", "Widget",
     "--api-version", "example.com/v1", "--severity", "error"],
    ["cron-label-example", "--document", "failed-deployment", "--category", "operations", "--kinds", "batch/CronJob"],
]  # fmt: skip


def _lint(rule: Rule, text: str) -> list[tuple[int, int]]:
    registry = Registry()
    registry.add(rule, "scaffold")
    request = LintRequest(sources=[Source("x.yaml", text.encode())], select=[rule.id], plugins=False, cwd=ROOT)
    report = run_lint(request, Config(), registry)
    return [(f.span.start.line, f.span.start.column) for f in report.findings if f.rule_id == rule.id]


def _ruff(*args: str, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", "rules/traffic_spike/scaffold.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("argv", SCAFFOLDS, ids=lambda argv: argv[0])
def test_the_scaffold_is_a_valid_working_rule(argv: list[str], tmp_path: Path) -> None:
    text, meta, fail, pass_ = NEW_RULE.render(NEW_RULE.parse(argv))
    (tmp_path / "scaffold.meta.yaml").write_text(meta, encoding="utf-8")
    namespace: dict[str, Any] = {"__file__": str(tmp_path / "scaffold.py")}
    exec(compile(text, "scaffold.py", "exec"), namespace)
    (rule,) = [value for value in namespace.values() if isinstance(value, Rule)]
    validate_rule(rule, "scaffold")  # the metadata every rule has (schemas/rule.schema.json)
    assert rule.id == argv[0] and rule.meta.default_enabled is False  # opt-in to start with
    assert rule.meta.examples == (fail, pass_)
    assert len(_lint(rule, fail)) == 1 and _lint(rule, pass_) == []
    assert "TODO" in rule.meta.title and "TODO" in rule.meta.rationale  # nothing to ship as it is
    assert re.search(r"^kind: [A-Za-z]+$", fail, re.MULTILINE)  # a manifest's kind has no group


def test_a_group_qualified_kind_takes_the_version_of_its_group() -> None:
    assert NEW_RULE._api_version("batch/CronJob", None) == "batch/v1"
    assert NEW_RULE._api_version("v1/Service", None) == "v1"
    assert NEW_RULE._api_version("apps/CronJob", None) is None  # not a group that serves it
    assert NEW_RULE._api_version("example.com/Widget", "example.com/v1") == "example.com/v1"


@pytest.mark.slow  # ruff in child processes
@pytest.mark.parametrize("argv", SCAFFOLDS[:2], ids=lambda argv: argv[0])
def test_the_scaffold_passes_ruff(argv: list[str]) -> None:
    text, _meta, _fail, _pass = NEW_RULE.render(NEW_RULE.parse(argv))
    assert _ruff("check", text=text).returncode == 0
    assert _ruff("format", "--check", text=text).returncode == 0


def test_the_scaffold_refuses_what_would_collide_or_be_invalid() -> None:
    taken = NEW_RULE._problems(NEW_RULE.parse(["privileged-container", *SCAFFOLDS[0][1:]]))
    assert any("exists already" in problem for problem in taken)
    bad = NEW_RULE._problems(NEW_RULE.parse(["Not_An_Id", "--document", "nope", *SCAFFOLDS[0][3:]]))
    assert any("a rule id is" in problem for problem in bad) and any("--document" in problem for problem in bad)
    unknown_kind = NEW_RULE._problems(NEW_RULE.parse(["x-example", *SCAFFOLDS[3][1:7]]))
    assert any("--api-version" in problem for problem in unknown_kind)


def _hooks() -> Mapping[str, Mapping[str, Any]]:
    parsed = parse_document((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert parsed is not None and isinstance(parsed.data, Mapping)
    (repo,) = parsed.data["repos"]
    assert repo["repo"] == "local"
    return {hook["id"]: hook for hook in repo["hooks"]}


def test_the_local_generate_hook_runs_the_generator_on_what_it_is_made_from() -> None:
    hook = _hooks()["generate"]
    assert hook["entry"] == "python scripts/generate.py" and hook["pass_filenames"] is False
    assert (ROOT / "scripts" / "generate.py").is_file()
    files = re.compile(hook["files"])
    for path in (
        "rules/traffic_spike/pdb_missing.py",
        "rules/traffic_spike/pdb_missing.meta.yaml",
        "kubelint_py/registry/builtin.py",
        "kubelint_py/peers.py",
    ):
        assert files.search(path), path
    for path in ("tests/test_cli.py", "kubelint_py/run/engine.py", "fixtures/x/fail-a.yaml"):
        assert not files.search(path), path
