"""Two devices joined either in memory (replica to replica) or through a real `solo serve`:
the semantics suite runs every scenario over both, so they cannot drift apart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from support.replicas import Link
from support.sync_server import FAST, ServerThread

from solo.core.engine.replica import Replica
from solo.core.vault import Vault
from solo.sync.client import sync_once


class Devices(Protocol):
    """Device A (whose vault came first) and device B (a clone of it), and a way to sync."""

    a: Vault
    b: Vault

    def settle(self, scan: bool = True) -> None:
        """Exchange until both devices agree; `scan=False` leaves unscanned edits unscanned."""

    def join(self, b: Vault) -> None:
        """Sync a fresh second vault (made with A's root id) for the first time."""

    def close(self) -> None: ...


class InMemory:
    """Replicas exchanging sync messages directly, one SyncState per document per side."""

    def __init__(self, a: Vault, b: Vault) -> None:
        self.a, self.b = a, b
        self.link: Link | None = None
        self.join(b)

    def join(self, b: Vault) -> None:
        if self.link is not None:
            self.link.a.close()
            self.link.b.close()
        self.b = b
        self.link = Link(Replica(self.a, "peer"), Replica(b, "peer"))
        self.link.sync()

    def settle(self, scan: bool = True) -> None:
        assert self.link is not None
        if scan:
            self.a.scan()
            self.b.scan()
        self.link.sync()

    def close(self) -> None:
        if self.link is not None:
            self.link.a.close()
            self.link.b.close()


class ThroughServer:
    """Each device runs `sync --once` rounds against a real server on 127.0.0.1 (A, B, A)."""

    def __init__(self, a: Vault, b: Vault, server: ServerThread) -> None:
        self.a, self.b = a, b
        self.remote = server.remote()
        self.round(a)
        self.join(b)

    def round(self, vault: Vault, scan: bool = True) -> None:
        if scan:
            vault.scan()
        asyncio.run(sync_once(vault, self.remote, options=FAST))

    def join(self, b: Vault) -> None:
        self.b = b
        self.round(b, scan=False)

    def settle(self, scan: bool = True) -> None:
        for vault in (self.a, self.b, self.a, self.b):
            self.round(vault, scan)

    def close(self) -> None:
        pass


def open_pair(tmp_path: Path) -> tuple[Vault, Vault]:
    a = Vault.init(tmp_path / "a")
    a.scan()
    return a, Vault.init(tmp_path / "b", root_id=a.root_id)


@pytest.fixture(params=["in-memory", "server"])
def devices(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Devices]:
    a, b = open_pair(tmp_path)
    joined: Devices
    if request.param == "in-memory":
        joined = InMemory(a, b)
    else:
        server = ServerThread(tmp_path / "server").start()
        request.addfinalizer(server.stop)
        joined = ThroughServer(a, b, server)
    b.scan()
    yield joined
    joined.close()
    a.close()
    b.close()
