"""Promise 6 of docs/security.md: `kubelint fix` never loses an edit, and no report overwrites
an input. Also promise 3 for `fix --diff`: its lines never show a secret's value.

A file that changed after kubelint read it (an editor saved it meanwhile) is skipped with a
message; a symbolic link is written through to its target; every write goes through the one
atomic writer (kubelint_py/atomic_write.py); `--output` or `--write-baseline` naming a file
that is linted is a usage error (exit 2).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint_py.cli import main
from kubelint_py.integrations import autofix
from tests.helpers import ROOT
from tests.hostile.support import lint_subprocess, no_traceback, pod

SELECT = ["--select", "privilege-escalation-allowed"]
FIXED_LINE = "allowPrivilegeEscalation: false"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUBELINT_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(pod("web"))
    yield tmp_path


def _fix(*args: str) -> int:
    return main(["fix", *args, *SELECT, "--no-plugins"])


# -- links ------------------------------------------------------------------------------------------
def test_a_linked_manifest_is_fixed_through_the_link(repo: Path) -> None:
    (repo / "link.yaml").symlink_to("deploy/web.yaml")
    (repo / "deploy" / "web.yaml").chmod(0o640)
    assert _fix("link.yaml") == 0
    assert (repo / "link.yaml").is_symlink()
    assert FIXED_LINE in (repo / "deploy" / "web.yaml").read_text()
    assert stat.S_IMODE((repo / "deploy" / "web.yaml").stat().st_mode) == 0o640
    assert sorted(p.name for p in (repo / "deploy").iterdir()) == ["web.yaml"]


# -- edits made while fix ran -----------------------------------------------------------------------
def _edit_after_planning(monkeypatch: pytest.MonkeyPatch, edit: Any) -> None:
    """The user's editor saves the file after kubelint read it and before it writes."""
    plan = autofix.plan_fixes

    def planned_then_edited(*args: Any, **kwargs: Any) -> autofix.FixResult:
        result = plan(*args, **kwargs)
        edit()
        return result

    monkeypatch.setattr(autofix, "plan_fixes", planned_then_edited)


def test_a_file_edited_while_fix_ran_keeps_the_edit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    web = repo / "deploy" / "web.yaml"
    edited = pod("web") + "# the user's edit\n"
    _edit_after_planning(monkeypatch, lambda: web.write_text(edited))
    assert _fix("deploy") == 1
    assert web.read_text() == edited
    err = capsys.readouterr().err
    assert "deploy/web.yaml: not rewritten: it changed while kubelint worked on it" in err and no_traceback(err)


def test_an_edit_of_the_same_size_and_time_is_still_seen(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web = repo / "deploy" / "web.yaml"
    before = web.stat()
    edited = pod("web").replace("busybox:1.36", "busybox:1.37")

    def same_size_and_time() -> None:
        web.write_text(edited)
        os.utime(web, ns=(before.st_atime_ns, before.st_mtime_ns))

    _edit_after_planning(monkeypatch, same_size_and_time)
    assert _fix("deploy") == 1
    assert web.read_text() == edited


def test_a_file_replaced_by_an_editor_is_not_overwritten(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editors save by writing a new file and renaming it over the old one: a new inode."""
    web = repo / "deploy" / "web.yaml"
    edited = pod("web").replace("name: web", "name: web2")

    def save_by_rename() -> None:
        (repo / "deploy" / ".web.yaml.swp").write_text(edited)
        (repo / "deploy" / ".web.yaml.swp").replace(web)

    _edit_after_planning(monkeypatch, save_by_rename)
    assert _fix("deploy") == 1
    assert web.read_text() == edited


def test_an_edit_in_place_just_before_the_rename_is_put_back(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last check passed, then the editor wrote into the file, then kubelint renamed: the
    edit went to the replaced file, so it is put back."""
    web = repo / "deploy" / "web.yaml"
    edited = pod("web") + "# saved in the last moment\n"
    rename = Path.replace

    def write_then_rename(self: Path, target: Any) -> Path:
        if Path(target) == web.resolve() or Path(target) == web:
            with web.open("w") as handle:  # in place: the same inode, as `vim` or `>` save
                handle.write(edited)
        return rename(self, target)

    monkeypatch.setattr(Path, "replace", write_then_rename)
    assert _fix("deploy") == 1
    assert web.read_text() == edited
    assert "not rewritten: it changed while kubelint worked on it" in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "deploy").iterdir()) == ["web.yaml"]


def test_unchanged_files_are_still_fixed_next_to_an_edited_one(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "deploy" / "api.yaml").write_text(pod("api"))
    web = repo / "deploy" / "web.yaml"
    _edit_after_planning(monkeypatch, lambda: web.write_text(pod("web") + "# edit\n"))
    assert _fix("deploy") == 1
    assert FIXED_LINE in (repo / "deploy" / "api.yaml").read_text()
    assert web.read_text().endswith("# edit\n")


# every way Python code can create, replace or add to a file
_WRITES = re.compile(
    r"mkstemp|os\.replace\(|\.replace\(target|\.rename\(|write_text\(|write_bytes\(|shutil\.(copy|move)"
    r"|\bopen\([^)]*[\"'][wax]b?\+?[\"']|\.open\([\"'][wax]|O_WRONLY|O_RDWR|O_CREAT"
)
# writes that are no file of the user's: stdout sent to /dev/null after a closed pipe
_NOT_FILES = {"kubelint_py/cli/console.py": ["O_WRONLY"]}


def test_every_write_goes_through_the_one_atomic_writer() -> None:
    """Reports, baselines, `init`, `fix`, the rule pages, the kustomize wrapper and the job
    summary are all written by kubelint_py/atomic_write.py; no other module writes a file."""
    found = {}
    for path in sorted((ROOT / "kubelint_py").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        writes = [m.group(0) for m in _WRITES.finditer(path.read_text(encoding="utf-8"))]
        writes = [w for w in writes if w not in _NOT_FILES.get(name, ())]
        if writes:
            found[name] = writes
    assert list(found) == ["kubelint_py/atomic_write.py"], found


# -- fix --diff never shows a secret ------------------------------------------------------------------
SECRET_AND_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: shell
      image: busybox:1.36
      env:
        - name: DB_PASSWORD
          value: s3cr3t-env-value
      securityContext:
        privileged: true
---
stringData: {password: hunter2-stringdata-value}
kind: Secret
apiVersion: v1
metadata: {name: db}
"""


def test_fix_diff_masks_secret_values_in_its_context_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "deploy" / "web.yaml").write_text(SECRET_AND_POD)
    assert main(["fix", "deploy", "--diff", "--no-plugins", "--select", "privilege-escalation-allowed"]) == 1
    out = capsys.readouterr().out
    assert "+        allowPrivilegeEscalation: false" in out and " ---\n" in out
    assert "s3cr3t-env-value" not in out and "hunter2" not in out
    assert "          value: ***" in out  # masked, not dropped: the diff still reads as YAML


# -- --output and --write-baseline never replace an input ----------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["deploy/web.yaml", "--format", "json", "--output", "deploy/web.yaml"],
        ["deploy", "--format", "json", "--output", "deploy/web.yaml"],
        ["deploy/web.yaml", "--format", "json", "--output", "hard.yaml"],
        ["deploy/web.yaml", "--format", "json", "--output", "soft.yaml"],
        ["deploy/web.yaml", "--write-baseline", "deploy/web.yaml"],
        ["other.yaml", "--context", "deploy", "--output", "deploy/web.yaml"],
    ],
)
def test_a_report_naming_an_input_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(pod("web"))
    (tmp_path / "other.yaml").write_text(pod("other"))
    os.link(tmp_path / "deploy" / "web.yaml", tmp_path / "hard.yaml")
    (tmp_path / "soft.yaml").symlink_to("deploy/web.yaml")
    run = lint_subprocess(args, tmp_path)  # and the tree is unchanged
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("kubelint: error: ") and "is one of the input files" in run.err


def test_a_report_or_baseline_of_an_earlier_run_is_replaced_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lint .` reads `.kubelint-baseline.json` and `report.json` of the last run as inputs
    (JSON files); they are kubelint's own, so writing them again is no clash (README's baseline
    workflow)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(pod("web"))
    for args in (
        [".", "--write-baseline", ".kubelint-baseline.json"],
        [".", "--baseline", ".kubelint-baseline.json", "--write-baseline", ".kubelint-baseline.json"],
        [".", "--format", "json", "--output", "report.json"],
        [".", "--format", "json", "--output", "report.json"],
        [".", "--format", "sarif", "--output", "report.json"],
        [".", "--format", "sarif", "--output", "report.json"],
    ):
        assert main(["lint", *args, "--no-plugins"]) in (0, 1), args
