"""Reports written to stdout (cli/reports._echo_pieces): to a plain UTF-8 stdout that is no
terminal they are written straight to the stream, flushed once, instead of through echo (click.echo)
per piece. The bytes must be what echo writes, whatever the pieces hold (escape sequences
included, colour asked or not, a click context's colour), and a real run's stdout must be its
--output file and carry no raw escape from the tree (docs/security.md, promise 4)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from kubelint_py.cli import console, reports
from tests.helpers import PRIVILEGED_POD_TEMPLATE, ROOT

PIECES = [
    ["{\n", '  "a": 1', "\n}", "\n"],
    ["line one\n", "", "\x1b[1mbold\x1b[0m and \x1b[31mred\x1b[0m\n", "no newline at the end"],
    ["\x1b[2K"],  # a last piece that is only an escape sequence: the newline still comes
    ["ESC alone \x1b and \x1b]52;c;x\x07, \x1b[ unfinished", "\u2013 non-ASCII \u00d7\n"],
    [],
    [""],
    ["x" * 70_000, "\x1b[0m" * 3, "y\n"],
]


def _plain(buffer: io.BytesIO) -> io.TextIOWrapper:
    """A stream as the interpreter's stdout is when redirected: UTF-8, no terminal."""
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="strict", newline="\n")


def _through_echo(pieces: list[str], color: bool | None) -> bytes:
    """What the general path (echo of each piece, click.echo once click is loaded) writes."""
    buffer = io.BytesIO()
    stream = _plain(buffer)
    last = ""
    for piece in pieces:
        if piece:
            click.echo(piece, file=stream, nl=False, color=color)
            last = piece
    if not last.endswith("\n"):
        click.echo("", file=stream, color=color)
    stream.flush()
    return buffer.getvalue()


def _written(monkeypatch: pytest.MonkeyPatch, pieces: list[str], color: bool | None) -> bytes:
    buffer = io.BytesIO()
    stream = _plain(buffer)
    monkeypatch.setattr(sys, "stdout", stream)
    assert reports._plain_stdout() is stream  # the direct path is the one tested
    reports._echo_pieces(iter(pieces), color)
    return buffer.getvalue()


@pytest.mark.parametrize("color", [None, False, True])
@pytest.mark.parametrize("pieces", PIECES)
def test_direct_writes_are_what_echo_writes(
    monkeypatch: pytest.MonkeyPatch, pieces: list[str], color: bool | None
) -> None:
    assert _written(monkeypatch, pieces, color) == _through_echo(pieces, color)


@pytest.mark.parametrize("context_color", [None, False, True])
def test_a_click_contexts_colour_is_echos_default(monkeypatch: pytest.MonkeyPatch, context_color: bool | None) -> None:
    pieces = ["\x1b[1mbold\x1b[0m\n", "plain"]
    with click.Context(click.Command("lint"), color=context_color):
        expected = _through_echo(pieces, None)
        assert _written(monkeypatch, pieces, None) == expected
    assert (b"\x1b[1m" in expected) is bool(context_color)


def test_ansi_pattern_is_clicks() -> None:
    from click import _compat

    assert _compat._ansi_re.pattern == console.ANSI_PATTERN


def test_other_streams_are_left_to_echo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A stream of another encoding, a subclass (test runners' capture), a terminal, a closed
    stream, no stream: echo decides (and the result is still echo's)."""
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", latin)
    assert reports._plain_stdout() is None

    class Captured(io.TextIOWrapper):
        pass

    monkeypatch.setattr(sys, "stdout", Captured(io.BytesIO(), encoding="utf-8"))
    assert reports._plain_stdout() is None
    closed = _plain(io.BytesIO())
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    assert reports._plain_stdout() is None
    monkeypatch.setattr(sys, "stdout", None)
    assert reports._plain_stdout() is None
    reports._echo_pieces(iter(["dropped, as click.echo drops it\n"]), None)  # no stream: nothing, no error
    if hasattr(os, "openpty"):
        master, slave = os.openpty()
        try:
            terminal = io.TextIOWrapper(io.FileIO(slave, "w", closefd=False), encoding="utf-8")
            monkeypatch.setattr(sys, "stdout", terminal)
            assert reports._plain_stdout() is None
            reports._echo_pieces(iter(["\x1b[1mkept on a terminal\x1b[0m"]), None)
            terminal.flush()
            shown = os.read(master, 4096)
            assert b"\x1b[1mkept on a terminal\x1b[0m" in shown
        finally:
            os.close(master)
            os.close(slave)


def test_a_failed_write_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails (a closed pipe, a full disk) is raised to the command, which reports
    it (cli/main.py), as echo's was."""

    class Failing(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    stream = io.TextIOWrapper(io.BufferedWriter(Failing()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)

    def pieces() -> Iterator[str]:
        yield "x" * 100_000

    with pytest.raises(BrokenPipeError):
        reports._echo_pieces(pieces(), None)


# -- a real run ---------------------------------------------------------------------------------
ESCAPES = "\x1b[2K\x1b[1A\x1b]52;c;cHduZWQ=\x07\x9b2J"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pods whose names, namespaces and images hold escape sequences (as YAML escapes: the
    files are ASCII), one of them in a file whose name holds one too."""
    import json

    root = tmp_path_factory.mktemp("stdout-tree")
    for n in range(30):
        text = PRIVILEGED_POD_TEMPLATE.format(
            name=json.dumps(f"p{n}{ESCAPES}"),
            namespace=json.dumps(f"ns{ESCAPES}"),
            image=json.dumps(f"busybox{ESCAPES}"),
        )
        (root / (f"pod-{n}.yaml" if n else "pod-\x1b[31m.yaml")).write_text(text, encoding="utf-8")
    return root


def _kubelint(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **env)
    return subprocess.run(
        [sys.executable, "-m", "kubelint_py", "lint", "--no-plugins", *args],
        cwd=cwd,
        capture_output=True,
        env=environment,
        check=False,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_stdout_is_the_output_file_and_holds_no_escape(tree: Path, tmp_path: Path, fmt: str) -> None:
    written = tmp_path / f"report.{fmt}"
    to_file = _kubelint([".", "--format", fmt, "--output", str(written)], tree)
    to_stdout = _kubelint([".", "--format", fmt, "--jobs", "1"], tree)  # click's parser, not the fast one
    assert to_file.returncode == to_stdout.returncode == 1, to_stdout.stderr
    text = written.read_bytes()
    assert to_stdout.stdout == (text if text.endswith(b"\n") else text + b"\n")
    assert b"\x1b" not in to_stdout.stdout
    assert "\\x1b" in to_stdout.stdout.decode() or "\\u001b" in to_stdout.stdout.decode()


@pytest.mark.slow
def test_colour_asked_on_a_pipe_is_kept(tree: Path) -> None:
    coloured = _kubelint([".", "--color"], tree)
    forced = _kubelint(["."], tree, FORCE_COLOR="1")
    plain = _kubelint(["."], tree)
    assert b"\x1b[" in coloured.stdout and coloured.stdout == forced.stdout
    assert b"\x1b" not in plain.stdout
