"""`kubelint kustomize` / `kubelint helm` run their renderer with the network closed: a
kustomization from the tree can name remote bases, which must not be fetched."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint_py.integrations.renderers import OFFLINE_ENVIRONMENT

SHIM = """\
#!/bin/sh
# a stand-in kustomize: records the environment it was given, renders one ConfigMap
env > "$KUBELINT_TEST_ENV_OUT"
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: rendered, namespace: prod}\\ndata: {k: v}\\n'
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell shim")
def test_kustomize_runs_with_the_network_closed(tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    shim = tools / "kustomize"
    shim.write_text(SHIM)
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "resources:\n  - https://github.com/example/repo//deploy?ref=main\n  - https://example.com/pod.yaml\n"
    )
    record = tmp_path / "env.txt"
    env = {
        **os.environ,
        "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}",
        "KUBELINT_TEST_ENV_OUT": str(record),
        "HTTPS_PROXY": "http://proxy.corp.example:3128",  # the user's proxy is overridden too
        "NO_PROXY": "github.com",
    }
    run = subprocess.run(
        [sys.executable, "-m", "kubelint_py", "kustomize", "overlay", "--fail-on", "never"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    seen = dict(line.split("=", 1) for line in record.read_text().splitlines() if "=" in line)
    for name, value in OFFLINE_ENVIRONMENT.items():
        assert seen.get(name, "") == value, name
    assert seen["GIT_ALLOW_PROTOCOL"] == "file"
