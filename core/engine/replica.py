"""The vault as a sync peer sees it: documents by id, remote changes landing safely in files.

A sync client (in `sync/`) moves bytes; this module decides what they mean for the files,
using only the public methods of the vault's parts (`repo`, `mirror`, `index`):
- before a remote change touches a document, any edit on disk not yet ingested is ingested;
- a changed file document is rendered to its file once (atomically; the mirror builds
  its index row from what it wrote instead of re-ingesting it), journaled in
  `.solo/pending/` first so a crash between store and file is finished on the next open;
- a changed root index renames, deletes, creates and de-conflicts files — but only at
  paths that pass `core.paths` checks, never outside the vault nor into `.solo/`;
- a delete concurrent with an edit loses: the file comes back (words are never dropped;
  tombstones and the limit on deletes per round are in `core.deletes`);
- two documents claiming one path: the smaller id keeps it, the other moves to a visible
  `name (conflict id).md`, the same choice on every device.
Which documents need syncing is known without loading them: the root index carries a
`rev` per document, and `.solo/sync.sqlite` (`core.syncledger`) remembers the rev each remote
last agreed on.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from solo.core.config import Config, SyncConfig
from solo.core.engine.crdt import CrdtError, Doc, SyncState
from solo.core.engine.deletes import DeleteGuard, deleted_heads, live_after_delete
from solo.core.engine.docrepo import DocRepo, doc_rev
from solo.core.engine.events import Origin
from solo.core.engine.index import Index, short_id
from solo.core.engine.lock import VaultLock
from solo.core.engine.mirror import BadDocument, FileMirror, NotMirroredError
from solo.core.engine.paths import UnsafePath, check_relative_path, conflict_name
from solo.core.engine.store import StoreError
from solo.core.engine.syncledger import SyncLedger
from solo.core.model import kinds as model
from solo.core.model.ids import is_document_id

log = logging.getLogger(__name__)

MAX_INDEX_ENTRIES = 200_000
QUICK_RECONCILE_MAX = 512
"""A root change touching at most this many entries, each only in its `rev`, is reconciled
from the binding's patches instead of comparing all entries (`_quick_reconcile`)."""


class VaultParts(Protocol):
    """What a replica needs of a vault (a `Vault` has all of it): its parts, by name."""

    root_id: str
    solo_dir: Path
    lock: VaultLock
    repo: DocRepo
    mirror: FileMirror
    index: Index


class Replica:
    """One vault's documents as a sync client serves them to one remote."""

    def __init__(self, vault: VaultParts, remote: str) -> None:
        self.vault = vault
        self.repo = vault.repo
        self.mirror = vault.mirror
        self.index = vault.index
        self.remote = remote
        self.origin = Origin.remote(remote)
        self.root_id = vault.root_id
        self.ledger = SyncLedger(vault.solo_dir / "sync.sqlite")
        self.problems: list[str] = []
        config = getattr(vault, "config", None)
        self.deletes = DeleteGuard(vault.solo_dir, self.index,
                                   config.sync if isinstance(config, Config) else SyncConfig(),
                                   self.problems)
        self.held = self.deletes.held
        self._entries_cache: tuple[list[bytes], dict[str, dict[str, Any]]] | None = None
        self._settled = False
        """No entry is left to try again (`_nothing_to_retry`, asked after each whole
        comparison and by `settle`), so comparing only what a root change touched is enough."""
        self.batch_new = 0
        """New documents kept in memory and stored together by `flush` (0: each at once)."""
        self._arrived: dict[str, bool] = {}  # new, not stored yet → its exchange has ended

    @property
    def allow_deletes(self) -> bool:
        """True: apply every delete a peer sends (`solo deletes --apply` confirmed them)."""
        return self.deletes.allow

    @allow_deletes.setter
    def allow_deletes(self, value: bool) -> None:
        self.deletes.allow = value

    def close(self) -> None:
        self.ledger.close()

    # --- what to sync ------------------------------------------------------------------
    def has(self, doc_id: str) -> bool:
        return self.repo.exists(doc_id)

    def lacking(self, doc_ids: list[str]) -> set[str]:
        """Those of these documents that this vault does not hold."""
        return {doc_id for doc_id in doc_ids if not self.has(doc_id)}

    def entries(self) -> dict[str, dict[str, Any]]:
        if not self.has(self.root_id):
            return {}
        with self.vault.lock:
            self.mirror.fix_dirty_revs()  # revs a one-shot command left to whoever syncs
            return dict(self._current_entries())  # one extraction per root state

    def wanted(self, full: bool = False) -> list[str]:
        """Documents to sync now: those whose rev differs from what this remote agreed on."""
        entries = self.entries()
        agreed = self.ledger.agreed(self.remote)
        out = []
        for doc_id, entry in entries.items():
            known = agreed.get(doc_id)
            if known is None and not is_document_id(doc_id):  # agreed ids were checked
                continue
            if full or known != entry.get("rev") or not self.has(doc_id):
                if entry.get("deleted") is True and not self.has(doc_id):
                    continue
                out.append(doc_id)
        return sorted(out)

    def agreed_now(self, doc_id: str) -> None:
        """Both sides hold the same changes for this document (a sync exchange ended)."""
        if not self.has(doc_id):
            return
        with self.vault.lock:
            rev = doc_rev(self.repo.load(doc_id))
        self.ledger.set_agreed(self.remote, doc_id, rev)

    # --- sync messages -----------------------------------------------------------------
    def generate(self, doc_id: str, state: SyncState) -> bytes | None:
        """Our next sync message for a document (from an empty one when we lack it: a request)."""
        with self.vault.lock:
            return self.repo.open(doc_id).generate_sync_message(state)

    def receive(self, doc_id: str, state: SyncState, data: bytes) -> list[str]:
        """Apply a peer's sync message; returns documents that the change made wanted."""
        with self.vault.lock:
            try:
                return self._receive(doc_id, state, data)
            finally:
                self.mirror.forget_seen()

    def _receive(self, doc_id: str, state: SyncState, data: bytes) -> list[str]:
        is_root = doc_id == self.root_id
        if not is_root and doc_id not in self._arrived:
            self.mirror.check_local_edit(doc_id)
        fresh = not self.has(doc_id)
        doc = self.repo.open(doc_id)
        before = doc.heads()
        cached = self._entries_cache
        try:
            doc.receive_sync_message(state, data)
        except CrdtError:
            self.repo.forget(doc_id)
            raise
        if doc.heads() == before:
            return []
        if is_root:
            try:
                self._check_root(doc)
            except CrdtError:
                # The merged copy in memory holds the refused change: drop it, so later local
                # edits build on the stored root and publish the complete index.
                self.repo.forget(doc_id)
                self._entries_cache = None
                raise
        if fresh and not is_root and self.batch_new:
            self._arrived[doc_id] = False  # stored, rendered and agreed by `flush`
            return []
        self.mirror.pending.mark(doc_id, durable=True)
        if fresh or is_root:
            self.repo.persist(doc_id, doc, before, origin=self.origin)
        else:
            self.mirror.commit(doc_id, doc, before, origin=self.origin)
        if is_root:
            wanted = None if fresh else self._quick_reconcile(doc, before)
            if wanted is None:
                old_entries: dict[str, dict[str, Any]] = {}
                if not fresh:
                    old_entries = cached[1] if cached is not None and cached[0] == before \
                        else self._entries_at(doc, before)
                wanted = self._reconcile(old_entries)
        else:
            # Publish the rev only for a true merge (we held changes the sender lacked):
            # a plain fast-forward already carries the sender's rev in its root index.
            merged = any(head in doc.heads() for head in before)
            self._render(doc_id, doc, record=merged)
            self._unsettle_unless_placed(doc_id)
            wanted = []
        self.mirror.pending.clear(doc_id)
        return wanted

    # --- group commit of new documents ------------------------------------------------
    @property
    def arrived(self) -> int:
        """New documents received and held in memory, not stored yet."""
        return len(self._arrived)

    def agree_when_stored(self, doc_id: str) -> bool:
        """The exchange of a new document held in memory ended: `flush` records the
        agreement once the document is durable. False when the document is not held."""
        if doc_id not in self._arrived:
            return False
        self._arrived[doc_id] = True
        return True

    def flush(self) -> None:
        """Store the new documents held in memory with one file-system sync, then write
        their files and record their agreements (and revs the root lacks).

        Same promise as storing each at once: an agreement is written only after its
        document is durable, so after a crash a document is either stored or, missing,
        fetched again; a pending marker (made durable with the documents) finishes a
        file a crash left unwritten."""
        if not self._arrived:
            return
        with self.vault.lock:
            arrived, self._arrived = self._arrived, {}
            docs = [(d, self.repo.open(d)) for d in arrived]
            docs = [(d, doc) for d, doc in docs if doc.heads()]  # forgotten after a refusal
            if not docs:
                return
            for i, (doc_id, _) in enumerate(docs):
                self.mirror.pending.mark(doc_id, durable=i == len(docs) - 1)
            self.repo.create_many(docs, origin=self.origin)
            try:
                with self.mirror.files.folders_synced_once(), self.mirror.grouped_writes():
                    for doc_id, doc in docs:
                        self._render(doc_id, doc)
                for doc_id, doc in docs:  # files and their folders are durable now
                    self._unsettle_unless_placed(doc_id)  # (rows are written by now too)
                    self.mirror.pending.clear(doc_id)
                    if not arrived[doc_id]:
                        continue  # more is coming: agreed when its exchange ends
                    rev = doc_rev(doc)
                    entry = self.repo.root_entry(doc_id)
                    if entry is not None and entry.get("deleted") is not True \
                            and entry.get("rev") != rev:
                        self.mirror.record_rev(doc_id, doc)  # a JS app's doc lacks one
                    self.ledger.set_agreed(self.remote, doc_id, rev)
            finally:
                self.mirror.forget_seen()

    # --- applying ----------------------------------------------------------------------
    def _check_root(self, doc: Doc) -> None:
        count = doc.map_size(["files"])
        if count is None:
            if doc.get(["files"]) is None:
                return  # no index yet (an empty root), as before
            raise CrdtError("root index 'files' is not a map")
        if count > MAX_INDEX_ENTRIES:
            raise CrdtError(f"root index lists {count} documents (over the cap)")

    def recover(self) -> None:
        """Finish renders a crash interrupted (documents stored, files not yet written)."""
        if not self.has(self.root_id):
            return
        with self.vault.lock:
            for doc_id in self.mirror.pending.ids():
                try:
                    if doc_id == self.root_id:
                        self._reconcile({})
                    elif is_document_id(doc_id) and self.has(doc_id):
                        self._render(doc_id, self.repo.load(doc_id))
                except (CrdtError, StoreError, OSError, ValueError, TypeError) as exc:
                    # Never replayed forever: set aside where `doctor` and a human can see it.
                    reason = f"pending change to document {doc_id} cannot be applied: {exc}"
                    self._problem(f"{reason}; set aside in {self.mirror.quarantine_dir}")
                    self.mirror.pending.set_aside(doc_id, self.mirror.quarantine_dir, reason)
                    continue
                self.mirror.pending.clear(doc_id)
            self.mirror.forget_seen()

    def _state(self, doc_id: str, entry: dict[str, Any], doc: Doc | None = None) -> str:
        """"live", "deleted", or "behind": a tombstone for edits this copy has not received
        yet (decided when the document's own changes arrive, so a delete after an edit wins
        and only an edit concurrent with the delete brings the file back)."""
        if entry.get("deleted") is not True:
            return "live"
        heads = deleted_heads(entry)
        if heads is not None and (doc is not None or self.has(doc_id)):
            try:
                doc = doc if doc is not None else self.repo.load(doc_id)
                if not doc.contains(heads):
                    return "behind"
                return "live" if doc_rev(doc) != entry.get("deleted_rev") else "deleted"
            except (StoreError, CrdtError):
                pass
        return "live" if live_after_delete(entry, partial(self._rev_of, doc_id)) else "deleted"

    def _rev_of(self, doc_id: str) -> str | None:
        if not self.has(doc_id):
            return None
        try:
            return doc_rev(self.repo.load(doc_id))
        except (StoreError, CrdtError):
            return None

    def _safe_entry_path(self, doc_id: str, entry: dict[str, Any]) -> str | None:
        try:
            return check_relative_path(entry.get("path"))
        except UnsafePath as exc:
            self._problem(f"ignoring document {doc_id} from the peer: {exc}")
            return None

    def _problem(self, message: str) -> None:
        if message in self.problems:
            return  # one line per problem and run, however often a round meets it
        log.warning(message)
        self.problems.append(message)

    def _render(self, doc_id: str, doc: Doc, record: bool = False,
                beside: bool = True) -> None:
        """Write a file document to the path the root index gives it.

        A local file Solo does not mirror (binary, too big, not UTF-8, a folder…) is never
        written over: the document lands beside it under a conflict name (`beside`)."""
        entry = self.repo.root_entry(doc_id)
        if entry is None:
            return  # its index entry has not arrived yet; the root's arrival renders it
        state = self._state(doc_id, entry, doc)
        if state == "behind":
            return
        if state == "deleted":
            if self.index.by_doc(doc_id) is not None:
                self._delete_local(doc_id)  # the edits before the delete have arrived
            return
        if entry.get("deleted") is True:  # an edit concurrent with the delete: it lives
            self.repo.set_root_entry(doc_id, deleted=False, origin=self.origin)
        rel = self._safe_entry_path(doc_id, entry)
        if rel is None or not doc.heads():
            return
        self.mirror.check_local_edit(doc_id)
        doc = self.repo.load(doc_id)
        row = self.index.by_doc(doc_id)
        if row is not None and row.path != rel:
            rel = row.path  # a rename not reconciled yet; the root reconcile moves it
        self.mirror.finish_group(rel)  # a file of this group at the same path: rows first
        other = self.index.by_path(rel)
        if other is not None and other.doc_id not in (None, doc_id):
            return  # the path is taken; conflict resolution in _reconcile decides
        try:
            self.mirror.files.safe_path(rel)
        except UnsafePath as exc:
            self._problem(f"not writing {rel}: {exc}")
            return
        try:
            self.mirror.write_doc(rel, doc_id, doc, self.origin)
        except NotMirroredError as exc:
            self._land_beside(doc_id, rel, exc.reason, beside)
            return
        except BadDocument as exc:
            self._problem(f"document {doc_id} ({rel}) refused: {exc}; the file is kept as it was")
            return
        if record:
            self.mirror.record_rev(doc_id, doc)

    def settle(self) -> None:
        """After a connection's first exchange, when every root entry has a file row or is a
        tombstone already applied, let the next rev-only root change take the short way
        (`_quick_reconcile`); else the first edit after connecting waits for a whole
        comparison (seconds at 30,000 notes). Reads the keys, not the entries."""
        with self.vault.lock:
            if not self._settled and self.has(self.root_id):
                self._settled = self._nothing_to_retry()

    def _nothing_to_retry(self) -> bool:
        """True when a whole comparison would leave every entry as it is: each has a file row
        or is a tombstone already applied (the one rule behind `_settled`)."""
        indexed = self.index.doc_ids()
        loose = [doc_id for doc_id in self.repo.root_doc().keys(["files"])
                 if is_document_id(doc_id) and doc_id not in indexed]
        if len(loose) > QUICK_RECONCILE_MAX:
            return False
        for doc_id in loose:
            entry = self.repo.root_entry(doc_id)
            if entry is None or entry.get("deleted") is not True or not self.has(doc_id):
                return False
            try:
                check_relative_path(entry.get("path"))
            except UnsafePath:
                return False
            if self._state(doc_id, entry) != "deleted":
                return False
        return True

    def _unsettle_unless_placed(self, doc_id: str) -> None:
        """A document left without a file row (its entry not here yet, a file kept beside
        it): the next root change compares every entry again, which retries it."""
        if self._settled and self.index.by_doc(doc_id) is None:
            self._settled = False

    @staticmethod
    def _entries_at(doc: Doc, heads: list[bytes]) -> dict[str, dict[str, Any]]:
        """The root index entries as they were at `heads` (before a message was applied)."""
        files = doc.get(["files"], {}, at=heads) or {}
        if not isinstance(files, dict):
            return {}
        return {k: v for k, v in files.items() if isinstance(v, dict)}

    def _quick_reconcile(self, doc: Doc, before: list[bytes]) -> list[str] | None:
        """The documents to fetch after a root change that only moved revs of documents
        whose files are in place (what every edit on another device sends), found from the
        entries the change touched: no file changes. None when the whole comparison of
        `_reconcile` is needed (anything else changed, or the last one left work to retry).

        Same result as `_reconcile` in that case: an entry that differs only in `rev` and
        whose file is in place is only fetched there too, and an untouched entry is skipped
        there unless it is not in the index, which `_settled` rules out."""
        if not self._settled:
            return None
        touched = doc.touched_keys(["files"], before)
        if touched is None or len(touched) > QUICK_RECONCILE_MAX:
            return None
        changed: dict[str, dict[str, Any]] = {}
        for doc_id in sorted(touched):
            if not is_document_id(doc_id):
                return None
            old = doc.get(["files", doc_id], None, at=before)
            new = doc.get(["files", doc_id], None)
            if not isinstance(old, dict) or not isinstance(new, dict):
                return None
            if new == old:
                continue
            rel = new.get("path")
            if not isinstance(rel, str) or not self._only_rev_changed(doc_id, rel, new, old):
                return None
            changed[doc_id] = new
        cached = self._entries_cache
        if cached is not None and cached[0] == before:
            cached[1].update(changed)
            self._entries_cache = (doc.heads(), cached[1])
        return list(changed)

    def _reconcile(self, old: dict[str, dict[str, Any]]) -> list[str]:
        """Make the files match the root index after it changed; returns docs to fetch.

        Deletions are applied before anything is placed, so a path freed by a delete and
        taken by a new document is never mistaken for a conflict (every device must reach
        the same files whatever order the entries come in)."""
        entries = self._current_entries()
        indexed = self.index.doc_ids()
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
            state = self._state(doc_id, entry)
            if state == "behind":
                if doc_id not in wanted:
                    wanted.append(doc_id)
                continue  # its file stays until the edits before the delete arrive
            if state == "deleted":
                self._delete_local(doc_id)
                continue
            changed.append((doc_id, rel, entry))
        for doc_id, rel, entry in changed:
            if entry.get("deleted") is True:
                # resurrected by a later edit
                self.repo.set_root_entry(doc_id, deleted=False, origin=self.origin)
            owner = live.get(rel)
            if owner is not None and owner != doc_id:
                winner, loser = sorted((owner, doc_id))
                live[rel] = winner
                self._move_to_conflict(loser, rel)
                if winner == doc_id:
                    self._place(doc_id, rel, entries)
                continue
            live[rel] = doc_id
            if self._only_rev_changed(doc_id, rel, entry, old.get(doc_id)):
                continue  # its content arrives (or arrived) in its own message, rendered there
            self._place(doc_id, rel, entries)
        self._settled = self._nothing_to_retry()
        return wanted

    def _only_rev_changed(self, doc_id: str, rel: str, entry: dict[str, Any],
                          before: dict[str, Any] | None) -> bool:
        """True when the entry differs from before only in `rev` and its file is in place."""
        if before is None or entry.get("deleted") is True:
            return False
        if {k: v for k, v in entry.items() if k != "rev"} != \
                {k: v for k, v in before.items() if k != "rev"}:
            return False
        row = self.index.by_doc(doc_id)
        return row is not None and row.path == rel and bool(row.sha)

    def _current_entries(self) -> dict[str, dict[str, Any]]:
        """The root index entries, extracted once per root state (a full pass is costly)."""
        heads = self.repo.root_doc().heads()
        if self._entries_cache is None or self._entries_cache[0] != heads:
            self._entries_cache = (heads, self.repo.root_entries())
        return self._entries_cache[1]

    def _place(self, doc_id: str, rel: str, entries: dict[str, dict[str, Any]]) -> None:
        """Make the document's file live at `rel` (moving it there or rendering it)."""
        occupant = self.index.by_path(rel)
        if occupant is not None and occupant.doc_id and occupant.doc_id != doc_id:
            occupant_entry = entries.get(occupant.doc_id, {})
            if occupant_entry.get("deleted") is True or occupant_entry.get("path") != rel:
                # Its own entry says it is gone or elsewhere: not a conflict.
                if occupant_entry.get("deleted") is True:
                    self._delete_local(occupant.doc_id)
                else:
                    self._move_ahead(occupant.doc_id, rel, occupant_entry)
                occupant = self.index.by_path(rel)
        if occupant is not None and occupant.doc_id and occupant.doc_id != doc_id:
            winner = min(doc_id, occupant.doc_id)
            loser = occupant.doc_id if winner == doc_id else doc_id
            self._move_to_conflict(loser, rel)
            if loser == doc_id:
                return
        row = self.index.by_doc(doc_id)
        if row is not None and row.path != rel:
            try:
                self.mirror.files.safe_path(rel)
            except UnsafePath as exc:
                self._problem(f"not moving {row.path} to {rel}: {exc}")
                return
            if self.mirror.files.exists(row.path) and not self.mirror.files.exists(rel):
                self.mirror.rename_file(row.path, rel, self.origin)
        if self.has(doc_id):
            self._render(doc_id, self.repo.load(doc_id))

    def _move_ahead(self, doc_id: str, rel: str, entry: dict[str, Any]) -> None:
        """Apply a rename the root index holds for the document at `rel` before its path is
        reused (a device renamed a file, then created another at its old name)."""
        new_rel = self._safe_entry_path(doc_id, entry)
        if new_rel is None or new_rel == rel or self.mirror.files.exists(new_rel):
            return
        try:
            self.mirror.files.safe_path(new_rel)
        except UnsafePath as exc:
            self._problem(f"not moving {rel} to {new_rel}: {exc}")
            return
        self.mirror.rename_file(rel, new_rel, self.origin)

    def _move_to_conflict(self, doc_id: str, rel: str) -> None:
        new_rel = conflict_name(rel, short_id(doc_id))
        row = self.index.by_doc(doc_id)
        if row is not None and row.path == rel:
            try:
                self.mirror.files.safe_path(new_rel)
            except UnsafePath as exc:
                self._problem(f"cannot keep both copies of {rel}: {exc}")
                return
            self.mirror.rename_file(rel, new_rel, self.origin)
        self.repo.set_root_entry(doc_id, path=new_rel, kind=model.kind_for(new_rel, {}),
                                 deleted=False, origin=self.origin)
        if self.has(doc_id):
            self._render(doc_id, self.repo.load(doc_id))

    def _land_beside(self, doc_id: str, rel: str, reason: str, again: bool) -> None:
        """Keep the local file at `rel` untouched; the document moves to its conflict name."""
        new_rel = conflict_name(rel, short_id(doc_id))
        if not again or new_rel == rel:
            self._problem(f"{rel}: kept the local file ({reason}); document {doc_id} "
                          "not written")
            return
        try:
            self.mirror.files.safe_path(new_rel)
        except UnsafePath as exc:
            self._problem(f"{rel}: kept the local file ({reason}); cannot place {doc_id}: {exc}")
            return
        self._problem(f"{rel}: kept the local file ({reason}); the peer's note is in {new_rel}")
        self.repo.set_root_entry(doc_id, path=new_rel, kind=model.kind_for(new_rel, {}),
                                 deleted=False, origin=self.origin)
        if self.has(doc_id):
            self._render(doc_id, self.repo.load(doc_id), beside=False)

    def held_deletes(self) -> list[str]:
        """Paths of the files whose deletion is held back."""
        return self.deletes.held_paths()

    def apply_held_deletes(self) -> list[str]:
        """Apply the deletions held back earlier whose tombstones still stand; returns paths."""
        done: list[str] = []
        with self.vault.lock:
            for doc_id in self.held.ids():
                entry = self.repo.root_entry(doc_id) if is_document_id(doc_id) else None
                row = self.index.by_doc(doc_id) if is_document_id(doc_id) else None
                if entry is not None and row is not None and \
                        self._state(doc_id, entry) == "deleted":
                    if self.mirror.delete_if_rendered(doc_id, self.origin):
                        done.append(row.path)
                self.held.clear(doc_id)
        return done

    def _delete_local(self, doc_id: str) -> None:
        if self.deletes.hold(doc_id):
            return
        if not self.mirror.delete_if_rendered(doc_id, self.origin):
            # Words on disk the peer never saw: kept (and ingested), and the item lives on.
            self.repo.set_root_entry(doc_id, deleted=False, origin=self.origin)


def finish_pending(vault: VaultParts) -> None:
    """Write the files for remote changes that were stored but not rendered before a crash."""
    replica = Replica(vault, remote="")
    try:
        replica.recover()
    finally:
        replica.close()
