"""Left-over temp files: a killed run can leave `.name.solo-tmp-xxxx` beside a file it was replacing.

Only Solo's own temp names (`core.fsutil.is_temp_name`) are removed, only while the vault
lock is held, and only when older than a margin before the lock was taken: a live writer
holds the lock while it writes, so anything that old belongs to a run that died.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from solo.core.engine.fsutil import is_temp_name
from solo.core.engine.lock import VaultLock

MARGIN_SECONDS = 60.0


def sweep_temp_files(root: Path, lock: VaultLock, deep: bool = True) -> list[str]:
    """Remove dead runs' temp files under `root` (its top folder and `.solo/` only unless
    `deep`); returns their vault-relative paths."""
    removed: list[str] = []
    with lock:
        cutoff = time.time() - MARGIN_SECONDS
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if deep or entry.name == ".solo" or folder.name == ".solo":
                            stack.append(Path(entry.path))
                        continue
                    if not is_temp_name(entry.name) or not entry.is_file(follow_symlinks=False):
                        continue
                    if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                        continue
                    os.unlink(entry.path)
                except OSError:
                    continue
                removed.append(os.path.relpath(entry.path, root).replace(os.sep, "/"))
    return sorted(removed)
