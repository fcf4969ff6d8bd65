"""The everyday workflow (issue 19), through the real command line in a subprocess: input
problems whatever the selection, a bare `kubelint lint`, one document per stream, colour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from kubelint_py.model import INPUT_PROBLEMS
from tests.helpers import BROKEN, PRIVILEGED_POD, ROOT

DUPLICATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n"


def kubelint(
    args: list[str], cwd: Path, *, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`kubelint ARGS` in a fresh process, in `cwd`, without the caller's colour settings or
    configuration (HOME is `cwd`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KUBELINT", "NO_COLOR", "FORCE_COLOR"))}
    base.update({"PYTHONPATH": str(ROOT), "HOME": str(cwd), "PYTHONIOENCODING": "utf-8"})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kubelint_py", *args],
        cwd=cwd,
        env=base,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    (tmp_path / "broken.yaml").write_text(BROKEN)
    (tmp_path / "dup.yaml").write_text(DUPLICATE)
    return tmp_path


# -- defect 2: input problems whatever the selection, never in a baseline -----------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "selection",
    [
        ["--select", "privileged-container"],
        ["--select", "cluster-hardening"],
        ["--ignore", "yaml-syntax,yaml-duplicate-key,input-unreadable"],
        ["--ignore", "kubelint"],
    ],
    ids=" ".join,
)
def test_input_problems_are_reported_whatever_the_selection(repo: Path, selection: list[str]) -> None:
    (repo / "binary.yaml").write_bytes(b"\x00\x01\x02kind: x")
    result = kubelint(["lint", ".", "--format", "json", *selection], repo)
    assert result.returncode == 1, result.stderr
    found = {(f["ruleId"], f["file"]) for f in json.loads(result.stdout)["findings"]}
    assert {("yaml-syntax", "broken.yaml"), ("yaml-duplicate-key", "dup.yaml")} <= found
    assert ("input-unreadable", "binary.yaml") in found


def test_a_broken_file_alone_never_reads_as_clean(repo: Path) -> None:
    result = kubelint(["lint", "broken.yaml", "--select", "privileged-container"], repo)
    assert result.returncode == 1
    assert "No problems found" not in result.stdout and "yaml-syntax" in result.stdout


@pytest.mark.slow
def test_the_configuration_cannot_switch_input_problems_off(repo: Path) -> None:
    (repo / ".kubelint.yaml").write_text("rules: {disable: [yaml-syntax, kubelint]}\n")
    result = kubelint(["lint", "broken.yaml"], repo)
    assert result.returncode == 1 and "yaml-syntax" in result.stdout


@pytest.mark.slow
def test_a_baseline_never_records_input_problems(repo: Path) -> None:
    written = kubelint(["lint", ".", "--write-baseline", "baseline.json", "--exit-zero"], repo)
    assert written.returncode == 0, written.stderr
    recorded = {entry["ruleId"] for entry in json.loads((repo / "baseline.json").read_text())["findings"]}
    assert "privileged-container" in recorded and not recorded & INPUT_PROBLEMS
    # with the baseline the old finding is hidden, the broken files are still reported
    checked = kubelint(["lint", ".", "--baseline", "baseline.json", "--format", "json"], repo)
    active = {f["ruleId"] for f in json.loads(checked.stdout)["findings"] if not f.get("suppressed")}
    assert checked.returncode == 1 and {"yaml-syntax", "yaml-duplicate-key"} <= active
    assert "privileged-container" not in active


@pytest.mark.slow
def test_a_baseline_written_by_hand_cannot_hide_them(repo: Path) -> None:
    from kubelint_py.run import baseline as baseline_module

    report = json.loads(kubelint(["lint", "broken.yaml", "--format", "json"], repo).stdout)
    entry = report["findings"][0]
    forged = baseline_module.Baseline(
        (baseline_module.BaselineEntry("broken.yaml", "document #0", "yaml-syntax", "", entry["fingerprint"]),)
    )
    (repo / "forged.json").write_text(baseline_module.dumps(forged))
    result = kubelint(["lint", "broken.yaml", "--baseline", "forged.json"], repo)
    assert result.returncode == 1 and "yaml-syntax" in result.stdout


# -- defect 5: a bare `kubelint lint` lints the current directory ---------------------------
def test_bare_lint_lints_the_current_directory(repo: Path) -> None:
    result = kubelint(["lint", "--format", "json"], repo, stdin="")
    assert result.returncode == 1, result.stderr
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert {"pod.yaml", "broken.yaml", "dup.yaml"} <= files


@pytest.mark.slow
def test_dash_still_reads_stdin_and_stdin_filename_alone_means_stdin(repo: Path) -> None:
    piped = kubelint(["lint", "-"], repo, stdin=PRIVILEGED_POD)
    assert piped.returncode == 1 and "<stdin>:11:" in piped.stdout and "broken.yaml" not in piped.stdout
    named = kubelint(["lint", "--stdin-filename", "k8s/pod.yaml"], repo, stdin=PRIVILEGED_POD)
    assert named.returncode == 1 and "k8s/pod.yaml:11:" in named.stdout and "broken.yaml" not in named.stdout


# -- defect 6: one document per stream ---------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "formats",
    [["json", "sarif"], ["sarif", "json"], ["json", "text"], ["github", "sarif"], ["junit", "json"], ["text", "junit"]],
    ids="+".join,
)
def test_two_formats_on_stdout_with_a_document_among_them_is_a_usage_error(repo: Path, formats: list[str]) -> None:
    args = ["lint", "pod.yaml"] + [part for fmt in formats for part in ("--format", fmt)]
    result = kubelint(args, repo)
    assert result.returncode == 2
    assert "--output" in result.stderr and "stdout" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_each_document_with_its_own_output_is_fine(repo: Path) -> None:
    result = kubelint(["lint", "pod.yaml", "--format", "sarif", "--output", "k.sarif", "--format", "json"], repo)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"] and json.loads((repo / "k.sarif").read_text())["runs"]
    lines = kubelint(["lint", "pod.yaml", "--format", "text", "--format", "github"], repo)
    assert lines.returncode == 1 and "::error " in lines.stdout and "\nFound " in lines.stdout


# -- defect 7: colour -------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "env", "coloured"),
    [
        ([], {}, False),  # piped, nothing said
        (["--color"], {}, True),  # the flag colours piped output
        (["--color"], {"NO_COLOR": "1"}, True),  # the flag wins over the environment
        (["--no-color"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR before FORCE_COLOR
        ([], {"NO_COLOR": ""}, False),  # empty means unset
        ([], {"FORCE_COLOR": ""}, False),
        (["--jobs", "1"], {"FORCE_COLOR": "1"}, True),  # click's path as well as the fast one
        (["--jobs", "1", "--color"], {}, True),
    ],
)
def test_colour_flag_then_no_color_then_force_color_then_terminal(
    repo: Path, flags: list[str], env: dict[str, str], coloured: bool
) -> None:
    result = kubelint(["lint", "pod.yaml", *flags], repo, env=env)
    assert result.returncode == 1, result.stderr
    assert ("\x1b[" in result.stdout) is coloured
    assert "privileged-container" in result.stdout


@pytest.mark.slow
def test_colour_never_reaches_a_report_file_or_a_document(repo: Path) -> None:
    result = kubelint(["lint", "pod.yaml", "--color", "--format", "text", "--output", "out.txt"], repo)
    assert result.returncode == 1 and "\x1b" not in (repo / "out.txt").read_text()
    forced = kubelint(["lint", "pod.yaml", "--format", "json"], repo, env={"FORCE_COLOR": "1"})
    assert "\x1b" not in forced.stdout and json.loads(forced.stdout)["findings"]


# -- the new flags on pre-commit's fast path -----------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["lint", "--context", ".", "--force-exclude", "a.yaml", "b.yaml"],  # the pre-commit hook's entry
        ["lint", "--statistics", "a.yaml", "--force-exclude"],
    ],
    ids=" ".join,
)
def test_fast_path_takes_the_new_flags_as_click_does(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint_py.cli.argv import fast_lint_options as _fast_lint_options
    from tests.test_cli_fast_path import _click_options

    monkeypatch.delenv("_KUBELINT_COMPLETE", raising=False)
    fast = _fast_lint_options(args)
    assert fast is not None and fast == _click_options(args, monkeypatch)


@pytest.mark.slow
def test_a_duplicate_key_can_still_be_suppressed_where_it_is(repo: Path) -> None:
    """Input problems ignore the selection, not a suppression written with a reason at the line."""
    (repo / "dup.yaml").write_text(
        DUPLICATE.replace("  name: y\n", "  name: y  # kubelint: ignore[yaml-duplicate-key] legacy tool\n")
    )
    result = kubelint(["lint", "dup.yaml", "--select", "privileged-container", "--format", "json"], repo)
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout
    assert [f["ruleId"] for f in report["suppressed"]] == ["yaml-duplicate-key"] and report["findings"] == []
