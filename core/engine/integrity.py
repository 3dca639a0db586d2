"""Integrity checks over stored bytes without loading them: Automerge chunk checksums and change-log frames.

An Automerge `save()` is a sequence of chunks, each `magic(4) checksum(4) type(1)
length(uLEB128) contents`, where the checksum is the first four bytes of the SHA-256 of
`type || length || contents`. Checking it costs a hash of the bytes (about what reading them
costs), so `solo doctor` can verify every stored document on a large vault in seconds and
load only the ones that fail. The change log (`core.store`) frames every change as
`length:u32be crc32:u32be bytes`; a frame that fails its checksum with intact frames after
it is damage in the middle of the log, not a torn tail, and must never be read past quietly.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

MAGIC = b"\x85\x6f\x4a\x83"
_FRAME = struct.Struct(">II")


def _uleb(data: bytes, offset: int) -> tuple[int, int] | None:
    value = shift = 0
    while offset < len(data) and shift < 64:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, offset
        shift += 7
    return None


def chunks_problem(data: bytes) -> str | None:
    """Why `data` is not a sequence of intact Automerge chunks, or None when it is."""
    if not data:
        return "empty"
    offset = 0
    while offset < len(data):
        if data[offset:offset + 4] != MAGIC:
            return f"no Automerge chunk at byte {offset} (bad magic bytes)"
        header = _uleb(data, offset + 9)
        if offset + 9 > len(data) or header is None:
            return f"chunk header at byte {offset} is cut short"
        length, start = header
        end = start + length
        if end > len(data):
            return f"chunk at byte {offset} is cut short ({len(data) - start} of {length} bytes)"
        covered = data[offset + 8:end]
        if data[offset + 8] == 2:  # a deflated change: its checksum covers the inflated form
            from solo.core.engine.crdt_encode import uncompressed  # (doctor only)

            try:
                covered = uncompressed(2, zlib.decompress(data[start:end], -15))
            except zlib.error:
                return f"chunk at byte {offset} does not inflate"
        digest = hashlib.sha256(covered).digest()[:4]
        if digest != data[offset + 4:offset + 8]:
            return f"chunk at byte {offset} fails its checksum"
        offset = end
    return None


def log_damage(data: bytes, good: int) -> str | None:
    """Why the bytes of a change log past its last intact frame (`good`) are damage rather
    than a torn tail (what a crash mid-append leaves), or None for a torn tail.

    A torn tail is the log's end: nothing intact follows it. A frame that is complete but
    fails its checksum while bytes follow it, or any intact frame found further on, means
    the middle of the log was damaged: reading on would ship stale content."""
    if good >= len(data):
        return None
    if good + _FRAME.size <= len(data):
        length, _ = _FRAME.unpack_from(data, good)
        end = good + _FRAME.size + length
        if end < len(data):
            return f"change at byte {good} fails its checksum"
    for offset in range(good + 1, len(data) - _FRAME.size + 1):
        length, checksum = _FRAME.unpack_from(data, offset)
        end = offset + _FRAME.size + length
        if 0 < length and end <= len(data) and \
                zlib.crc32(data[offset + _FRAME.size:end]) == checksum:
            return f"change at byte {good} is damaged (intact changes follow it)"
    return None
