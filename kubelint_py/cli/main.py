"""`main(argv) -> int`: the entry point (the console script, `python -m kubelint_py`), without
SystemExit, so it can be tested; every error becomes its message and exit code here."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from kubelint_py.cli.argv import build_cli, fast_lint_options
from kubelint_py.cli.console import echo, relative_to_cwd, silence_stdout
from kubelint_py.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, KubelintError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code instead of raising SystemExit (the program exits with it).

    The cyclic garbage collector is off while a command runs, here and nowhere else: a run
    builds millions of long-lived, acyclic objects (documents, positions, findings, the report's
    data) that reference counting frees, and the collector only re-scanned the growing heap
    again and again (on the 10,000-document corpus with --format json, 8.1 s of CPU with it,
    7.0 s without). Called as the program (`argv` None: the console script, `python -m
    kubelint_py`), the objects left at the end are frozen (`gc.freeze`) rather than collected:
    the interpreter is about to exit, and its collections, when the collector is switched back
    on and at shutdown, would walk every one of them, ~30 ms of a ~0.2 s one-file run. And the
    program ends without freeing them (`_end_program`)."""
    previous = _quiet_sigint_in_forked_children()
    collecting = gc.isenabled()
    gc.disable()
    try:
        code = _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if argv is None:
            gc.freeze()
        if collecting:
            gc.enable()
    if argv is None:
        _end_program(code)
    return code


# The ended command's SystemExit, kept by the program (`_main`): its traceback holds the frames
# of the run, and with them the documents, findings and report.
_FINISHED: list[BaseException] = []


def _end_program(code: int) -> None:
    """Leave the process with `code` once the output is flushed, without freeing what the run
    built: reference counting would free every document, position index and finding one by one
    (0.06 s of CPU after a 10,000-document run, then the interpreter's own teardown), memory the
    operating system takes back at once (mypy ends the same way). A stream that cannot be
    flushed (closed, a broken pipe, a full disk) is left to the interpreter's own exit, which
    reports it as it always did. Nothing else is pending: reports are written and closed, forked
    workers waited for, and kubelint registers no exit handlers."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # (None: the descriptor was closed when the program started)
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _quiet_sigint_in_forked_children() -> Any:
    """Ctrl-C reaches every process of the terminal's group: processes forked for --jobs
    leave quietly (no traceback each) and this process reports the interruption once."""
    main_pid = os.getpid()

    def on_sigint(signum: int, frame: Any) -> None:
        if os.getpid() != main_pid:
            os._exit(EXIT_INTERRUPTED)
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread (kubelint embedded in a program): leave signals alone
        return None


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        fast = fast_lint_options(args)
        if fast is not None:
            from kubelint_py.cli.lint import Input, lint_and_exit

            paths, options = fast
            lint_and_exit(options, [Input(paths=paths)])
        else:
            build_cli().main(args=args, prog_name="kubelint", standalone_mode=False)
    except SystemExit as exc:
        if argv is None:  # the program: what the run built is not freed (`_end_program`)
            _FINISHED.append(exc)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
    except KubelintError as exc:  # raised on the fast path (the command group converts its own)
        exc.message = relative_to_cwd(exc.message)
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        echo("kubelint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_CLEAN
    except OSError as exc:  # the report could not be written: stdout on a full disk, a closed descriptor
        if debug:
            raise
        silence_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write the report: "
        echo(f"kubelint: error: {where}{(exc.strerror or str(exc)).lower()}", err=True)
        return EXIT_ERROR
    except Exception as exc:
        click = sys.modules.get("click")
        if click is not None and isinstance(exc, click.exceptions.Abort):
            echo("kubelint: interrupted", err=True)
            return EXIT_INTERRUPTED
        if click is not None and isinstance(exc, click.ClickException):
            exc.message = relative_to_cwd(exc.message)
            exc.show()
            return exc.exit_code if exc.exit_code != 1 else EXIT_ERROR
        if debug:
            raise
        # not str(exc): it may quote the input's values, and is a Python repr for KeyError
        echo(
            f"kubelint: internal error ({type(exc).__name__}): this is a bug in kubelint; "
            "run again with --debug and report the traceback",
            err=True,
        )
        return EXIT_ERROR
    return EXIT_CLEAN
