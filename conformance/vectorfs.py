"""A vector set's files on disk, read and written without trusting the directory.

Specified in `spec/vectors.md` (VEC-10, VEC-11). A vector set may come from anywhere: every
path is opened relative to the set's root one component at a time, never following a symbolic
link, only regular files are opened for reading (a FIFO, a device or a socket is refused before
it is opened, and opening never blocks), and every read is bounded. Writing replaces each file
atomically and never writes through a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# VEC-10: the bounds of a vector set.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SET_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_DEPTH = 8

_NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | _NO_FOLLOW


class VectorSetError(Exception):
    """A vector set that cannot be used: unreadable, malformed, inconsistent or tampered with."""


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _refusal(where: Path, mode: int) -> VectorSetError:
    return VectorSetError(
        f"{where}: is {_kind(mode)}; a vector set holds only directories and regular files "
        "(no links): replace it with a regular file or remove it"
    )


def _open_root(root: Path) -> int:
    try:
        return os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise VectorSetError(f"{root}: cannot open the directory: {error.strerror}") from error


@contextlib.contextmanager
def _directory(root: Path, parts: tuple[str, ...], create: bool = False) -> Iterator[int]:
    """A descriptor of `root/parts...`, each component opened without following links."""
    fd = _open_root(root)
    try:
        for depth, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=fd)
            try:
                child = os.open(part, _DIRECTORY, dir_fd=fd)
            except OSError as error:
                where = root.joinpath(*parts[: depth + 1])
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    mode = os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
                    if not stat.S_ISREG(mode):
                        raise _refusal(where, mode) from error
                raise VectorSetError(f"{where}: cannot open the directory: {error.strerror}") from error
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _split(relative: str) -> tuple[tuple[str, ...], str]:
    *parents, name = relative.split("/")
    return tuple(parents), name


def list_set_files(root: Path) -> dict[str, int]:
    """Every regular file under `root` as relative POSIX path -> size in bytes (VEC-10).

    Refuses a link or a special file anywhere under the root, more than MAX_ENTRIES entries,
    directories nested deeper than MAX_DEPTH, a file larger than MAX_FILE_BYTES and a total
    over MAX_SET_BYTES. Nothing is opened but directories.
    """
    found: dict[str, int] = {}
    pending: list[tuple[str, ...]] = [()]
    entries = 0
    while pending:
        parts = pending.pop()
        if len(parts) > MAX_DEPTH:
            raise VectorSetError(f"{root.joinpath(*parts)}: directories nested deeper than {MAX_DEPTH}")
        with _directory(root, parts) as fd, os.scandir(fd) as listing:
            for entry in listing:
                entries += 1
                if entries > MAX_ENTRIES:
                    raise VectorSetError(f"{root}: more than {MAX_ENTRIES} entries; not a vector set")
                mode = entry.stat(follow_symlinks=False).st_mode
                relative = (*parts, entry.name)
                if stat.S_ISDIR(mode):
                    pending.append(relative)
                elif stat.S_ISREG(mode):
                    found["/".join(relative)] = entry.stat(follow_symlinks=False).st_size
                else:
                    raise _refusal(root.joinpath(*relative), mode)
    for path, size in sorted(found.items()):
        if size > MAX_FILE_BYTES:
            raise VectorSetError(f"{root / path}: {size} bytes, over the bound of {MAX_FILE_BYTES} per file")
    if sum(found.values()) > MAX_SET_BYTES:
        raise VectorSetError(f"{root}: {sum(found.values())} bytes, over the bound of {MAX_SET_BYTES}")
    return found


def read_set_file(root: Path, relative: str) -> bytes:
    """The bytes of the regular file `root/relative`, at most MAX_FILE_BYTES (VEC-10).

    The file is checked to be regular before it is opened and again after (the opening never
    blocks and never follows a link), so that nothing swapped in between is read.
    """
    parents, name = _split(relative)
    where = root / relative
    with _directory(root, parents) as directory:
        try:
            before = os.stat(name, dir_fd=directory, follow_symlinks=False)
        except OSError as error:
            raise VectorSetError(f"{where}: cannot read: {error.strerror}") from error
        if not stat.S_ISREG(before.st_mode):
            raise _refusal(where, before.st_mode)
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NO_FOLLOW, dir_fd=directory)
        except OSError as error:
            raise VectorSetError(f"{where}: cannot read: {error.strerror}") from error
        try:
            after = os.fstat(fd)
            if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
                before.st_dev,
                before.st_ino,
            ):
                raise VectorSetError(f"{where}: replaced while being read; try again")
            chunks: list[bytes] = []
            size = 0
            while chunk := os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise VectorSetError(f"{where}: over the bound of {MAX_FILE_BYTES} bytes per file")
        except OSError as error:
            raise VectorSetError(f"{where}: cannot read: {error.strerror}") from error
        finally:
            os.close(fd)
    return b"".join(chunks)


def write_set_file(root: Path, relative: str, data: bytes) -> None:
    """Replace `root/relative` with `data` atomically, creating its directories (VEC-11).

    A link on the way is refused; the file itself is replaced by renaming a new file over it,
    so an existing link there is replaced, never written through.
    """
    parents, name = _split(relative)
    scratch = f".{name}.{os.getpid()}.tmp"
    with _directory(root, parents, create=True) as directory:
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o644, dir_fd=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(scratch, name, src_dir_fd=directory, dst_dir_fd=directory)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(scratch, dir_fd=directory)
            raise


def remove_set_file(root: Path, relative: str) -> None:
    """Remove the file `root/relative`, never following a link on the way (VEC-11)."""
    parents, name = _split(relative)
    with _directory(root, parents) as directory:
        os.unlink(name, dir_fd=directory)
