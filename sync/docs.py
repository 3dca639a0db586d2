"""Server-side documents: `core.docrepo.DocRepo` (bounded LRU over a DocStore) plus the size cap.

Invariant: every loaded document holds exactly what the store holds (plus nothing, for a
document not stored yet), because each applied sync message is persisted before anything
is sent back. So an entry can be evicted or dropped at any time and reloaded later without
loss, and per-peer SyncStates stay valid across a reload. After any failure (hostile
content, oversize, storage error) the entry is dropped so the next use reloads from disk.

Memory is bounded by weight, not only by count: the cache keeps documents while the
operations they hold (`Doc.held.ops`) add up to at most `cache_ops` (`DEFAULT_CACHE_OPS`,
one million: about 400 MB in this binding), so a few huge documents (a peer's 1e6-key map
holds ~380 MB) cannot pile up; past it the least recently used are forgotten and reloaded
when used again (the one in use always stays).

A document the store cannot load (a truncated or garbage snapshot) is set aside in
`quarantine/` beside the store, bytes kept, and the server starts that document afresh:
the next peer that holds it sends its whole copy, so the damage heals instead of every
exchange ending in `doc-unavailable` (which made client and server ping-pong forever).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import cast

from solo.core.engine.crdt import CrdtError, Doc, SyncState
from solo.core.engine.crdt_limits import DEFAULT_CAPS, Caps, stored_heads
from solo.core.engine.docrepo import DocRepo
from solo.core.engine.events import Origin
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.engine.storage import DocStorage
from solo.core.engine.store import DocStore, Stamp, StoreError
from solo.core.errors import SoloError

log = logging.getLogger(__name__)

DEFAULT_CACHE_OPS = 1_000_000


class DocTooLarge(SoloError):
    """A sync message would grow a document past the server's size cap."""


class ServerDocs:
    """Loaded documents by id, at most `capacity` of them; applies and persists sync messages."""

    def __init__(self, store: DocStorage, *, capacity: int, max_doc_bytes: int,
                 caps: Caps = DEFAULT_CAPS, cache_ops: int | None = None) -> None:
        self.repo = DocRepo(store, None, capacity=capacity)
        self.store = store
        self.max_doc_bytes = max_doc_bytes
        self.caps = caps
        self.cache_ops = DEFAULT_CACHE_OPS if cache_ops is None else cache_ops
        self._weights: OrderedDict[str, int] = OrderedDict()
        self._heads: dict[str, tuple[Stamp, list[bytes]]] = {}  # id → (store stamp, heads)
        self._heads_new = False  # learned since the last load or save

    def _open(self, doc_id: str) -> Doc:
        try:
            doc = self.repo.open(doc_id)
        except StoreError as exc:
            if not isinstance(self.store, DocStore):
                raise
            self.set_aside(doc_id, str(exc))
            doc = self.repo.open(doc_id)
        self._weights[doc_id] = doc.held.ops
        self._weights.move_to_end(doc_id)
        return doc

    def heads(self, doc_id: str) -> list[bytes] | None:
        """The stored document's heads (None: not stored), read from its bytes, not loaded.

        Kept per store stamp (and noted when `apply` stores a message), so a reconnecting
        client's bulk question costs a stat per document once the server has seen it."""
        stamp = self.store.stamp(doc_id)
        if not any(stamp):  # neither snapshot nor log: not stored
            return None
        known = self._heads.get(doc_id)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            data = self.store.load_bytes(doc_id) if isinstance(self.store, DocStore) else None
            heads = stored_heads(data) if data is not None else None
            if heads is None:
                heads = sorted(self._open(doc_id).heads())
                self._fit()
        except (StoreError, CrdtError) as exc:
            log.warning("cannot read the heads of %s: %s", doc_id, exc)
            return None
        self._heads[doc_id] = (stamp, heads)
        self._heads_new = True
        return heads

    def load_heads(self, path: Path) -> None:
        """Take the heads an earlier run saved with `save_heads`: each is used only while its
        document's store stamp is unchanged, so a change stored since is still read."""
        try:
            saved = json.loads(path.read_bytes())
            known = {doc_id: (cast(Stamp, tuple(stamp)), [bytes.fromhex(h) for h in heads])
                     for doc_id, (stamp, heads) in saved.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return  # none, or damaged: the heads are read from the documents again
        for doc_id, entry in known.items():
            self._heads.setdefault(doc_id, entry)

    def save_heads(self, path: Path) -> None:
        """Keep the heads known now for the next run (a cache: losing it costs only time);
        nothing is written when nothing was learned."""
        if not self._heads_new:
            return
        saved = {doc_id: [list(stamp), [h.hex() for h in heads]]
                 for doc_id, (stamp, heads) in self._heads.items()}
        atomic_write_bytes(path, json.dumps(saved, separators=(",", ":")).encode(),
                           sync_dir=False)
        self._heads_new = False

    def set_aside(self, doc_id: str, reason: str) -> None:
        """Move a damaged document's stored files to `quarantine/` (kept, never deleted)."""
        self.drop(doc_id)
        moved: list[str] = []
        if not isinstance(self.store, DocStore):
            return
        # DocStore's layout: <root>/<first two characters>/<id>.snap and <id>.log
        folder = self.store.root / doc_id[:2]
        aside = self.store.root.parent / "quarantine"
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for suffix in (".snap", ".log"):
            source = folder / f"{doc_id}{suffix}"
            if source.exists():
                aside.mkdir(parents=True, exist_ok=True)
                target = aside / f"{doc_id}{suffix}.{stamp}"
                os.replace(source, target)
                moved.append(str(target))
        log.error("document %s is damaged in the store (%s); set aside as %s; taking the "
                  "next peer's copy", doc_id, reason, ", ".join(moved) or "nothing")

    @property
    def quarantine_dir(self) -> Path | None:
        return self.store.root.parent / "quarantine" if isinstance(self.store, DocStore) else None

    def _fit(self) -> None:
        """Forget the least recently used documents past the cache's operation budget."""
        while len(self._weights) > self.repo.capacity:
            self._weights.popitem(last=False)
        total = sum(self._weights.values())
        while total > self.cache_ops and len(self._weights) > 1:
            old, weight = self._weights.popitem(last=False)
            self.repo.forget(old)
            total -= weight

    @property
    def cached_ops(self) -> int:
        """Operations held by the documents the cache may still hold (an upper bound)."""
        return sum(self._weights.values())

    @property
    def capacity(self) -> int:
        return self.repo.capacity

    def __len__(self) -> int:
        return len(self.repo)

    def has_content(self, doc_id: str) -> bool:
        """True when the server holds at least one change of the document."""
        return self.repo.exists(doc_id)

    def drop(self, doc_id: str) -> None:
        """Forget the loaded copy (after a failure); the next use reloads it from the store."""
        self.repo.forget(doc_id)
        self._weights.pop(doc_id, None)

    def apply(self, doc_id: str, state: SyncState, data: bytes, peer: str = "") -> bool:
        """Receive a peer's sync message and persist what it added; True when the doc changed.

        Raises CrdtError (hostile or corrupt message), DocTooLarge, StoreError or OSError;
        in every case nothing of the message is kept, on disk or in memory.
        """
        if len(data) > self.max_doc_bytes:
            raise DocTooLarge(f"sync message of {len(data)} bytes exceeds the document cap")
        try:
            doc = self._open(doc_id)
            before = doc.heads()
            doc.receive_sync_message(state, data, self.caps)
            self._weights[doc_id] = doc.held.ops
            if doc.heads() == before:
                self._fit()
                return False
            added = sum(len(change) for change in doc.changes_since(before))
            stored = self.repo.stored_bytes(doc_id) if self.repo.exists(doc_id) else 0
            if stored + added > self.max_doc_bytes:
                raise DocTooLarge(
                    f"document would grow to {stored + added} bytes (cap {self.max_doc_bytes})")
            # A new document starts as a snapshot: save() costs 0.6 ms once, and every later
            # load is 30 % faster than from raw changes (2 KB note: 1.8 ms against 2.6 ms).
            self.repo.persist(doc_id, doc, before, origin=Origin.remote(peer))
            # What was just stored need not be read back for the next heads question.
            self._heads[doc_id] = (self.store.stamp(doc_id), sorted(doc.heads()))
            self._heads_new = True
            self._fit()
            return True
        except Exception:
            self.drop(doc_id)
            raise

    def generate(self, doc_id: str, state: SyncState) -> bytes | None:
        """The next sync message for one peer, or None when it is up to date."""
        try:
            message = self._open(doc_id).generate_sync_message(state)
            self._fit()
            return message
        except Exception:
            self.drop(doc_id)
            raise
