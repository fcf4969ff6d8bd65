"""Split a YAML stream into documents before parsing, and read what comments say.

YAML forbids `---` and `...` at column 0 inside a document's content, so splitting at
those lines is exact without a parse. Parsing chunk by chunk means one broken document
gives one finding while its neighbours are still linted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubelint_py.model import Directive

_SOURCE_RE = re.compile(r"^#\s*Source:\s*(\S.*?)\s*$")
_DIRECTIVE_RE = re.compile(r"#\s*kubelint:\s*(ignore|ignore-document)\[([^\]]*)\]\s*(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str
    first_line: int  # 1-based line of the chunk's first line in the file
    helm_source: str | None
    directives: tuple[Directive, ...]
    bad_directives: tuple[int, ...] = ()


def _is_marker(line: str) -> bool:
    if line.startswith("---"):
        return len(line) == 3 or line[3] in " \t\r"
    if line.startswith("..."):
        return len(line) == 3 or line[3] in " \t\r"
    return False


def split_documents(text: str) -> list[Chunk]:
    """Chunks in order; a chunk starts at a `---` line (kept, it may carry content)."""
    lines = text.split("\n")
    chunks: list[Chunk] = []
    start = 0
    has_kubelint = "kubelint:" in text
    has_source = "Source:" in text
    for number, line in enumerate(lines):
        if number > start and _is_marker(line):
            chunks.append(_make_chunk(lines, start, number, has_kubelint, has_source))
            start = number if line.startswith("---") else number + 1
    if start < len(lines):
        chunks.append(_make_chunk(lines, start, len(lines), has_kubelint, has_source))
    return [c for c in chunks if c.text.strip(" \t\r\n-.")]


def _make_chunk(lines: list[str], start: int, end: int, has_kubelint: bool, has_source: bool) -> Chunk:
    body = lines[start:end]
    if body and body[0].startswith("..."):
        body = ["", *body[1:]]
    text = "\n".join(body)
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
