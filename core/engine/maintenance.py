"""Vault maintenance: `doctor` (store, files, root index and derived index agree) and index rebuilds.

The checks and repairs themselves live in `core.doctor`; this is what the vault wires in.
"""

from __future__ import annotations

from collections.abc import Callable

from solo.core.engine import bulk
from solo.core.engine.crdt import CrdtError
from solo.core.engine.docrepo import DocRepo
from solo.core.engine.doctor import Doctor, Progress
from solo.core.engine.index import Index
from solo.core.engine.lock import VaultLock
from solo.core.engine.mirror import FileMirror
from solo.core.engine.store import StoreError


class Maintenance:
    """Checks and repairs over the repository, the mirror and the index."""

    def __init__(self, repo: DocRepo, mirror: FileMirror, index: Index, lock: VaultLock) -> None:
        self.repo = repo
        self.mirror = mirror
        self.index = index
        self.lock = lock
        self.solo_dir = mirror.quarantine_dir.parent

    def _doctor(self, progress: Progress | None) -> Doctor:
        return Doctor(self.repo, self.mirror, self.index, self.solo_dir, progress)

    def repair_store(self, repair: bool = True, progress: Progress | None = None) -> list[str]:
        """Verify the root index and every stored document; rebuild damaged ones from files."""
        doctor = self._doctor(progress)
        with self.lock:
            if doctor.check_root(repair):
                doctor.check_documents(repair)
        return doctor.findings

    def doctor(self, repair: bool = True, full: bool = False,
               progress: Progress | None = None) -> list[str]:
        """Check every file against the index and (when they differ, or `full`) its document;
        report what Solo did not understand. Returns findings."""
        doctor = self._doctor(progress)
        with self.lock:
            if not self.repo.exists(self.repo.root_id or ""):
                return doctor.findings
            try:
                doctor.check_files(repair, full)
            except (StoreError, CrdtError) as exc:
                doctor.findings.append(str(exc))
        return doctor.findings

    def rebuild_lost(self, rebuild_links: Callable[[], None]) -> list[str]:
        """On opening, rebuild a derived index that is gone; returns notices for `doctor`."""
        if self.index.count() == 0 and self.repo.exists(self.repo.root_id or ""):
            try:
                live = any(not e.get("deleted") for e in self.repo.root_entries().values())
            except (StoreError, CrdtError) as exc:  # `solo doctor` rebuilds it
                return [f"{exc}; run `solo doctor`"]
            if live:
                # The derived index is gone (deleted, or a new schema): rebuild it from the
                # root document's path → document map, so no file is mistaken for a new item.
                self.rebuild_index()
        elif self.mirror.links.target_count() == 0 and self.index.count() > 0:
            rebuild_links()  # a vault from before the link index, or links.sqlite lost
        return []

    def rebuild_index(self) -> None:
        """Drop the derived index and rebuild it from the files and the root document."""
        with self.lock:
            entries = self.repo.root_entries()
            doc_for = {e["path"]: doc_id for doc_id, e in entries.items()
                       if not e.get("deleted") and isinstance(e.get("path"), str)}
            self.index.clear()
            self.mirror.links.clear()
            bulk.rebuild(self.mirror, doc_for)
            self.repo.trim()
