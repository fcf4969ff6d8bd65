"""Bounded, end to end: a tree full of oversized and explosive files lints within seconds and
a few hundred MB, each file gets its `input-too-large` finding on the right line, and the
real manifests around them are still linted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.support import PRIVILEGED_LINE, child_env, pod, tree_digest
from tests.hostile.test_limits import laughs


def explosive_tree(root: Path) -> dict[str, int]:
    """Write the tree; return {file: expected line of its input-too-large finding}."""
    expected: dict[str, int] = {}
    (root / "good.yaml").write_text(pod("good"))
    (root / "laughs.yaml").write_text(pod("before") + "---\n" + laughs("bomb", levels=9))
    expected["laughs.yaml"] = 18  # `c: &c [*b,...]`, where aliases make the document excessive
    (root / "many-bombs.yaml").write_text("---\n".join(laughs(f"n{i}", levels=7) for i in range(300)))
    (root / "deep-flow.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " + "[" * 200_000 + "]" * 200_000 + "\n"
    )
    expected["deep-flow.yaml"] = 5
    block = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deepb}\ndata:\n"
    block += "".join("  " * (i + 1) + f"k{i}:\n" for i in range(1000)) + "  " * 1001 + "v\n"
    (root / "deep-block.yaml").write_text(block)
    expected["deep-block.yaml"] = 204  # level 201 of nesting starts on this line
    (root / "documents.yaml").write_text("---\na: 1\n" * 1_000_000)  # 9 MB of tiny documents
    expected["documents.yaml"] = 100_001
    (root / "scalar.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: " + "x" * 6_000_000 + "\n"
    )
    expected["scalar.yaml"] = 5
    with (root / "size.yaml").open("w") as handle:
        handle.write("# padding\n" * 2_200_000)  # 22 MB, over the 20 MiB limit
    expected["size.yaml"] = 1
    with (root / "huge-sparse.yaml").open("wb") as handle:
        handle.truncate(16 * 1024**3)
    (root / "after.yaml").write_text(pod("after"))
    return expected


@pytest.mark.slow
def test_a_tree_of_explosive_files_lints_in_seconds_and_bounded_memory(tmp_path: Path) -> None:
    expected = explosive_tree(tmp_path)
    before = tree_digest(tmp_path)
    out = tmp_path.parent / f"{tmp_path.name}-report.json"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kubelint_py", "lint", ".", "--format", "json", "--output", str(out)],
        cwd=tmp_path,
        env=child_env(),
        stderr=subprocess.PIPE,
    )
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        proc.returncode = 0
    elapsed = time.monotonic() - started
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert os.waitstatus_to_exitcode(status) == 1, err
    assert elapsed < 60, f"took {elapsed:.1f} s"  # about 2 s here; generous for shared CI machines
    assert usage.ru_maxrss < 400 * 1024, f"{usage.ru_maxrss // 1024} MB"  # KiB on Linux; about 100 MB here
    assert tree_digest(tmp_path) == before

    import json

    report = json.loads(out.read_text())
    too_large: dict[str, list[int]] = {}
    for finding in report["findings"]:
        if finding["ruleId"] == "input-too-large":
            too_large.setdefault(finding["file"], []).append(finding["line"])
    for file, line in expected.items():
        assert too_large.get(file) == [line], (file, too_large.get(file))
    assert len(too_large["many-bombs.yaml"]) == 300
    assert {e["file"] for e in report["errors"]} == {"huge-sparse.yaml"}
    privileged = {(f["file"], f["line"]) for f in report["findings"] if f["ruleId"] == "privileged-container"}
    assert privileged == {
        ("good.yaml", PRIVILEGED_LINE),
        ("after.yaml", PRIVILEGED_LINE),
        ("laughs.yaml", PRIVILEGED_LINE),
    }
