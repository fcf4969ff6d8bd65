"""The command line: the only package that touches argv, the environment, stdout/stderr and the
exit code. `argv` is the table of every command's options and the two parsers made from it,
`main` the entry point, `lint` the commands that lint (lint, helm, kustomize), `commands` the
others (rules, explain, fix, init), `reports` where the output goes, `console` how it is
printed, `errors` the exit codes.

`kubelint_py.cli.main(argv) -> int` is the console script's entry point; `kubelint_py.cli.cli`
is the click command group, built when first asked for (click is imported only for command
lines the click-free parser leaves to it).
"""

from __future__ import annotations

from typing import Any

from kubelint_py.cli.main import main

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    """`kubelint_py.cli.cli`, the click group, is built when first asked for."""
    if name == "cli":
        from kubelint_py.cli.argv import build_cli

        return build_cli()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
