"""Command-line paths -> Sources: files, directories, globs and stdin.

Directories are walked in sorted order so output is deterministic. Unreadable entries
(permissions, FIFOs, symlink loops, dangling links) become Sources with an error, so the
run reports them and goes on.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kubelint_py.input.confine import FileTooLarge, NotRegularFile, ReadWords, expand_glob, read_regular, read_worded
from kubelint_py.model import Source

if TYPE_CHECKING:
    from kubelint_py.input.globs import GitIgnore

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_DIRS = frozenset((".git", ".hg", ".svn", "__pycache__", "node_modules", ".terraform"))
IGNORE_FILE = ".kubelintignore"
# Never read more than this from one file, whatever the configured size limit: a sparse or
# huge file named `*.yaml` must not take the machine's memory (the loader's own, smaller
# `limits.maxFileBytes` reports files between the two as input-too-large).
READ_CEILING = 256 * 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


class DiscoveryError(Exception):
    """A path the user named that does not exist, or an unusable `.kubelintignore`: exit 2."""


def display_path(path: Path, cwd: Path) -> str:
    return printable_name(_shown(path, cwd))


def _shown(path: Path, cwd: Path) -> str:
    """The path as reports show it, before `printable_name`: relative to `cwd` when inside it."""
    try:
        return path.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _shown_in(directory: str, name: str) -> str:
    """`_shown` of an entry of a directory shown as `directory`, without pathlib (two Path
    objects per entry were half the time of listing the 10,000-document corpus)."""
    return name if directory == "." else directory.rstrip("/") + "/" + name


# control characters (a newline would forge report lines) and the surrogate escapes Python
# uses for bytes that are not UTF-8 (no report can encode them)
_UNSHOWABLE_RE = "[\x00-\x1f\x7f\udc80-\udcff]"


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """The pattern above, compiled on first use: names nearly always pass the C-speed test
    before it (the class of surrogates costs ~0.3 ms to compile)."""
    return re.compile(pattern)


def printable_name(name: str) -> str:
    """A file name as reports show it, on one line and encodable: such bytes as %XX (not
    with a backslash, which reports turn into a path separator)."""
    if name.isascii() and name.isprintable():  # no control character, no surrogate
        return name
    return _regex(_UNSHOWABLE_RE).sub(lambda match: f"%{ord(match.group()) & 0xFF:02X}", name)


class Ignore:
    """.kubelintignore (in the current directory) and the config's `exclude`, gitignore syntax,
    matched in time linear in the path (kubelint_py/input/globs.py): the patterns come from the tree."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._globs: GitIgnore | None = None
        if patterns:  # the matcher is loaded only for patterns (~1.5 ms of a run without)
            from kubelint_py.input.globs import GitIgnore

            self._globs = GitIgnore.from_lines(patterns)

    def matches(self, rel: str, is_dir: bool = False) -> bool:
        if not self._globs:
            return False
        return self._globs.matches(rel + "/" if is_dir else rel)

    def excludes(self, rel: str, is_dir: bool = False) -> bool:
        """Whether the walk would leave out `rel` (relative to the current directory, `/`-
        separated): it, or a directory above it, is matched or is one of SKIP_DIRS. For paths
        named on the command line under `--force-exclude`; a path outside the current directory
        is never excluded (the patterns are relative to it)."""
        parts = [part for part in rel.split("/") if part not in ("", ".")]
        if not parts or parts[0] == ".." or rel.startswith("/"):
            return False
        for depth in range(1, len(parts)):
            if parts[depth - 1] in SKIP_DIRS or self.matches("/".join(parts[:depth]), True):
                return True
        return (is_dir and parts[-1] in SKIP_DIRS) or self.matches("/".join(parts), is_dir)


# .kubelintignore comes from the tree: a regular file of at most this much, read without
# blocking (a FIFO), with at most so many patterns of at most so many characters. Real ignore
# files are a few hundred short lines; every pattern is tried on every path.
IGNORE_MAX_BYTES = 1024 * 1024
IGNORE_MAX_PATTERNS = 1000
IGNORE_MAX_LINE = 4096


def read_ignore_file(cwd: Path) -> list[str]:
    """The lines of `.kubelintignore` in `cwd`, [] when there is none. A file that is not a
    regular file, cannot be read, is not UTF-8 or is over the limits is refused with a
    DiscoveryError (exit 2): linting more files than its owner meant would be a silent change."""
    text = _read_ignore_text(cwd / IGNORE_FILE)
    if text is None:
        return []
    lines = text.splitlines()
    if any(len(line) > IGNORE_MAX_LINE for line in lines):
        raise DiscoveryError(f"{IGNORE_FILE}: a line is over {IGNORE_MAX_LINE} characters; not used")
    patterns = sum(1 for line in lines if line.strip() and not line.startswith("#"))
    if patterns > IGNORE_MAX_PATTERNS:
        raise DiscoveryError(f"{IGNORE_FILE}: over {IGNORE_MAX_PATTERNS} patterns; not used")
    return lines


def _read_ignore_text(path: Path) -> str | None:
    words = ReadWords(
        f"{IGNORE_FILE}: not a regular file; not read",
        f"{IGNORE_FILE}: over {IGNORE_MAX_BYTES // 1024} KiB; not used",
        lambda exc: f"{IGNORE_FILE}: cannot be read: {_os_reason(exc)}",
        f"{IGNORE_FILE}: not UTF-8 text; not used",
    )
    absent = (FileNotFoundError, NotADirectoryError)
    try:
        return read_worded(path, IGNORE_MAX_BYTES, words, DiscoveryError, encoding="utf-8-sig", passes=absent)
    except absent:
        return None


def _read(path: Path, display: str, is_target: bool) -> Source:
    try:
        info = path.stat()
    except OSError as exc:
        if path.is_symlink():
            reason = "symbolic link loop" if exc.errno == 40 else "dangling symbolic link"
            return Source(display, None, is_target, reason)
        return Source(display, None, is_target, _os_reason(exc))
    if stat.S_ISFIFO(info.st_mode):
        return Source(display, None, is_target, "a FIFO (named pipe), not a regular file; not read")
    if not stat.S_ISREG(info.st_mode):
        return Source(display, None, is_target, "not a regular file; not read")
    too_large = f"file is over {READ_CEILING // (1024 * 1024)} MiB, far beyond any manifest; not read"
    if info.st_size > READ_CEILING:
        return Source(display, None, is_target, too_large)
    try:
        raw = read_regular(path, READ_CEILING)
    except NotRegularFile:  # replaced since stat()
        return Source(display, None, is_target, "not a regular file; not read")
    except FileTooLarge:  # grown since stat()
        return Source(display, None, is_target, too_large)
    except OSError as exc:
        return Source(display, None, is_target, _os_reason(exc))
    return Source(display, raw, is_target)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _walk(root: Path, cwd: Path, ignore: Ignore, is_target: bool) -> Iterator[Source]:
    """Files under `root` in sorted order, depth first. Iterative, so a hostile tree nested
    thousands of directories deep cannot exhaust the stack."""
    seen: set[str] = set()  # real paths of the directories entered
    branch: list[tuple[str, str, Iterator[os.DirEntry[str]]]] = []  # the directories being listed
    on_branch: set[str] = set()

    def enter(directory: Path, real: str, shown: str) -> Source | None:
        if real in seen:
            if real in on_branch:
                reason = "symbolic link loop (links back to a directory above it); not followed"
                return Source(printable_name(shown), None, is_target, reason)
            return None  # another name for a directory already linted
        seen.add(real)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            reason = f"directory cannot be read: {_os_reason(exc)}"
            return Source(printable_name(shown), None, is_target, reason)
        branch.append((real, shown, iter(entries)))
        on_branch.add(real)
        return None

    root_real = _real(root)
    problem = enter(root, root_real, _shown(root, cwd))
    if problem is not None:
        yield problem
    while branch:
        real, shown, entries = branch[-1]
        entry = next(entries, None)
        if entry is None:
            branch.pop()
            on_branch.discard(real)
            continue
        path = Path(entry.path)
        rel_shown = _shown_in(shown, entry.name)
        rel = printable_name(rel_shown)
        try:
            is_dir = entry.is_dir()  # follows links
        except OSError:
            is_dir = False
        if entry.is_symlink() and (is_dir or entry.name.endswith(MANIFEST_SUFFIXES)):
            target = _real(path)
            if target != root_real and not target.startswith(root_real.rstrip(os.sep) + os.sep):
                # A pull request can add `x.yaml -> ~/.kube/config`: links are followed only
                # inside the directory being linted (a path named on the command line is read).
                yield Source(
                    rel, None, is_target, skipped="symbolic link to outside the scanned directory; not followed"
                )
                continue
        if is_dir:
            if entry.name in SKIP_DIRS or ignore.matches(rel, True):
                continue
            # realpath costs a syscall per path component: only links need it
            real_path = _real(path) if entry.is_symlink() else os.path.join(real, entry.name)  # noqa: PTH118
            problem = enter(path, real_path, rel_shown)
            if problem is not None:
                yield problem
            continue
        if not entry.name.endswith(MANIFEST_SUFFIXES) or ignore.matches(rel):
            continue
        yield _read(path, rel, is_target)


def _real(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path.absolute())


def discover(
    paths: Sequence[str],
    *,
    cwd: Path,
    ignore: Ignore,
    is_target: bool = True,
    stdin: bytes | None = None,
    stdin_name: str = "<stdin>",
    force_exclude: bool = False,
    excluded: list[str] | None = None,
) -> list[Source]:
    """Sources for `paths`. A file named here is read even when `ignore` matches it, as
    pre-commit needs for the files it names; with `force_exclude` (ruff's `--force-exclude`)
    named files and directories are left out as the walk leaves them out, and appended to
    `excluded`."""
    sources: list[Source] = []
    for raw in paths:
        if raw == "-":
            sources.append(Source(stdin_name, stdin if stdin is not None else b"", is_target))
            continue
        path = Path(raw)
        if force_exclude and (path.exists() or path.is_symlink()):
            shown = display_path(path, cwd)
            if ignore.excludes(shown, path.is_dir()):
                if excluded is not None:
                    excluded.append(shown)
                continue
        if not path.exists() and not path.is_symlink():
            if _GLOB_CHARS & set(raw):
                matches = expand_glob(raw)
                if not matches:
                    raise DiscoveryError(f"{raw}: no file matches this pattern")
                for match in matches:
                    sources.extend(
                        discover(
                            [match],
                            cwd=cwd,
                            ignore=ignore,
                            is_target=is_target,
                            force_exclude=force_exclude,
                            excluded=excluded,
                        )
                    )
                continue
            raise DiscoveryError(f"{raw}: no such file or directory")
        if path.is_dir():
            sources.extend(_walk(path, cwd, ignore, is_target))
        else:
            sources.append(_read(path, display_path(path, cwd), is_target))
    unique: dict[str, Source] = {}
    for source in sources:
        unique.setdefault(source.display, source)
    return list(unique.values())
