"""The document repository: loads documents on demand into a small LRU, persists and notifies in one place.

Used by the vault (file documents and the root index) and by `solo serve`. Every change to
a stored document goes through `persist` (or the `change()` block built on it): the new
changes are appended to the storage, the log is compacted when it grew, the cached copy is
refreshed and `on_change` listeners hear a `DocEvent` carrying the change's origin. A cached
copy is reused only while the storage stamp is unchanged, so another process's writes are
seen. `trim()` gives freed memory back to the OS after bulk work (a loaded note costs
about 400 bytes per character).

The root index document (`files`: doc id → {path, kind, deleted, rev}) lives here too.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from solo.core.engine.crdt import Doc, Editor
from solo.core.engine.events import ORIGIN_LOCAL, DocEvent, Listeners, Origin, Unsubscribe
from solo.core.engine.fsutil import libc
from solo.core.engine.storage import DocStorage, Stamp

DEFAULT_CAPACITY = 32
TRIM_EVERY = 256  # evictions between malloc_trim calls


def doc_rev(doc: Doc) -> str:
    """A short fingerprint of a document's heads: equal revs mean equal content."""
    return heads_rev(doc.heads())


def heads_rev(heads: list[bytes]) -> str:
    """`doc_rev` from the heads themselves (a document built without loading it)."""
    return hashlib.sha256(b"".join(sorted(heads))).hexdigest()[:20]


def malloc_trim() -> None:
    """Return freed heap to the OS (glibc); a no-op elsewhere."""
    lib = libc()
    if lib is not None:
        with contextlib.suppress(AttributeError):
            lib.malloc_trim(0)


class DocRepo:
    """Documents by id over a `DocStorage`. Not thread-safe: callers hold the vault lock
    (or, in the server, run on one event loop)."""

    def __init__(self, storage: DocStorage, actor: bytes | None = None, *,
                 capacity: int = DEFAULT_CAPACITY, root_id: str | None = None) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.storage = storage
        self.actor = actor
        self.capacity = capacity
        self.root_id = root_id
        self.events: Listeners[DocEvent] = Listeners()
        self._cache: OrderedDict[str, tuple[Doc, Stamp]] = OrderedDict()
        self._unsaved: dict[str, Doc] = {}  # opened, not stored yet (a peer's, arriving)
        self._evictions = 0
        self._path_map: dict[str, str] | None = None
        self._path_map_stamp: Stamp | None = None

    # --- loading ---------------------------------------------------------------------------
    def exists(self, doc_id: str) -> bool:
        """True when the storage holds the document."""
        return self.storage.exists(doc_id)

    def __len__(self) -> int:
        return len(self._cache)

    def load(self, doc_id: str) -> Doc:
        """The stored document (raises StoreError when it is missing or unreadable)."""
        stamp = self.storage.stamp(doc_id)
        cached = self._cache.get(doc_id)
        if cached is not None and cached[1] == stamp:
            self._cache.move_to_end(doc_id)
            return cached[0]
        doc = self.storage.load(doc_id, self.actor)
        self._remember(doc_id, doc, stamp)
        return doc

    def open(self, doc_id: str) -> Doc:
        """The stored document, or an empty one to receive into (stored by its first persist)."""
        if doc_id in self._unsaved:
            return self._unsaved[doc_id]
        if self.storage.exists(doc_id):
            return self.load(doc_id)
        doc = self._unsaved[doc_id] = Doc.new(self.actor)
        return doc

    def stored_bytes(self, doc_id: str) -> int:
        _, snap_size, _, log_size = self.storage.stamp(doc_id)
        return snap_size + log_size

    def forget(self, doc_id: str) -> None:
        """Drop the loaded copy (after a failure or a delete); the next use reloads it."""
        self._cache.pop(doc_id, None)
        self._unsaved.pop(doc_id, None)

    def _remember(self, doc_id: str, doc: Doc, stamp: Stamp | None = None) -> None:
        self._cache[doc_id] = (doc, stamp if stamp is not None else self.storage.stamp(doc_id))
        self._cache.move_to_end(doc_id)
        while len(self._cache) > self.capacity:
            oldest = next(iter(self._cache))
            if oldest == self.root_id and len(self._cache) > 1:
                # Kept: the root index is read on every change, and reloading one of 30,000
                # entries costs most of a second.
                self._cache.move_to_end(oldest)
                continue
            self._cache.popitem(last=False)
            self._evictions += 1
            if self._evictions % TRIM_EVERY == 0:
                malloc_trim()

    def trim(self) -> None:
        """After bulk work: keep the LRU, give the rest of the freed memory back."""
        malloc_trim()

    # --- changing --------------------------------------------------------------------------
    def on_change(self, listener: Callable[[DocEvent], None]) -> Unsubscribe:
        return self.events.add(listener)

    def create(self, doc_id: str, doc: Doc, origin: Origin = ORIGIN_LOCAL) -> None:
        """Store a new document as its first snapshot."""
        self.storage.create(doc_id, doc)
        self._unsaved.pop(doc_id, None)
        self._remember(doc_id, doc)
        self.events.emit(DocEvent((doc_id,), origin))

    def persist(self, doc_id: str, doc: Doc, heads_before: Sequence[bytes],
                durable: bool = True, origin: Origin = ORIGIN_LOCAL) -> list[bytes]:
        """Store what changed in `doc` since `heads_before` (fsynced when `durable`) and
        tell the listeners; returns the changes (none: nothing stored, nobody told)."""
        changes = doc.changes_since(list(heads_before))
        if not changes:
            return changes
        if doc_id in self._unsaved or not self.storage.exists(doc_id):
            self.create(doc_id, doc, origin)
            return changes
        self.storage.append(doc_id, changes, durable)
        if self.storage.needs_compaction(doc_id):
            self.storage.compact(doc_id, doc)
        self._remember(doc_id, doc)
        self.events.emit(DocEvent((doc_id,), origin))
        return changes

    @contextlib.contextmanager
    def change(self, doc_id: str, *, durable: bool = True,
               origin: Origin = ORIGIN_LOCAL) -> Iterator[Editor]:
        """`with repo.change(doc_id) as edit:` — one transaction, persisted and announced."""
        doc = self.load(doc_id)
        heads = doc.heads()
        with doc.change() as edit:
            yield edit
        self.persist(doc_id, doc, heads, durable, origin)

    # --- the root index --------------------------------------------------------------------
    def _root(self) -> str:
        if self.root_id is None:
            raise ValueError("this repository has no root index document")
        return self.root_id

    def root_doc(self) -> Doc:
        return self.load(self._root())

    def root_entries(self) -> dict[str, dict[str, Any]]:
        """doc id → {path, kind, deleted, rev} from the root index document."""
        files = self.root_doc().get(["files"], {}) or {}
        if not isinstance(files, dict):
            return {}  # the wrong shape (a peer's app): no entries, never a crash
        return {k: v for k, v in files.items() if isinstance(v, dict)}

    def root_entry(self, doc_id: str) -> dict[str, Any] | None:
        entry = self.root_doc().get(["files", doc_id], None)
        return entry if isinstance(entry, dict) else None

    def set_root_entry(self, doc_id: str, durable: bool = True,
                       origin: Origin = ORIGIN_LOCAL, **values: Any) -> None:
        """Put `values` into the document's root entry (one change)."""
        self.update_root({doc_id: values}, durable=durable, origin=origin)

    def update_root(self, updates: Mapping[str, Mapping[str, Any]], durable: bool = False,
                    origin: Origin = ORIGIN_LOCAL) -> None:
        """Put these values into the root entries in one change: an entry the root lacks is
        put whole, an existing one key by key (`durable=False`: only revs, which a power cut
        may cost and `fix_dirty_revs`, `doctor` or `sync --full` repair)."""
        if not updates:
            return
        root_id = self._root()
        current = self._path_map is not None and \
            self._path_map_stamp == self.storage.stamp(root_id)
        doc = self.root_doc()
        heads = doc.heads()
        moved: dict[str, Any] = {}  # doc id → its path before, for entries that may move
        with doc.change() as edit:
            for doc_id, values in updates.items():
                entry = doc.get(["files", doc_id], None)
                if not isinstance(entry, dict):
                    edit.put(["files", doc_id], dict(values))
                    moved[doc_id] = None
                    continue
                if "path" in values or "deleted" in values:
                    moved[doc_id] = entry.get("path")
                for key, value in values.items():
                    edit.put(["files", doc_id, key], value)
        self.persist(root_id, doc, heads, durable, origin)
        if current and self._path_map is not None:
            for doc_id, old_path in moved.items():
                if isinstance(old_path, str) and self._path_map.get(old_path) == doc_id:
                    del self._path_map[old_path]
                entry = doc.get(["files", doc_id], {}) or {}
                if isinstance(entry.get("path"), str) and entry.get("deleted") is not True:
                    self._path_map[entry["path"]] = doc_id
            self._path_map_stamp = self.storage.stamp(root_id)
        else:
            self._path_map = None

    def create_many(self, docs: Sequence[tuple[str, Doc]], origin: Origin = ORIGIN_LOCAL) -> None:
        """Store new documents (a peer's, arrived in memory) as first snapshots made durable
        by one file-system sync for all of them (group commit); they stay loaded. A snapshot
        is the document's few changes as they arrived when that is all it holds
        (`Doc.save_new`); the first compaction makes it a `save()`."""
        if not docs:
            return
        self.storage.create_many([(doc_id, doc.save_new()) for doc_id, doc in docs])
        for doc_id, doc in docs:
            self._unsaved.pop(doc_id, None)
            self._remember(doc_id, doc)
        self.events.emit(DocEvent(tuple(doc_id for doc_id, _ in docs), origin))

    def created_many(self, doc_ids: Sequence[str], origin: Origin = ORIGIN_LOCAL) -> None:
        """Announce documents a bulk ingest stored straight through `storage.create_many`."""
        for doc_id in doc_ids:
            self._unsaved.pop(doc_id, None)
        if doc_ids:
            self.events.emit(DocEvent(tuple(doc_ids), origin))

    def announce(self, doc_ids: Sequence[str], origin: Origin = ORIGIN_LOCAL) -> None:
        """Tell listeners these stored documents changed: another process changed them."""
        present = tuple(doc_id for doc_id in doc_ids if self.storage.exists(doc_id))
        if present:
            self.events.emit(DocEvent(present, origin))

    def add_root_entries(self, entries: Mapping[str, Mapping[str, Any]],
                         origin: Origin = ORIGIN_LOCAL) -> None:
        """List new documents in the root index: one durable change for all of them."""
        if not entries:
            return
        root_id = self._root()
        current = self._path_map is not None and \
            self._path_map_stamp == self.storage.stamp(root_id)
        doc = self.root_doc()
        heads = doc.heads()
        with doc.change() as edit:
            for doc_id, values in entries.items():
                edit.put(["files", doc_id], dict(values))
        self.persist(root_id, doc, heads, True, origin)
        if current and self._path_map is not None:
            for doc_id, values in entries.items():
                if isinstance(values.get("path"), str) and values.get("deleted") is not True:
                    self._path_map[values["path"]] = doc_id
            self._path_map_stamp = self.storage.stamp(root_id)
        else:
            self._path_map = None

    def compact(self, doc_id: str) -> None:
        """Fold a document's change log into one snapshot now (after bulk work)."""
        self.storage.compact(doc_id, self.load(doc_id))

    def root_path_map(self) -> dict[str, str]:
        """path → document id of every live entry in the root index (cached by store stamp)."""
        stamp = self.storage.stamp(self._root())
        if self._path_map is None or self._path_map_stamp != stamp:
            self._path_map = {e["path"]: doc_id for doc_id, e in self.root_entries().items()
                              if isinstance(e.get("path"), str) and e.get("deleted") is not True}
            self._path_map_stamp = stamp
        return self._path_map

    def root_loaded(self) -> bool:
        """True when the root index document is in memory as stored (reading it is free)."""
        cached = self._cache.get(self._root())
        return cached is not None and cached[1] == self.storage.stamp(self._root())

    def root_claim(self, path: str) -> str | None:
        """The document the root index lists live at `path` (as `root_path_map().get(path)`),
        found without extracting every entry when the map is not cached."""
        stamp = self.storage.stamp(self._root())
        if self._path_map is not None and self._path_map_stamp == stamp:
            return self._path_map.get(path)
        doc = self.root_doc()
        live = [doc_id for doc_id in doc.keys_where(["files"], "path", path)
                if doc.get(["files", doc_id, "deleted"]) is not True]
        return live[-1] if live else None

    def forget_all(self) -> None:
        self._cache.clear()
        self._unsaved.clear()
