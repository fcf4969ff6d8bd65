"""Regular expressions written by the scanned tree (a CRD's `pattern`), searched with a bound.

Python's `re` backtracks without limit and cannot be interrupted, so a CRD could stall a run
with `(a+)+$`. These patterns run on the `regex` engine with a time limit per search; a pattern
that reaches it is not checked again, and the run's total time in such searches is capped, so
a tree full of hostile patterns costs at most about `RUN_SECONDS`. An unchecked value is not a
violation: the caller treats `None` as "could not tell".
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

SEARCH_SECONDS = 0.05
RUN_SECONDS = 2.0


class BoundedPattern:
    """A compiled pattern whose searches are bounded in time."""

    spent = 0.0  # seconds of all searches in this process (the run-wide cap)

    __slots__ = ("_compiled", "_given_up", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled = _engine().compile(pattern)  # raises regex.error for an invalid pattern
        self._given_up = False

    def search(self, text: str) -> bool | None:
        """Whether the pattern occurs in `text`; None when the bound stopped the search."""
        if self._given_up or BoundedPattern.spent >= RUN_SECONDS:
            return None
        started = perf_counter()
        try:
            return self._compiled.search(text, timeout=SEARCH_SECONDS) is not None
        except TimeoutError:
            self._given_up = True
            return None
        finally:
            BoundedPattern.spent += perf_counter() - started


def compile_bounded(pattern: str) -> BoundedPattern | None:
    """The pattern, or None when it does not compile (the API server would reject the CRD)."""
    try:
        return BoundedPattern(pattern)
    except (_engine().error, ValueError, OverflowError, RecursionError):
        return None


def _engine() -> Any:
    """The `regex` module, imported on the first pattern (11 ms of a one-file run's start-up,
    which the bundled API schemas never need: only CRDs write patterns)."""
    import regex

    return regex
