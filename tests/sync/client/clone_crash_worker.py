"""Child process for the group-commit crash test: a clone that dies (os._exit) at one point of a
group commit, in its second group (the first is stored whole)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from solo.core.config import Remote
from solo.core.engine import bulk, files
from solo.core.vault import Vault
from solo.sync.client import sync_once

GROUP = 2  # die in this group commit


def main(root: str, url: str, token: str, root_id: str, point: str) -> None:
    vault_root = Path(root)
    calls = {"groups": 0, "renames": 0}

    def die_after(func: Any, name: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            if name == "synced" and args and all(".solo" not in Path(p).parts for p in args[0]):
                calls["groups"] += 1  # a group of the vault's files (not the store's)
            if name == point and calls["groups"] >= GROUP:
                os._exit(9)
            return result
        return wrapper

    files.sync_files = die_after(files.sync_files, "synced")
    files.VaultFiles.put_staged = die_after(files.VaultFiles.put_staged, "renamed")
    bulk.index_rows = die_after(bulk.index_rows, "rows")
    real_replace = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        real_replace(src, dst, *args, **kwargs)
        inside = Path(dst).is_relative_to(vault_root) and ".solo" not in Path(dst).parts
        if point == "half" and inside and calls["groups"] >= GROUP:
            calls["renames"] += 1
            if calls["renames"] == 3:
                os._exit(9)

    os.replace = replace
    vault = Vault.init(vault_root, root_id=root_id)
    asyncio.run(sync_once(vault, Remote(url, token)))
    sys.exit(0)  # the point was never reached


if __name__ == "__main__":
    main(*sys.argv[1:6])
