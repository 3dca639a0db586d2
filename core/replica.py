"""The vault as a sync peer sees it: documents by id, remote changes landing safely in files.

A sync client (in `sync/`) moves bytes; this module decides what they mean for the files:
- before a remote change touches a document, any edit on disk not yet ingested is ingested;
- a changed file document is rendered to its file (atomically), journaled in
  `.solo/pending/` first so a crash between store and file is finished on the next open;
- a changed root index renames, deletes, creates and de-conflicts files — but only at
  paths that pass `core.paths` checks, never outside the vault nor into `.solo/`;
- a delete concurrent with an edit loses: the file comes back (words are never dropped);
- two documents claiming one path: the smaller id keeps it, the other moves to a visible
  `name (conflict id).md`, the same choice on every device.
Which documents need syncing is known without loading them: the root index carries a
`rev` per document, and `.solo/sync.sqlite` remembers the rev each remote last agreed on.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from solo.core import model
from solo.core.crdt import CrdtError, Doc, SyncState
from solo.core.fsutil import atomic_write_bytes, fsync_dir
from solo.core.ids import is_document_id
from solo.core.index import short_id
from solo.core.paths import UnsafePath, check_relative_path, conflict_name, resolve_inside
from solo.core.store import StoreError
from solo.core.vault import Vault, content_sha, doc_rev

log = logging.getLogger(__name__)

MAX_INDEX_ENTRIES = 200_000


class SyncLedger:
    """`.solo/sync.sqlite`: per remote, the rev of each document both sides last agreed on."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS agreed (remote TEXT, doc_id TEXT, rev TEXT, "
                         "PRIMARY KEY (remote, doc_id))")

    def agreed(self, remote: str) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT doc_id, rev FROM agreed WHERE remote = ?",
                                         (remote,)).fetchall())

    def set_agreed(self, remote: str, doc_id: str, rev: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO agreed VALUES (?, ?, ?)", (remote, doc_id, rev))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _live(entry: dict[str, Any], rev_of: Callable[[], str | None]) -> bool:
    """An entry is deleted only if nobody changed the document after the delete."""
    if entry.get("deleted") is not True:
        return True
    deleted_rev = entry.get("deleted_rev")
    if not deleted_rev:
        return False
    current = rev_of()
    return current is not None and current != deleted_rev


class Replica:
    """One vault's documents as a sync client serves them to one remote."""

    def __init__(self, vault: Vault, remote: str) -> None:
        self.vault = vault
        self.remote = remote
        self.root_id = vault.root_id
        self.ledger = SyncLedger(vault.solo_dir / "sync.sqlite")
        self.pending_dir = vault.solo_dir / "pending"
        self.problems: list[str] = []
        self._incoming: dict[str, Doc] = {}  # wanted documents we hold no change of yet
        self._entries_cache: tuple[list[bytes], dict[str, dict[str, Any]]] | None = None

    def close(self) -> None:
        self.ledger.close()

    # --- what to sync ------------------------------------------------------------------
    def has(self, doc_id: str) -> bool:
        return self.vault.store.exists(doc_id)

    def entries(self) -> dict[str, dict[str, Any]]:
        if not self.has(self.root_id):
            return {}
        with self.vault.lock:
            return self.vault.root_entries()

    def wanted(self, full: bool = False) -> list[str]:
        """Documents to sync now: those whose rev differs from what this remote agreed on."""
        entries = self.entries()
        agreed = self.ledger.agreed(self.remote)
        out = []
        for doc_id, entry in entries.items():
            if not is_document_id(doc_id):
                continue
            if full or agreed.get(doc_id) != entry.get("rev") or not self.has(doc_id):
                if entry.get("deleted") is True and not self.has(doc_id):
                    continue
                out.append(doc_id)
        return sorted(out)

    def agreed_now(self, doc_id: str) -> None:
        """Both sides hold the same changes for this document (a sync exchange ended)."""
        if not self.has(doc_id):
            return
        with self.vault.lock:
            rev = doc_rev(self.vault.load_doc(doc_id))
        self.ledger.set_agreed(self.remote, doc_id, rev)

    # --- sync messages -----------------------------------------------------------------
    def generate(self, doc_id: str, state: SyncState) -> bytes | None:
        """Our next sync message for a document (from an empty one when we lack it: a request)."""
        with self.vault.lock:
            return self._doc(doc_id).generate_sync_message(state)

    def _doc(self, doc_id: str) -> Doc:
        if self.has(doc_id):
            return self.vault.load_doc(doc_id)
        return self._incoming.setdefault(doc_id, Doc.new(self.vault.actor))

    def receive(self, doc_id: str, state: SyncState, data: bytes) -> list[str]:
        """Apply a peer's sync message; returns documents that the change made wanted."""
        with self.vault.lock:
            is_root = doc_id == self.root_id
            if not is_root:
                self._ingest_local_edit(doc_id)
            fresh = not self.has(doc_id)
            doc = self._doc(doc_id)
            before = doc.heads()
            old_entries = self._current_entries() if is_root and not fresh else {}
            try:
                doc.receive_sync_message(state, data)
            except CrdtError:
                self.vault.forget_doc(doc_id)
                self._incoming.pop(doc_id, None)
                raise
            if doc.heads() == before:
                return []
            if is_root:
                self._check_root(doc)
            self._journal(doc_id)
            if fresh:
                self._incoming.pop(doc_id, None)
                self.vault.store.create(doc_id, doc)
                self.vault._remember(doc_id, doc)
            else:
                self.vault.persist(doc_id, doc, before)
            if is_root:
                wanted = self._reconcile(old_entries)
            else:
                # Publish the rev only for a true merge (we held changes the sender lacked):
                # a plain fast-forward already carries the sender's rev in its root index.
                merged = any(head in doc.heads() for head in before)
                self._render(doc_id, doc, record=merged)
                wanted = []
            self._unjournal(doc_id)
            return wanted

    # --- applying ----------------------------------------------------------------------
    def _check_root(self, doc: Doc) -> None:
        files = doc.get(["files"], {})
        if not isinstance(files, dict):
            raise CrdtError("root index 'files' is not a map")
        if len(files) > MAX_INDEX_ENTRIES:
            raise CrdtError(f"root index lists {len(files)} documents (over the cap)")

    def _ingest_local_edit(self, doc_id: str) -> None:
        """Record an edit on disk that nothing ingested yet, so a render cannot overwrite it."""
        row = self.vault.index.by_doc(doc_id)
        if row is None:
            return
        try:
            data = self.vault.abs(row.path).read_bytes()
        except OSError:
            return
        if content_sha(data) != row.sha:
            self.vault._ingest(row.path)

    def _journal(self, doc_id: str) -> None:
        self.pending_dir.mkdir(exist_ok=True)
        marker = self.pending_dir / doc_id
        marker.write_bytes(b"")
        fsync_dir(self.pending_dir)

    def _unjournal(self, doc_id: str) -> None:
        (self.pending_dir / doc_id).unlink(missing_ok=True)

    def recover(self) -> None:
        """Finish renders a crash interrupted (documents stored, files not yet written)."""
        if not self.pending_dir.is_dir() or not self.has(self.root_id):
            return
        with self.vault.lock:
            for marker in sorted(self.pending_dir.iterdir()):
                doc_id = marker.name
                if doc_id == self.root_id:
                    self._reconcile({})
                elif is_document_id(doc_id) and self.has(doc_id):
                    self._render(doc_id, self.vault.load_doc(doc_id))
                marker.unlink(missing_ok=True)

    def _rev_of(self, doc_id: str) -> str | None:
        if not self.has(doc_id):
            return None
        try:
            return doc_rev(self.vault.load_doc(doc_id))
        except (StoreError, CrdtError):
            return None

    def _safe_entry_path(self, doc_id: str, entry: dict[str, Any]) -> str | None:
        try:
            return check_relative_path(entry.get("path"))
        except UnsafePath as exc:
            self._problem(f"ignoring document {doc_id} from the peer: {exc}")
            return None

    def _problem(self, message: str) -> None:
        log.warning(message)
        self.problems.append(message)

    def _render(self, doc_id: str, doc: Doc, record: bool = False) -> None:
        """Write a file document to the path the root index gives it."""
        entry = self.vault.root_doc().get(["files", doc_id], None)
        if not isinstance(entry, dict):
            return  # its index entry has not arrived yet; the root's arrival renders it
        if not _live(entry, lambda: doc_rev(doc)):
            return
        rel = self._safe_entry_path(doc_id, entry)
        if rel is None or not doc.heads():
            return
        self._ingest_local_edit(doc_id)
        doc = self.vault.load_doc(doc_id)
        row = self.vault.index.by_doc(doc_id)
        if row is not None and row.path != rel:
            rel = row.path  # a rename not reconciled yet; the root reconcile moves it
        other = self.vault.index.by_path(rel)
        if other is not None and other.doc_id not in (None, doc_id):
            return  # the path is taken; conflict resolution in _reconcile decides
        try:
            target = resolve_inside(self.vault.root, rel)
        except UnsafePath as exc:
            self._problem(f"not writing {rel}: {exc}")
            return
        text = self.vault.render_doc(doc)
        data = text.encode("utf-8")
        try:
            current = target.read_bytes() if target.exists() else None
        except OSError:
            current = None
        if current != data:
            atomic_write_bytes(target, data)
        self.vault.adopt(rel, doc_id)
        self.vault._ingest(rel)
        if record:
            self.vault.record_rev(doc_id, doc)
        self.vault._notify([rel])

    def _reconcile(self, old: dict[str, dict[str, Any]]) -> list[str]:
        """Make the files match the root index after it changed; returns docs to fetch.

        Deletions are applied before anything is placed, so a path freed by a delete and
        taken by a new document is never mistaken for a conflict (every device must reach
        the same files whatever order the entries come in)."""
        vault = self.vault
        entries = self._current_entries()
        indexed = vault.index.doc_ids()
        wanted: list[str] = []
        changed: list[tuple[str, str, dict[str, Any]]] = []
        live: dict[str, str] = {}
        for doc_id, entry in entries.items():
            if not is_document_id(doc_id):
                continue
            if entry == old.get(doc_id) and doc_id in indexed:
                path = entry.get("path")
                if isinstance(path, str) and entry.get("deleted") is not True:
                    live.setdefault(path, doc_id)
                continue
            if entry.get("rev") != (old.get(doc_id) or {}).get("rev") or not self.has(doc_id):
                wanted.append(doc_id)
            rel = self._safe_entry_path(doc_id, entry)
            if rel is None:
                continue
            if not _live(entry, lambda d=doc_id: self._rev_of(d)):
                self._delete_local(doc_id)
                continue
            changed.append((doc_id, rel, entry))
        for doc_id, rel, entry in changed:
            if entry.get("deleted") is True:
                vault._set_root_entry(doc_id, deleted=False)  # resurrected by a later edit
            owner = live.get(rel)
            if owner is not None and owner != doc_id:
                winner, loser = sorted((owner, doc_id))
                live[rel] = winner
                self._move_to_conflict(loser, rel)
                if winner == doc_id:
                    self._place(doc_id, rel, entries)
                continue
            live[rel] = doc_id
            self._place(doc_id, rel, entries)
        return wanted

    def _current_entries(self) -> dict[str, dict[str, Any]]:
        """The root index entries, extracted once per root state (a full pass is costly)."""
        heads = self.vault.root_doc().heads()
        if self._entries_cache is None or self._entries_cache[0] != heads:
            self._entries_cache = (heads, self.vault.root_entries())
        return self._entries_cache[1]

    def _place(self, doc_id: str, rel: str, entries: dict[str, dict[str, Any]]) -> None:
        """Make the document's file live at `rel` (moving it there or rendering it)."""
        vault = self.vault
        occupant = vault.index.by_path(rel)
        if occupant is not None and occupant.doc_id and occupant.doc_id != doc_id:
            occupant_entry = entries.get(occupant.doc_id, {})
            if occupant_entry.get("deleted") is True or occupant_entry.get("path") != rel:
                # Its own entry says it is gone or elsewhere: not a conflict.
                if occupant_entry.get("deleted") is True:
                    self._delete_local(occupant.doc_id)
                occupant = vault.index.by_path(rel)
        if occupant is not None and occupant.doc_id and occupant.doc_id != doc_id:
            winner = min(doc_id, occupant.doc_id)
            loser = occupant.doc_id if winner == doc_id else doc_id
            self._move_to_conflict(loser, rel)
            if loser == doc_id:
                return
        row = vault.index.by_doc(doc_id)
        if row is not None and row.path != rel:
            try:
                target = resolve_inside(vault.root, rel)
            except UnsafePath as exc:
                self._problem(f"not moving {row.path} to {rel}: {exc}")
                return
            source = vault.abs(row.path)
            if source.exists() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(source, target)
                fsync_dir(target.parent)
                vault.index.move(row.path, rel)
                vault._notify([row.path, rel])
        if self.has(doc_id):
            self._render(doc_id, vault.load_doc(doc_id))

    def _move_to_conflict(self, doc_id: str, rel: str) -> None:
        new_rel = conflict_name(rel, short_id(doc_id))
        vault = self.vault
        row = vault.index.by_doc(doc_id)
        if row is not None and row.path == rel:
            try:
                target = resolve_inside(vault.root, new_rel)
            except UnsafePath as exc:
                self._problem(f"cannot keep both copies of {rel}: {exc}")
                return
            os.rename(vault.abs(rel), target)
            fsync_dir(target.parent)
            vault.index.move(rel, new_rel)
        vault._set_root_entry(doc_id, path=new_rel,
                              kind=model.kind_for(new_rel, {}), deleted=False)
        if self.has(doc_id):
            self._render(doc_id, vault.load_doc(doc_id))

    def _delete_local(self, doc_id: str) -> None:
        vault = self.vault
        row = vault.index.by_doc(doc_id)
        if row is None:
            return
        path = vault.abs(row.path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            vault.index.remove(row.path)
            return
        doc = vault.load_doc(doc_id)
        if data != vault.render_doc(doc).encode("utf-8"):
            # Words on disk the peer never saw: keep them, and the item lives on.
            vault._ingest(row.path)
            vault._set_root_entry(doc_id, deleted=False)
            return
        path.unlink()
        vault.index.remove(row.path)
        vault.forget_doc(doc_id)
        vault._notify([row.path])


def finish_pending(vault: Vault) -> None:
    """Write the files for remote changes that were stored but not rendered before a crash."""
    replica = Replica(vault, remote="")
    try:
        replica.recover()
    finally:
        replica.close()
