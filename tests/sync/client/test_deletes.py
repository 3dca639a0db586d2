"""Issue 12, item 5 through a real `solo serve`: a delete after an edit sticks everywhere."""

from __future__ import annotations

import asyncio
from pathlib import Path

from solo.core.vault import Vault
from solo.sync.client import sync_once

from .conftest import FAST, ServerThread, write


def test_edit_then_delete_then_sync_stays_deleted(tmp_path: Path) -> None:
    server = ServerThread(tmp_path / "server").start()
    remote = server.remote()
    try:
        a = Vault.init(tmp_path / "a")
        write(a, "notes/d.md", "draft\n")
        a.scan()
        asyncio.run(sync_once(a, remote, options=FAST))
        b = Vault.init(tmp_path / "b", root_id=a.root_id)
        asyncio.run(sync_once(b, remote, options=FAST))
        assert b.abs("notes/d.md").read_text() == "draft\n"
        write(a, "notes/d.md", "draft, edited\n")
        a.scan()
        a.abs("notes/d.md").unlink()
        a.scan()
        for vault in (a, b, a, b):
            vault.scan()
            asyncio.run(sync_once(vault, remote, options=FAST))
        assert not a.abs("notes/d.md").exists()
        assert not b.abs("notes/d.md").exists()
        a.close()
        b.close()
    finally:
        server.stop()
