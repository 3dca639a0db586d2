"""Attachments: every non-Markdown file in the vault (images, PDFs, audio…) as a binary document.

A document `{"type": "attachment", "bytes": <the file>}` (the bytes a single value: the last
writer wins), listed in the root index with `kind = "attachment"` and indexed as a row
without search text, so scans, renames, tombstones and conflicts work as for notes. A file
over the size cap (`attachments_max_mb`, default 20) is skipped with a problem row, said by
`scan` and `doctor`. Hidden files and folders (`.solo/`, `.obsidian/`, `.git/`, `.trash/`)
and editors' temporary files are never attachments.

Data safety, as for notes: a peer's bytes never replace a local file holding bytes Solo
never mirrored; a local version that lost a concurrent edit is kept beside the winner as
`name (conflict id).ext`, so no device loses what it had.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import NamedTuple

from solo.core.engine.crdt import Doc
from solo.core.engine.docrepo import DocRepo, doc_rev
from solo.core.engine.events import ORIGIN_LOCAL, Origin
from solo.core.engine.files import VaultFiles, kind_of
from solo.core.engine.fsutil import is_temp_name
from solo.core.engine.index import Index, Row, short_id
from solo.core.engine.linkindex import LinkIndex
from solo.core.engine.paths import conflict_name
from solo.core.errors import SoloError
from solo.core.model.ids import new_document_id

KIND = "attachment"
DEFAULT_MAX_MB = 20
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Editors' and downloaders' scratch files: backups (`x~`), swap files, partial downloads.
SCRATCH_SUFFIXES = ("~", ".tmp", ".swp", ".swx", ".part", ".crdownload")

Commit = Callable[[str, Doc, list[bytes], Origin], None]
RecordRev = Callable[[str, Doc, Origin], None]


class NotAnAttachment(SoloError):
    """A document claimed to be an attachment but holds no bytes."""


def is_attachment_name(name: str) -> bool:
    """A file name that is an attachment: not Markdown, not hidden, not an editor's temp file."""
    lower = name.lower()
    return not lower.endswith(MARKDOWN_SUFFIXES + SCRATCH_SUFFIXES) and not name.startswith(".") \
        and not is_temp_name(name) and name != "4913"  # vim's write test


def is_attachment_path(rel: str) -> bool:
    """A vault-relative path of an attachment (no hidden folder on the way)."""
    parts = rel.split("/")
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not rel.startswith("..") and all(p and not p.startswith(".") for p in parts) \
        and is_attachment_name(parts[-1])


def is_attachment_content(content: Mapping[str, object]) -> bool:
    """True for the plain content of an attachment document."""
    return content.get("type") == KIND or isinstance(content.get("bytes"), bytes)


def is_attachment_doc(doc: Doc) -> bool:
    return doc.get(["type"]) == KIND or "bytes" in doc.keys()


def doc_bytes(doc: Doc) -> bytes:
    """The file an attachment document holds (NotAnAttachment when it holds none)."""
    data = doc.get(["bytes"])
    if not isinstance(data, bytes):
        raise NotAnAttachment(f"its bytes are a {type(data).__name__}, not bytes")
    return data


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Before(NamedTuple):
    """An attachment as it was on disk and in its document before a peer's change merged."""

    heads: list[bytes]
    sha: str


class Attachments:
    """Mirrors attachment files ⇄ binary documents for a `FileMirror` (callers hold the lock)."""

    def __init__(self, files: VaultFiles, repo: DocRepo, index: Index, links: LinkIndex,
                 commit: Commit, record_rev: RecordRev,
                 max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024) -> None:
        self.files = files
        self.repo = repo
        self.index = index
        self.links = links
        self.commit = commit
        self.record_rev = record_rev
        self.max_bytes = max_bytes
        self._before: dict[str, _Before] = {}

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def wants(self, name: str) -> bool:
        """True when a walk should yield a file of this name as an attachment."""
        return self.enabled and is_attachment_name(name)

    def is_path(self, rel: str) -> bool:
        return self.enabled and is_attachment_path(rel)

    # --- file → document ----------------------------------------------------------------
    def ingest(self, rel: str, data: bytes | None = None, st: os.stat_result | None = None,
               origin: Origin = ORIGIN_LOCAL) -> str | None:
        """Mirror one attachment into its document and the index; returns a problem or None."""
        previous = self.index.by_path(rel)
        if st is None:
            st = self.files.lstat(rel)
        if stat_module.S_ISLNK(st.st_mode):
            return self._problem(rel, st, f"{rel}: symbolic link, not followed", previous)
        if not stat_module.S_ISREG(st.st_mode):
            return self._problem(rel, st, f"{rel}: {kind_of(st.st_mode)}, not a regular file; "
                                 "not read", previous)
        if st.st_size > self.max_bytes:
            return self._problem(rel, st, f"{rel}: {st.st_size / 1e6:.1f} MB is over the "
                                 f"{self.max_bytes / 1e6:g} MB attachment cap "
                                 "(attachments_max_mb); kept as it is, not synced", previous)
        if data is None:
            data = self.files.read(rel)
        digest = sha(data)
        if previous is not None and previous.sha == digest and previous.doc_id \
                and not previous.problem:
            self.index.touch(rel, st.st_mtime_ns, st.st_size)
            return None
        doc_id = previous.doc_id if previous and previous.doc_id else None
        if doc_id is None:
            claimed = self.repo.root_claim(rel)
            if claimed and self.repo.exists(claimed) and self.index.by_doc(claimed) is None:
                doc_id = claimed
        if doc_id is None:
            doc_id = new_document_id()
            doc = Doc.new(self.repo.actor)
            with doc.change() as edit:
                edit.put(["type"], KIND)
                edit.put(["bytes"], data)
            self.repo.create(doc_id, doc, origin)
            self.repo.set_root_entry(doc_id, origin=origin, path=rel, kind=KIND, deleted=False,
                                     rev=doc_rev(doc))
        else:
            doc = self.repo.load(doc_id)
            if doc.get(["bytes"]) != data or doc.get(["type"]) != KIND:
                heads = doc.heads()
                with doc.change() as edit:
                    edit.put(["type"], KIND)
                    edit.put(["bytes"], data)
                self.commit(doc_id, doc, heads, origin)
                self.record_rev(doc_id, doc, origin)
        self._row(rel, doc_id, st, digest)
        return None

    def _row(self, rel: str, doc_id: str | None, st: os.stat_result, digest: str,
             problem: str | None = None) -> None:
        import mimetypes  # (its tables load on an attachment's first row, not on opening)

        mime = mimetypes.guess_type(rel)[0]
        self.index.upsert(Row(path=rel, doc_id=doc_id, kind=KIND, title=PurePosixPath(rel).name,
                              status=None, due=None, scheduled=None, priority=None, tags=[],
                              fields={"mime": mime} if mime else {}, private=False,
                              mtime_ns=st.st_mtime_ns, size=st.st_size, sha=digest,
                              problem=problem), None)
        self.links.set_target(rel)

    def _problem(self, rel: str, st: os.stat_result, problem: str, previous: Row | None) -> str:
        self._row(rel, previous.doc_id if previous else None, st,
                  previous.sha if previous else "", problem)
        return problem

    # --- document → file ----------------------------------------------------------------
    def check_local_edit(self, row: Row) -> None:
        """Before a peer's change lands: ingest a local change not ingested yet, and remember
        the file and the document as they were (see `write`)."""
        if row.doc_id is None or row.doc_id in self._before:
            return
        try:
            st = self.files.lstat(row.path)
            if stat_module.S_ISREG(st.st_mode) and st.st_size <= self.max_bytes:
                data = self.files.read(row.path)
                if sha(data) != row.sha:
                    self.ingest(row.path, data, st)
        except OSError:
            pass
        current = self.index.by_doc(row.doc_id)
        if current is not None and self.repo.exists(row.doc_id):
            self._before[row.doc_id] = _Before(self.repo.load(row.doc_id).heads(), current.sha)

    def forget_seen(self) -> None:
        self._before.clear()

    def write(self, rel: str, doc_id: str, doc: Doc, origin: Origin = ORIGIN_LOCAL) -> str | None:
        """Write the document's bytes to `rel` when they differ from the file; returns why
        the file there is kept instead (the caller lands the document beside it), or None.

        NotAnAttachment when the document holds no bytes."""
        data = doc_bytes(doc)
        digest = sha(data)
        if not is_attachment_path(rel):
            return "a hidden or Markdown path is never an attachment"
        row = self.index.by_path(rel)
        try:
            st = self.files.lstat(rel)
        except FileNotFoundError:
            st = None
        if st is not None:
            if not stat_module.S_ISREG(st.st_mode):
                return kind_of(st.st_mode)
            ours = row is not None and row.doc_id == doc_id and not row.problem
            if st.st_size > self.max_bytes and not ours:
                return f"over the {self.max_bytes / 1e6:g} MB attachment cap"
            current = self.files.read(rel)
            current_sha = sha(current)
            if current_sha == digest:
                self._row(rel, doc_id, st, digest)
                return None
            if not ours:
                return "a local file Solo does not mirror, with other bytes"
            assert row is not None
            before = self._before.get(doc_id)
            # A true merge since the file was last seen (one of our heads is still a head)
            # whose winner is not our version: our version lost a concurrent edit.
            lost = before is not None and before.sha == current_sha and \
                doc.heads() != before.heads and any(h in doc.heads() for h in before.heads)
            if current_sha != row.sha or lost:
                # Bytes that are in no version the peer saw: kept beside, as their own file.
                self._keep_beside(rel, doc_id, current, origin)
        self.files.write(rel, data)
        self._row(rel, doc_id, self.files.lstat(rel), digest)
        return None

    def _keep_beside(self, rel: str, doc_id: str, data: bytes, origin: Origin) -> None:
        base = conflict_name(rel, short_id(doc_id))
        name, n = base, 1
        while self.files.exists(name) or self.index.by_path(name) is not None:
            n += 1
            stem, dot, ext = base.rpartition(".")
            name = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
        self.files.write(name, data)
        self.ingest(name, data, origin=origin)

    def delete_if_rendered(self, row: Row, doc_id: str) -> bool:
        """Delete an attachment's file if it holds the document's bytes or what Solo last
        mirrored; a file with other bytes is ingested and kept (False)."""
        try:
            data = self.files.read(row.path)
        except FileNotFoundError:
            self.index.remove(row.path)
            self.links.remove(row.path)
            return True
        except OSError:
            return False
        try:
            same = data == doc_bytes(self.repo.load(doc_id))
        except NotAnAttachment:
            same = False
        if not same and sha(data) != row.sha:
            self.ingest(row.path, data)
            return False
        self.files.unlink(row.path)
        self.index.remove(row.path)
        self.links.remove(row.path)
        self.repo.forget(doc_id)
        return True
