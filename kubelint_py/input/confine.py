"""The tree (docs/security.md): what a path from the scanned files may name, and how it is read.

A `Tree` is a set of resolved roots: the current directory, the repository holding it, and the
paths named on the command line. A path that the tree itself supplies (an origin annotation, a
`# Source:` header, a configuration key) is followed only when its resolved form (`..` and
symbolic links resolved) stays under a root. `read_regular` is the one way a file is read (input
files, `.kubelintignore`, configuration, custom rules, baselines, what the tree names): no FIFO
can block it, no device or sparse giant can take the memory.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import NamedTuple

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


def _ancestor_in(real: str, roots: Set[str]) -> str | None:
    """The member of `roots` that is `real` or a directory above it (both resolved), if any:
    one set lookup per component, however many paths the command line named."""
    current = real
    while True:
        if current in roots:
            return current
        parent = current.rpartition(os.sep)[0] or os.sep
        if parent == current:
            return None
        current = parent


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


def expand_glob(pattern: str) -> list[str]:
    """The paths a glob matches, sorted, `**` included, without following links to
    directories: glob.glob follows them, and two links to `.` make its walk exponential."""
    prefix = static_prefix(pattern)
    rest = pattern[len(prefix) :].lstrip("/") if prefix not in (".", "/") else pattern.lstrip("/")
    if prefix == "." and pattern.startswith("./"):
        rest = pattern[2:]
    if not rest:
        return [prefix] if Path(prefix).exists() else []
    return sorted(str(match) for match in Path(prefix).glob(rest))


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
    """Resolved roots; `contains` and `resolve` answer whether a path stays inside them.

    The paths named on the command line are resolved on the first path that the current
    directory and its repository do not hold: pre-commit names every changed file, and most
    runs never ask (or find the answer under the current directory)."""

    __slots__ = ("_pending", "_roots")

    def __init__(self, roots: Iterable[str], pending: Iterable[tuple[Path, str]] = ()) -> None:
        self._roots = _minimal(roots)
        self._pending = tuple(pending)

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
        named = [(base, os.fspath(raw)) for raw in paths if raw is not None and str(raw) not in ("", "-")]
        return Tree(self._roots, (*self._pending, *named))

    @property
    def roots(self) -> tuple[str, ...]:
        self._settle()
        return tuple(sorted(self._roots))

    def _settle(self) -> None:
        """Resolve the pending command-line paths into roots."""
        if not self._pending:
            return
        roots = set(self._roots)
        for base, text in self._pending:
            path = base / text
            if is_glob(text) and not os.path.lexists(path):
                path = base / static_prefix(text)
            roots.add(_real(path))
            if not path.is_dir():
                roots.add(_real(path.parent))
        self._roots = _minimal(roots)
        self._pending = ()

    def _holds(self, real: str) -> bool:
        if not real:
            return False
        if _ancestor_in(real, self._roots) is not None:
            return True
        if not self._pending:
            return False
        self._settle()
        return _ancestor_in(real, self._roots) is not None

    def contains(self, path: str | os.PathLike[str]) -> bool:
        return self._holds(_real(path))

    def resolve(self, base: Path, relative: str | os.PathLike[str]) -> Path | None:
        """`base / relative` resolved, or None when that leaves the tree."""
        try:
            joined = base / relative
        except (TypeError, ValueError):
            return None
        real = _real(joined)
        return Path(real) if self._holds(real) else None


def _minimal(roots: Iterable[str]) -> frozenset[str]:
    """The roots without those under another one."""
    kept: set[str] = set()
    for root in sorted({r for r in roots if r}, key=len):
        if _ancestor_in(root, kept) is None:
            kept.add(root)
    return frozenset(kept)


def read_regular(path: str | os.PathLike[str], max_bytes: int, *, head: bool = False) -> bytes:
    """The bytes of a regular file of at most `max_bytes` bytes; NotRegularFile, FileTooLarge or
    another OSError otherwise. Opened without blocking (a FIFO cannot hang the run), checked
    after the open (no race with a swapped path), and never read past the limit. `head`: the
    first `max_bytes` bytes of a file of any size instead."""
    return read_regular_stat(path, max_bytes, head=head)[0]


def read_regular_stat(
    path: str | os.PathLike[str], max_bytes: int, *, head: bool = False
) -> tuple[bytes, os.stat_result]:
    """`read_regular`, with the status of the file that was read (for `kubelint fix`)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(0, "not a regular file", os.fspath(path))
        if head:
            return read_at_most(functools.partial(os.read, fd), max_bytes), info
        if info.st_size > max_bytes:
            raise FileTooLarge(0, f"over the limit of {max_bytes:,} bytes", os.fspath(path))
        data = read_at_most(functools.partial(os.read, fd), max_bytes + 1)  # it may have grown since fstat
        if len(data) > max_bytes:
            raise FileTooLarge(0, f"over the limit of {max_bytes:,} bytes", os.fspath(path))
        return data, info
    finally:
        os.close(fd)


class ReadWords(NamedTuple):
    """How a reader of a file of the tree words its problems (each a whole message)."""

    not_regular: str
    too_large: str
    unreadable: Callable[[OSError], str]
    not_text: str


def read_worded(
    path: str | os.PathLike[str],
    max_bytes: int,
    words: ReadWords,
    error: Callable[[str], Exception],
    *,
    encoding: str = "utf-8",
    passes: tuple[type[OSError], ...] = (),
) -> str:
    """The text of a regular file of at most `max_bytes` bytes (`read_regular`), decoded; any
    problem raised as `error(message)` in the caller's `words`, except the OSErrors in `passes`,
    which propagate as they are (a missing file that is no problem to the caller)."""
    try:
        raw = read_regular(path, max_bytes)
    except passes:
        raise
    except NotRegularFile:
        raise error(words.not_regular) from None
    except FileTooLarge:
        raise error(words.too_large) from None
    except OSError as exc:
        raise error(words.unreadable(exc)) from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise error(words.not_text) from None


def read_at_most(read: Callable[[int], bytes], size: int) -> bytes:
    """Up to `size` bytes from `read` (a descriptor's, a stream's), in blocks of 1 MiB: one
    read(size) would allocate `size` at once. The one bounded read: files of the tree (above),
    stdin, and the file `kubelint fix` replaces."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(bytes(chunk))
        left -= len(chunk)
    return b"".join(chunks)


def read_text(path: str | os.PathLike[str], max_bytes: int) -> str:
    """`read_regular` decoded as UTF-8 (a BOM dropped, bad bytes replaced): text to search in."""
    return read_regular(path, max_bytes).decode("utf-8-sig", "replace")
