"""One client connection of the sync server: its peer id, open documents and ordered outbox.

`GuardedConnection` is the WebSocket connection class the server uses: it notes when a
fragmented message starts and how many bytes it has gathered, so the server can end a
connection whose message stays unfinished too long (`FragmentBudget.timeout`) and keep the
bytes held in unfinished messages of all connections under `FragmentBudget.max_bytes`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from solo.core.engine.crdt import SyncState
from solo.sync import protocol as p

log = logging.getLogger("solo.sync.server")

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL = 1002
CLOSE_POLICY = 1008
CLOSE_LOST = 1006
CLOSE_TOO_BIG = 1009
DEFAULT_FRAGMENT_TIMEOUT = 30.0
DEFAULT_FRAGMENT_BYTES = 64 * 1024 * 1024


@dataclass
class FragmentBudget:
    """Limits on unfinished fragmented messages, shared by every connection of one server."""

    timeout: float = DEFAULT_FRAGMENT_TIMEOUT
    """Seconds a fragmented message may stay unfinished."""
    max_bytes: int = DEFAULT_FRAGMENT_BYTES
    """Bytes all connections together may hold in unfinished messages."""
    held: int = 0


class GuardedConnection(ServerConnection):
    """A server connection that tracks its unfinished fragmented message (start time, bytes)."""

    budget = FragmentBudget()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fragment_since: float | None = None
        self.fragment_bytes = 0

    def process_event(self, event: Any) -> None:
        if isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.BINARY,
                                                          Opcode.CONT):
            if event.opcode is not Opcode.CONT:
                self.finish_fragment()
                if not event.fin:
                    self.fragment_since = time.monotonic()
            if self.fragment_since is not None:
                self.fragment_bytes += len(event.data)
                self.budget.held += len(event.data)
                if event.fin:
                    self.finish_fragment()
                elif self.budget.held > self.budget.max_bytes:
                    log.warning("unfinished messages hold %d bytes (cap %d); closing the "
                                "connection from %s", self.budget.held, self.budget.max_bytes,
                                address_of(self))
                    self.finish_fragment()
                    self.transport.abort()
                    return
        super().process_event(event)

    def finish_fragment(self) -> None:
        """Forget the unfinished message (completed, or the connection is going away)."""
        self.budget.held -= self.fragment_bytes
        self.fragment_bytes = 0
        self.fragment_since = None

    def fragment_overdue(self, now: float) -> bool:
        return self.fragment_since is not None and now - self.fragment_since > self.budget.timeout

    def connection_lost(self, exc: Exception | None) -> None:
        self.finish_fragment()
        super().connection_lost(exc)


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
