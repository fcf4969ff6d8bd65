"""kubelint_py: an offline static linter for Kubernetes."""

from __future__ import annotations


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version("kubelint-py")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+source"
