"""Document storage: the `DocStorage` protocol and `MemoryStore`, its in-memory implementation.

`core.store.DocStore` (snapshot + fsynced change log per document, in `.solo/store/`) is the
durable implementation; `MemoryStore` keeps the same bytes in dicts, for tests and for
tools that need a throw-away repository. Both pass `tests/core/engine/test_storage.py`, one
conformance suite parametrized over every implementation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from solo.core.engine.crdt import CrdtError, Doc
from solo.core.engine.store import COMPACT_LOG_FRAMES, Stamp, StoreError
from solo.core.model.ids import is_document_id

__all__ = ["DocStorage", "MemoryStore", "Stamp", "StoreError"]


@runtime_checkable
class DocStorage(Protocol):
    """Automerge documents by id: a snapshot plus appended changes each.

    `stamp` changes whenever the stored bytes change (another process's writes included),
    so a cache can tell a loaded copy is stale. Missing or unreadable documents raise
    `StoreError`; `load` of a document never stored raises it too."""

    def exists(self, doc_id: str) -> bool: ...

    def ids(self) -> Iterator[str]: ...

    def stamp(self, doc_id: str) -> Stamp: ...

    def load(self, doc_id: str, actor: bytes | None = None) -> Doc: ...

    def create(self, doc_id: str, doc: Doc) -> None: ...

    def create_many(self, snapshots: Sequence[tuple[str, bytes]]) -> None: ...

    def append(self, doc_id: str, changes: Sequence[bytes], durable: bool = True) -> None: ...

    def needs_compaction(self, doc_id: str) -> bool: ...

    def compact(self, doc_id: str, doc: Doc) -> None: ...

    def remove(self, doc_id: str) -> None: ...

    def size_bytes(self) -> int: ...


class MemoryStore:
    """`DocStorage` in memory: nothing survives the process. Not thread-safe (like DocStore,
    callers serialise writers)."""

    def __init__(self) -> None:
        self._snapshots: dict[str, bytes] = {}
        self._logs: dict[str, list[bytes]] = {}
        self._stamps: dict[str, Stamp] = {}
        self._clock = itertools.count(1)

    def _check(self, doc_id: str) -> None:
        if not is_document_id(doc_id):
            raise StoreError(f"not a document id: {doc_id!r}")

    def _touch(self, doc_id: str) -> None:
        tick = next(self._clock)
        snap = self._snapshots.get(doc_id)
        log = self._logs.get(doc_id, [])
        self._stamps[doc_id] = (tick, len(snap) if snap is not None else 0, tick,
                                sum(len(c) for c in log))

    def exists(self, doc_id: str) -> bool:
        self._check(doc_id)
        return doc_id in self._snapshots or bool(self._logs.get(doc_id))

    def ids(self) -> Iterator[str]:
        yield from sorted(set(self._snapshots) | {d for d, log in self._logs.items() if log})

    def stamp(self, doc_id: str) -> Stamp:
        self._check(doc_id)
        return self._stamps.get(doc_id, (0, 0, 0, 0))

    def load(self, doc_id: str, actor: bytes | None = None) -> Doc:
        if not self.exists(doc_id):
            raise StoreError(f"document {doc_id} is not in the store (memory)")
        data = self._snapshots.get(doc_id, b"") + b"".join(self._logs.get(doc_id, []))
        try:
            return Doc.load(data, actor)
        except CrdtError as exc:
            raise StoreError(f"memory store: cannot load document {doc_id}: {exc}") from None

    def create(self, doc_id: str, doc: Doc) -> None:
        self._check(doc_id)
        self._snapshots[doc_id] = doc.save()
        self._logs[doc_id] = []
        self._touch(doc_id)

    def create_many(self, snapshots: Sequence[tuple[str, bytes]]) -> None:
        for doc_id, data in snapshots:
            self._check(doc_id)
            self._snapshots[doc_id] = bytes(data)
            self._logs[doc_id] = []
            self._touch(doc_id)

    def append(self, doc_id: str, changes: Sequence[bytes], durable: bool = True) -> None:
        self._check(doc_id)
        if not changes:
            return
        self._logs.setdefault(doc_id, []).extend(bytes(c) for c in changes)
        self._touch(doc_id)

    def needs_compaction(self, doc_id: str) -> bool:
        self._check(doc_id)
        return len(self._logs.get(doc_id, [])) >= COMPACT_LOG_FRAMES

    def compact(self, doc_id: str, doc: Doc) -> None:
        self.create(doc_id, doc)

    def remove(self, doc_id: str) -> None:
        self._check(doc_id)
        self._snapshots.pop(doc_id, None)
        self._logs.pop(doc_id, None)
        self._stamps.pop(doc_id, None)

    def size_bytes(self) -> int:
        return sum(map(len, self._snapshots.values())) + sum(
            len(c) for log in self._logs.values() for c in log)
