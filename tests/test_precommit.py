"""The pre-commit hook, run for real with `pre-commit try-repo` on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _try_repo(target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "kubelint", "--all-files", "--verbose"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed")
def test_hook_fails_on_bad_manifest_and_passes_on_good_one(tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("pre-commit-home")
    bad = tmp_path_factory.mktemp("bad-repo")
    for fixture in sorted((FIXTURES / "privileged-container").glob("fail-*.yaml")):
        shutil.copy(fixture, bad / fixture.name)
    (bad / "ci.yml").write_text("on: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n")
    _git(bad, "init", "-q")
    _git(bad, "add", "-A")
    result = _try_repo(bad, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "privileged-container" in result.stdout
    assert "ci.yml" not in result.stdout  # not a Kubernetes manifest: skipped silently

    good = tmp_path_factory.mktemp("good-repo")
    # a manifest no rule objects to (rule fixtures are minimal, so they trip other rules)
    (good / "settings.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  LOG_LEVEL: info\n"
    )
    (good / "ci.yml").write_text("on: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n")
    _git(good, "init", "-q")
    _git(good, "add", "-A")
    result = _try_repo(good, home)
    assert result.returncode == 0, result.stdout + result.stderr
