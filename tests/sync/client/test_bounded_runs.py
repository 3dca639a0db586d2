"""Every sync run ends (issue 12, finding 7): damaged server documents, hostile servers.

A damaged document in the server's data used to make client and server ping-pong
`sync`/`doc-unavailable` forever; a server that answers `doc-unavailable` to everything, or
never converges, hung `sync --once`. Each test bounds the run with `asyncio.wait_for`, so
on the old code it fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from support.sync_server import FAST, ServerThread, sync, write
from websockets.asyncio.server import ServerConnection, serve

from solo.core.config import Remote
from solo.core.engine.crdt import Doc, SyncState
from solo.core.engine.store import DocStore
from solo.core.vault import Vault
from solo.sync import protocol as p
from solo.sync.client import SyncReport, sync_once

Behaviour = Callable[[ServerConnection, p.Message], Awaitable[None]]


class FakeServer:
    """A WebSocket server that joins like automerge-repo, then answers as `behaviour` says."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.port = 0
        self.messages = 0
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def handler(ws: ServerConnection) -> None:
            async for frame in ws:
                msg = p.decode(frame if isinstance(frame, bytes) else b"")
                if isinstance(msg, p.Join):
                    await ws.send(p.encode(p.Peer("fake", msg.sender_id, p.PROTOCOL_VERSION,
                                                  p.PeerMetadata("fake-storage", False))))
                else:
                    self.messages += 1
                    await self.behaviour(ws, msg)

        async def main() -> None:
            self._stop = asyncio.Event()
            async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
                self.port = server.sockets[0].getsockname()[1]
                self._ready.set()
                await self._stop.wait()

        self._loop.run_until_complete(main())

    def __enter__(self) -> FakeServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def remote(self) -> Remote:
        return Remote(f"ws://127.0.0.1:{self.port}/")


def bounded(vault: Vault, remote: Remote, seconds: float = 60, full: bool = False,
            **options: object) -> SyncReport:
    vault.scan()
    return asyncio.run(asyncio.wait_for(
        sync_once(vault, remote, full=full, options=replace(FAST, **options)),  # type: ignore[arg-type]
        seconds))


async def unavailable_to_everything(ws: ServerConnection, msg: p.Message) -> None:
    if isinstance(msg, p.Sync | p.Request):
        await ws.send(p.encode(p.DocUnavailable("fake", msg.sender_id, msg.document_id)))


async def never_converges(ws: ServerConnection, msg: p.Message) -> None:
    if isinstance(msg, p.Sync | p.Request):
        # Every answer comes from a peer that has forgotten everything: it never agrees.
        data = Doc.new().generate_sync_message(SyncState())
        assert data is not None
        await ws.send(p.encode(p.Sync("fake", msg.sender_id, msg.document_id, data)))


def test_a_server_answering_unavailable_to_everything_ends_the_run(tmp_path: Path) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "note.md", "# Note\n\nhello\n")
    try:
        with FakeServer(unavailable_to_everything) as fake:
            report = bounded(a, fake.remote)
        assert report.root_missing or report.unavailable
        assert fake.messages < 50
    finally:
        a.close()


def test_a_server_that_never_converges_ends_the_run_with_a_report(tmp_path: Path) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "note.md", "# Note\n\nhello\n")
    try:
        with FakeServer(never_converges) as fake:
            report = bounded(a, fake.remote, max_rounds=8)
        assert any("did not converge" in problem for problem in report.problems)
        assert (a.root / "note.md").read_text() == "# Note\n\nhello\n"
    finally:
        a.close()


def test_the_run_deadline_ends_a_run_whatever_the_server_does(tmp_path: Path) -> None:
    async def silent(ws: ServerConnection, msg: p.Message) -> None:
        return None

    a = Vault.init(tmp_path / "a")
    try:
        with FakeServer(silent) as fake:
            report = bounded(a, fake.remote, seconds=30, once_deadline=1.0, stall_timeout=60.0)
        assert report.incomplete
        assert any("stopped after" in problem for problem in report.problems)
    finally:
        a.close()


def test_a_damaged_server_document_takes_the_clients_copy(tmp_path: Path) -> None:
    data = tmp_path / "server"
    server = ServerThread(data).start()
    a = Vault.init(tmp_path / "a")
    try:
        write(a, "note.md", "# Note\n\nhello\n")
        sync(a, server.remote())
        row = a.index.by_path("note.md")
        assert row is not None and row.doc_id
        doc_id = row.doc_id
        server.stop()
        folder = data / "docs" / doc_id[:2]
        (folder / f"{doc_id}.snap").write_bytes(b"garbage, not a document")
        (folder / f"{doc_id}.log").write_bytes(b"")
        server = ServerThread(data, port=server.port).start()

        write(a, "note.md", "# Note\n\nhello, after the damage\n")
        report = bounded(a, server.remote(), full=True)
        assert not report.unavailable
        server.stop()
        healed = DocStore(data / "docs").load(doc_id)
        assert "after the damage" in healed.get(["body"])
        assert list((data / "quarantine").iterdir())  # the damaged bytes were kept aside
        server = ServerThread(data, port=server.port).start()  # and it serves it again
        again = bounded(a, server.remote(), full=True)
        assert not again.problems
    finally:
        server.stop()
        a.close()
