"""`solo serve`: an automerge-repo-compatible WebSocket sync server over a DocStore, token-checked.

Behaves like the reference server (join → peer handshake, per peer and document sync
state, `request` → `doc-unavailable` for unknown documents, changes relayed to every other
peer that has the document open, ephemeral messages relayed) and adds what the reference
lacks: an optional bearer token checked before the WebSocket handshake, frame and document
size caps, and isolation of bad peers. Whatever a peer sends ends at most that peer's
connection, never the server; a hostile change is never persisted.

All document work runs on the event loop thread (Docs are not thread-safe); each applied
message is fsynced before the server answers it, so an acknowledged change survives a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hmac
import logging
import os
import signal
import ssl
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from solo.core.engine.crdt import CrdtError, SyncState
from solo.core.engine.crdt_limits import DEFAULT_CAPS, Caps
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.engine.store import DocStore, StoreError
from solo.core.errors import SoloError
from solo.sync import protocol as p
from solo.sync.docs import DocTooLarge, ServerDocs
from solo.sync.peer import (
    CLOSE_NORMAL,
    CLOSE_PROTOCOL,
    DEFAULT_FRAGMENT_BYTES,
    DEFAULT_FRAGMENT_TIMEOUT,
    FragmentBudget,
    GuardedConnection,
    PeerConnection,
    address_of,
)

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3030
DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_DOC_BYTES = 32 * 1024 * 1024
DEFAULT_CACHE_DOCS = 128
HEADS_FILE = "heads.json"  # the documents' heads, kept between runs (`ServerDocs.save_heads`)
PING_INTERVAL = 10.0
PING_TIMEOUT = 20.0
CLOSE_TIMEOUT = 5.0
JOIN_TIMEOUT = 30.0
MAX_BAD_FRAMES = 3
MAX_DOCS_PER_PEER = 100_000
_EPHEMERAL_SESSIONS = 10_000


class ServerError(SoloError):
    """The server cannot start (bad settings, data folder in use)."""


class _AmbiguousToken(SoloError):
    """The handshake carries more than one Authorization header or token parameter."""


def _supplied_token(request: Request) -> str | None:
    """The bearer token of a handshake (None: none); raises _AmbiguousToken for two of them."""
    headers: Headers = request.headers
    values = headers.get_all("Authorization")
    if len(values) > 1:
        raise _AmbiguousToken(f"{len(values)} Authorization headers")
    auth = values[0] if values else None
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    values = parse_qs(urlsplit(request.path).query).get("token", [])
    return values[0] if len(values) == 1 else None


class SyncServer:
    """The sync server; `await start()` (or `async with`) binds and returns the real port."""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        token: str | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
        cache_docs: int = DEFAULT_CACHE_DOCS,
        ping_interval: float | None = PING_INTERVAL,
        ping_timeout: float | None = PING_TIMEOUT,
        close_timeout: float = CLOSE_TIMEOUT,
        join_timeout: float = JOIN_TIMEOUT,
        peer_id: str | None = None,
        caps: Caps = DEFAULT_CAPS,
        fragment_timeout: float = DEFAULT_FRAGMENT_TIMEOUT,
        fragment_bytes: int = DEFAULT_FRAGMENT_BYTES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if token is not None and not token.strip():
            raise ServerError("the token is empty; give a real token or none at all")
        if max_frame_bytes < 1024 or max_doc_bytes < 1024:
            raise ServerError("frame and document caps must be at least 1 KiB")
        self.data_dir = Path(data_dir)
        self.host = host
        self.tls = tls
        self.token = token
        self.max_frame_bytes = max_frame_bytes
        self.max_doc_bytes = max_doc_bytes
        self.peer_id = peer_id or p.new_peer_id("solo-server")
        self._requested_port = port
        self._port: int | None = None
        self._ping = (ping_interval, ping_timeout)
        self._close_timeout = close_timeout
        self._join_timeout = join_timeout
        self._outbox_limit = max(64 * 1024 * 1024, 2 * max_frame_bytes)
        self._docs = ServerDocs(DocStore(self.data_dir / "docs"), capacity=cache_docs,
                                max_doc_bytes=max_doc_bytes, caps=caps)
        self._peers: dict[str, PeerConnection] = {}
        self._doc_peers: dict[str, set[PeerConnection]] = {}
        self._ephemeral_seen: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._server: Server | None = None
        self.fragments = FragmentBudget(fragment_timeout, fragment_bytes)
        self._connection_class = type("SoloServerConnection", (GuardedConnection,),
                                      {"budget": self.fragments})
        self._sweeper: asyncio.Task[None] | None = None
        self._lock_fd: int | None = None
        self._storage_id: str | None = None

    # --- life cycle -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._port is None:
            raise ServerError("the server is not running")
        return self._port

    @property
    def url(self) -> str:
        """The ws:// (wss:// with TLS) URL clients connect to (without the token)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'wss' if self.tls else 'ws'}://{host}:{self.port}/"

    def connected_peers(self) -> list[str]:
        """Peer ids of the connections that have joined and are still open."""
        return sorted(self._peers)

    async def start(self) -> int:
        """Lock the data folder, bind, and return the port actually listened on."""
        if self._server is not None:
            return self.port
        self._lock_data_dir()
        self._docs.load_heads(self.data_dir / HEADS_FILE)
        if self.token is None and self.host not in ("127.0.0.1", "::1", "localhost"):
            log.warning("serving on %s without a token: anyone who can reach it can read and "
                        "write every document whose id they know", self.host)
        try:
            self._server = await ws_serve(
                self._handle, self.host, self._requested_port,
                process_request=self._check_token,
                max_size=self.max_frame_bytes,
                ping_interval=self._ping[0], ping_timeout=self._ping[1],
                close_timeout=self._close_timeout,
                compression=None,
                create_connection=self._connection_class,
                ssl=self.tls,
            )
        except BaseException:
            self._unlock_data_dir()
            raise
        self._sweeper = asyncio.create_task(self._sweep_fragments())
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("sync server %s listening on %s, data in %s", self.peer_id, self.url,
                 self.data_dir)
        return self._port

    async def stop(self) -> None:
        """Close every connection, stop listening, release the data folder."""
        server, self._server = self._server, None
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        if server is not None:
            server.close()
            await server.wait_closed()
            try:
                self._docs.save_heads(self.data_dir / HEADS_FILE)
            except OSError as exc:
                log.warning("cannot keep the documents' heads for the next start: %s", exc)
        self._unlock_data_dir()
        self._port = None

    async def __aenter__(self) -> SyncServer:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def _sweep_fragments(self) -> None:
        """End connections whose fragmented message stays unfinished past the time limit."""
        while True:
            await asyncio.sleep(min(1.0, self.fragments.timeout / 4))
            server, now = self._server, time.monotonic()
            for ws in list(server.connections if server is not None else ()):
                if isinstance(ws, GuardedConnection) and ws.fragment_overdue(now):
                    log.warning("%s: a fragmented message stayed unfinished for over %.0f s "
                                "(%d bytes); closing the connection", address_of(ws),
                                self.fragments.timeout, ws.fragment_bytes)
                    ws.finish_fragment()
                    ws.transport.abort()

    def _lock_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.data_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ServerError(f"{self.data_dir} is in use by another sync server") from None
        self._lock_fd = fd

    def storage_id(self) -> str | None:
        """The id of this server's storage, kept in data_dir; JS peers key sync info by it.

        Made on the first successful join (a refused connection writes nothing).
        """
        if self._storage_id is None:
            path = self.data_dir / "storage-id"
            try:
                text = path.read_text("ascii").strip()
            except (FileNotFoundError, UnicodeDecodeError):
                text = ""
            except OSError as exc:
                log.error("cannot read %s: %s", path, exc)
                return None
            if not (0 < len(text) <= p.MAX_ID_CHARS and text.isprintable()):
                text = str(uuid.uuid4())
                try:
                    atomic_write_bytes(path, text.encode("ascii"))
                except OSError as exc:
                    log.error("cannot write %s: %s", path, exc)
                    return None
            self._storage_id = text
        return self._storage_id

    def _unlock_data_dir(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)

    # --- handshake and connections ----------------------------------------------------------
    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        if self.token is None:
            return None
        try:
            supplied = _supplied_token(request)
        except _AmbiguousToken as exc:
            log.warning("refused connection from %s: %s", address_of(connection), exc)
            return connection.respond(HTTPStatus.BAD_REQUEST, "give one token, once\n")
        if supplied is not None and hmac.compare_digest(supplied.encode(), self.token.encode()):
            return None
        log.warning("refused connection from %s: %s token", address_of(connection),
                    "missing" if supplied is None else "wrong")
        return connection.respond(HTTPStatus.UNAUTHORIZED, "a valid token is required\n")

    async def _handle(self, ws: ServerConnection) -> None:
        conn = PeerConnection(ws, self.peer_id, self._outbox_limit)
        writer = asyncio.create_task(conn.run_writer())
        started = time.monotonic()
        try:
            await self._read_loop(conn)
        except ConnectionClosed as exc:
            if exc.rcvd is None and not conn.closing:
                conn.ended_by = f"connection lost ({exc})"
        except Exception:  # noqa: BLE001 - one bad connection must never stop the server
            log.exception("%s: unexpected error", conn.name)
            conn.ended_by = "internal error"
        finally:
            self._forget(conn)
            conn.close(CLOSE_NORMAL, "")
            try:
                await asyncio.wait_for(writer, timeout=self._close_timeout + 1)
            except Exception:  # noqa: BLE001 - the socket is going away either way
                writer.cancel()
            log.info("%s: %s after %.1f s (%d frames in, %d out, %d malformed)", conn.name,
                     conn.ended_by, time.monotonic() - started, conn.frames_in,
                     conn.frames_out, conn.bad_frames)

    async def _read_loop(self, conn: PeerConnection) -> None:
        while not conn.closing:
            if conn.peer_id is None:
                try:
                    async with asyncio.timeout(self._join_timeout):
                        frame = await conn.ws.recv()
                except TimeoutError:
                    conn.fail("no join message in time")
                    return
            else:
                frame = await conn.ws.recv()
            conn.frames_in += 1
            self._on_frame(conn, frame)
            await asyncio.sleep(0)  # let writers and other peers run between messages

    def _forget(self, conn: PeerConnection) -> None:
        if conn.peer_id is not None and self._peers.get(conn.peer_id) is conn:
            del self._peers[conn.peer_id]
        for doc_id in conn.docs:
            peers = self._doc_peers.get(doc_id)
            if peers is not None:
                peers.discard(conn)
                if not peers:
                    del self._doc_peers[doc_id]
        conn.docs.clear()

    # --- messages -------------------------------------------------------------------------
    def _on_frame(self, conn: PeerConnection, frame: str | bytes) -> None:
        try:
            if not isinstance(frame, bytes):
                raise p.ProtocolError("text frames are not part of the protocol")
            msg = p.decode(frame, self.max_frame_bytes)
        except p.ProtocolError as exc:
            conn.bad_frames += 1
            log.warning("%s: malformed frame (%d of %d allowed): %s", conn.name,
                        conn.bad_frames, MAX_BAD_FRAMES - 1, exc)
            if conn.bad_frames >= MAX_BAD_FRAMES:
                conn.fail("too many malformed frames")
            return
        try:
            self._dispatch(conn, msg)
        except Exception:  # noqa: BLE001 - contain the failure to this connection
            log.exception("%s: cannot handle %s message", conn.name, type(msg).__name__)
            conn.fail("internal server error")

    def _dispatch(self, conn: PeerConnection, msg: p.Message) -> None:
        if conn.closing:
            return
        if isinstance(msg, p.Join):
            self._on_join(conn, msg)
            return
        if isinstance(msg, p.Error):
            log.warning("%s sent an error: %r", conn.name, msg.message[:200])
            return
        if conn.peer_id is None or getattr(msg, "sender_id", None) != conn.peer_id:
            log.debug("%s: dropped %s (before join or from another sender)", conn.name,
                      type(msg).__name__)
            return
        if isinstance(msg, p.Sync | p.Request):
            self._on_sync(conn, msg)
        elif isinstance(msg, p.Ephemeral):
            self._on_ephemeral(conn, msg)
        elif isinstance(msg, p.Leave):
            conn.close(CLOSE_NORMAL, "left")
        elif isinstance(msg, p.Unknown) and msg.type == p.HEADS_REQUEST:
            self._on_heads(conn, msg)
        else:
            log.debug("%s: ignored %s message", conn.name, type(msg).__name__)

    def _on_join(self, conn: PeerConnection, msg: p.Join) -> None:
        if conn.peer_id is not None:
            if msg.sender_id != conn.peer_id:
                conn.fail("a connection can join only once")
            return
        versions = msg.supported_protocol_versions
        if versions is not None and p.PROTOCOL_VERSION not in versions:
            conn.peer_id = msg.sender_id  # named in the log line, never registered
            conn.fail(f"unsupported protocol version (this server speaks "
                      f"{p.PROTOCOL_VERSION!r}, the peer offered {list(versions)!r})",
                      CLOSE_PROTOCOL)
            return
        older = self._peers.get(msg.sender_id)
        if older is not None:
            log.info("peer %s joined again from %s; closing its connection from %s",
                     msg.sender_id, conn.address, older.address)
            self._forget(older)
            older.close(CLOSE_NORMAL, "replaced by a newer connection")
        conn.peer_id = msg.sender_id
        self._peers[msg.sender_id] = conn
        log.debug("%s joined", conn.name)
        conn.send(p.Peer(self.peer_id, msg.sender_id, p.PROTOCOL_VERSION,
                         p.PeerMetadata(storage_id=self.storage_id(), is_ephemeral=False,
                                        capabilities=(p.HEADS_CAPABILITY,))))

    def _on_sync(self, conn: PeerConnection, msg: p.Sync | p.Request) -> None:
        doc_id = msg.document_id
        state = conn.docs.get(doc_id)
        if state is None:
            if len(conn.docs) >= MAX_DOCS_PER_PEER:
                conn.fail("too many documents open on one connection")
                return
            state = conn.docs[doc_id] = SyncState()
            self._doc_peers.setdefault(doc_id, set()).add(conn)
        try:
            changed = self._docs.apply(doc_id, state, msg.data)
        except (CrdtError, DocTooLarge) as exc:
            self._close_doc(conn, doc_id)
            conn.fail(f"document {doc_id} refused: {exc}")
            return
        except StoreError as exc:
            log.error("%s: cannot load %s: %s", conn.name, doc_id, exc)
            self._close_doc(conn, doc_id)
            conn.send(p.DocUnavailable(self.peer_id, msg.sender_id, doc_id))
            return
        except OSError as exc:
            log.error("%s: cannot persist %s: %s", conn.name, doc_id, exc)
            self._close_doc(conn, doc_id)
            conn.fail("the server cannot store documents right now", 1011)
            return
        if isinstance(msg, p.Request) and not self._docs.has_content(doc_id):
            # Stay subscribed: the document reaches this peer if someone pushes it later.
            conn.send(p.DocUnavailable(self.peer_id, msg.sender_id, doc_id))
        else:
            self._send_sync(conn, doc_id)
        if changed:
            for other in list(self._doc_peers.get(doc_id, ())):
                if other is not conn and not other.closing:
                    self._send_sync(other, doc_id)

    def _on_heads(self, conn: PeerConnection, msg: p.Unknown) -> None:
        """The Solo heads extension: each asked document's heads, read without loading it."""
        try:
            doc_ids = p.requested_ids(msg)
        except p.ProtocolError as exc:
            conn.fail(f"bad {p.HEADS_REQUEST}: {exc}", CLOSE_PROTOCOL)
            return
        answer: dict[str, list[bytes]] = {}
        for doc_id in doc_ids:
            heads = self._docs.heads(doc_id)
            if heads is not None:
                answer[doc_id] = heads
        assert conn.peer_id is not None
        conn.send(p.heads_answer(self.peer_id, conn.peer_id, answer))

    def _send_sync(self, conn: PeerConnection, doc_id: str) -> None:
        state = conn.docs.get(doc_id)
        if state is None or conn.peer_id is None:
            return
        try:
            data = self._docs.generate(doc_id, state)
        except (CrdtError, StoreError) as exc:
            log.error("%s: cannot generate a sync message for %s: %s", conn.name, doc_id, exc)
            return
        if data is not None:
            conn.send(p.Sync(self.peer_id, conn.peer_id, doc_id, data))

    def _close_doc(self, conn: PeerConnection, doc_id: str) -> None:
        conn.docs.pop(doc_id, None)
        peers = self._doc_peers.get(doc_id)
        if peers is not None:
            peers.discard(conn)
            if not peers:
                del self._doc_peers[doc_id]

    def _on_ephemeral(self, conn: PeerConnection, msg: p.Ephemeral) -> None:
        key = (msg.sender_id, msg.session_id)
        last = self._ephemeral_seen.get(key)
        if last is not None and msg.count <= last:
            return
        self._ephemeral_seen[key] = msg.count
        self._ephemeral_seen.move_to_end(key)
        while len(self._ephemeral_seen) > _EPHEMERAL_SESSIONS:
            self._ephemeral_seen.popitem(last=False)
        for other in self._doc_peers.get(msg.document_id, ()):
            if other is not conn and other.peer_id is not None:
                other.send(replace(msg, target_id=other.peer_id))


def server_tls(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    """A TLS context from a certificate (chain) file and its key file; None without them.

    Raises ServerError naming the problem (one given without the other, unreadable files)."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise ServerError("give both --tls-cert and --tls-key, or neither")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ServerError(f"cannot load the TLS certificate {cert} and key {key}: {exc}") from None
    return context


def main_serve(
    host: str,
    port: int,
    data_dir: Path,
    token: str | None,
    *,
    tls: ssl.SSLContext | None = None,
    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
    ready: Callable[[int], None] | None = None,
) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly; returns the exit status (0).

    Raises ServerError (bad token, data folder in use) or OSError (cannot bind).
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("websockets").setLevel(logging.WARNING)  # we log connections ourselves

    async def run() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        signals = (signal.SIGINT, signal.SIGTERM)
        for sig in signals:
            loop.add_signal_handler(sig, stop.set)
        try:
            async with SyncServer(Path(data_dir), host=host, port=port, token=token,
                                  max_frame_bytes=max_frame_bytes,
                                  max_doc_bytes=max_doc_bytes, tls=tls) as server:
                if ready is not None:
                    ready(server.port)
                await stop.wait()
                log.info("signal received; stopping")
        finally:
            for sig in signals:
                with contextlib.suppress(ValueError, RuntimeError):
                    loop.remove_signal_handler(sig)

    asyncio.run(run())
    return 0
