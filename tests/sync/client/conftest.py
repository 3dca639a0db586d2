"""Fixtures for the sync client tests: a real `solo serve` (SyncServer) in a thread, vault pairs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sync_server import FAST, TOKEN, ServerThread, files, sync, write  # noqa: F401  (re-exported)

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import sync_once


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    srv = ServerThread(tmp_path / "server").start()
    yield srv
    srv.stop()


@pytest.fixture
def pair(tmp_path: Path, server: ServerThread) -> Iterator[tuple[Vault, Vault, Remote]]:
    """Device A (a vault with its root pushed) and device B (cloned from the server)."""
    a = Vault.init(tmp_path / "a")
    a.scan()
    remote = server.remote()
    sync(a, remote)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    asyncio.run(sync_once(b, remote, options=FAST))
    b.scan()
    yield a, b, remote
    a.close()
    b.close()

