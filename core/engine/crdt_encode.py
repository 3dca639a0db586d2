"""Encodes a new document's first change, and that document saved, in Automerge's binary formats without the binding.

The binding inserts text one code point per call (about 1.5 µs each, plus the transaction's
commit and a `save()`): two thirds of a first ingest. A first change of a document whose
maps hold plain values and whose texts are typed in order has a regular shape, so its
columns are runs (the same object, key deltas of one, the same action, `(1 << 4) | 6` value
metadata for ASCII) that are written here a run at a time, and the characters themselves
are the value column's raw UTF-8 bytes. `first_change` is the change the binding makes for
the same edits; `first_snapshot` is what the binding's `save()` writes for the document
holding just that change (a document chunk, which loads about a third faster than the
change does), so a bulk ingest stores documents already compacted. Both are byte for byte
the binding's once deflated data is inflated (`tests/core/engine/test_crdt_encode.py`
checks it; zlib and the binding's deflater may pack the same bytes differently), with the
same hash, and `automerge.Document.load` accepts either as a stored document.

Change chunk (automerge binary spec): `magic checksum type=1 length body`, body = deps,
actor, seq, start op, time, message, other actors, column specs and column data; the
checksum is the first four bytes of the SHA-256 of `type length body`, which is also the
change's hash. Bodies of 256 bytes or more are stored deflated (chunk type 2, the same
checksum), as the binding stores them.

Document chunk: `magic checksum type=0 length body`, body = actors, heads, the change
metadata columns and the op columns (specs, then data), then each head's change index. Its
ops are listed by object (the root, then objects by id), a map's by key, a list's or a
text's in order, each with its own id and its successors (none here); a column of 256
bytes or more is deflated on its own (its spec's bit 3 set).
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


def _change_ops(values: Mapping[str, Any], texts: Mapping[str, str]) -> _Ops:
    ops = _Ops()
    for key, value in values.items():
        _put(ops, None, key, value, 0)
    for key, text in texts.items():
        ops.text(ops.op(None, key, _MAKE_TEXT), text)
    return ops


def _change_body(actor: bytes, ops: _Ops) -> tuple[bytes, bytes]:
    """A first change's uncompressed `type length body` (what its hash covers) and hash."""
    columns = ops.columns()
    body = bytearray(b"\x00")  # no dependencies
    body += _uleb(len(actor)) + actor
    body += b"\x01\x01\x00\x00\x00"  # seq 1, start op 1, time 0, no message, no other actors
    body += _uleb(len(columns))
    for spec, data in columns:
        body += _uleb(spec) + _uleb(len(data))
    for _, data in columns:
        body += data
    whole = b"\x01" + _uleb(len(body)) + body
    return whole, hashlib.sha256(whole).digest()


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def first_change(actor: bytes, values: Mapping[str, Any], texts: Mapping[str, str]) -> tuple[bytes, bytes]:
    """The stored bytes and hash of a document's first change: `values` put at the root (in
    order), then each of `texts` made a Text object at the root and typed in.

    Raises EncodeError for content a document cannot hold."""
    whole, digest = _change_body(actor, _change_ops(values, texts))
    body = whole[1 + len(_uleb(len(whole) - 1)):]
    if len(body) < _DEFLATE_FROM:
        return MAGIC + digest[:4] + whole, digest
    packed = _deflate(body)
    return MAGIC + digest[:4] + b"\x02" + _uleb(len(packed)) + packed, digest


# Column specs of a document's operations (a saved document lists its ops by object, each
# with its own id and its successors instead of predecessors).
_ID_ACTOR, _ID_CTR, _SUCC_NUM = 0x21, 0x23, 0x80


class _DocOps(_Ops):
    """The op columns of a saved document, filled in document order (objects by id, a map's
    keys sorted, a list's or text's elements in order), each op naming its own id."""

    def __init__(self) -> None:
        super().__init__()
        self.id_actor = _Rle(_uleb)
        self.id_ctr = _Delta()

    def at(self, obj: int | None, key: str | int | None, op_id: int, action: int,
           meta: int = 0, raw: bytes = b"") -> None:
        self.op(obj, key, action, meta, raw)  # (its `pred` column is the successors here)
        self.id_actor.add(0)
        self.id_ctr.add(op_id)

    def text_at(self, obj: int, text: str) -> None:
        """`text` typed into the empty Text object `obj`: ids follow the object's own."""
        self.next_op = obj + 1
        self.text(obj, text)
        if text:
            self.id_actor.add(0, len(text))
            self.id_ctr.add(obj + 1)
            self.id_ctr.add_steps(len(text) - 1)

    def columns(self) -> list[tuple[int, bytes]]:
        found = dict(super().columns())
        succ = found.pop(_PRED_NUM, b"")
        found[_ID_ACTOR] = self.id_actor.finish()
        found[_ID_CTR] = self.id_ctr.rle.finish()
        found[_SUCC_NUM] = succ
        return [(spec, found[spec]) for spec in sorted(found) if found[spec]]


Planned = tuple[str | int | None, int, int, int, bytes]  # key, id, action, meta, raw


def _plan(values: Mapping[str, Any], texts: Mapping[str, str]
          ) -> tuple[dict[int | None, list[Planned]], dict[int, str], int]:
    """The first change's ops by object (maps and lists; None: the root), its texts by their
    object's id, and how many ops it holds: ids counted as `_change_ops` counts them."""
    objects: dict[int | None, list[Planned]] = {None: []}
    typed: dict[int, str] = {}
    counter = 0

    def put(obj: int | None, key: str | int | None, value: Any, depth: int) -> int:
        nonlocal counter
        if depth > _MAX_DEPTH:
            raise EncodeError("value nests too deeply")
        counter += 1
        op_id = counter
        if isinstance(value, Mapping):
            objects[obj].append((key, op_id, _MAKE_MAP, 0, b""))
            objects[op_id] = []
            for sub_key, sub_value in value.items():
                put(op_id, str(sub_key), sub_value, depth + 1)
        elif isinstance(value, list | tuple):
            objects[obj].append((key, op_id, _MAKE_LIST, 0, b""))
            objects[op_id] = []
            previous = 0
            for item in value:
                previous = put(op_id, previous, item, depth + 1)
        else:
            meta, raw = _scalar(value)
            objects[obj].append((key, op_id, _SET, meta, raw))
        return op_id

    for key, value in values.items():
        put(None, key, value, 0)
    for key, text in texts.items():
        counter += 1
        objects[None].append((key, counter, _MAKE_TEXT, 0, b""))
        typed[counter] = text
        counter += len(text)
    return objects, typed, counter


def first_snapshot(actor: bytes, values: Mapping[str, Any], texts: Mapping[str, str]
                   ) -> tuple[bytes, bytes]:
    """`first_change`'s document saved (what `Doc.save()` writes after loading that change,
    byte for byte) and the change's hash: a document that loads as fast as a compacted one.

    Raises EncodeError for content a document cannot hold (also a map key given twice,
    which the binding would record as an overwrite)."""
    change = _change_ops(values, texts)
    _, digest = _change_body(actor, change)
    objects, typed, count = _plan(values, texts)
    ops = _DocOps()
    for obj in sorted(objects, key=lambda o: -1 if o is None else o) + sorted(typed):
        if obj in typed:
            assert obj is not None
            ops.text_at(obj, typed[obj])
            continue
        planned = objects[obj]
        if planned and isinstance(planned[0][0], str):  # a map: its keys in order
            planned = sorted(planned, key=lambda p: str(p[0]))
            if any(a[0] == b[0] for a, b in zip(planned, planned[1:], strict=False)):
                raise EncodeError(f"a key is given twice: {planned[0][0]!r}")
        for key, op_id, action, meta, raw in planned:
            ops.at(obj, key, op_id, action, meta, raw)
    changes = [(0x01, b"\x7f\x00"), (0x03, b"\x7f\x01"), (0x13, b"\x7f" + _sleb(count)),
               (0x23, b"\x7f\x00"), (0x40, b"\x7f\x00"), (0x56, b"\x7f\x07")]
    # (actor 0, seq 1, max op, time 0, no deps, empty extra bytes: one change's metadata)
    columns = [(spec | 0x08, _deflate(data)) if len(data) >= _DEFLATE_FROM else (spec, data)
               for spec, data in ops.columns()]
    body = bytearray(b"\x01" + _uleb(len(actor)) + actor + b"\x01" + digest)
    for group in (changes, columns):
        body += _uleb(len(group))
        for spec, data in group:
            body += _uleb(spec) + _uleb(len(data))
    for group in (changes, columns):
        for _, data in group:
            body += data
    body += b"\x00"  # the head is change 0
    whole = b"\x00" + _uleb(len(body)) + body
    return MAGIC + hashlib.sha256(whole).digest()[:4] + whole, digest


def uncompressed(chunk_type: int, body: bytes) -> bytes:
    """The bytes a chunk's checksum and hash cover: `type length body` (for a deflated
    change, of the inflated body under type 1)."""
    return bytes([1 if chunk_type == 2 else chunk_type]) + _uleb(len(body)) + body
