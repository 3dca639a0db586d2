"""Document ids and `automerge:` URLs in automerge-repo's format (base58check of 16 bytes)."""

from __future__ import annotations

import hashlib
import os

from solo.core.errors import SoloError

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
URL_PREFIX = "automerge:"


class InvalidId(SoloError, ValueError):
    """A document id or URL that is not in automerge-repo's format."""


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise InvalidId(f"not base58: {text!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def b58check_encode(payload: bytes) -> str:
    """Encode bytes as base58 with a 4-byte double-SHA-256 checksum."""
    return _b58encode(payload + _checksum(payload))


def b58check_decode(text: str) -> bytes:
    """Decode base58check text, raising InvalidId on a bad alphabet or checksum."""
    raw = _b58decode(text)
    if len(raw) < 5 or _checksum(raw[:-4]) != raw[-4:]:
        raise InvalidId(f"bad checksum: {text!r}")
    return raw[:-4]


def new_document_id() -> str:
    """A fresh random document id, as automerge-repo makes them."""
    return b58check_encode(os.urandom(16))


def is_document_id(text: str) -> bool:
    """True when text is a well-formed automerge-repo document id."""
    if not isinstance(text, str) or not 20 <= len(text) <= 40:
        return False
    try:
        return len(b58check_decode(text)) == 16
    except InvalidId:
        return False


def document_url(document_id: str) -> str:
    """The `automerge:` URL of a document id."""
    return URL_PREFIX + document_id


def parse_document_url(url: str) -> str:
    """The document id inside an `automerge:` URL (heads after `#` are ignored)."""
    if not url.startswith(URL_PREFIX):
        raise InvalidId(f"not an automerge: URL: {url!r}")
    document_id = url[len(URL_PREFIX):].split("#", 1)[0]
    if not is_document_id(document_id):
        raise InvalidId(f"not a document id: {document_id!r}")
    return document_id
