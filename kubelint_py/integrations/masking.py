"""Source lines with the values of sensitive places masked, for `kubelint fix --diff`.

A diff prints lines of the files it would change, context lines included; the values of
secrets never appear there (docs/security.md, promise 3). What is sensitive is decided by
kubelint_py/k8s/sensitive.py: every value of a Secret, a kubeconfig or an EncryptionConfiguration,
and in other objects the values `sensitive_at` names (environment values of sensitive names,
scalars under sensitive keys, credentials, the last-applied annotation). A line that no loaded
document explains (a document that does not parse) is masked when its text may hold a secret.
"""

from __future__ import annotations

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.positions import Entry, PositionIndex
from kubelint_py.k8s.sensitive import is_sensitive_object, line_may_hold_secret, sensitive_at
from kubelint_py.model import Document, FieldPath

MASK = "***"


def _leaves(index: PositionIndex) -> list[tuple[FieldPath, Entry]]:
    """(path, entry) of every value without children in the index (scalars, empty collections)."""
    return [(path, entry) for path, entry, value in index.all_entries() if entry[8] is None or not value]


def _document_lines(doc: Document, mark: dict[int, int]) -> None:
    """Mark the value spans of `doc` that must not be shown."""
    index = doc.positions
    whole = is_sensitive_object(doc.kind, doc.doc_type)
    if not isinstance(index, PositionIndex):
        if whole:
            for number in range(doc.span.start.line, doc.span.end.line + 1):
                mark[number] = 1
        return
    for path, entry in _leaves(index):
        if not whole and sensitive_at(doc.data, path, doc.kind) is None:
            continue
        line, column, end_line, end_column = entry[4], entry[5], entry[6], entry[7]
        if end_line > line and end_column == 1:
            end_line -= 1  # a block scalar ends at the start of the next line
        mark[line] = min(mark.get(line, column), column)
        for number in range(line + 1, end_line + 1):
            mark[number] = 1


def sensitive_lines(file: str, text: str) -> dict[int, int]:
    """{line: 1-based column from which the line is masked (1: all after the indentation)}."""
    loaded = LoadResult()
    load_text(file, text, True, LoadOptions(), loaded)
    mark: dict[int, int] = {}
    explained: set[int] = set()
    for doc in loaded.documents:
        explained.update(range(doc.span.start.line, doc.span.end.line + 1))
        _document_lines(doc, mark)
    for number, line in enumerate(text.split("\n"), start=1):
        if number not in explained and line_may_hold_secret(line):
            mark[number] = 1
    return mark


def mask_line(line: str, column: int) -> str:
    """`line` with everything from `column` replaced (1: after the indentation and dashes)."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    kept = body[: len(body) - len(body.lstrip(" \t-"))] if column <= 1 else body[: column - 1]
    return f"{kept}{MASK}{ending}"
