"""The GitHub Action (action.yml, composite): its `run:` steps are run here as the runner runs
them (`bash --noprofile --norc -eo pipefail`, inputs through the steps' `env:`, GITHUB_OUTPUT,
GITHUB_PATH, GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_WORKSPACE), so the Action cannot rot unseen.

The install step really installs this checkout into a fresh virtual environment (pip, from the
package index), once for the module; the lint step then runs that kubelint on a small tree.
The upload step (github/codeql-action) cannot run outside GitHub: its wiring is checked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.helpers import ROOT
from tests.sarif_check import check_sarif_file

ACTION = ROOT / "action.yml"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

PRIVILEGED_POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\n  namespace: apps\nspec:\n  containers:\n"
    "    - name: main\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n"
)


def _action() -> dict[str, Any]:
    data = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _substitute(text: str, inputs: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]) -> str:
    """The expressions the Action's `env:` and `with:` use, as the runner evaluates them."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        found = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if found is not None:
            return outputs.get(found.group(1), {}).get(found.group(2), "")
        if expression == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"expression the test does not know: {expression}")

    return _EXPRESSION.sub(value, text)


def _read_outputs(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        found[key] = value
    return found


class Runner:
    """Runs the Action's `run:` steps for one set of inputs, as GitHub's runner would."""

    def __init__(self, workspace: Path, runner_temp: Path) -> None:
        self.workspace = workspace
        self.temp = runner_temp
        self.outputs: dict[str, dict[str, str]] = {}
        self.logs: dict[str, subprocess.CompletedProcess[str]] = {}

    def run(self, given: Mapping[str, str], only: tuple[str, ...] = ()) -> dict[str, str]:
        """Run the steps (those with ids in `only`, when given) in order while they succeed;
        the Action's outputs."""
        action = _action()
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        assert set(given) <= set(inputs), set(given) - set(inputs)
        inputs.update(given)
        for number, step in enumerate(action["runs"]["steps"]):
            if "run" not in step or (only and step.get("id") not in only):
                continue
            step_id = step.get("id", f"step{number}")
            script = self.temp / f"{step_id}.sh"
            script.write_text(step["run"], encoding="utf-8")
            output_file = self.temp / f"{step_id}.output"
            output_file.write_text("")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "KUBELINT"))}
            env.update(
                GITHUB_OUTPUT=str(output_file),
                GITHUB_PATH=str(self.temp / "path"),
                GITHUB_ACTION_PATH=str(ROOT),
                GITHUB_WORKSPACE=str(self.workspace),
                RUNNER_TEMP=str(self.temp),
            )
            for key, raw in (step.get("env") or {}).items():
                env[key] = _substitute(str(raw), inputs, self.outputs)
            assert step["shell"] == "bash"
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            self.logs[step_id] = proc
            self.outputs[step_id] = _read_outputs(output_file)
            if proc.returncode != 0:
                break
        return {name: _substitute(str(spec["value"]), inputs, self.outputs) for name, spec in action["outputs"].items()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """RUNNER_TEMP after the install step ran, and that step's outputs."""
    temp = tmp_path_factory.mktemp("runner-temp")
    runner = Runner(temp, temp)
    runner.run({"python": sys.executable}, only=("install",))
    proc = runner.logs["install"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.match(r"kubelint \S+", proc.stdout.strip().splitlines()[-1]), proc.stdout
    kubelint = runner.outputs["install"]["kubelint"]
    assert Path(kubelint).is_file() and kubelint.startswith(str(temp))
    assert (temp / "path").read_text().strip() == str(Path(kubelint).parent)
    return temp, runner.outputs["install"]


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "repo"
    (workspace / "deploy").mkdir(parents=True)
    (workspace / "deploy" / "pod.yaml").write_text(PRIVILEGED_POD)
    (workspace / "ci.yml").write_text("on: [push]\njobs: {}\n")
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True, timeout=60)
    return workspace


def _lint(installed: tuple[Path, dict[str, str]], workspace: Path, given: Mapping[str, str]) -> tuple[Runner, Any]:
    _, install_outputs = installed
    step_temp = workspace.parent / "step-temp"
    step_temp.mkdir(exist_ok=True)
    runner = Runner(workspace, step_temp)
    runner.outputs["install"] = dict(install_outputs)
    return runner, runner.run(given, only=("lint",))


def test_action_metadata_and_wiring() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {"paths", "config", "fail-on", "sarif-file", "upload-sarif", "category", "args"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}
    steps = action["runs"]["steps"]
    for step in steps:
        # inputs reach scripts only through env: no expression is ever pasted into shell code
        assert "${{" not in step.get("run", ""), step.get("name")
    (upload,) = [step for step in steps if "uses" in step]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["with"] == {
        "sarif_file": "${{ steps.lint.outputs.sarif-file }}",
        "category": "kubelint/${{ inputs.category }}/",
    }
    condition = upload["if"]
    assert "!cancelled()" in condition  # runs after the lint step failed on findings
    assert "inputs.upload-sarif == 'true'" in condition and "steps.lint.outputs.sarif-file != ''" in condition
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "uses: kubelint/kubelint_py@" in readme and "upload-sarif: " in readme


@pytest.mark.slow
def test_action_lints_writes_sarif_and_annotations_and_fails(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner, outputs = _lint(installed, workspace, {"paths": "deploy\nci.yml"})
    proc = runner.logs["lint"]
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the step fails as kubelint did
    assert outputs["exit-code"] == "1"
    sarif_path = Path(outputs["sarif-file"])
    assert sarif_path == workspace / "kubelint.sarif" and sarif_path.is_file()
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert any(
        line.startswith("::error file=deploy/pod.yaml,line=11,") and "kubelint privileged-container" in line
        for line in annotations
    ), annotations
    sarif = json.loads(sarif_path.read_text())
    run_ = sarif["runs"][0]
    assert run_["automationDetails"]["id"] == "kubelint/manifests/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert uris == {"deploy/pod.yaml"}
    verdict = check_sarif_file(sarif_path, repo_root=workspace)
    assert verdict.ok and not verdict.warnings, str(verdict)


def test_action_inputs_config_category_args_and_fail_on(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (workspace / "lint.yaml").write_text("rules:\n  disable: [mutable-image-tag]\n")
    given = {
        "paths": "deploy",
        "config": "lint.yaml",
        "fail-on": "never",
        "sarif-file": "out/reports.sarif",
        "category": "prod",
        "args": "--select privileged-container,host-namespace-shared --namespace apps",
    }
    (workspace / "out").mkdir()
    runner, outputs = _lint(installed, workspace, given)
    proc = runner.logs["lint"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs == {"exit-code": "0", "sarif-file": str(workspace / "out" / "reports.sarif")}
    run_ = json.loads((workspace / "out" / "reports.sarif").read_text())["runs"][0]
    assert run_["automationDetails"]["id"] == "kubelint/prod/"
    assert {r["ruleId"] for r in run_["results"]} == {"privileged-container"}


def test_action_inputs_are_never_run_as_shell(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    given = {
        "paths": "deploy $(touch pwned-paths) `touch pwned-tick` ;touch pwned-semi",
        "args": "--select privileged-container $(touch pwned-args)",
        "config": "$(touch pwned-config)",
    }
    runner, outputs = _lint(installed, workspace, given)
    assert not list(workspace.glob("pwned*")) and not list(workspace.parent.glob("pwned*"))
    assert outputs["exit-code"] == "2"  # `$(touch` is no path and no configuration: a usage error
    assert runner.logs["lint"].returncode == 2


def test_action_reports_a_kubelint_failure_without_a_sarif_file(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner, outputs = _lint(installed, workspace, {"fail-on": "sometimes"})
    assert runner.logs["lint"].returncode == 2
    assert outputs == {"exit-code": "2", "sarif-file": ""}  # so the upload step is skipped
