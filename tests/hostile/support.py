"""Helpers of the hostile suite: run the CLI in-process or in a subprocess, checksum trees."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import pickle
import re
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kubelint_py.cli import cli
from tests.helpers import ROOT

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
"""
PRIVILEGED_LINE = 10  # line of `privileged: true` in PRIVILEGED_POD
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def pod(name: str) -> str:
    return PRIVILEGED_POD.format(name=name)


def tree_digest(root: Path) -> str:
    """Names, types, modes and contents of everything under `root` (links not followed;
    FIFOs and unreadable files by metadata only)."""
    digest = hashlib.sha256()
    pending = [root]  # iterative: hostile trees are deeper than the recursion limit
    while pending:
        directory = pending.pop()
        for path in sorted(directory.iterdir(), reverse=True):
            info = path.lstat()
            digest.update(os.fsencode(path.relative_to(root)) + f"\0{info.st_mode}\0{info.st_size}\0".encode())
            if stat.S_ISLNK(info.st_mode):
                digest.update(os.fsencode(path.readlink()))
            elif stat.S_ISDIR(info.st_mode) and os.access(path, os.R_OK | os.X_OK):
                pending.append(path)
            elif stat.S_ISREG(info.st_mode) and info.st_size > 64 * 1024 * 1024:
                digest.update(str(info.st_mtime_ns).encode())  # sparse giants: not read
            elif stat.S_ISREG(info.st_mode) and os.access(path, os.R_OK):
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
    return digest.hexdigest()


@contextmanager
def unchanged(root: Path) -> Iterator[None]:
    """The linter never modifies what it reads."""
    before = tree_digest(root)
    yield
    assert tree_digest(root) == before, f"the linter modified {root}"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def report(self) -> dict[str, Any]:
        data = json.loads(self.out)
        assert isinstance(data, dict)
        return data

    def findings(self) -> list[tuple[str, int, str]]:
        return [(f["file"], f["line"], f["ruleId"]) for f in self.report()["findings"]]


def lint_in_process(args: Sequence[str], cwd: Path, stdin: str | None = None) -> Run:
    """`kubelint lint ARGS` with click's runner, from `cwd`, the tree checked unchanged."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with unchanged(cwd):
            result = CliRunner().invoke(cli, ["lint", *args], input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.stdout, result.stderr)


# Linux capabilities that let root ignore file modes (capability.h): without them root is held
# to the owner bits of its own files, as any user is.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_CAPABILITY_VERSION_3 = 0x20080522


def _drop_file_mode_override() -> None:
    """In this process, give up root's right to ignore file modes (capset(2), by ctypes)."""

    class Header(ctypes.Structure):
        _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))

    class Data(ctypes.Structure):
        _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(_CAPABILITY_VERSION_3, 0), (Data * 2)()
    keep = ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH)) & 0xFFFFFFFF
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    data[0].effective &= keep
    data[0].permitted &= keep
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def lint_held_to_file_modes(args: Sequence[str], cwd: Path) -> Run:
    """`lint_in_process`, where file modes deny what they say even when the suite runs as root
    (as CI does): there it runs in a forked child that has dropped the capabilities to ignore
    them, so a chmod 000 file is unreadable to it."""
    if not IS_ROOT:
        return lint_in_process(args, cwd)
    if not sys.platform.startswith("linux"):
        pytest.skip("running as root where capabilities cannot be dropped: file modes are not enforced")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop, lint, send the result back, never return into pytest
        code = 1
        try:
            os.close(read)
            _drop_file_mode_override()
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(lint_in_process(args, cwd), pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data, "the child without file-mode override failed"
    run = pickle.loads(data)
    assert isinstance(run, Run)
    return run


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBELINT", "PYTHON"))}
    env["PYTHONPATH"] = str(ROOT)
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def lint_subprocess(
    args: Sequence[str], cwd: Path, *, timeout: float = 120, env: Mapping[str, str] | None = None
) -> Run:
    """`python -m kubelint_py lint ARGS` in a real process, the tree checked unchanged."""
    with unchanged(cwd):
        proc = subprocess.run(
            [sys.executable, "-m", "kubelint_py", "lint", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=dict(env or child_env()),
            timeout=timeout,
            check=False,
        )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def no_traceback(text: str) -> bool:
    """No traceback and no Python exception name (`RecursionError: ...`) in `text`."""
    return "Traceback" not in text and re.search(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Interrupt)\b", text) is None
