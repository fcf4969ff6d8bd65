"""stdout and stderr: what is printed, how colour is decided, and quiet ends."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

# click.echo's ANSI pattern: escape sequences are dropped when the stream is not a terminal
ANSI_PATTERN = r"\033\[[0-?]*[ -/]*[@-~]"


def echo(message: str, *, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """click.echo, without importing click for it: on a UTF-8 text stream (the usual stdout
    and stderr, and pytest's capture) this does what click.echo does there (append the newline,
    drop ANSI escapes unless the stream is a terminal or `color` is True, write, flush); anything
    else, or once click is loaded anyway, is left to click.echo itself."""
    stream = sys.stderr if err else sys.stdout
    if err:
        # messages name files, keys and values of the scanned tree: no raw control or bidi
        # character, no line a CI runner reads as a workflow command (reports are safe already)
        from kubelint_py.output.safe_text import printable_text

        message = printable_text(message)
    if "click" in sys.modules or not _plain_utf8_stream(stream):
        import click

        click.echo(message, err=err, nl=nl, color=color)
        return
    text = message + "\n" if nl else message
    if text:
        try:
            terminal = stream.isatty()
        except Exception:
            terminal = False
        if not terminal and not color:
            import re

            text = re.sub(ANSI_PATTERN, "", text)
        stream.write(text)
    stream.flush()


def _plain_utf8_stream(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    return isinstance(stream, io.TextIOWrapper) and isinstance(encoding, str) and encoding.lower() in ("utf-8", "utf8")


def color_default(ctx_color: bool | None) -> bool:
    """Colour by the common convention: `--color`/`--no-color`, else `NO_COLOR` (any non-empty
    value turns it off, no-color.org), else `FORCE_COLOR` (any non-empty value turns it on,
    piped output included, force-color.org), else whether stdout is a terminal."""
    if ctx_color is not None:
        return ctx_color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def relative_to_cwd(message: str) -> str:
    """Paths under the current directory as the user would type them: a message shows no
    absolute path of this machine that the user did not give."""
    try:
        prefix = f"{Path.cwd()}{os.sep}"
    except OSError:
        return message
    return message.replace(prefix, "")


def silence_stdout() -> None:
    """After a closed pipe (`kubelint ... | head`), stop Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
