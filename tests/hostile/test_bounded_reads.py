"""Promise 2 of docs/security.md, for reads: every read has the limits of the inputs.

`--show-source`, the mapping of rendered output, the baseline, the configuration and stdin
read only regular files (a FIFO cannot block them, `/dev/zero` cannot fill the memory) and at
most `limits.maxFileBytes` of each. The runs here have 1 GiB of address space: a whole-file read
of a sparse 4 GiB file, or of `/dev/zero`, ended in MemoryError and the report was lost.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pytest

from tests.hostile.support import Run, child_env, lint_subprocess, no_traceback, pod

ADDRESS_SPACE = 1 << 30
GIANT = 4 * 1024**3


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def lint(args: Sequence[str], cwd: Path, *, stdin: IO[bytes] | None = None, timeout: float = 60) -> Run:
    """`kubelint lint ARGS` in a process with 1 GiB of address space."""
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", *args],
        cwd=cwd,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        env=child_env(),
        timeout=timeout,
        check=False,
        preexec_fn=_limited,
    )
    run = Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    assert no_traceback(run.err) and "internal error" not in run.err, run.err
    return run


def _sparse(path: Path, size: int = GIANT) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


# -- --show-source --------------------------------------------------------------------------------
def test_show_source_of_a_sparse_giant_keeps_the_report(tmp_path: Path) -> None:
    _sparse(tmp_path / "big.yaml")
    (tmp_path / "pod.yaml").write_text(pod("web"))
    run = lint(["big.yaml", "pod.yaml", "--show-source"], tmp_path)
    assert run.code == 1
    assert "big.yaml:1:1:" in run.out and "pod.yaml:10:" in run.out and "privileged: true" in run.out


def test_show_source_of_a_link_to_dev_zero_keeps_the_report(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "pod.yaml").write_text(pod("web"))
    run = lint(["zero.yaml", "pod.yaml", "--show-source"], tmp_path)
    assert "zero.yaml:1:1:" in run.out and "privileged: true" in run.out


# -- the mapping of rendered output -------------------------------------------------------------
def _rendered(origin_path: str) -> str:
    return pod("web").replace(
        "metadata:\n  name: web\n",
        f"metadata:\n  name: web\n  annotations:\n    config.kubernetes.io/origin: |\n      path: {origin_path}\n",
    )


def test_an_origin_file_over_the_limit_is_not_read(tmp_path: Path) -> None:
    _sparse(tmp_path / "pod.yaml")
    (tmp_path / "rendered.yaml").write_text(_rendered("pod.yaml"))
    run = lint(["rendered.yaml", "--select", "privileged-container", "--format", "json"], tmp_path)
    assert run.code == 1
    assert [f["file"] for f in json.loads(run.out)["findings"]] == ["rendered.yaml"]


def test_an_env_file_that_is_a_fifo_does_not_hang_the_mapping(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "flags.env")
    (tmp_path / "kustomization.yaml").write_text("configMapGenerator:\n  - name: flags\n    envs:\n      - flags.env\n")
    (tmp_path / "rendered.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags-5h2k8m9b4c\n  annotations:\n"
        "    config.kubernetes.io/origin: |\n      configuredIn: kustomization.yaml\n      configuredBy:\n"
        "        apiVersion: builtin\n        kind: ConfigMapGenerator\n        name: flags\n"
        "data:\n  DB_PASSWORD: hunter2\n"
    )
    run = lint(["rendered.yaml", "--select", "secret-key-in-configmap", "--format", "json"], tmp_path, timeout=60)
    assert run.code == 1
    assert {f["file"] for f in json.loads(run.out)["findings"]} == {"kustomization.yaml"}


# -- the baseline and the configuration ---------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "sparse"])
def test_a_baseline_that_is_no_regular_file_or_too_large_is_refused(tmp_path: Path, kind: str) -> None:
    baseline = tmp_path / "baseline.json"
    if kind == "dev-zero":
        baseline.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(baseline)
    else:
        _sparse(baseline)
    (tmp_path / "pod.yaml").write_text(pod("web"))
    run = lint(["pod.yaml", "--baseline", "baseline.json"], tmp_path, timeout=60)
    assert run.code == 2
    reason = "over the limit" if kind == "sparse" else "not a regular file"
    assert run.err.startswith("kubelint: error: baseline.json: ") and reason in run.err, run.err


def test_a_sparse_giant_configuration_is_refused(tmp_path: Path) -> None:
    _sparse(tmp_path / ".kubelint.yaml")
    (tmp_path / "pod.yaml").write_text(pod("web"))
    run = lint(["pod.yaml"], tmp_path)
    assert run.code == 2 and ".kubelint.yaml" in run.err and "bytes; not read" in run.err


# -- stdin --------------------------------------------------------------------------------------
def test_stdin_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """200 MB on stdin: at most maxFileBytes + 1 is held, and the input is reported too large."""
    source = _sparse(tmp_path / "stdin.bin", 200 * 1024 * 1024)
    (tmp_path / ".kubelint.yaml").write_text("settings:\n  limits: {maxFileBytes: 1048576}\n")
    out = tmp_path / "report.json"
    with source.open("rb") as stdin:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kubelint_py", "lint", "-", "--format", "json", "--output", str(out)],
            cwd=tmp_path,
            stdin=stdin,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            assert proc.stderr is not None
            err = proc.stderr.read().decode()
            proc.stderr.close()
            proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 1 and no_traceback(err), err
    assert [f["ruleId"] for f in json.loads(out.read_text())["findings"]] == ["input-too-large"]
    assert usage.ru_maxrss < 100 * 1024, f"peak RSS {usage.ru_maxrss // 1024} MiB"  # KiB on Linux


# -- helm template / kustomize build output -----------------------------------------------------------
def test_a_renderer_writing_without_end_is_stopped_at_the_limit() -> None:
    """A chart decides how much `helm template` writes (`range until 100000000`); the stream
    is held in memory to be linted, so it is read up to a limit and the tool is stopped."""
    from kubelint_py.integrations.renderers import RenderError, _run

    with pytest.raises(RenderError, match="wrote more than 1 MiB; not linted"):
        _run(["yes", "kind: Pod"], None, 60, "helm template charts/web", max_bytes=1 << 20)
    assert _run([sys.executable, "-c", "print('kind: Pod')"], None, 60, "python") == "kind: Pod\n"
    with pytest.raises(RenderError, match=r"failed \(exit 3\): boom"):
        _run([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"], None, 60, "python")


# -- custom rules ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_custom_rule_files_that_are_fifos_or_devices_are_not_read(tmp_path: Path) -> None:
    rules = tmp_path / "policy"
    rules.mkdir()
    os.mkfifo(rules / "pipe.yaml")
    (rules / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "pod.yaml").write_text(pod("web"))
    run = lint(["pod.yaml", "--rules", "policy"], tmp_path, timeout=60)
    assert run.code == 1, run.err
    (tmp_path / ".kubelint.yaml").write_text("customRules: [policy/pipe.yaml]\n")
    run = lint(["pod.yaml"], tmp_path, timeout=60)
    assert run.code == 2 and "policy/pipe.yaml: custom rules file is not a regular file" in run.err


def test_command_line_globs_do_not_follow_link_loops(tmp_path: Path) -> None:
    # two links to `.` made glob.glob's `**` walk 2**depth paths: the run never finished
    tree = tmp_path / "deploy"
    tree.mkdir()
    (tree / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n")
    for name in ("loop-a", "loop-b", "loop-c"):
        (tree / name).symlink_to(".")
    run = lint_subprocess(["deploy/**/*.yaml", "--format", "json", "--fail-on", "never"], tmp_path, timeout=60)
    assert run.code == 0, run.err
    assert run.report()["summary"]["filesScanned"] == 1
