"""Gitignore patterns (`.kubelintignore`, `exclude`, exemption `paths`) matched without backtracking.

The patterns come from the scanned tree, which may be hostile (docs/security.md, point 2).
Translated into a backtracking regular expression, as pathspec does, the 25-byte line
`************************a` takes minutes for one path. Here a pattern is cut into path
segments and each segment glob into fixed-length chunks between its `*`s. A path is matched
segment by segment, keeping the set of path positions the pattern can have reached (no
choice is ever retried), and a segment against its chunks by greedy leftmost search, which
is exact for chunks of fixed length. The work is O(len(pattern) * len(path)) whatever the
pattern; the only regular expressions built have no quantifier (a chunk such as `a?[bc]`).

Semantics are those of pathspec's "gitignore" patterns, which kubelint used before (and
which tests/hostile/test_patterns.py checks this against):

- blank lines and lines starting with `#` are ignored (`\\#` matches a `#`); trailing
  whitespace is dropped unless the line ends with `\\ `;
- `!` re-includes what an earlier line matched: the last line that matches a path decides;
- a pattern with a `/` at its start or in its middle is anchored at the root; one without
  matches at any depth; a trailing `/` matches directories only (and what is under them);
- a pattern matches what it names and everything under it (`build` matches `build/a.yaml`),
  except one ending in a whole-segment `*`: `foo/*` matches `foo/a.yaml` and the directory
  `foo/a/`, not `foo/a/b.yaml` (discovery never enters `foo/a/` anyway);
- `*` matches any run of characters but `/`, `?` one such character, `[...]` one character of
  a set: ranges `a-z`, negation `[!...]` or `[^...]`, a `]` first is literal, a `[` with no
  closing `]` is literal;
- `**` as a whole segment: leading `**/` matches at any depth, trailing `/**` everything
  under, `/**/` zero or more directories; elsewhere `**` is `*`;
- `\\` makes the next character literal.

Where pathspec raised or erred, a gitignore reading is kept: a line ending in a lone `\\` and
the line `!` match nothing, a reversed range (`[z-a]`) matches no character, and a negated
set or a range never matches `/`.

Paths are relative, with `/` between segments and a trailing `/` for a directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# how a pattern must end, after its last segment glob
_END_OR_UNDER = 0  # `foo`: the path ends there or goes on below it
_END_OR_DIR = 1  # `foo/*`: the path ends there (a directory's trailing `/` allowed)
_UNDER = 2  # `foo/` and `foo/**`: the path goes on below it

_ANY_CHAR = "[^/]"


class Work:
    """Counts the work of matching: one step per segment tried against a segment glob and
    one per chunk searched for. Tests bound it; nothing else reads it."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0


class _Chunk:
    """A fixed-length piece of a segment glob between two `*`: literal text (compared with
    str methods) or a quantifier-free regular expression, compiled on first use."""

    __slots__ = ("_regex", "length", "source", "text")

    def __init__(self, parts: Sequence[str], literal: bool) -> None:
        self.length = len(parts)
        self.text: str | None = "".join(parts) if literal else None
        self.source = "" if literal else "".join(parts)
        self._regex: re.Pattern[str] | None = None

    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.source, re.DOTALL)
        return self._regex

    def whole(self, segment: str) -> bool:
        if self.text is not None:
            return segment == self.text
        return len(segment) == self.length and self.regex().match(segment) is not None

    def at(self, segment: str, pos: int) -> bool:
        """Whether the chunk matches `segment` at `pos` (the caller checked the length)."""
        if self.text is not None:
            return segment.startswith(self.text, pos)
        return self.regex().match(segment, pos) is not None

    def find(self, segment: str, start: int, end: int) -> int:
        if self.text is not None:
            return segment.find(self.text, start, end)
        found = self.regex().search(segment, start, end)
        return -1 if found is None else found.start()


@dataclass(frozen=True, slots=True)
class _SegmentGlob:
    """One segment of a pattern: chunks[0] * chunks[1] * ... * chunks[-1]."""

    chunks: tuple[_Chunk, ...]
    min_length: int

    def matches(self, segment: str, work: Work) -> bool:
        work.steps += 1
        if len(segment) < self.min_length:
            return False
        chunks = self.chunks
        if len(chunks) == 1:
            return chunks[0].whole(segment)
        first, last = chunks[0], chunks[-1]
        end = len(segment) - last.length
        if not first.at(segment, 0) or not last.at(segment, end):
            return False
        pos = first.length
        for chunk in chunks[1:-1]:  # leftmost first: exact, as every chunk has a fixed length
            work.steps += 1
            found = chunk.find(segment, pos, end)
            if found < 0:
                return False
            pos = found + chunk.length
        return True


def _class_source(negated: bool, content: str) -> str:
    """A `[...]` set as a regular expression: characters and ranges (`a-z`) as Python's
    bracket syntax reads them (a `-` first or last is literal), a backslash literal."""
    members: list[str] = []
    k = 0
    while k < len(content):
        if k + 2 < len(content) and content[k + 1] == "-":
            low, high = content[k], content[k + 2]
            if low <= high:
                members.append(f"{re.escape(low)}-{re.escape(high)}")
            k += 3
        else:
            members.append(re.escape(content[k]))
            k += 1
    if negated:
        return f"[^/{''.join(members)}]"
    return f"[{''.join(members)}]" if members else "(?!)"


def _bracket(segment: str, i: int) -> tuple[str, int] | None:
    """The set opening at segment[i - 1] as (regex, index after it); None when no `]`
    closes it (the `[` is then literal)."""
    j = i
    if j < len(segment) and segment[j] in "!^":
        j += 1
    if j < len(segment) and segment[j] == "]":
        j += 1
    j = segment.find("]", j)
    if j < 0:
        return None
    negated = segment[i] in "!^"
    return _class_source(negated, segment[i + 1 if negated else i : j]), j + 1


def _segment_glob(segment: str) -> _SegmentGlob | None:
    """Compile one segment glob; None for a dangling `\\` (the pattern then matches nothing)."""
    chunks: list[tuple[list[str], bool]] = [([], True)]  # (parts, all literal)
    i = 0
    while i < len(segment):
        char = segment[i]
        i += 1
        parts, literal = chunks[-1]
        if char == "*":
            if parts or len(chunks) == 1:  # `**` inside a segment is `*`
                chunks.append(([], True))
            continue
        if char == "\\":
            if i == len(segment):
                return None
            parts.append(segment[i] if literal else re.escape(segment[i]))
            i += 1
            continue
        if char == "?":
            regex = _ANY_CHAR
        elif char == "[" and (found := _bracket(segment, i)) is not None:
            regex, i = found
        else:
            parts.append(char if literal else re.escape(char))
            continue
        if literal:  # the chunk stops being plain text: escape what it held
            parts[:] = [re.escape(part) for part in parts]
            chunks[-1] = (parts, False)
        parts.append(regex)
    compiled = tuple(_Chunk(parts, literal) for parts, literal in chunks)
    min_length = sum(chunk.length for chunk in compiled)
    if segment == "*":
        min_length = 1  # a whole-segment `*` matches a non-empty name
    return _SegmentGlob(compiled, min_length)


@dataclass(frozen=True, slots=True)
class GlobPattern:
    """One compiled line. `elements` holds a glob per segment, None for `**`."""

    source: str
    include: bool
    elements: tuple[_SegmentGlob | None, ...] = ()
    tail: int = _END_OR_UNDER
    everything: bool = False  # `*`, `**`: any path
    nested: bool = False  # `*/`, `**/`: any path with a `/`
    needles: tuple[str, ...] = ()  # literal text any matching path holds: a quick rejection

    def matches(self, path: str, segments: Sequence[str], work: Work) -> bool:
        if self.everything:
            return bool(path)
        if self.nested:
            return "/" in path
        for needle in self.needles:
            work.steps += 1
            if needle not in path:
                return False
        count = len(segments)
        reach: Sequence[int] = (0,)  # indices of the next segment to match, ascending
        for element in self.elements:
            work.steps += 1
            if element is None:
                reach = range(reach[0], count + 1)
                continue
            reach = [j + 1 for j in reach if j < count and element.matches(segments[j], work)]
            if not reach:
                return False
        if self.tail == _UNDER:
            return reach[0] < count
        if self.tail == _END_OR_DIR:
            return reach[-1] == count or (segments[-1] == "" and count - 1 in reach)
        return True


def _normalized_segments(text: str) -> tuple[list[str], bool]:
    """pathspec's normalization: anchoring, the implied leading `**/` of a one-segment
    pattern, a trailing `/` as a trailing `**`, `**/**` as `**`. Returns the segments
    (empty for an invalid pattern) and whether the pattern named a directory."""
    segments = text.split("/")
    directory = not segments[-1] and text != "/"
    if not segments[0]:
        del segments[0]
    elif (len(segments) == 1 or (len(segments) == 2 and not segments[1])) and segments[0] != "**":
        segments.insert(0, "**")
    if not segments:
        return [], directory
    if not segments[-1]:
        segments[-1] = "**"
    collapsed = segments[:1]
    for segment in segments[1:]:
        if not (segment == "**" and collapsed[-1] == "**"):
            collapsed.append(segment)
    return collapsed, directory


def compile_pattern(line: str) -> GlobPattern | None:
    """One gitignore line; None for a blank line, a comment or an invalid pattern."""
    text = line if line.endswith("\\ ") else line.rstrip()
    if not text or text.startswith("#"):
        return None
    include = not text.startswith("!")
    if not include:
        text = text[1:]
    segments, directory = _normalized_segments(text)
    if not segments:
        return None
    if segments in (["**"], ["**", "*"], ["**", "*", "**"]):
        if (segments == ["**"] and not directory) or segments == ["**", "*"]:
            return GlobPattern(line, include, everything=True)
        return GlobPattern(line, include, nested=True)
    tail = _END_OR_UNDER
    if segments[-1] == "**":
        tail, segments = _UNDER, segments[:-1]
    elif segments[-1] == "*":
        tail = _END_OR_DIR
    elements: list[_SegmentGlob | None] = []
    for segment in segments:
        glob = None if segment == "**" else _segment_glob(segment)
        if glob is None and segment != "**":
            return None
        elements.append(glob)
    return GlobPattern(line, include, tuple(elements), tail, needles=_needles(elements))


def _needles(elements: Iterable[_SegmentGlob | None]) -> tuple[str, ...]:
    """The literal chunks of a pattern, longest first: a path lacking one cannot match."""
    texts = {chunk.text for glob in elements if glob is not None for chunk in glob.chunks if chunk.text}
    return tuple(sorted(texts, key=lambda text: (-len(text), text)))


@dataclass(slots=True)
class GitIgnore:
    """Gitignore lines; `matches(path)` says whether the last line matching `path` includes it."""

    patterns: tuple[GlobPattern, ...]
    work: Work = field(default_factory=Work)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> GitIgnore:
        return cls(tuple(pattern for pattern in map(compile_pattern, lines) if pattern is not None))

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, path: str) -> bool:
        """`path` relative, `/`-separated, with a trailing `/` for a directory (a leading
        `/` or `./` is dropped)."""
        if path.startswith("/"):
            path = path[1:]
        elif path.startswith("./"):
            path = path[2:]
        segments = path.split("/")
        for pattern in reversed(self.patterns):  # the last matching line decides
            if pattern.matches(path, segments, self.work):
                return pattern.include
        return False
