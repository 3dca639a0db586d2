"""The file mirror: Markdown files ⇄ their documents and index rows (scan, ingest, render once).

Every edit on disk goes one way: the file is read once, diffed against its document and
recorded as one change, and its index row is rewritten. A document changed elsewhere goes
the other way in `write_doc`: rendered once, written atomically only when the bytes differ,
and its index row built from the text just written (the file is not read back). The mirror
also keeps two journals in `.solo/`: `dirty/` (a document whose root-index `rev` may lag its
content) and `pending/` (a remote change stored but not yet written to its file).
Callers hold the vault lock.
"""

from __future__ import annotations

import contextlib
import os
import stat as stat_module
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from solo.core.engine import bulk
from solo.core.engine.attachments import (
    Attachments,
    NotAnAttachment,
    is_attachment_doc,
    is_attachment_name,
    is_attachment_path,
)
from solo.core.engine.bulk import Progress, ScanReport
from solo.core.engine.crdt import CrdtError, Doc
from solo.core.engine.docform import (
    MAX_MIRROR_BYTES,
    BadDocument,
    content_sha,
    file_content,
    make_row,
    new_file_doc,
    render_doc,
    storable,
    unmirrorable,
)
from solo.core.engine.docrepo import DocRepo, doc_rev
from solo.core.engine.events import ORIGIN_LOCAL, DocEvent, FileEvent, Listeners, Origin
from solo.core.engine.files import VaultFiles, displayable, is_markdown, kind_of, utf8_name
from solo.core.engine.gcpause import gc_paused
from solo.core.engine.index import Index, Row
from solo.core.engine.linetasks import LineTaskStore
from solo.core.engine.linkindex import LinkIndex
from solo.core.engine.marks import Journal
from solo.core.engine.store import StoreError
from solo.core.errors import SoloError
from solo.core.model import fileformat
from solo.core.model import kinds as model
from solo.core.model.ids import is_document_id, new_document_id

# Re-exported: where a file becomes a document lives in `core.docform`.
__all__ = ["MAX_MIRROR_BYTES", "BadDocument", "FileMirror", "Journal", "NotMirroredError",
           "ScanReport", "content_sha", "displayable", "file_content", "is_markdown", "make_row",
           "new_file_doc", "render_doc", "storable"]


class NotMirroredError(SoloError):
    """A document was about to be written over a local file Solo keeps and does not mirror."""

    def __init__(self, rel: str, reason: str) -> None:
        super().__init__(f"{rel}: {reason}; not overwritten")
        self.rel = rel
        self.reason = reason


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class FileMirror:
    """Keeps `.md` files, their documents (through the repo) and the index in agreement."""

    def __init__(self, files: VaultFiles, repo: DocRepo, index: Index, solo_dir: Path,
                 links: LinkIndex | None = None) -> None:
        self.files = files
        self.root = files.root
        self.repo = repo
        self.index = index
        self.dirty = Journal(solo_dir / "dirty")
        self.pending = Journal(solo_dir / "pending")
        self.quarantine_dir = solo_dir / "quarantine"
        self.events: Listeners[FileEvent] = Listeners()
        self._seen: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        # Inside `grouped_writes`: rows of files written but not yet in place, by path.
        self._grouped: dict[str, tuple[str, str, str, Origin]] | None = None
        self.bad_names: set[str] = set()  # names the last walk skipped (not UTF-8), printable
        # One-shot commands (`solo done`, `add`, ...) leave a changed document's root `rev` to
        # the next process that syncs, watches or checks (`fix_dirty_revs`): updating it means
        # loading the whole root index document, most of such a command's time on a big vault.
        self.defer_revs = False
        self.repo.on_change(self._mark_for_others)
        self.line_tasks = LineTaskStore(index.path)  # checkbox tasks of each file (linetasks)
        self.links = links if links is not None else LinkIndex(solo_dir / "links.sqlite")
        self.attachments = Attachments(files, repo, index, self.links, self.commit, self.record_rev)
        self.links.set_unmirrored(self.unmirrored_files)

    def notify(self, paths: Iterable[str], origin: Origin = ORIGIN_LOCAL) -> None:
        paths = tuple(paths)
        if paths:
            self.events.emit(FileEvent(paths, origin))

    # --- paths -----------------------------------------------------------------------------
    def rel(self, path: Path | str) -> str:
        absolute = Path(path)
        if not absolute.is_absolute():
            absolute = self.root / absolute
        return PurePosixPath(os.path.relpath(absolute, self.root)).as_posix()

    def is_vault_file(self, rel: str) -> bool:
        parts = rel.split("/")
        return (utf8_name(rel) and not rel.startswith("..") and all(not p.startswith(".") for p in parts)
                and is_markdown(parts[-1])) or self.attachments.is_path(rel)

    def walk(self) -> Iterator[tuple[str, os.stat_result]]:
        """Every Markdown file in the vault (hidden folders and `.solo/` skipped), with lstat;
        attachments too unless they are off."""
        self.bad_names.clear()
        return self._walk(lambda name: is_markdown(name) or self.attachments.wants(name),
                          self.bad_names)

    def unmirrored_files(self) -> list[str]:
        """The attachment files of a vault with attachments off (none when they are on):
        there for links to name, never mirrored."""
        if self.attachments.enabled:
            return []
        return [rel for rel, _ in self._walk(is_attachment_name, set())]

    def _walk(self, wanted: Callable[[str], bool],
              bad_names: set[str]) -> Iterator[tuple[str, os.stat_result]]:
        # (folder, its vault-relative prefix): a file's path is the prefix and its name, no
        # relpath per file (that was most of the stat pass every command pays).
        # A folder's files are gathered before any is yielded, with the collector paused
        # (every entry and stat result is an object it would otherwise keep walking).
        # A folder is listed through its descriptor, so each file is stat'ed by its name in
        # that folder (the kernel resolves one name, not the whole path: a tenth of a walk).
        stack: list[tuple[str, str]] = [(str(self.root), "")]
        while stack:
            folder, prefix = stack.pop()
            found: list[tuple[str, os.stat_result]] = []
            try:
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue
            try:
                with gc_paused():
                    for entry in list(os.scandir(fd)):
                        name = entry.name
                        if name.startswith("."):
                            continue
                        if not name.isascii() and not utf8_name(name):
                            bad_names.add(displayable(self.rel(f"{folder}/{name}")))
                            continue
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                stack.append((f"{folder}/{name}", f"{prefix}{name}/"))
                            elif wanted(name):
                                found.append((prefix + name, entry.stat(follow_symlinks=False)))
                        except OSError:
                            continue
            except OSError:
                continue
            finally:
                os.close(fd)
            yield from found

    def read_small(self, rel: str) -> bytes | None:
        """The bytes of a regular file within the mirror's size cap, else None."""
        try:
            st = self.files.lstat(rel)
            if not stat_module.S_ISREG(st.st_mode) or st.st_size > MAX_MIRROR_BYTES:
                return None
            return self.files.read(rel)
        except OSError:
            return None

    def not_mirrored(self, rel: str) -> str | None:
        """Why the file at `rel` is one Solo keeps as it is and never mirrors, or None.

        None when nothing is there or it is a Markdown text file Solo may render over.
        Reads nothing that is not a regular file within the size cap."""
        try:
            st = self.files.lstat(rel)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return f"cannot be examined ({exc.strerror})"
        return self._examine(rel, st)[1]

    def _examine(self, rel: str, st: os.stat_result) -> tuple[bytes | None, str | None]:
        """The bytes of the file `st` describes and why it is not mirrored (None: it is)."""
        if not stat_module.S_ISREG(st.st_mode):
            return None, kind_of(st.st_mode)
        if st.st_size > MAX_MIRROR_BYTES:
            return None, f"over the {MAX_MIRROR_BYTES // 1024} KiB limit"
        data = self.read_small(rel)
        if data is None:
            return None, "cannot be read"
        if b"\0" in data:
            return data, "binary data (NUL bytes)"
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return data, "not valid UTF-8"
        return data, None

    # --- files → documents -----------------------------------------------------------------
    def scan(self, origin: Origin = ORIGIN_LOCAL, progress: Progress | None = None) -> ScanReport:
        """Bring documents and index up to date with the files (stat first, read only changes).

        New files are mirrored in bulk (`core.bulk`); `progress(done, total)` hears how far."""
        return bulk.scan(self, origin, progress)

    def unchanged(self, rel: str) -> bool:
        """True when the file holds exactly what its index row says (ingesting is a no-op).

        A file whose size and mtime match is still read and hashed: editors can keep both."""
        row = self.index.by_path(rel)
        if row is None or not row.doc_id or row.problem:
            return False
        data = self.read_small(rel)
        return data is not None and content_sha(data) == row.sha

    def ingest_file(self, rel: str, data: bytes | None = None,
                    st: os.stat_result | None = None,
                    origin: Origin = ORIGIN_LOCAL) -> str | None:
        """Mirror one file into its document and the index. Returns a problem or None.

        `data` and `st`, when given, are what the caller just read (not read again)."""
        previous = self.index.by_path(rel)
        if st is None:
            try:
                st = self.files.lstat(rel)
            except FileNotFoundError:
                if previous:
                    self.remove(rel, origin)
                return None
        if is_attachment_path(rel):
            return self.attachments.ingest(rel, data, st, origin)
        if stat_module.S_ISLNK(st.st_mode):
            return self._problem_row(rel, st, "", f"{rel}: symbolic link, not followed", previous)
        if not stat_module.S_ISREG(st.st_mode):
            return self._problem_row(rel, st, "", f"{rel}: {kind_of(st.st_mode)}, not a regular "
                                     "file; not read", previous)
        if st.st_size > MAX_MIRROR_BYTES:
            return self._problem_row(
                rel, st, "", f"{rel}: {st.st_size / 1e6:.1f} MB is over the "
                f"{MAX_MIRROR_BYTES // 1024} KiB limit; kept as a plain file, not mirrored",
                previous)
        if data is None:
            data = self.files.read(rel)
        sha = content_sha(data)
        if previous is not None and previous.sha == sha and previous.doc_id and not previous.problem:
            self.index.touch(rel, st.st_mtime_ns, st.st_size)
            return None
        if b"\0" in data:
            return self._problem_row(rel, st, sha, f"{rel}: binary data (NUL bytes), not mirrored",
                                     previous)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._problem_row(rel, st, sha, f"{rel}: not valid UTF-8 (byte {exc.start}); "
                                     "left as it is, not mirrored", previous)
        parsed = storable(fileformat.split(text))
        doc_id = previous.doc_id if previous and previous.doc_id else None
        if doc_id is None and (not self.defer_revs or self.repo.root_loaded()):
            # (Deferred, with the root not loaded: `fix_dirty_revs` asks when it lists it.)
            # A document may already claim this path: one a crash left without its index
            # row, or one a peer sent. Reuse it rather than fork the item's identity.
            claimed = self.repo.root_claim(rel)
            if claimed and self.repo.exists(claimed) and self.index.by_doc(claimed) is None:
                doc_id = claimed
        if doc_id is None:
            doc_id = self.create_doc(rel, parsed, origin)
        else:
            self.apply_text(doc_id, parsed, origin)
        return self._index_row(rel, doc_id, parsed, st, sha)

    def create_doc(self, rel: str, parsed: fileformat.Parsed,
                   origin: Origin = ORIGIN_LOCAL) -> str:
        """A new document for a file's parsed text, listed in the root index."""
        doc_id = new_document_id()
        doc = new_file_doc(self.repo.actor, parsed)
        if self.defer_revs:  # listed by the next long-lived process (`fix_dirty_revs`)
            self.dirty.mark(doc_id, durable=True)
            self.repo.create(doc_id, doc, origin)
            return doc_id
        self.repo.create(doc_id, doc, origin)
        self.repo.set_root_entry(doc_id, origin=origin, path=rel,
                                 kind=model.kind_for(rel, parsed.fields), deleted=False,
                                 rev=doc_rev(doc))
        return doc_id

    def apply_text(self, doc_id: str, parsed: fileformat.Parsed,
                   origin: Origin = ORIGIN_LOCAL) -> None:
        """Make the document read the file's parsed text (one change; none when they agree)."""
        doc = self.repo.load(doc_id)
        content = doc.to_python()
        raw_head, raw_body, raw_meta = content.get("head"), content.get("body"), content.get("meta")
        head = raw_head if isinstance(raw_head, str) else None
        body = raw_body if isinstance(raw_body, str) else None
        meta = raw_meta if isinstance(raw_meta, dict) else None
        try:
            if render_doc(doc) == parsed.text and head == parsed.head:
                return
        except BadDocument:
            pass  # the file is the truth here: the edit below repairs the document's shape
        heads = doc.heads()
        with doc.change() as edit:
            if head != parsed.head:
                edit.set_text(["head"], parsed.head, old=head)
            if body != parsed.body:
                edit.set_text(["body"], parsed.body, old=body)
            if meta is None:
                edit.put(["meta"], parsed.meta)
            else:
                for key, value in parsed.meta.items():
                    if key not in meta or not fileformat.same_value(meta[key], value):
                        edit.put(["meta", key], value)
                for key in meta:
                    if key not in parsed.meta:
                        edit.delete(["meta", key])
        self.commit(doc_id, doc, heads, origin)
        self.record_rev(doc_id, doc, origin)

    def commit(self, doc_id: str, doc: Doc, heads_before: list[bytes],
               origin: Origin = ORIGIN_LOCAL, durable: bool = True) -> None:
        """Persist a document's new changes, noting that a file document's root `rev` may now
        lag (the root index document has no `rev` of its own)."""
        if doc_id != self.repo.root_id and doc.changes_since(heads_before):
            # Durable when revs are deferred: the marker is then what repairs the rev.
            self.dirty.mark(doc_id, durable=self.defer_revs)
        self.repo.persist(doc_id, doc, heads_before, durable, origin)

    def record_rev(self, doc_id: str, doc: Doc, origin: Origin = ORIGIN_LOCAL) -> None:
        """Keep the root entry's `rev` equal to the document's, so peers see what changed
        (with `defer_revs`, left to `fix_dirty_revs`: `commit` marked the document)."""
        if not self.defer_revs:
            self.write_rev(doc_id, doc, origin)

    def write_rev(self, doc_id: str, doc: Doc, origin: Origin = ORIGIN_LOCAL) -> None:
        """Set the root entry's `rev` to the document's now (and clear its `dirty/` marker)."""
        rev = doc_rev(doc)
        found = self.repo.root_entry(doc_id)
        if found is None and self.dirty.marked(doc_id) and self.index.by_doc(doc_id):
            self.fix_dirty_revs()  # a one-shot command made it and left it to be listed
            return
        entry = found or {}
        if entry.get("rev") != rev:
            # Not fsynced: a rev only tells peers what to sync; the change itself is durable,
            # and `solo sync --full` or `doctor` repair a rev a power cut dropped.
            self.repo.set_root_entry(doc_id, durable=False, origin=origin, rev=rev)
        self.dirty.clear(doc_id)

    def _mark_for_others(self, event: DocEvent) -> None:
        """With `defer_revs`, mark every document this process changes (the root index and
        new documents too), so a long-lived Solo beside it announces them to its live sync."""
        if self.defer_revs:
            for doc_id in event.doc_ids:
                self.dirty.mark(doc_id)

    def fix_dirty_revs(self) -> list[str]:
        """Bring the root index up to date for the documents marked in `dirty/` (a killed
        process, or a one-shot command that deferred it): each one's `rev`, and an entry for
        a new document, in one root change; then announce them (a live sync here sends them).
        Returns the paths of their files (for `FileEvent`s). Callers hold the vault lock."""
        marked = self.dirty.ids()
        if not marked:
            return []
        updates: dict[str, dict[str, Any]] = {}
        paths: list[str] = []
        for doc_id in marked:
            if not is_document_id(doc_id) or doc_id == self.repo.root_id \
                    or not self.repo.exists(doc_id):
                continue
            entry = self.repo.root_entry(doc_id)
            row = self.index.by_doc(doc_id)
            where = row.path if row is not None else (entry or {}).get("path")
            if isinstance(where, str):
                paths.append(where)
            rev = doc_rev(self.repo.load(doc_id))
            if entry is not None:
                if entry.get("rev") != rev:
                    updates[doc_id] = {"rev": rev}
            elif row is not None and not row.problem and not self._adopt_claim(row.path, doc_id):
                updates[doc_id] = {"path": row.path, "deleted": False, "rev": rev,
                                   "kind": model.kind_for(row.path, row.fields)}
        listed = any("path" in values for values in updates.values())
        self.repo.update_root(updates, durable=listed)  # one change however many were left
        for doc_id in marked:
            self.dirty.clear(doc_id)
        self.repo.announce([doc_id for doc_id in marked if is_document_id(doc_id)])
        return paths

    def _adopt_claim(self, rel: str, new_id: str) -> bool:
        """A deferred new document's path is claimed in the root by a document no file row
        holds (one a peer sent, or one a crash left): ingest the file into that one, as an
        eager ingest would have, and leave the unlisted new document unused (True)."""
        claimed = self.repo.root_claim(rel)
        if not claimed or claimed == new_id or not self.repo.exists(claimed) \
                or self.index.by_doc(claimed) is not None:
            return False
        self.index.remove(rel)
        self.ingest_file(rel)
        return True

    def _problem_row(self, rel: str, st: os.stat_result, sha: str, problem: str,
                     previous: Row | None) -> str:
        row = Row(path=rel, doc_id=previous.doc_id if previous else None,
                  kind=previous.kind if previous else "note",
                  title=previous.title if previous else PurePosixPath(rel).stem,
                  status=None, due=None, scheduled=None, priority=None,
                  tags=previous.tags if previous else [],
                  fields=previous.fields if previous else {},
                  private=previous.private if previous else False,
                  mtime_ns=st.st_mtime_ns, size=st.st_size, sha=sha, problem=problem)
        self.index.upsert(row, None)
        self.links.set_target(rel)
        return problem

    def _index_row(self, rel: str, doc_id: str, parsed: fileformat.Parsed, st: os.stat_result,
                   sha: str) -> str | None:
        from solo.core.model.markdown import normalize_aliases  # (ingests only)

        row, body, links, tasks = bulk.mirrored(rel, doc_id, parsed, st.st_mtime_ns,
                                                st.st_size, sha)
        self.index.upsert(row, body)
        self.line_tasks.store_many([(doc_id, sha, tasks)])
        self.links.update_many([(rel, links, normalize_aliases(row.fields.get("aliases")),
                                 row.title)])
        return row.problem

    def ingest(self, paths: Iterable[str], origin: Origin = ORIGIN_LOCAL) -> dict[str, str | None]:
        """Ingest these paths as they are now (missing ones are removed)."""
        results: dict[str, str | None] = {}
        for path in paths:
            if not self.is_vault_file(path):
                continue
            if self.files.exists(path):
                if self.unchanged(path):
                    continue
                results[path] = self.ingest_file(path, origin=origin)
            elif self.index.by_path(path) is not None:
                self.remove(path, origin)
                results[path] = None
        if not self.defer_revs:  # what a one-shot command beside us changed: sync, refresh
            for path in self.fix_dirty_revs():
                results.setdefault(path, None)
        self.notify(results, origin)
        return results

    def move(self, old: str, new: str, origin: Origin = ORIGIN_LOCAL) -> None:
        """A file moved from `old` to `new` on disk: keep its identity (index and root)."""
        row = self.index.by_path(old)
        self.index.move(old, new)
        self.links.move(old, new)
        if row and row.doc_id:
            self.repo.set_root_entry(row.doc_id, origin=origin, path=new,
                                     kind=model.kind_for(new, row.fields))

    def keep_identity(self, old: str, new: str, origin: Origin = ORIGIN_LOCAL) -> bool:
        """A rename the watcher saw: when `old` is indexed and gone and `new` is a vault file
        not indexed yet, move the identity, ingest `new` and tell the listeners (True)."""
        if self.index.by_path(old) is not None and not self.files.exists(old) \
                and self.is_vault_file(new) and self.files.exists(new) \
                and self.index.by_path(new) is None:
            self.move(old, new, origin)
            self.ingest_file(new, origin=origin)
            self.notify([old, new], origin)
            return True
        return False

    def remove(self, rel: str, origin: Origin = ORIGIN_LOCAL) -> None:
        """A file is gone: its index row goes, its root entry becomes a tombstone."""
        row = self.index.by_path(rel)
        self.index.remove(rel)
        self.links.remove(rel)
        if row and row.doc_id:
            try:
                doc = self.repo.load(row.doc_id)
                rev, heads = doc_rev(doc), [h.hex() for h in doc.heads()]
            except (StoreError, CrdtError):
                rev, heads = "", []
            # The heads let a peer that has not yet seen the last edits tell a later delete
            # (it wins) from an edit concurrent with it (the file comes back).
            # A document a one-shot command made and left unlisted gets a whole entry, so
            # `solo restore` and peers see what was deleted where.
            listed = self.repo.root_entry(row.doc_id) is not None
            tombstone: dict[str, Any] = {"deleted": True, "deleted_rev": rev,
                                         "deleted_heads": heads}
            if not listed:
                tombstone.update(path=rel, kind=model.kind_for(rel, row.fields))
            self.repo.update_root({row.doc_id: tombstone}, durable=True, origin=origin)
            if self.defer_revs:  # so a long-lived Solo beside this one hears of the delete
                self.dirty.mark(row.doc_id)
            self.repo.forget(row.doc_id)

    def adopt(self, rel: str, doc_id: str) -> None:
        """Tie a path to an existing document (one a peer sent), so ingesting it never forks."""
        row = self.index.by_path(rel)
        if row is not None and row.doc_id == doc_id:
            return
        other = self.index.by_doc(doc_id)
        if other is not None:
            self.index.remove(other.path)
            self.links.remove(other.path)
        self.index.upsert(Row(path=rel, doc_id=doc_id, kind="note", title="", status=None,
                              due=None, scheduled=None, priority=None, tags=[], fields={},
                              private=False, mtime_ns=0, size=0, sha="", problem=None), None)

    # --- documents → files -----------------------------------------------------------------
    def check_local_edit(self, doc_id: str) -> None:
        """Before a remote change lands: ingest an edit on disk that nothing ingested yet.

        Reads the file once and remembers what it saw, so `write_doc` right after need not
        read it again unless its stat changed meanwhile."""
        row = self.index.by_doc(doc_id)
        if row is None:
            return
        if is_attachment_path(row.path):
            return self.attachments.check_local_edit(row)
        seen = self._seen.get(row.path)
        try:
            st = self.files.lstat(row.path)
            if seen is not None and seen[0] == _stat_key(st) and seen[1] == row.sha:
                return
            if not stat_module.S_ISREG(st.st_mode):
                return
            data = self.files.read(row.path)
        except OSError:
            return
        sha = content_sha(data)
        if sha != row.sha:
            self.ingest_file(row.path, data, st)
        if self.index.by_path(row.path) is not None and not unmirrorable(data):
            self._seen[row.path] = (_stat_key(st), sha)

    def forget_seen(self) -> None:
        """End of one locked operation: what was seen on disk may change from now on."""
        self._seen.clear()
        self.attachments.forget_seen()

    def write_doc(self, rel: str, doc_id: str, doc: Doc,
                  origin: Origin = ORIGIN_LOCAL) -> None:
        """Render the document once and write it to `rel` when the bytes differ; its index
        row is built from that text (the file is not read back, nor ingested again)."""
        if is_attachment_doc(doc) or is_attachment_path(rel):
            with self._ungrouped():
                try:
                    kept = self.attachments.write(rel, doc_id, doc, origin)
                except NotAnAttachment as exc:
                    raise BadDocument(f"{exc} (at the attachment path {rel})") from None
            if kept is not None:
                raise NotMirroredError(rel, kept)
            self.notify([rel], origin)
            return
        self.finish_group(rel)
        text = render_doc(doc)
        data = text.encode("utf-8")
        sha = content_sha(data)
        seen = self._seen.pop(rel, None)
        try:
            st = self.files.lstat(rel)
        except FileNotFoundError:
            st = None
        if st is None:
            current_sha = None
        elif seen is not None and seen[0] == _stat_key(st):
            current_sha = seen[1]
        else:
            current, reason = self._examine(rel, st)
            if reason is not None:
                raise NotMirroredError(rel, reason)
            current_sha = content_sha(current) if current is not None else None
        if self._grouped is not None:
            if current_sha != sha:
                self.files.write(rel, data)  # staged: in place, with its row, in finish_group
            self._grouped[rel] = (doc_id, text, sha, origin)
            return
        if current_sha != sha:
            self.files.write(rel, data)
            st = self.files.lstat(rel)
        assert st is not None
        self._drop_other_links(rel, doc_id)
        self._index_row(rel, doc_id, fileformat.split(text), st, sha)
        self.notify([rel], origin)

    def _drop_other_links(self, rel: str, doc_id: str) -> None:
        # No placeholder row first (what `adopt` writes): the row built here replaces any
        # other row of this document, so only its links at the old path need to go.
        other = self.index.by_doc(doc_id)
        if other is not None and other.path != rel:
            self.links.remove(other.path)

    @contextlib.contextmanager
    def grouped_writes(self) -> Iterator[None]:
        """Within (under `files.folders_synced_once`): `write_doc` stages each file instead
        of fsyncing it on its own, and `finish_group` (also run on leaving) makes the staged
        bytes durable with one file-system sync, moves them into place, and only then writes
        their index rows. The caller keeps a crash journal for the window (the replica's
        `pending/`): after a crash a file is either in place whole or rendered again.

        Until `finish_group`, the index does not show the group's files: a caller about to
        write at or look up a path of the group calls `finish_group(path)` first."""
        if self._grouped is not None:
            yield
            return
        self._grouped = {}
        self.files.stage()
        try:
            yield
            self.finish_group()
        finally:
            self._grouped = None
            self.files.drop_staged()

    @contextlib.contextmanager
    def _ungrouped(self) -> Iterator[None]:
        """Write through at once within a group (attachments keep their own write path)."""
        if self._grouped is None:
            yield
            return
        self.finish_group()
        self._grouped = None
        self.files.drop_staged()  # (nothing is staged after finish_group)
        try:
            yield
        finally:
            self._grouped = {}
            self.files.stage()

    def finish_group(self, touching: str | None = None) -> None:
        """Put the staged files in place and write their rows (with `touching`, only when
        that path is one of them); the group goes on."""
        grouped = self._grouped
        if not grouped or (touching is not None and touching not in grouped):
            return
        self._grouped = {}
        self.files.put_staged()
        self.files.stage()
        rows = []
        for rel, (doc_id, text, sha, _) in grouped.items():
            self._drop_other_links(rel, doc_id)
            try:
                st = self.files.lstat(rel)
            except FileNotFoundError:
                continue  # removed the moment it was put in place: the next scan sees it gone
            rows.append(bulk.mirrored(rel, doc_id, fileformat.split(text), st.st_mtime_ns,
                                      st.st_size, sha))
        bulk.index_rows(self, rows)  # one transaction per database for the group
        for rel, (*_, origin) in grouped.items():
            self.notify([rel], origin)

    def write_text(self, rel: str, text: str, origin: Origin = ORIGIN_LOCAL) -> None:
        """Atomically write a file and ingest it (the same path as any editor's edit)."""
        data = text.encode("utf-8")
        self.files.write(rel, data)
        self.ingest_file(rel, data)
        self.notify([rel], origin)

    def rename_file(self, old: str, new: str, origin: Origin = ORIGIN_LOCAL) -> None:
        """Move a file on disk and its index row (the root entry is the caller's business)."""
        self.files.rename(old, new)
        self.index.move(old, new)
        self.links.move(old, new)
        self.notify([old, new], origin)

    def delete_if_rendered(self, doc_id: str, origin: Origin = ORIGIN_LOCAL) -> bool:
        """Delete a document's file if it holds exactly the document; True when gone.

        A file with words the document lacks is ingested instead and kept (False)."""
        row = self.index.by_doc(doc_id)
        if row is None:
            return True
        if is_attachment_path(row.path):
            gone = self.attachments.delete_if_rendered(row, doc_id)
            self.notify([row.path] if gone else [], origin)
            return gone
        try:
            data = self.files.read(row.path)
        except FileNotFoundError:
            self.index.remove(row.path)
            return True
        except OSError:
            return False  # a folder or FIFO now stands there: nothing of ours to delete
        try:
            rendered: bytes | None = render_doc(self.repo.load(doc_id)).encode("utf-8")
        except BadDocument:
            rendered = None  # it cannot be what the file holds: the file is kept
        # The file as Solo last wrote or ingested it holds no word the history lacks.
        as_last_seen = content_sha(data) == row.sha and not unmirrorable(data)
        if data != rendered and not as_last_seen:
            self.ingest_file(row.path, data)
            return False
        self.files.unlink(row.path)
        self.index.remove(row.path)
        self.links.remove(row.path)
        self.repo.forget(doc_id)
        self.notify([row.path], origin)
        return True
