"""Both pre-commit hooks honour `.kubelintignore` and the configuration's `exclude`
(`--force-exclude`, issue 19 defect 1), run for real with `pre-commit try-repo`; and the same
option through the CLI directly."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import BROKEN, PRIVILEGED_POD, ROOT
from tests.test_workflow import kubelint

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
needs_pre_commit = pytest.mark.skipif(
    not Path(PRE_COMMIT).exists() or os.name == "nt", reason="pre-commit is not installed"
)
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  LOG_LEVEL: info\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _try_repo(
    target: Path, home: Path, hook: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", **(env or {})}
    full.pop("KUBELINT_CONFIG", None)
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=target,
        env=full,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: installing it is most of a try-repo's time."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.slow
@needs_pre_commit
def test_kubelint_hook_skips_what_kubelintignore_and_exclude_name(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = tmp_path / "repo"
    _write(
        repo,
        {
            "deploy/settings.yaml": GOOD,
            "legacy/old/pod.yaml": PRIVILEGED_POD,  # .kubelintignore: legacy/
            "vendor/broken.yaml": BROKEN,  # exclude: [vendor/]
            "generated-pod.yaml": PRIVILEGED_POD,  # .kubelintignore: generated-*.yaml
            ".kubelintignore": "legacy/\ngenerated-*.yaml\n",
            ".kubelint.yaml": "exclude: [vendor/]\n",
        },
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    result = _try_repo(repo, pre_commit_home, "kubelint")
    assert result.returncode == 0, result.stdout + result.stderr
    for hidden in ("legacy/", "vendor/", "generated-pod.yaml", "privileged-container", "yaml-syntax"):
        assert hidden not in result.stdout

    # what is not excluded is still linted, alongside the excluded files pre-commit names
    _write(repo, {"deploy/pod.yaml": PRIVILEGED_POD})
    _git(repo, "add", "-A")
    result = _try_repo(repo, pre_commit_home, "kubelint")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "deploy/pod.yaml:11:9: error privileged-container" in result.stdout
    assert "legacy/" not in result.stdout and "vendor/" not in result.stdout


def _fake_helm(root: Path) -> tuple[Path, Path]:
    """A stand-in `helm` that logs the chart of each `helm template` and prints a privileged pod
    under the chart's `# Source:` header (the real helm is exercised by tests/test_helm.py)."""
    bin_dir = root / "bin"
    bin_dir.mkdir()
    log = root / "helm-calls.jsonl"
    script = bin_dir / "helm"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "chart = sys.argv[3].rstrip('/').rsplit('/', 1)[-1]\n"
        f"sys.stdout.write('---\\n# Source: ' + chart + '/templates/pod.yaml\\n' + {PRIVILEGED_POD!r})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir, log


CHART_FILES = {
    "Chart.yaml": "apiVersion: v2\nname: {name}\nversion: 0.1.0\n",
    "values.yaml": "replicas: 1\n",
    "templates/pod.yaml": PRIVILEGED_POD.replace("name: debug", "name: {{ .Release.Name }}"),
}


@pytest.mark.slow
@needs_pre_commit
def test_kubelint_helm_hook_renders_no_excluded_chart(tmp_path: Path, pre_commit_home: Path) -> None:
    bin_dir, log = _fake_helm(tmp_path)
    repo = tmp_path / "repo"
    for chart in ("charts/web", "vendor/charts/upstream"):
        name = chart.rsplit("/", 1)[-1]
        _write(repo, {f"{chart}/{file}": text.replace("{name}", name) for file, text in CHART_FILES.items()})
    _write(repo, {".kubelintignore": "vendor/\n"})
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = _try_repo(repo, pre_commit_home, "kubelint-helm", env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "charts/web/templates/pod.yaml" in result.stdout
    rendered = [json.loads(line)[2] for line in log.read_text().splitlines()]
    assert rendered == ["charts/web"]  # the vendored chart is never rendered

    # with only excluded files changed, the hook renders nothing and passes
    log.unlink()
    (repo / ".kubelintignore").write_text("vendor/\ncharts/\n")
    _git(repo, "add", "-A")
    result = _try_repo(repo, pre_commit_home, "kubelint-helm", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not log.exists()


# -- the option itself, through the CLI -------------------------------------------------------------
@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    _write(
        tmp_path,
        {
            "app/pod.yaml": PRIVILEGED_POD,
            "legacy/pod.yaml": PRIVILEGED_POD,
            "legacy/deep/er/pod.yaml": PRIVILEGED_POD,
            "node_modules/pkg/pod.yaml": PRIVILEGED_POD,
            "kept/pod.yaml": PRIVILEGED_POD,
            ".kubelintignore": "legacy/\n*.generated.yaml\n",
            "x.generated.yaml": PRIVILEGED_POD,
            ".kubelint.yaml": "exclude: ['kept/']\n",
        },
    )
    return tmp_path


def _files(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["file"] for f in json.loads(result.stdout)["findings"]}


NAMED = ["app/pod.yaml", "legacy/pod.yaml", "legacy/deep/er/pod.yaml", "node_modules/pkg/pod.yaml"]
NAMED += ["kept/pod.yaml", "x.generated.yaml"]


def test_named_files_are_read_without_the_option(tree: Path) -> None:
    result = kubelint(["lint", *NAMED, "--format", "json"], tree)
    assert _files(result) == set(NAMED)


@pytest.mark.slow
def test_force_exclude_leaves_out_named_files_and_directories(tree: Path) -> None:
    result = kubelint(["lint", *NAMED, "--force-exclude", "--format", "json"], tree)
    assert result.returncode == 1, result.stderr
    assert _files(result) == {"app/pod.yaml"}
    directories = kubelint(["lint", "legacy", "kept", "app", "--force-exclude", "--format", "json"], tree)
    assert _files(directories) == {"app/pod.yaml"}
    # the fast path (pre-commit's command line) and click's agree
    slow = kubelint(["lint", *NAMED, "--force-exclude", "--jobs", "1", "--format", "json"], tree)
    assert _files(slow) == {"app/pod.yaml"}
    quick = kubelint(["lint", "--context", ".", "--force-exclude", *NAMED], tree)
    assert "app/pod.yaml" in quick.stdout and "legacy" not in quick.stdout and "kept/" not in quick.stdout


@pytest.mark.slow
def test_everything_named_excluded_passes_and_says_why(tree: Path) -> None:
    result = kubelint(["lint", "legacy/pod.yaml", "kept/pod.yaml", "--force-exclude"], tree)
    assert result.returncode == 0
    assert "2 files named left out by --force-exclude" in result.stderr


@pytest.mark.slow
def test_force_exclude_is_offered_where_it_does_something(tree: Path) -> None:
    assert "--force-exclude" in kubelint(["lint", "--help"], tree).stdout
    assert "--force-exclude" in kubelint(["helm", "--help"], tree).stdout
    assert "--force-exclude" not in kubelint(["kustomize", "--help"], tree).stdout
