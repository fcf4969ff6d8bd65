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


# `---` or `...` at column 0, alone or followed by a space/tab/CR (a `---` may carry content)
_MARKER_RE = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)", re.M)


def iter_documents(text: str) -> Iterator[Chunk]:
    """Chunks in order, one at a time; a chunk starts at a `---` line (kept, it may carry
    content). Lazy, so a file of a million tiny documents costs memory for one at a time."""
    has_kubelint = "kubelint:" in text
    has_source = "Source:" in text
    start = 0  # offset of the current chunk's first character
    start_line = 0  # its 0-based line number
    for match in _MARKER_RE.finditer(text):
        marker = match.start()
        if marker <= start:
            continue
        marker_line = start_line + text.count("\n", start, marker)
        # up to the marker, the line break before it included: it ends the last line of content
        # (a block scalar ending the document keeps its final newline, as kubectl reads it)
        chunk = _make_chunk(text[start:marker].split("\n"), start_line, has_kubelint, has_source)
        if chunk is not None:
            yield chunk
        if text.startswith("---", marker):
            start, start_line = marker, marker_line
        else:
            newline = text.find("\n", marker)
            if newline < 0:
                return
            start, start_line = newline + 1, marker_line + 1
    chunk = _make_chunk(text[start:].split("\n"), start_line, has_kubelint, has_source)
    if chunk is not None:
        yield chunk


def split_documents(text: str) -> list[Chunk]:
    """All chunks of `text` (see `iter_documents`)."""
    return list(iter_documents(text))


def _make_chunk(body: list[str], start: int, has_kubelint: bool, has_source: bool) -> Chunk | None:
    if body and body[0].startswith("..."):
        body = ["", *body[1:]]
    text = "\n".join(body)
    if not text.strip(" \t\r\n-."):
        return None
    helm_source = _helm_source(body) if has_source else None
    directives: tuple[Directive, ...] = ()
    bad: tuple[int, ...] = ()
    if has_kubelint and "kubelint:" in text:
        directives, bad = _directives(body, start + 1)
    return Chunk(text, start + 1, helm_source, directives, bad)


def _helm_source(body: list[str]) -> str | None:
    for line in body:
        stripped = line.strip()
        if not stripped or stripped.startswith("---"):
            continue
        if not stripped.startswith("#"):
            return None
        match = _SOURCE_RE.match(stripped)
        if match:
            return match.group(1)
    return None


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
