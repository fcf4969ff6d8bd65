"""Exit codes and the error a user must fix (exit 2)."""

from __future__ import annotations

from typing import IO, Any

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class KubelintError(Exception):
    """A problem the user must fix (bad config, unknown rule, unwritable output): exit 2.

    Not a click exception, so that raising one needs no click; the command group turns it
    into one (kubelint_py/cli/argv.py), and `main` shows it the same way."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        from kubelint_py.cli.console import echo

        echo(f"kubelint: error: {self.format_message()}", err=True)
