"""The one way kubelint writes a file: reports, baselines, `kubelint init`, `kubelint fix`, the
generated rule pages and the kustomization wrapper of `kubelint kustomize`; and `append_text`,
the one way it adds to a file another program owns (the GitHub job summary).

A regular file is replaced through a temporary file in the same directory and a rename, so a
reader never sees half of it and a failure leaves the old file as it was. A symbolic link is
written through to its target (the link stays a link). A device or FIFO (`/dev/stdout`) is
written in place: renaming over it would replace it with a regular file. With `expect`, the
file must still be what was read (same inode, size, modification time and bytes) immediately
before the rename, or nothing is replaced (`Changed`): `kubelint fix` never loses an edit made
while it ran.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kubelint_py.input.confine import read_at_most


class Changed(OSError):
    """The file is not the one that was read: it was edited, replaced or removed meanwhile."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a file was when it was read."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    data: bytes

    @classmethod
    def of(cls, info: os.stat_result, data: bytes) -> Snapshot:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, data)

    def matches(self, info: os.stat_result) -> bool:
        return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) == (
            self.device,
            self.inode,
            self.size,
            self.mtime_ns,
        )


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(
    path: Path,
    data: str | bytes | Iterable[str],
    *,
    mode: int | None = None,
    expect: Snapshot | None = None,
    durable: bool = False,
) -> Path:
    """Write `data` (str: UTF-8 with `\\n` kept as is; or str pieces, written as they come: a
    report of tens of MB is never whole in memory) to `path`; the path written (a link's
    target). `mode`: permission bits of the result [default: the replaced file's, else
    0666 minus the umask]. OSError (Changed with `expect`) when nothing could be written."""
    payload: Iterable[bytes]
    if isinstance(data, str):
        payload = (data.encode("utf-8"),)
    elif isinstance(data, bytes):
        payload = (data,)
    else:
        payload = (piece.encode("utf-8") for piece in data)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    if expect is not None and (info is None or not expect.matches(info)):
        raise Changed(0, "it changed while kubelint worked on it", str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        if expect is not None:
            raise Changed(0, "it is no longer a regular file", str(path))
        _write_in_place(target, payload)
        return target
    if mode is None:
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_current_umask()
    import tempfile  # here, not at the top: ~5 ms of start-up for runs that write nothing

    directory = target.parent if str(target.parent) else Path()
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".kubelint.tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in payload:
                out.write(piece)
            out.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), mode)
            if durable:
                os.fsync(out.fileno())
        if expect is None:
            Path(tmp_name).replace(target)
        else:
            _replace_if_unchanged(Path(tmp_name), target, expect, str(path))
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def append_text(path: Path, text: str) -> None:
    """Add `text` (UTF-8) at the end of `path`, created if missing: a file that other steps
    write to as well, so it is never replaced. OSError when it cannot be written."""
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def _write_in_place(target: Path, payload: Iterable[bytes]) -> None:
    with target.open("wb") as out:
        for piece in payload:
            out.write(piece)


def _replace_if_unchanged(tmp: Path, target: Path, expect: Snapshot, shown: str) -> None:
    """Rename `tmp` over `target` if `target` is still `expect`. There is no compare-and-rename:
    the original stays open across the rename, and a write into it in between (an editor
    saving in place) is put back over the rename, so the edit wins and Changed is raised."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        raise Changed(0, "it was removed while kubelint worked on it", shown) from None
    try:
        info = os.fstat(fd)
        if not expect.matches(info) or read_at_most(functools.partial(os.read, fd), expect.size + 1) != expect.data:
            raise Changed(0, "it changed while kubelint worked on it", shown)
        tmp.replace(target)
        after = os.fstat(fd)
        if expect.matches(after):
            return
        os.lseek(fd, 0, os.SEEK_SET)
        edited = read_at_most(functools.partial(os.read, fd), after.st_size)
    finally:
        os.close(fd)
    write_atomically(target, edited, mode=stat.S_IMODE(after.st_mode))
    raise Changed(0, "it changed while kubelint worked on it", shown)
