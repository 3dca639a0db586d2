"""A client WebSocket connection to an automerge-repo server: token, join/peer handshake, pings.

`open_connection` returns only after the server answered `join` with `peer`; a refused
token raises `AuthError` (HTTP 401/403), anything else that prevents a session raises
`ConnectError`. Pings detect a dead socket within `ping_interval + ping_timeout` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from solo.core.errors import SoloError
from solo.sync import protocol as p

log = logging.getLogger(__name__)

PING_INTERVAL = 5.0
PING_TIMEOUT = 5.0
OPEN_TIMEOUT = 10.0
CLOSE_TIMEOUT = 1.0  # after a ping timeout, the socket is declared dead this much later
MAX_FRAME_BYTES = 64 * 1024 * 1024


class ConnectError(SoloError):
    """The server cannot be reached, or did not complete the handshake."""


class AuthError(ConnectError):
    """The server refused our token (or asked for one we do not have)."""


def with_token(url: str, token: str | None) -> str:
    """`url` with `token=` in its query (replacing any token already there)."""
    if token is None:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "token"]
    query.append(("token", token))
    return urlunsplit(parts._replace(query=urlencode(query)))


def display_url(url: str) -> str:
    """The URL without its query (so a token never reaches a log line or the screen)."""
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def tls_context(url: str, ca: str | None = None) -> ssl.SSLContext | None:
    """For a wss:// URL, a context verifying the server against the system store or `ca`.

    None for ws://. Raises ConnectError when the CA file cannot be read."""
    if urlsplit(url).scheme != "wss":
        return None
    try:
        return ssl.create_default_context(cafile=ca)
    except (OSError, ssl.SSLError) as exc:
        raise ConnectError(f"cannot read the CA certificate {ca}: {exc}") from None


def check_url(url: str) -> str:
    """A ws:// or wss:// URL with a host; raises ValueError naming the problem."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(f"not a ws:// or wss:// server URL: {url!r}")
    return url


@dataclass
class Connection:
    """One joined session: send and receive protocol messages."""

    ws: ClientConnection
    peer_id: str
    server_id: str
    storage_id: str | None
    max_frame_bytes: int = MAX_FRAME_BYTES
    capabilities: tuple[str, ...] = ()
    frames_in: int = 0
    frames_out: int = 0

    async def send(self, msg: p.Message) -> None:
        """Send one message; raises ConnectError when the connection is gone."""
        try:
            await self.ws.send(p.encode(msg))
        except ConnectionClosed as exc:
            raise ConnectError(f"connection lost ({exc})") from None
        self.frames_out += 1

    async def recv(self) -> p.Message:
        """The next valid message; malformed frames are logged and skipped.

        Raises ConnectionClosed when the socket ends.
        """
        while True:
            frame = await self.ws.recv()
            self.frames_in += 1
            try:
                if not isinstance(frame, bytes):
                    raise p.ProtocolError("text frame")
                return p.decode(frame, self.max_frame_bytes)
            except p.ProtocolError as exc:
                log.warning("malformed frame from the server: %s", exc)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.send(p.encode(p.Leave(self.peer_id)))
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 2)


async def open_connection(
    url: str,
    token: str | None = None,
    *,
    peer_id: str | None = None,
    ping_interval: float | None = PING_INTERVAL,
    ping_timeout: float | None = PING_TIMEOUT,
    open_timeout: float = OPEN_TIMEOUT,
    max_frame_bytes: int = MAX_FRAME_BYTES,
    ca: str | None = None,
) -> Connection:
    """Connect, send `join` (ephemeral, protocol "1") and wait for the server's `peer`.

    A wss:// server is verified against the system's certificate store, or `ca` (a file)."""
    peer_id = peer_id or p.new_peer_id()
    context = tls_context(url, ca)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else None
    shown = display_url(url)
    try:
        ws = await connect(with_token(url, token), additional_headers=headers,
                           max_size=max_frame_bytes, compression=None,
                           ping_interval=ping_interval, ping_timeout=ping_timeout,
                           open_timeout=open_timeout, close_timeout=CLOSE_TIMEOUT,
                           ssl=context)
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status in (401, 403):
            what = "refused the token" if token is not None else "requires a token (--token)"
            raise AuthError(f"{shown} {what} (HTTP {status})") from None
        raise ConnectError(f"{shown} answered HTTP {status}, not a WebSocket") from None
    except InvalidURI as exc:
        raise ConnectError(f"bad server URL {shown}: {exc}") from None
    except ssl.SSLCertVerificationError as exc:
        hint = "" if ca else "; if it uses a private CA, give its certificate with --ca FILE"
        raise ConnectError(f"cannot verify the TLS certificate of {shown}: "
                           f"{exc.verify_message or exc}{hint}") from None
    except ssl.SSLError as exc:
        raise ConnectError(f"TLS with {shown} failed: {exc}") from None
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        raise ConnectError(f"cannot connect to {shown}: {exc or type(exc).__name__}") from None
    try:
        await ws.send(p.encode(p.Join(peer_id, (p.PROTOCOL_VERSION,),
                                      p.PeerMetadata(storage_id=None, is_ephemeral=True))))
        async with asyncio.timeout(open_timeout):
            while True:
                frame = await ws.recv()
                try:
                    msg = p.decode(frame if isinstance(frame, bytes) else b"", max_frame_bytes)
                except p.ProtocolError as exc:
                    raise ConnectError(f"{shown} sent a malformed handshake: {exc}") from None
                if isinstance(msg, p.Peer):
                    meta = msg.peer_metadata
                    return Connection(ws, peer_id, msg.sender_id,
                                      meta.storage_id if meta else None, max_frame_bytes,
                                      capabilities=meta.capabilities if meta else ())
                if isinstance(msg, p.Error):
                    raise ConnectError(f"{shown} refused the session: {msg.message}")
    except ConnectError:
        await ws.close()
        raise
    except (ConnectionClosed, TimeoutError, OSError) as exc:
        await ws.close()
        raise ConnectError(f"{shown} closed the connection during the handshake "
                           f"({exc or type(exc).__name__})") from None
