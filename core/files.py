"""The vault's one door to its files: read, atomically write, stat, rename and unlink by relative path.

Everything the file mirror and the replica do to a user's file goes through a `VaultFiles`,
so a test can wrap it (count reads and writes, inject faults) without patching `os`.
Writes are always atomic (temp file in the same folder, fsync, rename, fsync the folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from solo.core.fsutil import atomic_write_bytes, fsync_dir
from solo.core.paths import resolve_inside


class VaultFiles:
    """Files under `root`, named by vault-relative `/`-separated paths."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
        return self.path(rel).read_bytes()

    def write(self, rel: str, data: bytes) -> None:
        atomic_write_bytes(self.path(rel), data)

    def rename(self, old: str, new: str) -> None:
        """Move a file (creating the target's folder), durably."""
        target = self.path(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.path(old), target)
        fsync_dir(target.parent)

    def unlink(self, rel: str) -> None:
        self.path(rel).unlink()
