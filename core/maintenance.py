"""Vault maintenance: `doctor` (files, store, root index and derived index agree) and index rebuilds."""

from __future__ import annotations

from solo.core.attachments import KIND as ATTACHMENT
from solo.core.crdt import CrdtError
from solo.core.docrepo import DocRepo, doc_rev
from solo.core.index import Index
from solo.core.lock import VaultLock
from solo.core.mirror import BadDocument, FileMirror, render_doc
from solo.core.store import StoreError


class Maintenance:
    """Checks and repairs over the repository, the mirror and the index."""

    def __init__(self, repo: DocRepo, mirror: FileMirror, index: Index, lock: VaultLock) -> None:
        self.repo = repo
        self.mirror = mirror
        self.index = index
        self.lock = lock

    def doctor(self, repair: bool = True) -> list[str]:
        """Check files, store and index agree; rebuild the index from the files. Returns findings."""
        findings: list[str] = []
        with self.lock:
            entries = self.repo.root_entries()
            live = {e.get("path"): doc_id for doc_id, e in entries.items() if not e.get("deleted")}
            rows = {r.path: r for r in self.index.rows()}
            for path, row in rows.items():
                if row.problem:
                    findings.append(row.problem)
                if row.doc_id and live.get(path) != row.doc_id:
                    findings.append(f"{path}: index and root document disagree; fixed")
                    if repair:
                        self.repo.set_root_entry(row.doc_id, path=path, deleted=False,
                                                 kind=row.kind)
                if row.doc_id and row.kind == ATTACHMENT:
                    continue  # bytes: ingesting compares them (the rebuild below)
                if row.doc_id:
                    try:
                        doc = self.repo.load(row.doc_id)
                    except (StoreError, CrdtError) as exc:
                        findings.append(f"{path}: {exc}")
                        continue
                    text = self.mirror.read_small(path)
                    try:
                        rendered = render_doc(doc).encode("utf-8")
                    except BadDocument as exc:
                        findings.append(f"{path}: document {row.doc_id} cannot be a file: {exc}")
                        continue
                    if text is not None and rendered != text:
                        findings.append(f"{path}: file differs from its document; ingested")
                        if repair:
                            self.mirror.ingest_file(path)
                    elif entries.get(row.doc_id, {}).get("rev") != doc_rev(doc):
                        findings.append(f"{path}: sync fingerprint out of date; fixed")
                        if repair:
                            self.mirror.record_rev(row.doc_id, doc)
            if repair:
                self.rebuild_index()
                self.index.optimize()
            else:
                dict(self.mirror.walk())
            findings += [f"{name}: the file name is not valid UTF-8; not mirrored"
                         for name in sorted(self.mirror.bad_names)]
        return findings

    def rebuild_index(self) -> None:
        """Drop the derived index and rebuild it from the files and the root document."""
        with self.lock:
            entries = self.repo.root_entries()
            doc_for = {e["path"]: doc_id for doc_id, e in entries.items()
                       if not e.get("deleted") and isinstance(e.get("path"), str)}
            self.index.clear()
            self.mirror.links.clear()
            for rel, _stat in self.mirror.walk():
                doc_id = doc_for.get(rel)
                if doc_id and self.repo.exists(doc_id):
                    self.mirror.adopt(rel, doc_id)
                self.mirror.ingest_file(rel)
            self.repo.trim()
