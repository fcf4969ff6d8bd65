"""kubelint_py: an offline static linter for Kubernetes."""

from __future__ import annotations

# The one place the version is written: the package metadata takes it from here (pyproject's
# `dynamic`), and reports read it without importlib.metadata, which pulls in `email` and
# cost 22 ms of every JSON and SARIF run.
__version__ = "0.1.0"


def version() -> str:
    return __version__
