"""`solo doctor`: find and repair store damage, and report what Solo did not understand.

Fast on a clean vault: the stored bytes of every document are verified by their checksums
(`core.integrity`, no document is loaded), every file is stat-ed and hashed against its index
row, and a document is loaded only when something differs (or with `full`). Repairs keep
every byte: damaged store files, a folder where `.solo/lock` should be, a file where
`.solo/store` should be, a garbage index or sync ledger are moved into `.solo/quarantine/`,
what is derived is rebuilt, and a damaged document is rebuilt from its file under a new id
(its old entry becomes a tombstone carrying the last rev peers saw, so a peer whose copy
holds newer words keeps them).
"""

from __future__ import annotations

import os
import sqlite3
import stat as stat_module
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from solo.core.engine.attachments import KIND as ATTACHMENT
from solo.core.engine.crdt import CrdtError, Doc, new_actor_id
from solo.core.engine.docrepo import DocRepo, doc_rev
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.engine.index import Index, Row
from solo.core.engine.integrity import chunks_problem, log_damage
from solo.core.engine.mirror import BadDocument, FileMirror, content_sha, render_doc
from solo.core.engine.paths import UnsafePath, check_relative_path, conflict_name, safe_name
from solo.core.engine.storage import DocStorage
from solo.core.engine.store import DocStore, StoreError, read_frames

Progress = Callable[[int, int], None]
UNKNOWN_REV = "unknown (rebuilt by solo doctor)"


def quarantine(solo_dir: Path, path: Path, label: str | None = None) -> Path:
    """Move `path` (file or folder) into `.solo/quarantine/`, never over an earlier one."""
    folder = solo_dir / "quarantine"
    folder.mkdir(exist_ok=True)
    stem = label or path.name
    target = folder / f"{stem}.{time.strftime('%Y%m%dT%H%M%S')}"
    n = 1
    while os.path.lexists(target):
        n += 1
        target = folder / f"{stem}.{time.strftime('%Y%m%dT%H%M%S')}.{n}"
    os.rename(path, target)
    return target


def layout_problems(solo_dir: Path) -> list[str]:
    """What in `.solo/` stops every command before it starts (cheap: a few lstat calls)."""
    problems: list[str] = []
    for name, want_dir in (("lock", False), ("store", True)):
        path = solo_dir / name
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if want_dir and not stat_module.S_ISDIR(st.st_mode):
            problems.append(f"{path} is a file, not the folder of Solo's document store")
        elif not want_dir and not stat_module.S_ISREG(st.st_mode):
            problems.append(f"{path} is a folder (or not a regular file), not Solo's lock file")
    return problems


def repair_layout(solo_dir: Path) -> list[str]:
    """Move what stands where `.solo/lock` or `.solo/store` belong into quarantine."""
    findings: list[str] = []
    for problem in layout_problems(solo_dir):
        name = "lock" if problem.startswith(str(solo_dir / "lock")) else "store"
        moved = quarantine(solo_dir, solo_dir / name)
        if name == "store":
            (solo_dir / "store").mkdir()
        findings.append(f"{problem}; moved to {moved}, fixed")
    return findings


def open_sqlite_or_quarantine(path: Path, solo_dir: Path,
                              opener: Callable[[Path], object]) -> tuple[object, str | None]:
    """Open a derived SQLite file with `opener`; when it is not a database, move it (and its
    -wal/-shm) into quarantine and open a fresh one. Returns the object and a notice."""
    try:
        return opener(path), None
    except sqlite3.DatabaseError as exc:
        moved = quarantine(solo_dir, path)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                quarantine(solo_dir, side)
        notice = f"{path}: {exc}; moved to {moved} and rebuilt (it is derived data)"
        return opener(path), notice


def stored_problem(storage: DocStorage, doc_id: str) -> str | None:
    """Why the stored bytes of a document are damaged, or None (checksums, nothing loaded)."""
    if not isinstance(storage, DocStore):
        try:
            storage.load(doc_id)
        except (StoreError, CrdtError) as exc:
            return str(exc)
        return None
    snap, log = store_files(storage, doc_id)
    try:
        snapshot = snap.read_bytes()
    except FileNotFoundError:
        snapshot = None
    except OSError as exc:
        return f"{snap}: cannot be read ({exc.strerror})"
    if snapshot is not None:
        problem = chunks_problem(snapshot)
        if problem is not None:
            return f"{snap}: snapshot damaged: {problem}"
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        return f"{log}: cannot be read ({exc.strerror})"
    frames, good = read_frames(data)
    damage = log_damage(data, good)
    if damage is not None:
        return f"{log}: change log damaged: {damage}"
    if snapshot is None and not frames:
        return f"document {doc_id} is not in the store ({snap})"
    return None


def store_files(storage: DocStore, doc_id: str) -> tuple[Path, Path]:
    folder = storage.root / doc_id[:2]
    return folder / f"{doc_id}.snap", folder / f"{doc_id}.log"


def set_aside(storage: DocStorage, solo_dir: Path, doc_id: str) -> list[Path]:
    """Move a document's stored bytes into quarantine and drop it from the store."""
    moved: list[Path] = []
    if isinstance(storage, DocStore):
        for path in store_files(storage, doc_id):
            if os.path.lexists(path):
                moved.append(quarantine(solo_dir, path))
    storage.remove(doc_id)
    return moved


class Doctor:
    """One doctor run over a vault's parts; `findings` lists every problem found."""

    def __init__(self, repo: DocRepo, mirror: FileMirror, index: Index, solo_dir: Path,
                 progress: Progress | None = None) -> None:
        self.repo = repo
        self.mirror = mirror
        self.index = index
        self.solo_dir = solo_dir
        self.progress = progress
        self.findings: list[str] = []

    def _tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # --- store -------------------------------------------------------------------------
    def check_root(self, repair: bool) -> bool:
        """Is the root index document loadable (rebuilt from the index when `repair`)?"""
        root_id = self.repo.root_id
        assert root_id is not None
        if not self.repo.exists(root_id):
            if self.index.count() == 0:
                return False  # a clone still waiting for its first sync: nothing to repair
            problem: str | None = f"the root index document {root_id} is missing from the store"
        else:
            problem = stored_problem(self.repo.storage, root_id)
            if problem is None:
                try:
                    self.repo.root_doc()
                    return True
                except (StoreError, CrdtError) as exc:
                    problem = str(exc)
        if not repair:
            self.findings.append(f"{problem}; run `solo doctor` to rebuild it")
            return False
        moved = set_aside(self.repo.storage, self.solo_dir, root_id)
        self.repo.forget(root_id)
        # A fresh actor for this device: the lost history (with the old actor's sequence
        # numbers) lives on at peers, where new changes under the old actor would clash.
        actor = new_actor_id()
        atomic_write_bytes(self.solo_dir / "device", actor.hex().encode() + b"\n")
        self.repo.actor = actor  # this device continues as a new actor from here on
        doc = Doc.new(actor)
        entries = {row.doc_id: {"path": row.path, "kind": row.kind, "deleted": False}
                   for row in self.index.rows() if row.doc_id and self.repo.exists(row.doc_id)}
        with doc.change() as edit:
            edit.put(["solo"], {"format": 1, "kind": "vault-index"})
            edit.put(["files"], entries)
        self.repo.create(root_id, doc)
        where = f"; damaged bytes kept in {', '.join(map(str, moved))}" if moved else ""
        self.findings.append(f"{problem}; rebuilt it from the files ({len(entries)} "
                             f"entries){where}")
        return True

    def check_documents(self, repair: bool) -> None:
        """Verify every stored document the vault lists; rebuild damaged ones from files."""
        entries = self.repo.root_entries()
        rows = {row.doc_id: row for row in self.index.rows() if row.doc_id}
        ids = sorted(set(rows) | {d for d, e in entries.items() if e.get("deleted") is not True
                                  and self.repo.exists(d)})
        for n, doc_id in enumerate(ids):
            if n % 500 == 0:
                self._tick(n, len(ids))
            problem = stored_problem(self.repo.storage, doc_id) \
                if self.repo.exists(doc_id) else f"document {doc_id} is missing from the store"
            if problem is None:
                continue
            row = rows.get(doc_id)
            where = row.path if row is not None else f"document {doc_id}"
            if not repair:
                self.findings.append(f"{where}: {problem}; run `solo doctor` to rebuild it")
                continue
            self.findings.append(self._rebuild(doc_id, row, entries.get(doc_id, {}), problem))
        self._tick(len(ids), len(ids))

    def _rebuild(self, doc_id: str, row: Row | None, entry: dict[str, object],
                 problem: str) -> str:
        moved = set_aside(self.repo.storage, self.solo_dir, doc_id)
        self.repo.forget(doc_id)
        kept = f"; damaged bytes kept in {', '.join(map(str, moved))}" if moved else ""
        rev = entry.get("rev")
        if entry:
            # Peers whose copy is the one this device last had delete it; a peer holding
            # later words keeps its copy (the rev differs), beside the rebuilt file.
            self.repo.set_root_entry(doc_id, deleted=True,
                                     deleted_rev=rev if isinstance(rev, str) and rev
                                     else UNKNOWN_REV)
        if row is None:
            return f"document {doc_id}: {problem}; set aside (a peer may send it again){kept}"
        self.index.remove(row.path)
        if self.mirror.read_small(row.path) is None:
            return f"{row.path}: {problem}; its file is gone or unreadable, the document was " \
                   f"set aside{kept}"
        self.mirror.ingest_file(row.path)
        new = self.index.by_path(row.path)
        new_id = new.doc_id if new is not None else None
        return f"{row.path}: {problem}; rebuilt from the file as document {new_id}{kept}"

    # --- files -------------------------------------------------------------------------
    def check_files(self, repair: bool, full: bool) -> None:
        """Every indexed file against its row (stat, then hash), its document only when they
        differ (or `full`); then what Solo did not understand."""
        rows = self.index.rows()
        entries = self.repo.root_entries()
        for n, row in enumerate(rows):
            if n % 500 == 0:
                self._tick(n, len(rows))
            if row.problem:
                self.findings.append(row.problem)
            if row.kind == ATTACHMENT:
                continue  # bytes, last writer wins: a changed one is ingested by the scan
            data = self.mirror.read_small(row.path)
            if data is None or row.problem or not row.doc_id:
                continue
            entry = entries.get(row.doc_id)
            if entry is None or entry.get("path") != row.path or entry.get("deleted") is True:
                self.findings.append(f"{row.path}: index and root document disagree; fixed")
                if repair:
                    self.repo.set_root_entry(row.doc_id, path=row.path, deleted=False,
                                             kind=row.kind)
            if content_sha(data) != row.sha or full:
                self._compare(row, data, entry or {}, repair)
        self._tick(len(rows), len(rows))
        self.findings += [f"{name}: the file name is not valid UTF-8; not mirrored"
                          for name in sorted(self.mirror.bad_names)]
        self.report_names(row.path for row in rows)
        self.report_links(rows)

    def _compare(self, row: Row, data: bytes, entry: dict[str, object], repair: bool) -> None:
        assert row.doc_id is not None
        try:
            doc = self.repo.load(row.doc_id)
        except (StoreError, CrdtError) as exc:
            self.findings.append(f"{row.path}: {exc}")
            return
        try:
            rendered = render_doc(doc).encode("utf-8")
        except BadDocument as exc:
            self.findings.append(f"{row.path}: document {row.doc_id} cannot be a file: {exc}")
            return
        if rendered != data and content_sha(data) == row.sha:
            # The file is as Solo last saw it: the document moved on (a merged remote edit
            # not written yet). Ingesting the file would undo that edit; write it instead.
            self.findings.append(f"{row.path}: file is behind its document; written")
            if repair:
                self.mirror.write_doc(row.path, row.doc_id, doc)
        elif rendered != data and content_sha(rendered) != row.sha:
            # Both changed since Solo last saw the file: keep both, never one over the other.
            beside = conflict_name(row.path, "doctor")
            self.findings.append(f"{row.path}: the file and its document both changed; the "
                                 f"file was kept and the document's version written to {beside}")
            if repair and not self.mirror.files.exists(beside):
                self.mirror.files.write(beside, rendered)
                self.mirror.ingest_file(beside)
        elif rendered != data:
            self.findings.append(f"{row.path}: file differs from its document; ingested")
            if repair:
                self.mirror.ingest_file(row.path)
        elif entry.get("rev") != doc_rev(doc):
            self.findings.append(f"{row.path}: sync fingerprint out of date; fixed")
            if repair:
                self.mirror.write_rev(row.doc_id, doc)

    def report_names(self, paths: Iterable[str]) -> None:
        """Names other devices refuse, and names that differ only by case."""
        by_folded: dict[str, list[str]] = {}
        for path in paths:
            by_folded.setdefault(path.casefold(), []).append(path)
            problem = sync_name_problem(path)
            if problem is not None:
                self.findings.append(problem)
        for same in by_folded.values():
            if len(same) > 1:
                self.findings.append(f"{', '.join(sorted(same))}: names differ only by case; "
                                     "on macOS and Windows they are one file")

    def report_links(self, rows: list[Row]) -> None:
        """Wikilinks that name no file (the link index answers), and file names shared by
        several files."""
        from solo.core.model import links

        unreadable = {row.path for row in rows if row.problem}
        missing: dict[str, list[str]] = {}
        for link in self.mirror.links.unresolved():
            # A file whose front matter does not parse is flagged as such; its `[[tables]]`
            # are not links.
            if link.style == "wiki" and link.src not in unreadable:
                missing.setdefault(link.src, []).append(f"[[{link.target}]]")
        for path, names in missing.items():
            self.findings.append(f"{path}: unresolved link(s): {', '.join(dict.fromkeys(names))}")
        by_name: dict[str, list[str]] = {}
        for row in rows:
            by_name.setdefault(links.stem_of(row.path).casefold(), []).append(row.path)
        for paths in by_name.values():
            if len(paths) > 1 and len({p.casefold() for p in paths}) > 1:
                self.findings.append(f"{', '.join(sorted(paths))}: several files share the name "
                                     f"{links.stem_of(paths[0])!r}; [[{links.stem_of(paths[0])}]] "
                                     "links pick the nearest")

    def check_index(self) -> bool:
        """True when SQLite finds the index file sound."""
        try:
            return self.index.count() >= 0
        except sqlite3.DatabaseError as exc:
            self.findings.append(f"{self.index.path}: {exc}; rebuilding it")
            return False


def sync_name_problem(rel: str) -> str | None:
    """One line naming a local file whose name other devices refuse, with a safe name to
    rename it to (the file itself is left alone), or None when the name syncs."""
    try:
        check_relative_path(rel)
    except UnsafePath as exc:
        return (f"{rel}: this name cannot sync to other devices ({exc}); the file is kept "
                f"as it is; rename it, for example to {safe_name(rel)!r}")
    return None
