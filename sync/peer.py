"""One client connection of the sync server: its peer id, open documents and ordered outbox."""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from solo.core.crdt import SyncState
from solo.sync import protocol as p

log = logging.getLogger("solo.sync.server")

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL = 1002
CLOSE_POLICY = 1008
CLOSE_LOST = 1006


class PeerConnection:
    """One client socket: its peer id once joined, its open documents, an ordered outbox."""

    def __init__(self, ws: ServerConnection, server_id: str, outbox_limit: int) -> None:
        self.ws = ws
        self.address = address_of(ws)
        self.server_id = server_id
        self.peer_id: str | None = None
        self.docs: dict[str, SyncState] = {}
        self.bad_frames = 0
        self.frames_in = 0
        self.frames_out = 0
        self.ended_by = "closed by peer"
        self._outbox: deque[bytes] = deque()
        self._outbox_bytes = 0
        self._outbox_limit = outbox_limit
        self._wake = asyncio.Event()
        self._close: tuple[int, str] | None = None

    @property
    def closing(self) -> bool:
        return self._close is not None

    @property
    def name(self) -> str:
        return f"peer {self.peer_id or '?'} from {self.address}"

    def send(self, msg: p.Message) -> None:
        """Queue a message; the writer task sends queued messages in order."""
        if self._close is not None:
            return
        data = p.encode(msg)
        self._outbox.append(data)
        self._outbox_bytes += len(data)
        if self._outbox_bytes > self._outbox_limit:
            log.warning("%s reads too slowly (%d bytes queued); closing", self.name,
                        self._outbox_bytes)
            self._outbox.clear()
            self._outbox_bytes = 0
            self.close(CLOSE_POLICY, "too slow")
        self._wake.set()

    def fail(self, reason: str, code: int = CLOSE_POLICY) -> None:
        """Send an error message, then close: the end of this connection, not the server."""
        if self._close is None:
            log.warning("%s: %s; closing the connection", self.name, reason)
            self.send(p.Error(reason, self.server_id, self.peer_id))
            self.close(code, reason)

    def close(self, code: int, reason: str) -> None:
        if self._close is None:
            self._close = (code, reason)
            if reason:
                self.ended_by = reason
            self._wake.set()

    async def run_writer(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._outbox:
                    data = self._outbox.popleft()
                    self._outbox_bytes -= len(data)
                    await self.ws.send(data)
                    self.frames_out += 1
                if self._close is not None:
                    code, reason = self._close
                    await self.ws.close(code, reason.encode()[:120].decode(errors="ignore"))
                    return
        except ConnectionClosed:
            # Closing or closed (a lost peer, a ping timeout): queue nothing more for it.
            self.close(CLOSE_LOST, "")
            self._outbox.clear()
            self._outbox_bytes = 0


def address_of(ws: ServerConnection) -> str:
    """host:port of the remote end, for log lines."""
    remote = ws.remote_address
    if isinstance(remote, tuple) and len(remote) >= 2:
        return f"{remote[0]}:{remote[1]}"
    return str(remote)
