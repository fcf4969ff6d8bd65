"""Nothing lost: every readable file's findings are reported whatever sits next to it, and
every input that cannot be read is named, with its reason, in the report's `errors` and as
an `input-unreadable` finding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.support import PRIVILEGED_LINE, lint_held_to_file_modes, lint_in_process, no_traceback, pod

BROKEN_MIDDLE = (
    pod("first")
    + "---\nmetadata: {name: [unclosed\n---\n"
    + pod("third")
    + "---\n\t\tbad: indentation\n---\n"
    + pod("fifth")
)


def hostile_neighbours(root: Path) -> dict[str, str]:
    """Write good manifests among bad neighbours; return {unreadable path: expected reason}."""
    (root / "a-good.yaml").write_text(pod("a"))
    (root / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    (root / "elf.yml").write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)
    (root / "latin1.yaml").write_bytes(pod("latin").encode() + b"# caf\xe9\n")
    (root / "utf16.yaml").write_bytes(pod("utf16").encode("utf-16"))
    (root / "utf16be.yaml").write_bytes(pod("utf16be").encode("utf-16-be"))
    (root / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + pod("bom").encode())
    (root / "broken.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": ')
    (root / "multi.yaml").write_text(BROKEN_MIDDLE)
    (root / "empty.yaml").write_text("")
    (root / "loop-a.yaml").symlink_to("loop-b.yaml")
    (root / "loop-b.yaml").symlink_to("loop-a.yaml")
    (root / "dangling.yaml").symlink_to("nowhere.yaml")
    os.mkfifo(root / "fifo.yaml")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")  # a directory loop
    (root / "sub" / "z-good.yaml").write_text(pod("z"))
    (root / "alias").symlink_to("sub")  # another name for sub/: linted once, no error
    with (root / "sparse.yaml").open("wb") as handle:
        handle.truncate(4 * 1024**3)  # 4 GiB of holes: must not be read into memory
    return {
        "loop-a.yaml": "symbolic link loop",
        "loop-b.yaml": "symbolic link loop",
        "dangling.yaml": "dangling symbolic link",
        "fifo.yaml": "FIFO",
        "alias/up": "symbolic link loop",  # alias/ sorts before sub/
        "binary.yaml": "binary",
        "elf.yml": "binary",
        "latin1.yaml": "not valid UTF-8 text (byte",
        "sparse.yaml": "MiB",
    }


def test_every_readable_file_is_linted_and_every_unreadable_one_is_named(tmp_path: Path) -> None:
    unreadable = hostile_neighbours(tmp_path)
    run = lint_in_process([".", "--format", "json"], tmp_path)
    assert run.code == 1 and no_traceback(run.err), run.err
    report = run.report()
    privileged = {f for f, line, rule in run.findings() if rule == "privileged-container" and line % 10 == 0}
    assert privileged == {
        "a-good.yaml",
        "utf16.yaml",
        "utf16be.yaml",
        "bom.yaml",
        "multi.yaml",
        "alias/z-good.yaml",
    }, privileged
    errors = {e["file"]: e["message"] for e in report["errors"]}
    assert set(errors) == set(unreadable), errors
    for file, reason in unreadable.items():
        assert reason in errors[file], (file, errors[file])
    by_file = {(f["file"], f["ruleId"]): f for f in report["findings"]}
    for file in unreadable:
        finding = by_file[(file, "input-unreadable")]
        assert finding["line"] == 1 and finding["message"], finding
    assert "binary" in by_file[("binary.yaml", "input-unreadable")]["message"]
    assert "line 11" in by_file[("latin1.yaml", "input-unreadable")]["message"]  # where the bad byte is
    assert ("broken.json", "yaml-syntax") in by_file
    assert report["summary"]["objectsScanned"] == 8
    assert not any(f.startswith("sub/") for f, _, _ in run.findings())  # sub/ is the same directory as alias/


def test_broken_documents_in_the_middle_hide_nothing(tmp_path: Path) -> None:
    (tmp_path / "multi.yaml").write_text(BROKEN_MIDDLE)
    run = lint_in_process(["multi.yaml", "--format", "json", "--select", "privileged-container,yaml-syntax"], tmp_path)
    assert sorted(run.findings()) == [
        ("multi.yaml", PRIVILEGED_LINE, "privileged-container"),
        ("multi.yaml", 12, "yaml-syntax"),
        ("multi.yaml", 14 + PRIVILEGED_LINE - 1, "privileged-container"),
        ("multi.yaml", 25, "yaml-syntax"),
        ("multi.yaml", 27 + PRIVILEGED_LINE - 1, "privileged-container"),
    ]


def test_permission_denied_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(pod("good"))
    secret = tmp_path / "secret.yaml"
    secret.write_text(pod("secret"))
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.yaml").write_text(pod("inside"))
    secret.chmod(0)
    locked.chmod(0)
    try:
        run = lint_held_to_file_modes([".", "--format", "json"], tmp_path)
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    errors = {e["file"]: e["message"] for e in run.report()["errors"]}
    assert errors == {"secret.yaml": "permission denied", "locked": "directory cannot be read: permission denied"}
    assert ("good.yaml", PRIVILEGED_LINE, "privileged-container") in run.findings()
    assert ("secret.yaml", 1, "input-unreadable") in run.findings()


@pytest.mark.slow
def test_a_directory_tree_thousands_deep(tmp_path: Path) -> None:
    """The walk is iterative: 1,500 nested directories are no RecursionError."""
    deep = tmp_path
    os.chdir(tmp_path)
    try:
        for _ in range(1500):
            Path("d").mkdir()
            os.chdir("d")
        Path("pod.yaml").write_text(pod("deep"))
        deep = Path.cwd()
    finally:
        os.chdir(Path(__file__).parent)
    (tmp_path / "top.yaml").write_text(pod("top"))
    try:
        run = lint_in_process([".", "--format", "json", "--select", "privileged-container"], tmp_path)
        assert run.code == 1 and no_traceback(run.err), run.err
        files = {f for f, _, _ in run.findings()}
        assert "top.yaml" in files and any(f.endswith("/d/pod.yaml") and f.count("/") == 1500 for f in files)
    finally:  # shutil.rmtree (pytest's cleanup) recurses per level
        (deep / "pod.yaml").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


def test_named_unreadable_paths_are_errors_too(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(pod("good"))
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    run = lint_in_process(["good.yaml", "pipe.yaml", "loop.yaml", "--format", "json"], tmp_path)
    errors = {e["file"]: e["message"] for e in run.report()["errors"]}
    assert set(errors) == {"pipe.yaml", "loop.yaml"}
    assert ("good.yaml", PRIVILEGED_LINE, "privileged-container") in run.findings()


def test_undecodable_files_are_in_errors(tmp_path: Path) -> None:
    (tmp_path / "binary.yaml").write_bytes(b"\x00\x01\x02" * 10)
    run = lint_in_process(["binary.yaml", "--format", "json"], tmp_path)
    assert [e["file"] for e in run.report()["errors"]] == ["binary.yaml"]


def test_file_names_that_are_not_utf8_or_hold_newlines(tmp_path: Path) -> None:
    """A name with bytes that are not UTF-8 crashed every report (the fingerprint could not
    encode it); a newline in a name forged lines of the text report. Both are shown as %XX."""
    root = os.fsencode(tmp_path)
    (Path(os.fsdecode(root + b"/bad-\xff-name.yaml"))).write_text(pod("latin"))
    (tmp_path / "new\nline.yaml").write_text(pod("newline"))
    (tmp_path / "good.yaml").write_text(pod("good"))
    for fmt in ("json", "sarif", "github", "text"):
        run = lint_in_process([".", "--format", fmt], tmp_path)
        assert run.code == 1 and no_traceback(run.err), (fmt, run.err)
    run = lint_in_process([".", "--format", "json", "--select", "privileged-container"], tmp_path)
    assert {f for f, _, _ in run.findings()} == {"bad-%FF-name.yaml", "new%0Aline.yaml", "good.yaml"}
    text = lint_in_process([".", "--select", "privileged-container", "--quiet"], tmp_path)
    assert len(text.out.splitlines()) == 3 and all(
        ": error privileged-container " in line for line in text.out.splitlines()
    )
