"""automerge-repo WebSocket wire messages: typed dataclasses, CBOR encode/decode, strict validation.

Every frame is one CBOR map. `decode` treats its input as hostile: it accepts only plain
CBOR (maps, arrays, text, bytes, numbers, booleans, null, `undefined`), no semantic tags
except 64 (a typed byte array, read as bytes), a bounded depth and size, and checks the
type of every field it uses. Anything else raises `ProtocolError` and nothing else.
Unknown message types decode to `Unknown` (forward compatibility); unknown extra keys in
known messages are ignored, as the reference implementation does.

One Solo extension rides on that: a Solo server lists `"heads"` in its peer metadata's
`soloCapabilities`, and then answers `solo-heads-request` (a list of document ids) with
`solo-heads` (each document's heads, concatenated 32-byte hashes; unknown documents left
out). A reconnecting client learns in one round trip which documents any peer changed,
JS apps included, without an exchange per document. Other servers never see it.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cbor2

from solo.core.errors import SoloError
from solo.core.model.ids import is_document_id

PROTOCOL_VERSION = "1"
MAX_ID_CHARS = 128
MAX_TYPE_CHARS = 64
MAX_ERROR_CHARS = 4096
MAX_VERSIONS = 16
MAX_DEPTH = 16
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_MAX_COUNT = 2**53  # JS numbers stay exact below this


class ProtocolError(SoloError, ValueError):
    """A frame that is not a valid automerge-repo message; says which field is wrong."""


# --- messages -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerMetadata:
    """What a peer says about itself in `join` and `peer`."""

    storage_id: str | None = None
    is_ephemeral: bool = False
    capabilities: tuple[str, ...] = ()
    """Solo extensions the peer speaks (`soloCapabilities`; other peers send none)."""


@dataclass(frozen=True, slots=True)
class Join:
    """Client → server: the first message, naming the client's peer id and versions."""

    sender_id: str
    supported_protocol_versions: tuple[str, ...] | None = (PROTOCOL_VERSION,)
    peer_metadata: PeerMetadata | None = None


@dataclass(frozen=True, slots=True)
class Peer:
    """Server → client: the handshake answer with the server's peer id."""

    sender_id: str
    target_id: str | None
    selected_protocol_version: str = PROTOCOL_VERSION
    peer_metadata: PeerMetadata | None = None


@dataclass(frozen=True, slots=True)
class Error:
    """A protocol error; the sender closes the connection after it."""

    message: str
    sender_id: str | None = None
    target_id: str | None = None


@dataclass(frozen=True, slots=True)
class Leave:
    """Advisory: the sender is about to disconnect."""

    sender_id: str


@dataclass(frozen=True, slots=True)
class Sync:
    """An Automerge sync message for one document."""

    sender_id: str
    target_id: str
    document_id: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Request:
    """Like `Sync`, from a peer without a copy; answered by `sync` or `doc-unavailable`."""

    sender_id: str
    target_id: str
    document_id: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DocUnavailable:
    """The sender does not have the document (nor do its peers)."""

    sender_id: str
    target_id: str
    document_id: str


@dataclass(frozen=True, slots=True)
class Ephemeral:
    """Application data (presence, cursors) relayed to a document's peers, never stored."""

    sender_id: str
    target_id: str
    document_id: str
    data: bytes
    count: int
    session_id: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """A message of a type this version does not know; `fields` holds its other keys."""

    type: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sender_id(self) -> str | None:
        value = self.fields.get("senderId")
        return value if isinstance(value, str) else None


Message = Join | Peer | Error | Leave | Sync | Request | DocUnavailable | Ephemeral | Unknown


# --- peer ids -------------------------------------------------------------------------


def new_peer_id(prefix: str = "solo") -> str:
    """A fresh random peer id. Every connection to one server needs its own."""
    return f"{prefix}-{secrets.token_hex(8)}"


_process_peer: tuple[int, str] | None = None


def process_peer_id() -> str:
    """This process's peer id (random, made once per process, new after a fork)."""
    global _process_peer
    if _process_peer is None or _process_peer[0] != os.getpid():
        _process_peer = (os.getpid(), new_peer_id())
    return _process_peer[1]


# --- encoding -------------------------------------------------------------------------


def _metadata_out(meta: PeerMetadata) -> dict[str, Any]:
    out: dict[str, Any] = {"isEphemeral": meta.is_ephemeral}
    if meta.storage_id is not None:
        out["storageId"] = meta.storage_id
    if meta.capabilities:
        out["soloCapabilities"] = list(meta.capabilities)
    return out


def to_wire(msg: Message) -> dict[str, Any]:
    """The CBOR map for a message (camelCase keys; absent optionals left out)."""
    out: dict[str, Any]
    match msg:
        case Join():
            out = {"type": "join", "senderId": msg.sender_id}
            if msg.supported_protocol_versions is not None:
                out["supportedProtocolVersions"] = list(msg.supported_protocol_versions)
            if msg.peer_metadata is not None:
                out["peerMetadata"] = _metadata_out(msg.peer_metadata)
        case Peer():
            out = {"type": "peer", "senderId": msg.sender_id,
                   "selectedProtocolVersion": msg.selected_protocol_version}
            if msg.target_id is not None:
                out["targetId"] = msg.target_id
            if msg.peer_metadata is not None:
                out["peerMetadata"] = _metadata_out(msg.peer_metadata)
        case Error():
            out = {"type": "error", "message": msg.message}
            if msg.sender_id is not None:
                out["senderId"] = msg.sender_id
            if msg.target_id is not None:
                out["targetId"] = msg.target_id
        case Leave():
            out = {"type": "leave", "senderId": msg.sender_id}
        case Sync() | Request():
            out = {"type": "sync" if isinstance(msg, Sync) else "request",
                   "senderId": msg.sender_id, "targetId": msg.target_id,
                   "documentId": msg.document_id, "data": bytes(msg.data)}
        case DocUnavailable():
            out = {"type": "doc-unavailable", "senderId": msg.sender_id,
                   "targetId": msg.target_id, "documentId": msg.document_id}
        case Ephemeral():
            out = {"type": "ephemeral", "senderId": msg.sender_id, "targetId": msg.target_id,
                   "documentId": msg.document_id, "data": bytes(msg.data),
                   "count": msg.count, "sessionId": msg.session_id}
        case Unknown():
            out = dict(msg.fields)
            out["type"] = msg.type
        case _:
            raise TypeError(f"not a protocol message: {type(msg).__name__}")
    return out


def encode(msg: Message) -> bytes:
    """One binary WebSocket frame for `msg`."""
    return cbor2.dumps(to_wire(msg))


# --- decoding -------------------------------------------------------------------------


class _NoTags(dict):
    """cbor2 semantic decoders: every tag refused except 64 (uint8 typed array)."""

    def __getitem__(self, tag: int) -> Any:
        if tag == 64:
            return _byte_array
        return _RefusedTag(tag)


class _RefusedTag:
    def __init__(self, tag: int) -> None:
        self.tag = tag

    def __call__(self, *_args: Any) -> Any:
        raise ProtocolError(f"CBOR tag {self.tag} is not allowed")


def _byte_array(value: Any, *_args: Any) -> bytes:
    if not isinstance(value, bytes):
        raise ProtocolError("CBOR tag 64 must wrap a byte string")
    return value


_SEMANTIC = _NoTags()


def _decoder(buffer: io.BytesIO) -> cbor2.CBORDecoder:
    return cbor2.CBORDecoder(buffer, semantic_decoders=_SEMANTIC, max_depth=MAX_DEPTH,
                             allow_duplicate_keys=False, strict_hashable_types=True)


try:  # fail at import, not on every frame, when cbor2 lacks the hardening options
    _decoder(io.BytesIO(b"\xa0")).decode()
except TypeError as _exc:
    raise ImportError(f"solo.sync.protocol needs cbor2 >= 6.3 ({_exc})") from None
_PLAIN = (str, bytes, bool, int, float, type(None), type(cbor2.undefined))


def _check_plain(value: Any, depth: int = 0) -> None:
    """Only plain CBOR values (no simple values other than the usual ones)."""
    if depth > MAX_DEPTH:
        raise ProtocolError("message nests too deeply")
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, list):
        for item in value:
            _check_plain(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str | bytes):
                raise ProtocolError("map keys must be text or bytes")
            _check_plain(item, depth + 1)
        return
    raise ProtocolError(f"unexpected CBOR value of type {type(value).__name__}")


def decode(data: bytes, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> Message:
    """Parse one frame; raise ProtocolError (and nothing else) on anything invalid."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(f"frame must be binary, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise ProtocolError(f"frame of {len(data)} bytes exceeds the limit of {max_bytes}")
    if not data:
        raise ProtocolError("empty frame")
    buffer = io.BytesIO(bytes(data))
    try:
        raw = _decoder(buffer).decode()
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - cbor2 raises many kinds on hostile input
        cause = exc.__cause__ if isinstance(exc.__cause__, ProtocolError) else exc
        raise ProtocolError(f"invalid CBOR: {cause}") from None
    if buffer.tell() != len(data):
        raise ProtocolError(f"{len(data) - buffer.tell()} stray bytes after the message")
    if not isinstance(raw, dict):
        raise ProtocolError(f"message must be a CBOR map, not {type(raw).__name__}")
    try:
        return _from_wire(raw)
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - defence in depth: never leak another type
        raise ProtocolError(f"invalid message: {exc!r}") from None


def _absent(value: Any) -> bool:
    return value is None or value is cbor2.undefined


def _text(raw: Mapping[str, Any], key: str, limit: int, *, required: bool = True,
          printable: bool = True) -> str | None:
    value = raw.get(key)
    if _absent(value):
        if required:
            raise ProtocolError(f"missing {key}")
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"{key} must be text, not {type(value).__name__}")
    if not value or len(value) > limit:
        raise ProtocolError(f"{key} must be 1 to {limit} characters")
    if printable and not value.isprintable():
        raise ProtocolError(f"{key} holds control characters")
    return value


def _id(raw: Mapping[str, Any], key: str) -> str:
    value = _text(raw, key, MAX_ID_CHARS)
    assert value is not None
    return value


def _document_id(raw: Mapping[str, Any]) -> str:
    value = raw.get("documentId")
    if not isinstance(value, str) or not is_document_id(value):
        raise ProtocolError(f"documentId is not a document id: {str(value)[:60]!r}")
    return value


def _data(raw: Mapping[str, Any], *, allow_empty: bool) -> bytes:
    value = raw.get("data")
    if not isinstance(value, bytes):
        raise ProtocolError(f"data must be a byte string, not {type(value).__name__}")
    if not value and not allow_empty:
        raise ProtocolError("data is empty")
    return value


def _metadata(raw: Mapping[str, Any]) -> PeerMetadata | None:
    value = raw.get("peerMetadata")
    if _absent(value):
        return None
    if not isinstance(value, dict):
        raise ProtocolError("peerMetadata must be a map")
    ephemeral = value.get("isEphemeral")
    if _absent(ephemeral):
        ephemeral = False
    if not isinstance(ephemeral, bool):
        raise ProtocolError("peerMetadata.isEphemeral must be a boolean")
    capabilities = value.get("soloCapabilities")
    if not isinstance(capabilities, list) or len(capabilities) > MAX_VERSIONS:
        capabilities = []
    return PeerMetadata(_text(value, "storageId", MAX_ID_CHARS, required=False), ephemeral,
                        tuple(c for c in capabilities
                              if isinstance(c, str) and len(c) <= MAX_TYPE_CHARS))


def _versions(raw: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = raw.get("supportedProtocolVersions")
    if _absent(value):
        return None
    if isinstance(value, str):  # the README's CDDL shows a single version
        value = [value]
    if not isinstance(value, list) or len(value) > MAX_VERSIONS:
        raise ProtocolError("supportedProtocolVersions must be a short list of text")
    for item in value:
        if not isinstance(item, str) or len(item) > MAX_TYPE_CHARS:
            raise ProtocolError("supportedProtocolVersions must be a short list of text")
    return tuple(value)


def _count(raw: Mapping[str, Any]) -> int:
    value = raw.get("count")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise ProtocolError("count must be a non-negative integer")
    return value


def _from_wire(raw: dict[Any, Any]) -> Message:
    for key in raw:
        if not isinstance(key, str):
            raise ProtocolError("message keys must be text")
    kind = _text(raw, "type", MAX_TYPE_CHARS)
    match kind:
        case "join":
            return Join(_id(raw, "senderId"), _versions(raw), _metadata(raw))
        case "peer":
            version = _text(raw, "selectedProtocolVersion", MAX_TYPE_CHARS)
            assert version is not None
            return Peer(_id(raw, "senderId"), _text(raw, "targetId", MAX_ID_CHARS, required=False),
                        version, _metadata(raw))
        case "error":
            message = _text(raw, "message", MAX_ERROR_CHARS, printable=False)
            assert message is not None
            return Error(message, _text(raw, "senderId", MAX_ID_CHARS, required=False),
                         _text(raw, "targetId", MAX_ID_CHARS, required=False))
        case "leave":
            return Leave(_id(raw, "senderId"))
        case "sync" | "request":
            cls = Sync if kind == "sync" else Request
            return cls(_id(raw, "senderId"), _id(raw, "targetId"), _document_id(raw),
                       _data(raw, allow_empty=False))
        case "doc-unavailable":
            return DocUnavailable(_id(raw, "senderId"), _id(raw, "targetId"), _document_id(raw))
        case "ephemeral":
            session = _text(raw, "sessionId", MAX_ID_CHARS)
            assert session is not None
            return Ephemeral(_id(raw, "senderId"), _id(raw, "targetId"), _document_id(raw),
                             _data(raw, allow_empty=True), _count(raw), session)
    assert kind is not None
    _check_plain(raw)
    return Unknown(kind, {k: v for k, v in raw.items() if k != "type"})


# --- the Solo heads extension -----------------------------------------------------------
HEADS_CAPABILITY = "heads"
HEADS_REQUEST = "solo-heads-request"
HEADS_ANSWER = "solo-heads"
MAX_HEADS_IDS = 10_000  # documents per request (about 300 KB)


def heads_request(sender_id: str, target_id: str, doc_ids: list[str]) -> Unknown:
    return Unknown(HEADS_REQUEST, {"senderId": sender_id, "targetId": target_id,
                                   "documentIds": list(doc_ids)})


def heads_answer(sender_id: str, target_id: str, heads: Mapping[str, list[bytes]]) -> Unknown:
    return Unknown(HEADS_ANSWER, {"senderId": sender_id, "targetId": target_id,
                                  "heads": {d: b"".join(h) for d, h in heads.items()}})


def requested_ids(msg: Unknown) -> list[str]:
    """The document ids of a `solo-heads-request`; raises ProtocolError when malformed."""
    ids = msg.fields.get("documentIds")
    if not isinstance(ids, list) or len(ids) > MAX_HEADS_IDS:
        raise ProtocolError(f"documentIds must be a list of at most {MAX_HEADS_IDS} ids")
    if not all(isinstance(d, str) and is_document_id(d) for d in ids):
        raise ProtocolError("documentIds must hold document ids")
    return ids


def answered_heads(msg: Unknown) -> dict[str, list[bytes]]:
    """The heads of a `solo-heads` answer; raises ProtocolError when malformed."""
    raw = msg.fields.get("heads")
    if not isinstance(raw, dict):
        raise ProtocolError("heads must be a map")
    out: dict[str, list[bytes]] = {}
    for doc_id, data in raw.items():
        if not (isinstance(doc_id, str) and is_document_id(doc_id)
                and isinstance(data, bytes) and len(data) % 32 == 0 and len(data) <= 32 * 1000):
            raise ProtocolError("heads must map document ids to concatenated 32-byte hashes")
        out[doc_id] = sorted(data[i:i + 32] for i in range(0, len(data), 32))
    return out
