"""Faults: a failing rule is isolated, SIGINT exits 130, a full disk or a closed stdout ends
with one plain line, and `--output` is atomic (a failure leaves the old file and no debris)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.model import Severity
from kubelint_py.registry.registry import Registry, build_registry
from kubelint_py.rule_api import Document, RuleContext, Violation, rule
from kubelint_py.run import pipeline
from tests.hostile.support import (
    PRIVILEGED_LINE,
    child_env,
    lint_held_to_file_modes,
    lint_in_process,
    lint_subprocess,
    no_traceback,
    pod,
)


@rule(
    id="hostile/always-raises",
    title="A plugin rule with a bug",
    document="cluster-hardening",
    severity=Severity.WARNING,
    rationale="Raises on every Pod, to prove rule failures are isolated.",
    remediation="None.",
    examples=("apiVersion: v1\nkind: Pod\n", "apiVersion: v1\nkind: Service\n"),
    kinds=("Pod",),
)
def always_raises(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield Violation("reached before the failure", ("metadata",))
    raise ValueError("bad state in the plugin")


def registry_with_broken_plugin(**_: Any) -> Registry:
    registry = build_registry(plugins=False)
    registry.add(always_raises, "test plugin")
    return registry


def test_a_rule_that_raises_is_an_internal_error_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "build_registry", registry_with_broken_plugin)
    (tmp_path / "pods.yaml").write_text(pod("one") + "---\n" + pod("two"))
    run = lint_in_process([".", "--format", "json"], tmp_path)
    assert run.code == 2 and no_traceback(run.err), run.err
    internal = [f for f in run.report()["findings"] if f["ruleId"] == "internal-error"]
    assert [(f["file"], f["line"]) for f in internal] == [("pods.yaml", 1), ("pods.yaml", 12)]
    for finding, name in zip(internal, ("one", "two"), strict=True):
        assert "hostile/always-raises" in finding["message"] and f"Pod {name}" in finding["message"]
    # every other rule still ran on both objects, and the findings made before the failure stay
    assert ("pods.yaml", PRIVILEGED_LINE, "privileged-container") in run.findings()
    assert ("pods.yaml", 11 + PRIVILEGED_LINE, "privileged-container") in run.findings()
    assert sum(1 for f in run.findings() if f[2] == "hostile/always-raises") == 2
    assert run.report()["summary"]["exitCode"] == 2


def test_debug_lets_the_rule_exception_propagate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "build_registry", registry_with_broken_plugin)
    (tmp_path / "pod.yaml").write_text(pod("one"))
    with pytest.raises(ValueError, match="bad state"):
        lint_in_process(["pod.yaml", "--debug"], tmp_path)


def test_internal_error_messages_do_not_echo_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    @rule(
        id="hostile/leaks",
        title="A rule that fails on a value",
        document="cluster-hardening",
        severity=Severity.WARNING,
        rationale="x",
        remediation="x",
        examples=("apiVersion: v1\nkind: Secret\n", "apiVersion: v1\nkind: Service\n"),
        kinds=("Secret",),
    )
    def leaks(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        data = doc.data.get("stringData")
        int(str(data.get("password") if isinstance(data, dict) else ""))  # ValueError quoting the value
        return iter(())

    def registry(**_: Any) -> Registry:
        built = build_registry(plugins=False)
        built.add(leaks, "test plugin")
        return built

    monkeypatch.setattr(pipeline, "build_registry", registry)
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2-do-not-print}\n"
    )
    run = lint_in_process(["s.yaml", "--format", "json"], tmp_path)
    assert run.code == 2
    assert "hunter2" not in run.out


def big_tree(root: Path, files: int) -> None:
    text = "---\n".join(pod(f"p{i}") for i in range(20))
    for number in range(files):
        (root / f"many-{number:04}.yaml").write_text(text)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["process", "group"])
def test_sigint_exits_130_without_a_traceback(tmp_path: Path, target: str) -> None:
    """`kill -INT pid`, and Ctrl-C, which signals the whole process group, including the
    processes forked to check rules in parallel: one line, exit 130, no process left."""
    big_tree(tmp_path, 1500)  # 30,000 documents: far more than the seconds before the signal
    proc = subprocess.Popen(
        [sys.executable, "-m", "kubelint_py", "lint", ".", "--format", "json"],
        cwd=tmp_path,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(2.0 if target == "process" else 3.5)
    assert proc.poll() is None, "finished before the interrupt: make the tree bigger"
    if target == "process":
        proc.send_signal(signal.SIGINT)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip() == "kubelint: interrupted", err  # click adds a newline before it
    assert out == ""  # no half report
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True, check=False)
    assert left.stdout.split() == [], "processes left behind"


@pytest.mark.slow
def test_closed_stdout_ends_cleanly(tmp_path: Path) -> None:
    big_tree(tmp_path, 10)
    for fmt in ("text", "json", "github", "sarif"):
        proc = subprocess.run(
            f"{sys.executable} -m kubelint_py lint . --format {fmt} | head -1; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            cwd=tmp_path,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode in (0, 1), (fmt, proc.returncode, proc.stderr)
        assert proc.stderr == "" and len(proc.stdout.splitlines()) == 1, (fmt, proc.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_full_disk_output_file_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("one"))
    before = Path("/dev/full").stat()
    run = lint_subprocess(["pod.yaml", "--output", "/dev/full"], tmp_path)
    assert run.code == 2 and run.out == "", run
    assert run.err == "kubelint: error: cannot write /dev/full: no space left on device\n"
    after = Path("/dev/full").stat()  # still the device: not replaced by a renamed report
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_full_disk_stdout_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("one"))
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "kubelint_py", "lint", "pod.yaml"],
            cwd=tmp_path,
            env=child_env(),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 2
    assert proc.stderr == "kubelint: error: cannot write the report: no space left on device\n"


def test_output_to_a_device_or_through_a_link_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("one"))
    out_dir = tmp_path.parent / f"{tmp_path.name}-out"
    out_dir.mkdir()
    (out_dir / "link.json").symlink_to("real.json")
    run = lint_in_process(["pod.yaml", "--format", "json", "--output", str(out_dir / "link.json")], tmp_path)
    assert run.code == 1
    assert (out_dir / "link.json").is_symlink() and '"privileged-container"' in (out_dir / "real.json").read_text()
    assert (out_dir / "real.json").stat().st_mode & 0o044 == 0o044 & ~_umask()  # not mkstemp's 0600


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_failed_output_write_leaves_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pod.yaml").write_text(pod("one"))
    out_dir = tmp_path.parent / f"{tmp_path.name}-out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    report.write_text("previous report\n")

    def disk_full(self: Path, target: Any) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "replace", disk_full)
    run = lint_in_process(["pod.yaml", "--format", "json", "--output", str(report)], tmp_path)
    assert run.code == 2 and run.err == f"kubelint: error: cannot write {report}: no space left on device\n"
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.json"]


def test_output_into_a_read_only_directory(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(pod("one"))
    out_dir = tmp_path.parent / f"{tmp_path.name}-ro"
    out_dir.mkdir()
    out_dir.chmod(0o555)
    try:
        run = lint_held_to_file_modes(["pod.yaml", "--output", str(out_dir / "r.txt")], tmp_path)
    finally:
        out_dir.chmod(0o755)
    assert run.code == 2 and "permission denied" in run.err and list(out_dir.iterdir()) == []


@pytest.mark.slow
def test_concurrent_runs_writing_one_report_leave_one_whole_report(tmp_path: Path) -> None:
    """kubelint keeps no cache; the one shared file concurrent runs can touch is --output,
    and its atomic replacement leaves one complete report and no temporary files."""
    big_tree(tmp_path, 20)
    out_dir = tmp_path.parent / f"{tmp_path.name}-out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kubelint_py", "lint", ".", "--format", "json", "--output", str(report)],
            cwd=tmp_path,
            env=child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and err == "", err
    import json

    assert json.loads(report.read_text())["summary"]["objectsScanned"] == 400
    assert [p.name for p in out_dir.iterdir()] == ["report.json"]
