"""The vault's one door to its files: read, atomically write, stat, rename and unlink by relative path.

Everything the file mirror and the replica do to a user's file goes through a `VaultFiles`,
so a test can wrap it (count reads and writes, inject faults) without patching `os`.
Writes are always atomic (temp file in the same folder, fsync, rename, fsync the folder);
a group of new files can share one sync before their renames (`stage`, `put_staged`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from solo.core.engine.fsutil import (
    atomic_write_bytes,
    fsync_dir,
    is_temp_name,
    sync_files,
    temp_name,
    write_temp,
)
from solo.core.engine.paths import resolve_inside
from solo.core.errors import SoloError

MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(name: str) -> bool:
    """Whether a file name is a Markdown note Solo mirrors (not hidden, not a temp file)."""
    return name.lower().endswith(MARKDOWN_SUFFIXES) and not name.startswith(".") \
        and not is_temp_name(name)


def utf8_name(name: str) -> bool:
    """Whether `name` is valid UTF-8 (a name Solo can put in a document)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def displayable(name: str) -> str:
    """A file name as text any terminal can print (undecodable bytes shown as \\xNN)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


class NotRegularFile(SoloError, OSError):
    """A path Solo was to read is a folder, FIFO, socket or device: never opened for reading.

    An OSError too, so every caller that handles an unreadable file handles this one."""

    def __init__(self, rel: str, mode: int) -> None:
        super().__init__(f"{rel}: {kind_of(mode)}, not a regular file; not read")
        self.rel = rel


class VaultFiles:
    """Files under `root`, named by vault-relative `/`-separated paths."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: set[Path] | None = None  # inside `folders_synced_once`
        self._staged: list[tuple[Path, Path]] | None = None  # (temp, target) while staging

    @contextlib.contextmanager
    def folders_synced_once(self) -> Iterator[None]:
        """Within: each written file's content is fsynced before its rename as always, and
        each folder written into is fsynced once at the end instead of after every file
        (the caller keeps a crash journal for that window, e.g. the replica's `pending/`)."""
        outer, self._folders = self._folders, self._folders if self._folders is not None else set()
        try:
            yield
        finally:
            if outer is None:
                folders, self._folders = self._folders, None
                for folder in sorted(folders or ()):
                    fsync_dir(folder)

    @property
    def staging(self) -> bool:
        """True while `write` stages files (see `stage`)."""
        return self._staged is not None

    def stage(self) -> None:
        """From now on `write` puts each file's bytes in its temp file beside the target, not
        fsynced and not in place: `put_staged` makes them all durable with one file-system
        sync and then moves each into place (group commit of many new files)."""
        if self._staged is None:
            self._staged = []

    def put_staged(self) -> None:
        """Make the staged files' bytes durable at once, then rename each into place (its
        folder is synced by `folders_synced_once`, which the caller holds); stops staging.
        A crash before a rename leaves only a temp file (ignored, swept) and the old file."""
        staged, self._staged = self._staged, None
        if not staged:
            return
        try:
            sync_files([tmp for tmp, _ in staged], ())
            while staged:
                tmp, target = staged[0]
                os.replace(tmp, target)
                staged.pop(0)
        finally:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)

    def drop_staged(self) -> None:
        """Stop staging; the staged temp files are removed, nothing is put in place."""
        staged, self._staged = self._staged, None
        for tmp, _ in staged or ():
            tmp.unlink(missing_ok=True)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def safe_path(self, rel: str) -> Path:
        """The absolute path, refusing escapes through `..` or symlinks (raises UnsafePath)."""
        return resolve_inside(self.root, rel)

    def lstat(self, rel: str) -> os.stat_result:
        return os.lstat(self.path(rel))

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.path(rel))

    def read(self, rel: str) -> bytes:
        """The bytes of a regular file; NotRegularFile for anything else (never blocks on a
        FIFO: it is opened non-blocking and checked before a byte is read)."""
        fd = os.open(self.path(rel), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise NotRegularFile(rel, mode)
            with os.fdopen(fd, "rb", closefd=False) as stream:
                return stream.read()
        finally:
            os.close(fd)

    def write(self, rel: str, data: bytes) -> None:
        path = self.path(rel)
        if self._staged is not None:
            if self._folders is None:
                raise RuntimeError("staged writes need folders_synced_once around them")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = temp_name(path)
            write_temp(tmp, data, path)
            self._staged.append((tmp, path))
        else:
            atomic_write_bytes(path, data, sync_dir=self._folders is None)
        if self._folders is not None:
            self._folders.add(path.parent)

    def rename(self, old: str, new: str) -> None:
        """Move a file (creating the target's folder), durably."""
        target = self.path(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.path(old), target)
        fsync_dir(target.parent)

    def unlink(self, rel: str) -> None:
        self.path(rel).unlink()
