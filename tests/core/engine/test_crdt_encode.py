"""The hand-encoded first change and first snapshot are byte for byte the binding's, and load as the same document."""

from __future__ import annotations

import datetime as dt
import random
import zlib

import pytest

from solo.core.engine.crdt import Doc
from solo.core.engine.crdt_encode import EncodeError, first_change, first_snapshot
from solo.core.engine.docform import new_file_doc
from solo.core.model import fileformat

ACTOR = bytes(range(16))


def _inflated(chunk: bytes) -> bytes:
    """A chunk as its checksum sees it: `type length body` (a deflated change inflated)."""
    length, pos = _uleb_at(chunk, 9)
    body = chunk[pos:pos + length]
    if chunk[8] == 2:
        body = zlib.decompress(body, -15)
    size, out = len(body), bytearray()
    while True:
        out.append((size & 0x7F) | (0x80 if size >> 7 else 0))
        size >>= 7
        if not size:
            break
    return b"\x01" + bytes(out) + body


def _uleb_at(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _inflated_doc(chunk: bytes) -> tuple[bytes, list[tuple[int, bytes]], bytes]:
    """A document chunk as (actors and heads, columns with deflated ones inflated, the head
    indexes): what two savers agree on when their deflaters differ."""
    assert chunk[8] == 0
    length, pos = _uleb_at(chunk, 9)
    body = chunk[pos:pos + length]
    assert pos + length == len(chunk)
    pos = 0
    actors, pos = _uleb_at(body, pos)
    for _ in range(actors):
        size, pos = _uleb_at(body, pos)
        pos += size
    heads, pos = _uleb_at(body, pos)
    pos += 32 * heads
    prefix = body[:pos]
    specs: list[tuple[int, int]] = []
    for _ in range(2):
        count, pos = _uleb_at(body, pos)
        for _ in range(count):
            spec, pos = _uleb_at(body, pos)
            size, pos = _uleb_at(body, pos)
            specs.append((spec, size))
    columns = []
    for spec, size in specs:
        data = body[pos:pos + size]
        pos += size
        columns.append((spec, zlib.decompress(data, -15) if spec & 8 else data))
    return prefix, columns, body[pos:]


def _binding(meta: dict, head: str, body: str) -> Doc:
    return new_file_doc(ACTOR, fileformat.Parsed(head=head, body=body, meta=meta))


def _check(meta: dict, head: str, body: str) -> None:
    expected = _binding(meta, head, body)
    data, digest = first_change(ACTOR, {"meta": meta}, {"head": head, "body": body})
    [change] = expected.changes_since([])
    assert _inflated(data) == _inflated(change)
    assert expected.heads() == [digest]
    loaded = Doc.load(data)
    assert loaded.heads() == [digest]
    assert loaded.to_python() == expected.to_python()
    snapshot, snapshot_digest = first_snapshot(ACTOR, {"meta": meta}, {"head": head, "body": body})
    assert snapshot_digest == digest
    assert _inflated_doc(snapshot) == _inflated_doc(expected.save())
    loaded = Doc.load(snapshot)
    assert loaded.heads() == [digest]
    assert loaded.to_python() == expected.to_python()
    assert loaded.changes_since([]) == [change]


CASES = [
    ({}, "", ""),
    ({"a": "x"}, "", "b"),
    ({"a": "x", "b": "x"}, "+++\n+++\n", "x"),
    ({"title": "Hé", "n": 5, "neg": -300, "big": 2**62, "f": 1.5, "t": True, "no": False},
     "+++\ntitle = \"Hé\"\n+++\n", "xyz€ and 😀 text\n"),
    ({"tags": ["a", "b", "a"], "kr": [{"name": "ship", "target": 10}, {"n": []}],
      "nested": {"deep": {"deeper": ["x", ["y", "y"], {}]}}}, "h", "aa"),
    ({"due": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 3, 4)}, "", "é" * 300),
    ({"same": "v", "again": "v", "x": None}, "a" * 200, "b" * 5000),
]


@pytest.mark.parametrize("meta,head,body", CASES)
def test_first_change_matches_the_binding(meta: dict, head: str, body: str) -> None:
    _check(meta, head, body)


def test_random_texts_match_the_binding() -> None:
    rng = random.Random(3)
    alphabet = "ab \n#-[]xé€😀\t"
    for _ in range(60):
        head = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 900)))
        meta = {f"k{i}": rng.choice(["v", 1, 2.5, True, None, ["x"], {"y": "z"}, "w" * 300])
                for i in range(rng.randint(0, 5))}
        _check(meta, head, body)


@pytest.mark.parametrize("size", [254, 255, 256, 257])
def test_snapshot_columns_deflate_from_the_binding_threshold(size: int) -> None:
    _check({"Zeta": 1, "alpha": 2, "é": 3, "A": [{"y": 1, "x": 2}]}, "", "x" * size)


def test_a_map_key_given_twice_is_refused() -> None:
    with pytest.raises(EncodeError, match="twice"):
        first_snapshot(ACTOR, {"meta": {1: "a", "1": "b"}}, {})


def test_unstorable_content_is_refused_by_name() -> None:
    with pytest.raises(EncodeError, match="out of range"):
        first_change(ACTOR, {"meta": {"n": 2**64}}, {})
    with pytest.raises(EncodeError, match="surrogate"):
        first_change(ACTOR, {}, {"body": "a\ud800"})
    with pytest.raises(EncodeError, match="nests too deeply"):
        deep: dict = {}
        for _ in range(40):
            deep = {"d": deep}
        first_change(ACTOR, {"meta": deep}, {})


def test_stored_heads_and_checksums_read_a_deflated_change() -> None:
    from solo.core.engine.crdt_limits import stored_heads
    from solo.core.engine.integrity import chunks_problem

    data, digest = first_change(ACTOR, {"meta": {}}, {"head": "", "body": "x" * 2000})
    assert data[8] == 2  # big enough to be stored deflated
    assert stored_heads(data) == [digest]
    assert chunks_problem(data) is None
    damaged = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    assert chunks_problem(damaged) is not None
    small, small_digest = first_change(ACTOR, {"meta": {}}, {"body": "x"})
    assert small[8] == 1 and stored_heads(small) == [small_digest]
    assert chunks_problem(small) is None


def test_stored_heads_and_checksums_read_a_first_snapshot() -> None:
    from solo.core.engine.crdt_limits import stored_heads
    from solo.core.engine.integrity import chunks_problem

    data, digest = first_snapshot(ACTOR, {"meta": {"t": "x"}}, {"head": "", "body": "x" * 2000})
    assert data[8] == 0 and stored_heads(data) == [digest]
    assert chunks_problem(data) is None
    damaged = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    assert chunks_problem(damaged) is not None
