"""Encodes a new document's first change straight to Automerge's binary change format, without the binding.

The binding inserts text one code point per call (about 1.5 µs each, plus the transaction's
commit and a `save()`): two thirds of a first ingest. A first change of a document whose
maps hold plain values and whose texts are typed in order has a regular shape, so its
columns are runs (the same object, key deltas of one, the same action, `(1 << 4) | 6` value
metadata for ASCII) that are written here a run at a time, and the characters themselves
are the value column's raw UTF-8 bytes. The result is byte for byte the change the binding
makes for the same edits (`tests/core/test_crdt_encode.py` checks it against the binding),
and `automerge.Document.load` accepts it as a stored document.

Format (automerge binary spec, change chunk): `magic checksum type=1 length body`, body =
deps, actor, seq, start op, time, message, other actors, column specs and column data; the
checksum is the first four bytes of the SHA-256 of `type length body`, which is also the
change's hash. Bodies of 256 bytes or more are stored deflated (chunk type 2, the same
checksum), as the binding stores them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import struct
import zlib
from collections.abc import Mapping
from itertools import groupby
from typing import Any

from solo.core.errors import SoloError

MAGIC = b"\x85\x6f\x4a\x83"
_DEFLATE_FROM = 256
_MAX_DEPTH = 32

# Column specs of a change's operations: (column id << 4) | encoding.
_OBJ_ACTOR, _OBJ_CTR, _KEY_ACTOR, _KEY_CTR, _KEY_STR = 0x01, 0x02, 0x11, 0x13, 0x15
_INSERT, _ACTION, _VAL_LEN, _VAL_RAW, _PRED_NUM = 0x34, 0x42, 0x56, 0x57, 0x70
_MAKE_MAP, _SET, _MAKE_LIST, _MAKE_TEXT = 0, 1, 2, 4
_NULL, _FALSE, _TRUE, _INT, _F64, _STR, _BYTES = 0, 1, 2, 4, 5, 6, 7


_SMALL = [bytes((n,)) for n in range(128)]  # one-byte LEB128 (signed: 0..63 and -64..-1)


class EncodeError(SoloError):
    """A value the first change cannot hold (its text names the problem)."""


def _uleb(value: int) -> bytes:
    if 0 <= value < 128:
        return _SMALL[value]
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _sleb(value: int) -> bytes:
    if -64 <= value < 64:
        return _SMALL[value & 0x7F]
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


class _Rle:
    """Automerge's run-length encoder (the binding's state machine, fed a run at a time)."""

    def __init__(self, write: Any) -> None:
        self.out = bytearray()
        self.write = write  # value -> bytes
        self.state = "empty"
        self.value: Any = None
        self.count = 0
        self.literal: list[Any] = []

    def add(self, value: Any, count: int = 1) -> None:
        if count <= 0:
            return
        if value is None:
            self._nulls(count)
            return
        self._one(value)
        if count > 1:
            self._one(value)  # now a run of `value`
            self.count += count - 2

    def _one(self, value: Any) -> None:
        state = self.state
        if state == "empty":
            self.state, self.value = "lone", value
        elif state == "lone":
            if self.value == value:
                self.state, self.count = "run", 2
            else:
                self.state, self.literal, self.value = "literal", [self.value], value
        elif state == "run":
            if self.value == value:
                self.count += 1
            else:
                self._flush_run()
                self.state, self.value = "lone", value
        elif state == "literal":
            if self.value == value:
                self._flush_literal(self.literal)
                self.state, self.count = "run", 2
            else:
                self.literal.append(self.value)
                self.value = value
        else:  # nulls
            self._flush_nulls()
            self.state, self.value = "lone", value

    def _nulls(self, count: int) -> None:
        state = self.state
        if state == "nulls":
            self.count += count
            return
        if state == "lone":
            self._flush_literal([self.value])
        elif state == "run":
            self._flush_run()
        elif state == "literal":
            self._flush_literal([*self.literal, self.value])
        self.state, self.count = "nulls", count

    def _flush_run(self) -> None:
        self.out += _sleb(self.count) + self.write(self.value)

    def _flush_literal(self, values: list[Any]) -> None:
        self.out += _sleb(-len(values))
        for value in values:
            self.out += self.write(value)

    def _flush_nulls(self) -> None:
        self.out += b"\x00" + _uleb(self.count)

    def finish(self) -> bytes:
        state = self.state
        if state == "lone":
            self._flush_literal([self.value])
        elif state == "run":
            self._flush_run()
        elif state == "literal":
            self._flush_literal([*self.literal, self.value])
        elif state == "nulls" and self.out:  # a column of nulls only is left empty
            self._flush_nulls()
        return bytes(self.out)


class _Delta:
    """Delta encoding over the run-length encoder (signed)."""

    def __init__(self) -> None:
        self.rle = _Rle(_sleb)
        self.absolute = 0

    def add(self, value: int | None) -> None:
        if value is None:
            self.rle.add(None)
        else:
            self.rle.add(value - self.absolute)
            self.absolute = value

    def add_steps(self, count: int) -> None:
        """`count` more values, each one more than the last."""
        self.rle.add(1, count)
        self.absolute += count


class _Bool:
    def __init__(self) -> None:
        self.out = bytearray()
        self.last = False
        self.count = 0

    def add(self, value: bool, count: int = 1) -> None:
        if value == self.last:
            self.count += count
        else:
            self.out += _uleb(self.count)
            self.last, self.count = value, count

    def finish(self) -> bytes:
        return bytes(self.out + (_uleb(self.count) if self.count else b""))


def _write_str(value: str) -> bytes:
    data = value.encode("utf-8")
    return _uleb(len(data)) + data


class _Ops:
    """The op columns of one change, filled an op (or a run of text) at a time."""

    def __init__(self) -> None:
        self.obj_actor = _Rle(_uleb)
        self.obj_ctr = _Rle(_uleb)
        self.key_actor = _Rle(_uleb)
        self.key_ctr = _Delta()
        self.key_str = _Rle(_write_str)
        self.insert = _Bool()
        self.action = _Rle(_uleb)
        self.val_len = _Rle(_uleb)
        self.val_raw = bytearray()
        self.pred = _Rle(_uleb)
        self.next_op = 1  # the counter of the next op (a first change starts at 1)

    def _obj(self, obj: int | None, count: int = 1) -> None:
        self.obj_actor.add(None if obj is None else 0, count)
        self.obj_ctr.add(obj, count)

    def op(self, obj: int | None, key: str | int | None, action: int, meta: int = 0,
           raw: bytes = b"") -> int:
        """One op in `obj` (None: the root) at map key `key` (str) or inserted after the
        element whose counter is `key` (int; 0: the list's head). Returns its counter."""
        self._obj(obj)
        if isinstance(key, str):
            self.key_actor.add(None)
            self.key_ctr.add(None)
            self.key_str.add(key)
            self.insert.add(False)
        else:
            self.key_actor.add(None if not key else 0)
            self.key_ctr.add(key or 0)
            self.key_str.add(None)
            self.insert.add(True)
        self.action.add(action)
        self.val_len.add(meta)
        self.val_raw += raw
        self.pred.add(0)
        self.next_op += 1
        return self.next_op - 1

    def text(self, obj: int, text: str) -> None:
        """Type `text` into the empty Text object `obj`, one op per code point."""
        count = len(text)
        if not count:
            return
        first = self.next_op
        self._obj(obj, count)
        self.key_actor.add(None)
        self.key_actor.add(0, count - 1)
        self.key_ctr.add(0)
        if count > 1:
            self.key_ctr.add(first)
            self.key_ctr.add_steps(count - 2)
        self.key_str.add(None, count)
        self.insert.add(True, count)
        self.action.add(_SET, count)
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:
            raise EncodeError("text holds a lone surrogate") from None
        if len(raw) == count:
            self.val_len.add((1 << 4) | _STR, count)
        else:
            for size, run in groupby(len(c.encode("utf-8")) for c in text):
                self.val_len.add((size << 4) | _STR, sum(1 for _ in run))
        self.val_raw += raw
        self.pred.add(0, count)
        self.next_op += count

    def columns(self) -> list[tuple[int, bytes]]:
        found = [(_OBJ_ACTOR, self.obj_actor.finish()), (_OBJ_CTR, self.obj_ctr.finish()),
                 (_KEY_ACTOR, self.key_actor.finish()), (_KEY_CTR, self.key_ctr.rle.finish()),
                 (_KEY_STR, self.key_str.finish()), (_INSERT, self.insert.finish()),
                 (_ACTION, self.action.finish()), (_VAL_LEN, self.val_len.finish()),
                 (_VAL_RAW, bytes(self.val_raw)), (_PRED_NUM, self.pred.finish())]
        return [(spec, data) for spec, data in found if data]


def _scalar(value: Any) -> tuple[int, bytes]:
    """(value metadata, raw bytes) of a scalar, as the binding stores what `crdt` puts."""
    if value is None:
        return _NULL, b""
    if isinstance(value, bool):
        return (_TRUE if value else _FALSE), b""
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise EncodeError(f"integer out of range: {value}")
        raw = _sleb(value)
        return (len(raw) << 4) | _INT, raw
    if isinstance(value, float):
        return (8 << 4) | _F64, struct.pack("<d", value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        value = value.isoformat()
    if isinstance(value, str):
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError:
            raise EncodeError("text holds a lone surrogate") from None
        return (len(raw) << 4) | _STR, raw
    if isinstance(value, bytes):
        return (len(value) << 4) | _BYTES, value
    raise EncodeError(f"cannot store a value of type {type(value).__name__}")


def _put(ops: _Ops, obj: int | None, key: str | int | None, value: Any, depth: int) -> int:
    """Put `value` at `key` of `obj` (as `crdt.Editor.put` does); returns the op's counter."""
    if depth > _MAX_DEPTH:
        raise EncodeError("value nests too deeply")
    if isinstance(value, Mapping):
        child = ops.op(obj, key, _MAKE_MAP)
        for sub_key, sub_value in value.items():
            _put(ops, child, str(sub_key), sub_value, depth + 1)
        return child
    if isinstance(value, list | tuple):
        child = ops.op(obj, key, _MAKE_LIST)
        previous = 0
        for item in value:
            previous = _put(ops, child, previous, item, depth + 1)
        return child
    meta, raw = _scalar(value)
    return ops.op(obj, key, _SET, meta, raw)


def first_change(actor: bytes, values: Mapping[str, Any], texts: Mapping[str, str]) -> tuple[bytes, bytes]:
    """The stored bytes and hash of a document's first change: `values` put at the root (in
    order), then each of `texts` made a Text object at the root and typed in.

    Raises EncodeError for content a document cannot hold."""
    ops = _Ops()
    for key, value in values.items():
        _put(ops, None, key, value, 0)
    for key, text in texts.items():
        ops.text(ops.op(None, key, _MAKE_TEXT), text)
    columns = ops.columns()
    body = bytearray(b"\x00")  # no dependencies
    body += _uleb(len(actor)) + actor
    body += b"\x01\x01\x00\x00\x00"  # seq 1, start op 1, time 0, no message, no other actors
    body += _uleb(len(columns))
    for spec, data in columns:
        body += _uleb(spec) + _uleb(len(data))
    for _, data in columns:
        body += data
    header = b"\x01" + _uleb(len(body))
    digest = hashlib.sha256(header + body).digest()
    if len(body) < _DEFLATE_FROM:
        return MAGIC + digest[:4] + header + body, digest
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = packer.compress(bytes(body)) + packer.flush()
    return MAGIC + digest[:4] + b"\x02" + _uleb(len(packed)) + packed, digest


def uncompressed(chunk_type: int, body: bytes) -> bytes:
    """The bytes a chunk's checksum and hash cover: `type length body` (for a deflated
    change, of the inflated body under type 1)."""
    return bytes([1 if chunk_type == 2 else chunk_type]) + _uleb(len(body)) + body
