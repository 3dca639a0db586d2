"""Decoded-size caps for what peers send, and the byte scanner that measures a message before it is applied.

Automerge compresses well: a 10 KB sync message can hold a document whose body is 10 million
characters, which the Python binding takes 35 s and 5.6 GB to apply. Byte caps cannot see
that, so before the binding is handed a peer's message, `scan_sync_message` reads the
message's change and document chunks straight from the bytes (the column metadata and the
run-length-encoded action and value-length columns; deflated columns are inflated with a
bound) and counts what applying it would create: operations (one per character of text,
per map key set, per list item) and raw value bytes. `Caps.check` refuses a message over the
per-message caps, or one that would take the document over the per-document caps, before
anything is applied. The scan costs a few microseconds per kilobyte and never allocates more
than `Caps.max_inflate_bytes`.

The scanner also notices Counters (an `increment` operation or a counter value), which make
the binding panic, so that a refused Counter is one logged line rather than a Rust backtrace
on the user's terminal.

The defaults (`DEFAULT_CAPS`), chosen from what the binding costs here (about 600 bytes of
peak memory per operation while applying, about 250 bytes per operation held):

| cap | default | why |
|---|---|---|
| `max_message_ops` | 1,000,000 | a whole 1 MiB note (Solo's largest mirrored file) typed in one go |
| `max_doc_ops` | 2,000,000 | that note plus as much edit history again |
| `max_message_value_bytes` | 8 MiB | scalar strings and bytes decoded from one message |
| `max_doc_value_bytes` | 16 MiB | the same for a whole document |
| `max_inflate_bytes` | 16 MiB | what inflating one compressed column or change may produce |
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from solo.core.engine.crdt_encode import uncompressed
from solo.core.errors import SoloError

MAGIC = b"\x85\x6f\x4a\x83"
CHUNK_DOCUMENT, CHUNK_CHANGE, CHUNK_COMPRESSED = 0, 1, 2
_ACTION = (4 << 4) | 2        # the op action column: RLE of unsigned integers
_VALUE_META = (5 << 4) | 6    # the value metadata column: RLE of (length << 4 | type)
_DEFLATE = 0x08               # a column spec flag: the column's data is deflated
_ACTION_INCREMENT = 5
_ACTIONS_NOT_MAKING = frozenset({1, 3, 5, 7})  # set, delete, increment, mark: no new object
_VALUE_COUNTER = 8
_MAX_ITEMS = 1_000_000        # a count read from the bytes above this is not believed


class LimitExceeded(SoloError):
    """A peer's message would decode to more than a cap allows (or cannot be measured)."""


@dataclass(frozen=True)
class Caps:
    """Decoded-size limits for remote changes, per message and per document."""

    max_message_ops: int = 1_000_000
    max_doc_ops: int = 2_000_000
    max_message_value_bytes: int = 8 * 1024 * 1024
    max_doc_value_bytes: int = 16 * 1024 * 1024
    max_inflate_bytes: int = 16 * 1024 * 1024

    def check(self, message: Measure, held: Measure | None = None) -> None:
        """Raise LimitExceeded when `message` (added to a document holding `held`) is too big."""
        held = held or Measure()
        if message.counters:
            raise LimitExceeded("hostile or corrupt document: it holds a Counter, which this "
                                "binding cannot handle")
        if message.ops > self.max_message_ops:
            raise LimitExceeded(f"too big: one message would add {message.ops} operations "
                                f"(cap {self.max_message_ops})")
        if message.value_bytes > self.max_message_value_bytes:
            raise LimitExceeded(f"too big: one message would add {message.value_bytes} bytes of values "
                                f"(cap {self.max_message_value_bytes})")
        if held.ops + message.ops > self.max_doc_ops:
            raise LimitExceeded(f"too big: the document would grow to {held.ops + message.ops} "
                                f"operations (cap {self.max_doc_ops})")
        if held.value_bytes + message.value_bytes > self.max_doc_value_bytes:
            raise LimitExceeded(f"too big: the document would grow to "
                                f"{held.value_bytes + message.value_bytes} bytes of values "
                                f"(cap {self.max_doc_value_bytes})")


DEFAULT_CAPS = Caps()


@dataclass
class Measure:
    """What some chunks decode to: operations, raw value bytes, whether a Counter is in them,
    and how many operations make a new object (a map, list or text: only these can nest)."""

    ops: int = 0
    value_bytes: int = 0
    counters: bool = False
    makes: int = 0

    def add(self, other: Measure) -> None:
        self.ops += other.ops
        self.value_bytes += other.value_bytes
        self.counters = self.counters or other.counters
        self.makes += other.makes


class _Reader:
    """LEB128 and slices over bytes; a read past the end raises LimitExceeded."""

    def __init__(self, data: bytes | memoryview, pos: int = 0, end: int | None = None) -> None:
        self.data = memoryview(data)
        self.pos = pos
        self.end = len(self.data) if end is None else end

    def done(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise LimitExceeded("truncated chunk")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def uleb(self) -> int:
        result, shift = 0, 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise LimitExceeded("malformed number")

    def sleb(self) -> int:
        result, shift = 0, 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                if byte & 0x40:
                    result -= 1 << shift
                return result
            if shift > 63:
                raise LimitExceeded("malformed number")

    def take(self, length: int) -> memoryview:
        if length < 0 or self.pos + length > self.end:
            raise LimitExceeded("truncated chunk")
        out = self.data[self.pos:self.pos + length]
        self.pos += length
        return out

    def count(self) -> int:
        value = self.uleb()
        if value > _MAX_ITEMS:
            raise LimitExceeded(f"a chunk claims {value} entries")
        return value


def _inflate(data: bytes | memoryview, limit: int) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(bytes(data), limit)
    except zlib.error as exc:
        raise LimitExceeded(f"bad compressed data: {exc}") from None
    if inflater.unconsumed_tail:
        raise LimitExceeded(f"compressed data inflates past {limit} bytes")
    return out


def _rle_runs(data: bytes | memoryview, signed: bool) -> Iterator[tuple[int, int | None]]:
    """(count, value) runs of an RLE column; a literal run yields one entry per value."""
    reader = _Reader(data)
    read = reader.sleb if signed else reader.uleb
    while not reader.done():
        count = reader.sleb()
        if count > 0:
            yield count, read()
        elif count < 0:
            for _ in range(-count):
                yield 1, read()
        else:
            yield reader.uleb(), None


def _columns(reader: _Reader) -> list[tuple[int, int]]:
    return [(reader.uleb(), reader.uleb()) for _ in range(reader.count())]


def _measure_ops(specs: list[tuple[int, int]], reader: _Reader, limit: int) -> Measure:
    """Count operations and value bytes from the op columns that start at the reader."""
    measure = Measure()
    for spec, length in specs:
        data = reader.take(length)
        column = spec & ~_DEFLATE
        if column not in (_ACTION, _VALUE_META):
            continue
        if spec & _DEFLATE:
            data = memoryview(_inflate(data, limit))
        for count, value in _rle_runs(data, signed=False):
            if column == _ACTION:
                measure.ops += count
                if value == _ACTION_INCREMENT:
                    measure.counters = True
                if value not in _ACTIONS_NOT_MAKING:  # (an unknown action counts as making)
                    measure.makes += count
            elif value is not None:
                measure.value_bytes += count * (value >> 4)
                if value & 0x0F == _VALUE_COUNTER:
                    measure.counters = True
    return measure


def _skip_actors(reader: _Reader) -> None:
    for _ in range(reader.count()):
        reader.take(reader.uleb())


def _measure_change_body(reader: _Reader, limit: int) -> Measure:
    reader.take(32 * reader.count())       # dependencies
    reader.take(reader.uleb())             # actor
    reader.uleb()                          # sequence number
    reader.uleb()                          # start op
    reader.sleb()                          # time
    reader.take(reader.uleb())             # message
    _skip_actors(reader)                   # other actors
    return _measure_ops(_columns(reader), reader, limit)


def _measure_document_body(reader: _Reader, limit: int) -> Measure:
    _skip_actors(reader)
    reader.take(32 * reader.count())       # heads
    change_columns = _columns(reader)
    op_columns = _columns(reader)
    reader.take(sum(length for _, length in change_columns))
    return _measure_ops(op_columns, reader, limit)


def measure_chunks(data: bytes | memoryview, limit: int = DEFAULT_CAPS.max_inflate_bytes) -> Measure:
    """What a run of Automerge chunks (saved document bytes, change bytes) decodes to.

    Raises LimitExceeded for bytes that are not chunks or would inflate past `limit`."""
    reader = _Reader(data)
    total = Measure()
    while not reader.done():
        if bytes(reader.take(4)) != MAGIC:
            raise LimitExceeded("not an Automerge chunk")
        reader.take(4)                     # checksum (the binding verifies it)
        kind = reader.byte()
        length = reader.uleb()
        body = reader.take(length)
        if kind == CHUNK_COMPRESSED:
            inflated = _inflate(body, limit)
            total.add(_measure_change_body(_Reader(inflated), limit))
        elif kind == CHUNK_CHANGE:
            total.add(_measure_change_body(_Reader(body), limit))
        elif kind == CHUNK_DOCUMENT:
            total.add(_measure_document_body(_Reader(body), limit))
        else:
            raise LimitExceeded(f"unknown chunk type {kind}")
    return total


def scan_sync_message(data: bytes, limit: int = DEFAULT_CAPS.max_inflate_bytes) -> Measure:
    """What applying an encoded sync message would add (before deduplication), read from its bytes.

    Layout: type byte (0x42, or 0x43 with capabilities), heads, need, have (each a last-sync
    list and a bloom filter), then the changes: a count and length-prefixed chunks."""
    reader = _Reader(data)
    if reader.byte() not in (0x42, 0x43):
        raise LimitExceeded("not a sync message")
    reader.take(32 * reader.count())       # heads
    reader.take(32 * reader.count())       # need
    for _ in range(reader.count()):        # have
        reader.take(32 * reader.count())
        reader.take(reader.uleb())
    total = Measure()
    for _ in range(reader.count()):
        total.add(measure_chunks(reader.take(reader.uleb()), limit))
    return total


def stored_heads(data: bytes | memoryview) -> list[bytes] | None:
    """The heads of saved document bytes (a snapshot and/or change chunks), read from the bytes.

    A change's hash is the SHA-256 of its chunk from the type byte on (the checksum is its
    first four bytes); the heads are the snapshot's heads and the changes' hashes that no
    change depends on (a deflated change is hashed as the change it inflates to). None when
    the bytes are not chunks: the caller loads the document instead."""
    reader = _Reader(data)
    heads: set[bytes] = set()
    deps: set[bytes] = set()
    try:
        while not reader.done():
            start = reader.pos
            if bytes(reader.take(4)) != MAGIC:
                return None
            reader.take(4)
            kind = reader.byte()
            body = _Reader(reader.take(reader.uleb()))
            if kind == CHUNK_DOCUMENT:
                _skip_actors(body)
                heads.update(bytes(body.take(32)) for _ in range(body.count()))
            elif kind == CHUNK_CHANGE:
                heads.add(hashlib.sha256(reader.data[start + 8:reader.pos]).digest())
                deps.update(bytes(body.take(32)) for _ in range(body.count()))
            elif kind == CHUNK_COMPRESSED:  # hashed as the change it inflates to
                inflated = _inflate(body.take(body.end - body.pos), DEFAULT_CAPS.max_inflate_bytes)
                heads.add(hashlib.sha256(uncompressed(kind, inflated)).digest())
                change = _Reader(inflated)
                deps.update(bytes(change.take(32)) for _ in range(change.count()))
            else:
                return None
    except LimitExceeded:
        return None
    return sorted(heads - deps)
