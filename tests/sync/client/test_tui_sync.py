"""The TUI syncs live with the configured remote: its status line says so and edits travel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from solo.core.vault import Vault
from solo.sync.client import sync_once
from solo.tui.app import SoloApp

from .conftest import FAST, ServerThread, files, write

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_tui_shows_sync_state_and_pushes_local_edits(tmp_path: Path,
                                                           server: ServerThread) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "notes/n.md", "from the TUI device\n")
    a.scan()
    a.config.remotes = [server.remote()]
    a.save_config()
    a.close()
    b = Vault.init(tmp_path / "b", root_id=Vault(tmp_path / "a").root_id)
    app = SoloApp(tmp_path / "a", watch=True, scan=True)
    async with app.run_test() as pilot:
        deadline = time.monotonic() + 15
        while app.sync_state != "up to date" and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.sync_state == "up to date"
        write(app.vault, "notes/n.md", "from the TUI device\nedited while the TUI runs\n")
        received = False
        while not received and time.monotonic() < deadline + 10:
            await pilot.pause(0.2)
            await sync_once(b, server.remote(), options=FAST)
            received = b"edited while the TUI runs" in files(b).get("notes/n.md", b"")
        assert received
    b.close()
