"""Split a YAML stream into documents before parsing, and read what comments say.

YAML forbids `---` and `...` at column 0 inside a document's content, so splitting at
those lines is exact without a parse. Parsing chunk by chunk means one broken document
gives one finding while its neighbours are still linted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from kubelint_py.model import Directive

_SOURCE_RE = re.compile(r"^#\s*Source:\s*(\S.*?)\s*$")
_DIRECTIVE_RE = re.compile(r"#\s*kubelint:\s*(ignore|ignore-document)\[([^\]]*)\]\s*(.*?)\s*$")


class Chunk(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """One document's text in a stream, where it starts, and the directives it carries."""

    text: str
    first_line: int  # 1-based line of the chunk's first line in the file
    helm_source: str | None
    directives: tuple[Directive, ...]
    bad_directives: tuple[int, ...] = ()


def _markers(text: str) -> Iterator[int]:
    """Where each `---` or `...` line starts: at column 0, alone or followed by a space, tab,
    CR or line break (a `---` may carry content). `str.find` rather than a multi-line regular
    expression, which took 0.1 s to scan the benchmark corpus's 12 million characters."""
    if text.startswith(("---", "...")) and _ends_marker(text, 3):
        yield 0
    dashes = text.find("\n---")
    dots = text.find("\n...")
    while dashes >= 0 or dots >= 0:
        if dots < 0 or 0 <= dashes < dots:
            at, dashes = dashes, text.find("\n---", dashes + 1)
        else:
            at, dots = dots, text.find("\n...", dots + 1)
        if _ends_marker(text, at + 4):
            yield at + 1


def _ends_marker(text: str, end: int) -> bool:
    return end == len(text) or text[end] in " \t\r\n"


def iter_documents(text: str) -> Iterator[Chunk]:
    """Chunks in order, one at a time; a chunk starts at a `---` line (kept, it may carry
    content). Lazy, so a file of a million tiny documents costs memory for one at a time."""
    has_kubelint = "kubelint:" in text
    has_source = "Source:" in text
    start = 0  # offset of the current chunk's first character
    start_line = 0  # its 0-based line number
    for marker in _markers(text):
        if marker <= start:
            continue
        marker_line = start_line + text.count("\n", start, marker)
        # up to the marker, the line break before it included: it ends the last line of content
        # (a block scalar ending the document keeps its final newline, as kubectl reads it)
        chunk = _make_chunk(text[start:marker], start_line, has_kubelint, has_source)
        if chunk is not None:
            yield chunk
        if text.startswith("---", marker):
            start, start_line = marker, marker_line
        else:
            newline = text.find("\n", marker)
            if newline < 0:
                return
            start, start_line = newline + 1, marker_line + 1
    chunk = _make_chunk(text[start:], start_line, has_kubelint, has_source)
    if chunk is not None:
        yield chunk


def split_documents(text: str) -> list[Chunk]:
    """All chunks of `text` (see `iter_documents`)."""
    return list(iter_documents(text))


def _make_chunk(text: str, start: int, has_kubelint: bool, has_source: bool) -> Chunk | None:
    """The chunk of `text`, a document's lines from its `---` (or the stream's start) on; the
    text is cut into lines only where directives are read (splitting and joining every
    document's lines was a quarter of splitting the benchmark corpus)."""
    if text.startswith("..."):  # the end marker's line: blank, its line number kept
        newline = text.find("\n")
        text = "" if newline < 0 else text[newline:]
    if not text.strip(" \t\r\n-."):
        return None
    helm_source = _helm_source(text) if has_source else None
    directives: tuple[Directive, ...] = ()
    bad: tuple[int, ...] = ()
    if has_kubelint and "kubelint:" in text:
        directives, bad = _directives(text.split("\n"), start + 1)
    return Chunk(text, start + 1, helm_source, directives, bad)


def _helm_source(text: str) -> str | None:
    """The `# Source:` comment among the document's leading comments (its first few lines)."""
    position = 0
    while True:
        end = text.find("\n", position)
        stripped = (text[position:] if end < 0 else text[position:end]).strip()
        if stripped and not stripped.startswith("---"):
            if not stripped.startswith("#"):
                return None
            match = _SOURCE_RE.match(stripped)
            if match:
                return match.group(1)
        if end < 0:
            return None
        position = end + 1


def _directives(body: list[str], first_line: int) -> tuple[tuple[Directive, ...], tuple[int, ...]]:
    """Inline suppressions: `# kubelint: ignore[a,b] reason` on a line or alone above it;
    `# kubelint: ignore-document[a] reason` among the leading comments."""
    found: list[Directive] = []
    bad: list[int] = []
    leading = True
    for offset, line in enumerate(body):
        stripped = line.strip()
        number = first_line + offset
        is_comment_only = stripped.startswith("#")
        if stripped and not is_comment_only and not stripped.startswith("---"):
            leading = False
        if "kubelint:" not in line:
            continue
        match = _DIRECTIVE_RE.search(line)
        if match is None:
            if re.search(r"#\s*kubelint:\s*ignore", line):
                bad.append(number)
            continue
        action, ids_text, reason = match.groups()
        ids = frozenset(part.strip() for part in ids_text.split(",") if part.strip())
        if not ids:
            bad.append(number)
            continue
        if action == "ignore-document":
            if leading:
                found.append(Directive(0, ids, reason, number))
            else:
                bad.append(number)
        elif is_comment_only:
            target = _next_content_line(body, offset)
            found.append(Directive(first_line + target if target is not None else number, ids, reason, number))
        else:
            found.append(Directive(number, ids, reason, number))
    return tuple(found), tuple(bad)


def _next_content_line(body: list[str], offset: int) -> int | None:
    for later in range(offset + 1, len(body)):
        stripped = body[later].strip()
        if stripped and not stripped.startswith("#"):
            return later
    return None
