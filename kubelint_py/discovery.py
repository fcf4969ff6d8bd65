"""Command-line paths -> Sources: files, directories, globs and stdin.

Directories are walked in sorted order so output is deterministic. Unreadable entries
(permissions, FIFOs, symlink loops, dangling links) become Sources with an error, so the
run reports them and goes on.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from kubelint_py.model import Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_DIRS = frozenset((".git", ".hg", ".svn", "__pycache__", "node_modules", ".terraform"))
IGNORE_FILE = ".kubelintignore"
_GLOB_CHARS = frozenset("*?[")


class DiscoveryError(Exception):
    """A path the user named that does not exist: exit 2."""


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


class Ignore:
    """.kubelintignore (in the current directory) and the config's `exclude`, gitignore syntax."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._spec = None
        if patterns:
            import pathspec

            self._spec = pathspec.PathSpec.from_lines("gitignore", patterns)

    def matches(self, rel: str, is_dir: bool = False) -> bool:
        if self._spec is None:
            return False
        return bool(self._spec.match_file(rel + "/" if is_dir else rel))


def read_ignore_file(cwd: Path) -> list[str]:
    path = cwd / IGNORE_FILE
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


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
    try:
        return Source(display, path.read_bytes(), is_target)
    except OSError as exc:
        return Source(display, None, is_target, _os_reason(exc))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _walk(root: Path, cwd: Path, ignore: Ignore, is_target: bool) -> Iterator[Source]:
    seen: set[str] = set()

    def visit(directory: Path) -> Iterator[Source]:
        try:
            real = os.path.realpath(directory)
        except OSError:
            real = str(directory)
        if real in seen:
            yield Source(
                display_path(directory, cwd), None, is_target, "symbolic link loop (directory already visited)"
            )
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            yield Source(display_path(directory, cwd), None, is_target, f"directory cannot be read: {_os_reason(exc)}")
            return
        for entry in entries:
            path = Path(entry.path)
            rel = display_path(path, cwd)
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in SKIP_DIRS or ignore.matches(rel, True):
                    continue
                yield from visit(path)
                continue
            if not entry.name.endswith(MANIFEST_SUFFIXES) or ignore.matches(rel):
                continue
            yield _read(path, rel, is_target)

    yield from visit(root)


def discover(
    paths: Sequence[str],
    *,
    cwd: Path,
    ignore: Ignore,
    is_target: bool = True,
    stdin: bytes | None = None,
    stdin_name: str = "<stdin>",
) -> list[Source]:
    sources: list[Source] = []
    for raw in paths:
        if raw == "-":
            sources.append(Source(stdin_name, stdin if stdin is not None else b"", is_target))
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            if _GLOB_CHARS & set(raw):
                matches = sorted(glob.glob(raw, recursive=True))  # noqa: PTH207 (absolute patterns too)
                if not matches:
                    raise DiscoveryError(f"{raw}: no file matches this pattern")
                for match in matches:
                    sources.extend(discover([match], cwd=cwd, ignore=ignore, is_target=is_target))
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
