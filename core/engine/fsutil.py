"""Crash-safe file writing: temp file in the same folder, fsync, rename, fsync the folder."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def fsync_dir(folder: Path) -> None:
    """Make a rename or create in `folder` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """A hidden temp path beside `target` that watchers recognise as Solo's own."""
    return target.with_name(f".{target.name}.solo-tmp-{os.urandom(4).hex()}")


@functools.cache
def libc() -> Any | None:
    """The C library through ctypes (`syncfs`, `malloc_trim`, `prctl`), or None off glibc
    systems. Imported and looked up on first use: `ctypes.util` starts a subprocess."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    if not name:
        return None
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None


def is_temp_name(name: str) -> bool:
    return ".solo-tmp-" in name


def write_temp(tmp: Path, data: bytes, target: Path, mode: int | None = None, *,
                   fsync: bool = False) -> None:
    """Create the temp file `tmp` for `target` holding `data` (with `target`'s mode, if it
    exists), fsynced only when asked; removed again if anything fails."""
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)


def atomic_write_bytes(target: Path, data: bytes, mode: int | None = None, *,
                       sync_dir: bool = True) -> None:
    """Replace `target` with `data` so that a crash leaves either the old or the new bytes
    (`sync_dir=False`: the caller fsyncs the folder, e.g. once for many files)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    write_temp(tmp, data, target, mode, fsync=True)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(target.parent)


def sync_files(files: Sequence[Path], folders: Iterable[Path]) -> None:
    """Make `files` and the entries in `folders` durable: one `syncfs` of their file system
    where Linux offers it, else an fsync of each."""
    if _syncfs(files[0]):
        return
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in folders:
        fsync_dir(folder)


def _syncfs(path: Path) -> bool:
    lib = libc()
    syncfs = getattr(lib, "syncfs", None) if lib is not None else None
    if syncfs is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)
