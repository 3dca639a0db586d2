"""A test peer for the sync server: the protocol module plus `Doc` over a real WebSocket client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from solo.core.engine.crdt import Doc, SyncState
from solo.sync import protocol as p


class SyncClient:
    """A minimal automerge-repo peer: push, request, edit documents; records other messages."""

    def __init__(self, url: str, *, peer_id: str | None = None, token: str | None = None,
                 versions: tuple[str, ...] | None = (p.PROTOCOL_VERSION,),
                 headers: dict[str, str] | None = None) -> None:
        self.url = url + (f"?token={token}" if token is not None else "")
        self.headers = headers
        self.peer_id = peer_id or p.new_peer_id("test")
        self.versions = versions
        self.server_id: str | None = None
        self.docs: dict[str, Doc] = {}
        self.states: dict[str, SyncState] = {}
        self.idle: set[str] = set()
        self.messages: list[p.Message] = []
        self.ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    async def connect(self, seconds: float = 5) -> p.Message:
        """Open the socket, send `join`, and return the server's first answer."""
        self.ws = await connect(self.url, max_size=None, additional_headers=self.headers,
                                compression=None)
        await self.send(p.Join(self.peer_id, self.versions,
                               p.PeerMetadata(storage_id=None, is_ephemeral=True)))
        first = p.decode(await asyncio.wait_for(self.ws.recv(), seconds))
        if isinstance(first, p.Peer):
            self.server_id = first.sender_id
            self._reader = asyncio.create_task(self._read())
        return first

    async def __aenter__(self) -> SyncClient:
        answer = await self.connect()
        assert isinstance(answer, p.Peer), answer
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def send(self, msg: p.Message) -> None:
        assert self.ws is not None
        await self.ws.send(p.encode(msg))

    async def _read(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(ConnectionClosed):
            async for frame in self.ws:
                assert isinstance(frame, bytes)
                msg = p.decode(frame)
                if isinstance(msg, p.Sync):
                    await self._on_sync(msg)
                else:
                    self.messages.append(msg)
                async with self._changed:
                    self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()

    async def _on_sync(self, msg: p.Sync) -> None:
        doc_id = msg.document_id
        if doc_id not in self.docs:
            self.docs[doc_id] = Doc.new()
            self.states[doc_id] = SyncState()
        self.docs[doc_id].receive_sync_message(self.states[doc_id], msg.data)
        if not await self.sync(doc_id):
            self.idle.add(doc_id)

    async def sync(self, doc_id: str, kind: type[p.Sync] | type[p.Request] = p.Sync) -> bool:
        data = self.docs[doc_id].generate_sync_message(self.states[doc_id])
        if data is None:
            return False
        self.idle.discard(doc_id)
        assert self.server_id is not None
        await self.send(kind(self.peer_id, self.server_id, doc_id, data))
        return True

    # --- what tests call ------------------------------------------------------------------
    async def push(self, doc_id: str, doc: Doc) -> None:
        """Offer a document the client holds (a `sync` message)."""
        self.docs[doc_id] = doc
        self.states[doc_id] = SyncState()
        await self.sync(doc_id)

    async def request(self, doc_id: str) -> None:
        """Ask for a document the client lacks (a `request` message)."""
        self.docs[doc_id] = Doc.new()
        self.states[doc_id] = SyncState()
        await self.sync(doc_id, p.Request)

    async def edit(self, doc_id: str, path: list[str], text: str) -> None:
        with self.docs[doc_id].change() as tx:
            tx.set_text(path, text)
        await self.sync(doc_id)

    def forget(self, doc_id: str) -> Doc:
        """Stop tracking a document (frees memory in bulk runs); returns it."""
        self.states.pop(doc_id, None)
        self.idle.discard(doc_id)
        return self.docs.pop(doc_id)

    async def wait_for(self, predicate: Callable[[], Any], seconds: float = 5) -> Any:
        async with asyncio.timeout(seconds):
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
        return result

    async def wait_idle(self, doc_ids: Iterable[str], seconds: float = 10) -> None:
        wanted = set(doc_ids)
        await self.wait_for(lambda: wanted <= self.idle, seconds)

    async def wait_heads(self, doc_id: str, heads: list[bytes], seconds: float = 5) -> None:
        await self.wait_for(
            lambda: doc_id in self.docs and sorted(self.docs[doc_id].heads()) == sorted(heads),
            seconds)

    def of_type(self, kind: type) -> list[Any]:
        return [m for m in self.messages if isinstance(m, kind)]

    async def closed(self, seconds: float = 5) -> None:
        """Wait until the server closes this connection."""
        assert self.ws is not None
        await asyncio.wait_for(self.ws.wait_closed(), seconds)


def make_note(title: str, body: str) -> Doc:
    doc = Doc.new()
    with doc.change() as tx:
        tx.put(["meta"], {"title": title, "kind": "note"})
        tx.set_text(["body"], body)
    return doc

