"""The tree (docs/security.md): what a path from the scanned files may name, and how it is read.

A `Tree` is a set of resolved roots: the current directory, the repository holding it, and the
paths named on the command line. A path that the tree itself supplies (an origin annotation, a
`# Source:` header, a configuration key) is followed only when its resolved form (`..` and
symbolic links resolved) stays under a root. `read_regular` is the one way such a file is read:
no FIFO can block it, no device or sparse giant can take the memory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

# The loader's default `limits.maxFileBytes`: reads that come before the configuration is known
# (the configuration itself) have the limit of an input.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a directory or a socket: not read."""


class FileTooLarge(OSError):
    """The file holds more than the read's limit: not read."""


def _real(path: str | os.PathLike[str]) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):  # a NUL byte, a loop some platforms report
        return ""


def _under(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def static_prefix(pattern: str) -> str:
    """The leading components of a glob pattern without glob characters (`deploy/*/x` -> `deploy`)."""
    kept: list[str] = []
    for part in pattern.split("/"):
        if _GLOB_CHARS & set(part):
            break
        kept.append(part)
    prefix = "/".join(kept)
    return prefix or ("/" if pattern.startswith("/") else ".")


def is_glob(text: str) -> bool:
    return bool(_GLOB_CHARS & set(text))


def repository_root(cwd: Path, home: Path | None = None) -> Path | None:
    """The nearest directory at or above `cwd` holding `.git`, up to the home directory: where
    configuration lookup stops, and what `extends: ../.kubelint.yaml` may reach. Never `/`."""
    home_real = _real(home if home is not None else Path.home())
    current = Path(_real(cwd) or cwd)
    while current.parent != current:
        if (current / ".git").exists():
            return current
        if str(current) == home_real:
            return None
        current = current.parent
    return None


class Tree:
    """Resolved roots; `contains` and `resolve` answer whether a path stays inside them."""

    __slots__ = ("roots",)

    def __init__(self, roots: Iterable[str]) -> None:
        kept: list[str] = []
        for root in sorted({r for r in roots if r}, key=len):
            if not any(_under(root, other) for other in kept):
                kept.append(root)
        self.roots = tuple(kept)

    @classmethod
    def for_run(cls, cwd: Path, paths: Iterable[str | os.PathLike[str] | None] = ()) -> Tree:
        """The tree of a run from `cwd` naming `paths` on the command line (docs/security.md)."""
        cwd = cwd.absolute()
        roots = [_real(cwd)]
        repo = repository_root(cwd)
        if repo is not None:
            roots.append(_real(repo))
        return cls(roots).with_paths(paths, cwd)

    def with_paths(self, paths: Iterable[str | os.PathLike[str] | None], cwd: Path | None = None) -> Tree:
        """This tree and `paths` from the command line: a directory with everything under it, a
        file by itself and the directory that holds it, a glob its directory without globs."""
        base = cwd if cwd is not None else Path.cwd()
        roots = list(self.roots)
        for raw in paths:
            if raw is None or str(raw) in ("", "-"):
                continue
            text = os.fspath(raw)
            path = base / text
            if is_glob(text) and not os.path.lexists(path):
                path = base / static_prefix(text)
            roots.append(_real(path))
            if not path.is_dir():
                roots.append(_real(path.parent))
        return Tree(roots)

    def contains(self, path: str | os.PathLike[str]) -> bool:
        real = _real(path)
        return bool(real) and any(_under(real, root) for root in self.roots)

    def resolve(self, base: Path, relative: str | os.PathLike[str]) -> Path | None:
        """`base / relative` resolved, or None when that leaves the tree."""
        try:
            joined = base / relative
        except (TypeError, ValueError):
            return None
        real = _real(joined)
        if not real or not any(_under(real, root) for root in self.roots):
            return None
        return Path(real)


EVERYWHERE = Tree(["/"])  # for callers with nothing to confine (tests of the mapping alone)


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` bytes; NotRegularFile, FileTooLarge or
    another OSError otherwise. Opened without blocking (a FIFO cannot hang the run), checked
    after the open (no race with a swapped path), and never read past the limit."""
    return read_regular_stat(path, max_bytes)[0]


def read_regular_stat(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes, os.stat_result]:
    """`read_regular`, with the status of the file that was read (for `kubelint fix`)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(0, "not a regular file", os.fspath(path))
        if info.st_size > max_bytes:
            raise FileTooLarge(0, f"over the limit of {max_bytes:,} bytes", os.fspath(path))
        chunks: list[bytes] = []
        left = max_bytes + 1  # one more: the file may have grown since fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise FileTooLarge(0, f"over the limit of {max_bytes:,} bytes", os.fspath(path))
        return b"".join(chunks), info
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], max_bytes: int) -> str:
    """`read_regular` decoded as UTF-8 (a BOM dropped, bad bytes replaced): text to search in."""
    return read_regular(path, max_bytes).decode("utf-8-sig", "replace")
