"""End-to-end CLI tests: click's runner (in-process) and a real subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import kubelint_py
from kubelint_py.cli import cli, main
from tests.helpers import BROKEN, PRIVILEGED_POD, ROOT
from tests.sarif_check import check_sarif_file

WORKFLOW = "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small repository; the test fails if the linter changes any file in it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(PRIVILEGED_POD)
    (tmp_path / "deploy" / "broken.yaml").write_text(BROKEN)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    before = _tree_digest(tmp_path)
    yield tmp_path
    assert _tree_digest(tmp_path) == before, "the linter modified the linted tree"


def run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_done_when_scenario_text(project: Path) -> None:
    code, out, _ = run(["lint", "."])
    assert code == 1
    assert "deploy/pod.yaml:11:9: error privileged-container" in out
    assert "deploy/broken.yaml:5:" in out and "yaml-syntax" in out
    assert "ci.yml" not in out


def test_done_when_scenario_sarif_passes_the_checker(project: Path) -> None:
    code, _, _ = run(["lint", ".", "--format", "sarif", "--output", "../out.sarif"])
    assert code == 1
    verdict = check_sarif_file(project.parent / "out.sarif", repo_root=project)
    assert verdict.ok and not verdict.warnings, str(verdict)
    sarif = json.loads((project.parent / "out.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results} >= {
        ("privileged-container", 11)
    }


def test_done_when_scenario_json_validates(project: Path) -> None:
    from jsonschema import Draft202012Validator

    code, out, _ = run(["lint", ".", "--format", "json"])
    assert code == 1
    report = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    Draft202012Validator(schema).validate(report)
    assert report["summary"]["exitCode"] == 1
    assert {f["ruleId"] for f in report["findings"]} >= {"privileged-container", "yaml-syntax"}
    assert not any("ci.yml" in f["file"] for f in report["findings"])


def test_multiple_formats_in_one_run(project: Path) -> None:
    code, out, _ = run(["lint", "deploy", "--format", "sarif", "--output", "../r.sarif", "--format", "github"])
    assert code == 1
    assert out.startswith("::error file=deploy/")
    assert json.loads((project.parent / "r.sarif").read_text())["version"] == "2.1.0"


def test_exit_codes(project: Path) -> None:
    assert run(["lint", "deploy/pod.yaml", "--fail-on", "never"])[0] == 0
    assert run(["lint", "deploy/pod.yaml", "--exit-zero"])[0] == 0
    assert (
        run(["lint", "deploy/pod.yaml", "--select", "privileged-container", "--ignore", "privileged-container"])[0] == 0
    )
    assert run(["lint", "deploy/pod.yaml", "--select", "privileged-container", "--fail-on", "error"])[0] == 1
    assert run(["lint", "deploy/pod.yaml", "--select", "cluster-hardening,yaml-syntax"])[0] == 1


def test_missing_path_exits_2_naming_it(project: Path) -> None:
    code, _, err = run(["lint", "nope.yaml"])
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err


def test_unknown_rule_exits_2(project: Path) -> None:
    code, _, err = run(["lint", ".", "--select", "no-such-rule"])
    assert code == 2 and "no-such-rule" in err


def test_empty_directory(project: Path) -> None:
    (project / "empty").mkdir()
    code, _, err = run(["lint", "empty"])
    assert code == 0 and "no Kubernetes objects found" in err
    (project / "empty").rmdir()


def test_stdin(project: Path) -> None:
    code, out, _ = run(["lint", "-"], stdin=PRIVILEGED_POD)
    assert code == 1 and "<stdin>:11:9" in out
    code, out, _ = run(["lint", "-", "--stdin-filename", "deploy/pod.yaml"], stdin=PRIVILEGED_POD)
    assert "deploy/pod.yaml:11:9" in out
    assert run(["lint", "-"], stdin="")[0] == 0


def test_unwritable_output_exits_2_and_writes_nothing(project: Path) -> None:
    code, _, err = run(["lint", ".", "--output", "missing-dir/report.txt"])
    assert code == 2 and "missing-dir" in err


def test_bad_config_exits_2_naming_key(project: Path) -> None:
    (project / ".kubelint.yaml").write_text("rulez: {}\n")
    try:
        code, _, err = run(["lint", "."])
        assert code == 2 and ".kubelint.yaml" in err and "rulez" in err and "allowed" in err
    finally:
        (project / ".kubelint.yaml").unlink()


def test_config_severity_and_exemptions(project: Path) -> None:
    (project / ".kubelint.yaml").write_text(
        "rules:\n  severity: {privileged-container: info}\nfailOn: warning\n"
        "exemptions:\n  - {rules: [yaml-syntax], paths: ['deploy/broken.yaml'], reason: fixture}\n"
    )
    try:
        code, out, _ = run(["lint", "deploy", "--format", "json", "--select", "privileged-container,yaml-syntax"])
        report = json.loads(out)
        assert code == 0, out
        assert [f["severity"] for f in report["findings"]] == ["info"]
        assert [f["ruleId"] for f in report["suppressed"]] == ["yaml-syntax"]
    finally:
        (project / ".kubelint.yaml").unlink()


def test_annotation_and_inline_suppression(project: Path) -> None:
    suppressed = PRIVILEGED_POD.replace(
        "  namespace: tools\n",
        "  namespace: tools\n  annotations:\n    ignore.kubelint.io/privileged-container: node debugging\n",
    )
    (project / "s1.yaml").write_text(suppressed)
    inline = PRIVILEGED_POD.replace(
        "privileged: true", "privileged: true  # kubelint: ignore[privileged-container] break-glass"
    )
    (project / "s2.yaml").write_text(inline)
    try:
        code, out, _ = run(["lint", "s1.yaml", "s2.yaml", "--format", "json", "--select", "privileged-container"])
        report = json.loads(out)
        assert code == 0, out
        assert sorted(f["suppression"]["kind"] for f in report["suppressed"]) == ["annotation", "inline"]
    finally:
        (project / "s1.yaml").unlink()
        (project / "s2.yaml").unlink()


def test_context_is_loaded_but_not_reported(project: Path) -> None:
    _, out, _ = run(["lint", "deploy/broken.yaml", "--context", "deploy", "--format", "json"])
    report = json.loads(out)
    assert {f["file"] for f in report["findings"]} == {"deploy/broken.yaml"}


def test_rules_and_explain() -> None:
    code, out, _ = run(["rules", "--format", "json"])
    rules = json.loads(out)
    assert code == 0 and any(r["id"] == "privileged-container" for r in rules)
    code, out, _ = run(["rules", "--document", "cluster-hardening"])
    assert code == 0 and "privileged-container" in out
    code, out, _ = run(["explain", "privileged-container"])
    assert code == 0 and "privileged: true" in out
    code, _, err = run(["explain", "privileged-containr"])
    assert code == 2 and "privileged-container" in err


def test_main_returns_codes_without_systemexit(project: Path) -> None:
    assert main(["lint", "deploy/pod.yaml", "--quiet"]) == 1
    assert main(["--version"]) == 0
    assert main(["lint", "--fail-on", "sometimes", "."]) == 2


def test_real_subprocess(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", ".", "--format", "github"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "::error file=deploy/pod.yaml,line=11" in proc.stdout
    assert "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", "does-not-exist"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2 and "does-not-exist" in proc.stderr and "Traceback" not in proc.stderr


def test_closed_stdout_pipe_exits_quietly(project: Path) -> None:
    for n in range(40):
        (project / f"many-{n}.yaml").write_text(PRIVILEGED_POD)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            f"{sys.executable} -m kubelint_py lint . | head -1",
            shell=True,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )
        assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    finally:
        for n in range(40):
            (project / f"many-{n}.yaml").unlink()


@pytest.mark.parametrize(
    ("redirect", "code", "says"),
    [
        ("", 1, ""),  # the whole report, then the exit without freeing the run
        (">&-", 1, ""),  # stdout closed when the program starts
        ("2>&-", 1, ""),  # stderr closed
        (">&- 2>&-", 1, ""),
        ("> /dev/full", 2, "no space left on device"),
    ],
)
def test_the_program_ends_with_its_exit_code_and_its_output_flushed(
    project: Path, redirect: str, code: int, says: str
) -> None:
    """As the program, kubelint leaves the process without freeing what the run built
    (cli.main._end_program), once stdout and stderr are flushed; streams that are closed or
    cannot be written are reported as before, and never with a traceback."""
    if redirect == "> /dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m kubelint_py lint . --format json {redirect}"
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr and says in proc.stderr
    if not redirect:
        assert json.loads(proc.stdout)["summary"]["exitCode"] == code  # every byte came out


def test_the_program_skips_the_interpreters_teardown(project: Path) -> None:
    """Freeing a run's objects is left to the operating system: no exit handler runs after the
    program (kubelint registers none), and main(argv), as the tests call it, still returns."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
        "from kubelint_py.cli import main\n"
        "assert main(['lint', '.']) == 1\n"  # called with arguments: returns
        "sys.argv = ['kubelint', 'lint', '.']\n"
        "main()\n"  # the program: exits here
        "print('not reached', file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert "torn down" not in proc.stderr and "not reached" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.count("\nFound ") == 2  # both reports, whole


def test_broken_context_files_are_not_reported(project: Path) -> None:
    code, out, _ = run(["lint", "deploy/pod.yaml", "--context", "deploy", "--format", "json"])
    report = json.loads(out)
    assert code == 1
    assert {f["file"] for f in report["findings"]} == {"deploy/pod.yaml"}  # not deploy/broken.yaml


def test_the_version_is_the_installed_packages() -> None:
    """kubelint_py.__version__ is where the version is written; the package metadata takes it."""
    from importlib.metadata import version as installed

    assert kubelint_py.version() == kubelint_py.__version__ == installed("kubelint-py")
