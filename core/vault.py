"""The vault: plain files mirrored into Automerge documents, with the derived index kept current.

Every change to a file, whoever makes it, goes one way: the file is written (atomically)
and then ingested. Ingesting diffs the file against its document and records the
difference as one change, so an editor, the CLI, the TUI and the watcher all share one
path and nothing is applied twice. Remote changes (sync) go the other way: merged into
the document first, then rendered to the file, after ingesting any local edit on disk.
All writers hold the vault lock (threads and processes alike).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat as stat_module
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from solo.core import fileformat, markdown, model
from solo.core.config import Config, load_config, save_config
from solo.core.crdt import CrdtError, Doc, new_actor_id
from solo.core.fsutil import atomic_write_bytes, is_temp_name
from solo.core.ids import document_url, is_document_id, new_document_id
from solo.core.index import Hit, Index, Row, short_id
from solo.core.lock import VaultLock
from solo.core.store import DocStore, StoreError

SOLO_DIR = ".solo"
MAX_MIRROR_BYTES = 1024 * 1024
DOC_CACHE_SIZE = 32
BULK_CHANGES = 500  # a scan that ingests this many files compacts the search index after
MARKDOWN_SUFFIXES = (".md", ".markdown")


class VaultError(Exception):
    """A user-facing error: the message names the file or item and the problem."""


class NotAVault(VaultError):
    """No `.solo/` folder where a vault was expected."""


@dataclass(frozen=True)
class Item:
    """One vault item with its body, as read from the file."""

    row: Row
    body: str
    head: str

    @property
    def id(self) -> str:
        return self.row.short_id

    @property
    def path(self) -> str:
        return self.row.path

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def title(self) -> str:
        return self.row.title

    @property
    def fields(self) -> dict[str, Any]:
        return self.row.fields


@dataclass
class ScanReport:
    """What a scan found and did."""

    added: list[str] = dataclasses.field(default_factory=list)
    changed: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    renamed: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    problems: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.renamed)


ChangeListener = Callable[[list[str]], None]


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds `.solo/`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SOLO_DIR).is_dir():
            return folder
    return None


def doc_rev(doc: Doc) -> str:
    """A short fingerprint of a document's heads: equal revs mean equal content."""
    return hashlib.sha256(b"".join(sorted(doc.heads()))).hexdigest()[:20]


def content_sha(data: bytes) -> str:
    """The fingerprint the index keeps of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def _is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES) and not name.startswith(".") \
        and not is_temp_name(name)


class Vault:
    """An open vault. Thread-safe for one process; safe beside other Solo processes."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.solo_dir = self.root / SOLO_DIR
        if not self.solo_dir.is_dir():
            raise NotAVault(f"{self.root} is not a Solo vault (no {SOLO_DIR}/); run `solo init`")
        self.lock = VaultLock(self.solo_dir / "lock")
        self.store = DocStore(self.solo_dir / "store")
        self.index = Index(self.solo_dir / "index.sqlite")
        self.actor = self._device_actor()
        self.root_id = self._root_id()
        self._docs: OrderedDict[str, tuple[Doc, tuple[int, int, int, int]]] = OrderedDict()
        self._listeners: list[ChangeListener] = []
        self._doc_listeners: list[ChangeListener] = []
        self._path_map: dict[str, str] | None = None
        self._path_map_stamp: tuple[int, int, int, int] | None = None
        self.config_path = self.solo_dir / "config.toml"
        self.config: Config = load_config(self.config_path)
        if self.index.count() == 0 and self.store.exists(self.root_id) and any(
                not e.get("deleted") for e in self.root_entries().values()):
            # The derived index is gone (deleted, or a new schema): rebuild it from the root
            # document's path → document map, so no file is mistaken for a new item.
            self.rebuild_index()

    # --- creation and identity ---------------------------------------------------------
    @classmethod
    def init(cls, root: Path, root_id: str | None = None) -> Vault:
        """Make `root` a vault (existing files are kept and ingested by the first scan)."""
        solo = root / SOLO_DIR
        (solo / "store").mkdir(parents=True, exist_ok=True)
        device = solo / "device"
        if not device.exists():
            atomic_write_bytes(device, new_actor_id().hex().encode() + b"\n")
        vault_file = solo / "vault"
        if not vault_file.exists():
            new_root = root_id is None
            root_id = root_id or new_document_id()
            if new_root:
                doc = Doc.new(bytes.fromhex(device.read_text().strip()))
                with doc.change() as edit:
                    edit.put(["solo"], {"format": 1, "kind": "vault-index"})
                    edit.put(["files"], {})
                DocStore(solo / "store").create(root_id, doc)
            atomic_write_bytes(vault_file, (root_id + "\n").encode())
        (solo / ".gitignore").write_text("*\n")
        return cls(root)

    def _device_actor(self) -> bytes:
        try:
            return bytes.fromhex((self.solo_dir / "device").read_text().strip())
        except (FileNotFoundError, ValueError):
            actor = new_actor_id()
            atomic_write_bytes(self.solo_dir / "device", actor.hex().encode() + b"\n")
            return actor

    def _root_id(self) -> str:
        try:
            root_id = (self.solo_dir / "vault").read_text().strip()
        except FileNotFoundError as exc:
            raise VaultError(f"{self.solo_dir / 'vault'} is missing: the vault has no identity; "
                             "run `solo init` again or clone it") from exc
        if not is_document_id(root_id):
            raise VaultError(f"{self.solo_dir / 'vault'}: not a document id: {root_id!r}")
        return root_id

    @property
    def url(self) -> str:
        """The `automerge:` URL a second device needs to join this vault."""
        return document_url(self.root_id)

    def save_config(self) -> None:
        save_config(self.config_path, self.config)

    def close(self) -> None:
        self.index.close()
        self._docs.clear()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def on_change(self, listener: ChangeListener) -> None:
        """Call `listener(paths)` after files were ingested, written or removed."""
        self._listeners.append(listener)

    def on_doc_change(self, listener: ChangeListener) -> None:
        """Call `listener(doc_ids)` (under the vault lock) whenever a document gains changes."""
        self._doc_listeners.append(listener)

    def _notify(self, paths: list[str]) -> None:
        if paths:
            for listener in list(self._listeners):
                listener(paths)

    # --- documents ---------------------------------------------------------------------
    def load_doc(self, doc_id: str) -> Doc:
        """The document, from the cache when the store has not changed under it."""
        stamp = self.store.stamp(doc_id)
        cached = self._docs.get(doc_id)
        if cached is not None and cached[1] == stamp:
            self._docs.move_to_end(doc_id)
            return cached[0]
        doc = self.store.load(doc_id, self.actor)
        self._remember(doc_id, doc)
        return doc

    def _remember(self, doc_id: str, doc: Doc) -> None:
        self._docs[doc_id] = (doc, self.store.stamp(doc_id))
        self._docs.move_to_end(doc_id)
        while len(self._docs) > DOC_CACHE_SIZE:
            self._docs.popitem(last=False)

    def forget_doc(self, doc_id: str) -> None:
        self._docs.pop(doc_id, None)

    def persist(self, doc_id: str, doc: Doc, heads_before: list[bytes],
                durable: bool = True) -> None:
        """Store what changed in `doc` since `heads_before` (fsynced when `durable`)."""
        changes = doc.changes_since(heads_before)
        if not changes:
            return
        if doc_id != self.root_id:
            self._mark_dirty(doc_id)
        self.store.append(doc_id, changes, durable)
        if self.store.needs_compaction(doc_id):
            self.store.compact(doc_id, doc)
        self._remember(doc_id, doc)
        for listener in list(self._doc_listeners):
            listener([doc_id])

    def root_doc(self) -> Doc:
        return self.load_doc(self.root_id)

    def root_entries(self) -> dict[str, dict[str, Any]]:
        """doc id → {path, kind, deleted} from the root index document."""
        files = self.root_doc().get(["files"], {}) or {}
        return {k: v for k, v in files.items() if isinstance(v, dict)}

    def _set_root_entry(self, doc_id: str, durable: bool = True, **values: Any) -> None:
        current = self._path_map is not None and \
            self._path_map_stamp == self.store.stamp(self.root_id)
        doc = self.root_doc()
        heads = doc.heads()
        with doc.change() as edit:
            for key, value in values.items():
                edit.put(["files", doc_id, key], value)
        self.persist(self.root_id, doc, heads, durable)
        if current and self._path_map is not None:
            if "path" in values or "deleted" in values:
                for path in [p for p, d in self._path_map.items() if d == doc_id]:
                    del self._path_map[path]
                entry = doc.get(["files", doc_id], {}) or {}
                if isinstance(entry.get("path"), str) and entry.get("deleted") is not True:
                    self._path_map[entry["path"]] = doc_id
            self._path_map_stamp = self.store.stamp(self.root_id)
        else:
            self._path_map = None

    def root_path_map(self) -> dict[str, str]:
        """path → document id of every live entry in the root index (cached by store stamp)."""
        stamp = self.store.stamp(self.root_id)
        if self._path_map is None or self._path_map_stamp != stamp:
            self._path_map = {e["path"]: doc_id for doc_id, e in self.root_entries().items()
                              if isinstance(e.get("path"), str) and e.get("deleted") is not True}
            self._path_map_stamp = stamp
        return self._path_map

    # --- paths -------------------------------------------------------------------------
    def rel(self, path: Path | str) -> str:
        """Vault-relative, `/`-separated form of a path inside the vault."""
        absolute = Path(path)
        if not absolute.is_absolute():
            absolute = self.root / absolute
        return PurePosixPath(os.path.relpath(absolute, self.root)).as_posix()

    def abs(self, rel: str) -> Path:
        return self.root / rel

    def is_vault_file(self, rel: str) -> bool:
        parts = rel.split("/")
        return (not rel.startswith("..") and all(not p.startswith(".") for p in parts)
                and _is_markdown(parts[-1]))

    def walk(self) -> Iterator[tuple[str, os.stat_result]]:
        """Every Markdown file in the vault (hidden folders and `.solo/` skipped), with lstat."""
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif _is_markdown(entry.name):
                        yield self.rel(entry.path), entry.stat(follow_symlinks=False)
                except OSError:
                    continue

    # --- ingest ------------------------------------------------------------------------
    def scan(self) -> ScanReport:
        """Bring the store and index up to date with the files (stat first, read only changes)."""
        report = ScanReport()
        if not self.store.exists(self.root_id):
            raise VaultError(f"{self.root}: this vault has not received its index from a server "
                             "yet; run `solo sync`")
        if (self.solo_dir / "pending").is_dir() and any((self.solo_dir / "pending").iterdir()):
            from solo.core.replica import finish_pending  # a crash left remote changes unwritten

            finish_pending(self)
        known = self.index.stats()
        on_disk = dict(self.walk())
        changed = [p for p, st in on_disk.items()
                   if p not in known or known[p][:2] != (st.st_mtime_ns, st.st_size)]
        missing = [p for p in known if p not in on_disk]
        dirty = self.solo_dir / "dirty"
        if not changed and not missing and not (dirty.is_dir() and any(dirty.iterdir())):
            return report
        with self.lock:
            self._fix_dirty_revs()
            known = self.index.stats()
            missing_by_sha: dict[str, list[str]] = {}
            for path in missing:
                if path in known:
                    missing_by_sha.setdefault(known[path][2], []).append(path)
            for path in sorted(changed):
                if path not in known and missing_by_sha:
                    data = self._read_small(path)
                    old_paths = missing_by_sha.get(content_sha(data)) if data is not None else None
                    if old_paths:
                        old = old_paths.pop(0)
                        self._move(old, path)
                        report.renamed.append((old, path))
                        missing.remove(old)
                        continue
                problem = self._ingest(path)
                (report.changed if path in known else report.added).append(path)
                if problem:
                    report.problems[path] = problem
            for path in missing:
                self._remove(path)
                report.removed.append(path)
        if len(report.added) + len(report.changed) >= BULK_CHANGES:
            self.index.optimize()
        self._notify(report.added + report.changed + report.removed
                     + [new for _, new in report.renamed])
        return report

    def _read_small(self, rel: str) -> bytes | None:
        try:
            st = self.abs(rel).lstat()
            if not stat_module.S_ISREG(st.st_mode) or st.st_size > MAX_MIRROR_BYTES:
                return None
            return self.abs(rel).read_bytes()
        except OSError:
            return None

    def ingest(self, paths: Iterable[str]) -> dict[str, str | None]:
        """Ingest these vault-relative paths as they are now (missing ones are removed)."""
        results: dict[str, str | None] = {}
        with self.lock:
            for path in paths:
                if not self.is_vault_file(path):
                    continue
                if os.path.lexists(self.abs(path)):
                    if self._unchanged(path):
                        continue
                    results[path] = self._ingest(path)
                elif self.index.by_path(path) is not None:
                    self._remove(path)
                    results[path] = None
        self._notify(list(results))
        return results

    def _unchanged(self, rel: str) -> bool:
        """True when the file holds exactly what its index row says (so ingesting is a no-op).

        A file whose size and mtime match is still read and hashed: editors can keep both.
        """
        row = self.index.by_path(rel)
        if row is None or not row.doc_id or row.problem:
            return False
        data = self._read_small(rel)
        return data is not None and content_sha(data) == row.sha

    def moved(self, old: str, new: str) -> None:
        """A file was renamed (seen by the watcher): keep its identity."""
        with self.lock:
            if self.index.by_path(old) is not None and not os.path.lexists(self.abs(old)) \
                    and self.is_vault_file(new) and os.path.lexists(self.abs(new)) \
                    and self.index.by_path(new) is None:
                self._move(old, new)
                self._ingest(new)
                self._notify([old, new])
                return
        self.ingest([p for p in (old, new) if self.is_vault_file(p)])

    def _move(self, old: str, new: str) -> None:
        row = self.index.by_path(old)
        self.index.move(old, new)
        if row and row.doc_id:
            kind = model.kind_for(new, row.fields)
            self._set_root_entry(row.doc_id, path=new, kind=kind)

    def _remove(self, rel: str) -> None:
        row = self.index.by_path(rel)
        self.index.remove(rel)
        if row and row.doc_id:
            try:
                rev = doc_rev(self.load_doc(row.doc_id))
            except (StoreError, CrdtError):
                rev = ""
            self._set_root_entry(row.doc_id, deleted=True, deleted_rev=rev)
            self.forget_doc(row.doc_id)

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
        return problem

    def _ingest(self, rel: str) -> str | None:
        """Mirror one file into its document and the index. Returns a problem or None."""
        absolute = self.abs(rel)
        previous = self.index.by_path(rel)
        try:
            st = absolute.lstat()
        except FileNotFoundError:
            if previous:
                self._remove(rel)
            return None
        if stat_module.S_ISLNK(st.st_mode):
            return self._problem_row(rel, st, "", f"{rel}: symbolic link, not followed", previous)
        if not stat_module.S_ISREG(st.st_mode):
            return self._problem_row(rel, st, "", f"{rel}: not a regular file", previous)
        if st.st_size > MAX_MIRROR_BYTES:
            return self._problem_row(
                rel, st, "", f"{rel}: {st.st_size / 1e6:.1f} MB is over the "
                f"{MAX_MIRROR_BYTES // 1024} KiB limit; kept as a plain file, not mirrored",
                previous)
        data = absolute.read_bytes()
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
        parsed = fileformat.split(text)
        doc_id = previous.doc_id if previous and previous.doc_id else None
        if doc_id is None:
            # A document may already claim this path: one a crash left without its index
            # row, or one a peer sent. Reuse it rather than fork the item's identity.
            claimed = self.root_path_map().get(rel)
            if claimed and self.store.exists(claimed) and self.index.by_doc(claimed) is None:
                doc_id = claimed
        if doc_id is None:
            doc_id = self._create_doc(rel, parsed)
        else:
            self._apply_text(doc_id, parsed)
        return self._index_row(rel, doc_id, parsed, st, sha)

    def _create_doc(self, rel: str, parsed: fileformat.Parsed) -> str:
        doc_id = new_document_id()
        doc = Doc.new(self.actor)
        with doc.change() as edit:
            edit.put(["meta"], parsed.meta)
            edit.set_text(["head"], parsed.head)
            edit.set_text(["body"], parsed.body)
        self.store.create(doc_id, doc)
        self._remember(doc_id, doc)
        for listener in list(self._doc_listeners):
            listener([doc_id])
        self._set_root_entry(doc_id, path=rel, kind=model.kind_for(rel, parsed.fields),
                             deleted=False, rev=doc_rev(doc))
        return doc_id

    def _apply_text(self, doc_id: str, parsed: fileformat.Parsed) -> None:
        doc = self.load_doc(doc_id)
        content = doc.to_python()
        head, body = content.get("head", ""), content.get("body", "")
        meta = content.get("meta", {}) or {}
        if fileformat.render(head, body, meta) == parsed.text and head == parsed.head:
            return
        heads = doc.heads()
        with doc.change() as edit:
            if head != parsed.head:
                edit.set_text(["head"], parsed.head, old=head)
            if body != parsed.body:
                edit.set_text(["body"], parsed.body, old=body)
            for key, value in parsed.meta.items():
                if key not in meta or not fileformat._same(meta[key], value):
                    edit.put(["meta", key], value)
            for key in meta:
                if key not in parsed.meta:
                    edit.delete(["meta", key])
        self.persist(doc_id, doc, heads)
        self.record_rev(doc_id, doc)

    def record_rev(self, doc_id: str, doc: Doc) -> None:
        """Keep the root entry's `rev` equal to the document's, so peers see what changed."""
        rev = doc_rev(doc)
        entry = self.root_doc().get(["files", doc_id], {}) or {}
        if entry.get("rev") != rev:
            # Not fsynced: a rev only tells peers what to sync; the change itself is durable,
            # and `solo sync --full` or `doctor` repair a rev a power cut dropped.
            self._set_root_entry(doc_id, durable=False, rev=rev)
        (self.solo_dir / "dirty" / doc_id).unlink(missing_ok=True)

    def _mark_dirty(self, doc_id: str) -> None:
        """Note that a document's rev may lag its content until `record_rev` runs; a process
        killed in between leaves the note, and the next scan fixes the rev."""
        folder = self.solo_dir / "dirty"
        folder.mkdir(exist_ok=True)
        (folder / doc_id).touch()

    def _fix_dirty_revs(self) -> None:
        folder = self.solo_dir / "dirty"
        if not folder.is_dir():
            return
        for marker in list(folder.iterdir()):
            doc_id = marker.name
            entry = self.root_doc().get(["files", doc_id], None)
            if is_document_id(doc_id) and isinstance(entry, dict) and self.store.exists(doc_id):
                self.record_rev(doc_id, self.load_doc(doc_id))
            marker.unlink(missing_ok=True)

    def _index_row(self, rel: str, doc_id: str, parsed: fileformat.Parsed, st: os.stat_result,
                   sha: str) -> str | None:
        fields = parsed.meta
        kind = model.kind_for(rel, parsed.fields)
        tags = markdown.item_tags(fields.get("tags"), parsed.body)

        def text_or_none(key: str) -> str | None:
            value = fields.get(key)
            return value if isinstance(value, str) else None

        row = Row(path=rel, doc_id=doc_id, kind=kind,
                  title=model.title_for(rel, parsed.fields, parsed.body),
                  status=text_or_none("status"), due=text_or_none("due"),
                  scheduled=text_or_none("scheduled"), priority=text_or_none("priority"),
                  tags=[str(t) for t in tags or []], fields=fields,
                  private=fields.get("private") is True, mtime_ns=st.st_mtime_ns,
                  size=st.st_size, sha=sha,
                  problem=parsed.problem and f"{rel}: {parsed.problem}; kept as body text")
        self.index.upsert(row, parsed.body)
        return row.problem

    # --- rendering (remote changes) -----------------------------------------------------
    def adopt(self, rel: str, doc_id: str) -> None:
        """Tie a path to an existing document (one a peer sent), so ingesting it never forks."""
        row = self.index.by_path(rel)
        if row is not None and row.doc_id == doc_id:
            return
        other = self.index.by_doc(doc_id)
        if other is not None:
            self.index.remove(other.path)
        self.index.upsert(Row(path=rel, doc_id=doc_id, kind="note", title="", status=None,
                              due=None, scheduled=None, priority=None, tags=[], fields={},
                              private=False, mtime_ns=0, size=0, sha="", problem=None), None)

    def render_doc(self, doc: Doc) -> str:
        content = doc.to_python()
        return fileformat.render(content.get("head", "") or "", content.get("body", "") or "",
                                 content.get("meta", {}) or {})

    def write_file(self, rel: str, text: str) -> None:
        """Atomically write a file and ingest it (the same path as any editor's edit)."""
        with self.lock:
            atomic_write_bytes(self.abs(rel), text.encode("utf-8"))
            self._ingest(rel)
        self._notify([rel])

    # --- reading -----------------------------------------------------------------------
    def rows(self, kind: str | None = None, statuses: Iterable[str] | None = None,
             tag: str | None = None, where: Mapping[str, str] | None = None) -> list[Row]:
        return self.index.rows(kind, list(statuses) if statuses else None, tag, where)

    def resolve(self, ref: str) -> Row:
        """An item by id (or unique id prefix), vault-relative path, or file stem."""
        ref = ref.strip()
        if not ref:
            raise VaultError("empty item reference")
        row = self.index.by_path(ref) or self.index.by_path(ref + ".md")
        if row:
            return row
        if len(ref) >= 4:
            matches = self.index.by_prefix(ref)
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise VaultError(f"id {ref!r} is ambiguous: "
                                 + ", ".join(m.path for m in matches))
        stem = ref.lower().removesuffix(".md")
        by_stem = [r for r in self.index.rows() if PurePosixPath(r.path).stem.lower() == stem]
        if by_stem:
            return by_stem[0]
        raise VaultError(f"no item {ref!r} (use an id from `solo list`, a path or a file name)")

    def read(self, ref: str | Row) -> Item:
        row = ref if isinstance(ref, Row) else self.resolve(ref)
        try:
            text = self.abs(row.path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(f"{row.path}: cannot read: {exc}") from None
        parsed = fileformat.split(text)
        return Item(row=row, body=parsed.body, head=parsed.head)

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        return self.index.search(text, limit)

    # --- editing (Solo's own writes) ----------------------------------------------------
    def create(self, kind: str, title: str, fields: Mapping[str, Any] | None = None,
               body: str = "", folder: str | None = None) -> Item:
        """A new item file in its kind's folder, named after its title."""
        if kind not in model.KINDS:
            raise VaultError(f"unknown kind {kind!r} (one of {', '.join(model.KINDS)})")
        values: dict[str, Any] = {"kind": kind, "title": title}
        values.update(fields or {})
        values.setdefault("created", dt.date.today())
        problems = model.validate(kind, values)
        if problems:
            raise VaultError("; ".join(f"{p.field}: {p.message}" for p in problems))
        folder = folder or model.DEFAULT_FOLDERS[kind]
        with self.lock:
            rel = model.unique_path(folder, model.slugify(title),
                                    lambda p: os.path.lexists(self.abs(p)))
            head = fileformat.with_fields("", values, style=self.config.front_matter)
            if body and not body.endswith("\n"):
                body += "\n"
            self.write_file(rel, head + body)
            return self.read(rel)

    def update(self, ref: str | Row, set_fields: Mapping[str, Any] | None = None,
               unset: Iterable[str] = (), body: str | None = None) -> Item:
        """Change front matter keys and/or the body, keeping every other byte of the file."""
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            self._ingest(row.path)
            item = self.read(row.path)
            head = item.head
            if set_fields or unset:
                head = fileformat.with_fields(item.head, dict(set_fields or {}), unset)
            new_text = head + (item.body if body is None else body)
            if new_text != item.head + item.body:
                self.write_file(row.path, new_text)
            return self.read(row.path)

    def complete(self, ref: str | Row, today: dt.date | None = None) -> tuple[Item, Item | None]:
        """Mark a task done; a recurring task gets its next occurrence as a new file."""
        today = today or dt.date.today()
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            if row.kind != "task":
                raise VaultError(f"{row.path} is a {row.kind}, not a task")
            self._ingest(row.path)
            item = self.read(row.path)
            fields = fileformat.split(item.head + item.body).fields
            done_fields, next_fields = model.complete_task(fields, today)
            changes = {k: v for k, v in done_fields.items() if fields.get(k) != v}
            removed = [k for k in fields if k not in done_fields]
            done = self.update(row, changes, removed)
            following = None
            if next_fields is not None:
                title = str(next_fields.pop("title", row.title))
                next_fields.pop("kind", None)
                next_fields.pop("created", None)
                following = self.create("task", title, next_fields, item.body,
                                        folder=str(PurePosixPath(row.path).parent))
            return done, following

    def delete(self, ref: str | Row) -> Row:
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            try:
                self.abs(row.path).unlink()
            except FileNotFoundError:
                pass
            self._remove(row.path)
        self._notify([row.path])
        return row

    # --- doctor ------------------------------------------------------------------------
    def doctor(self, repair: bool = True) -> list[str]:
        """Check files, store and index agree; rebuild the index from the files. Returns findings."""
        findings: list[str] = []
        with self.lock:
            entries = self.root_entries()
            live = {e.get("path"): doc_id for doc_id, e in entries.items() if not e.get("deleted")}
            rows = {r.path: r for r in self.index.rows()}
            for path, row in rows.items():
                if row.problem:
                    findings.append(row.problem)
                if row.doc_id and live.get(path) != row.doc_id:
                    findings.append(f"{path}: index and root document disagree; fixed")
                    if repair:
                        self._set_root_entry(row.doc_id, path=path, deleted=False,
                                             kind=row.kind)
                if row.doc_id:
                    try:
                        doc = self.load_doc(row.doc_id)
                    except (StoreError, CrdtError) as exc:
                        findings.append(f"{path}: {exc}")
                        continue
                    text = self._read_small(path)
                    if text is not None and self.render_doc(doc).encode("utf-8") != text:
                        findings.append(f"{path}: file differs from its document; ingested")
                        if repair:
                            self._ingest(path)
                    elif entries.get(row.doc_id, {}).get("rev") != doc_rev(doc):
                        findings.append(f"{path}: sync fingerprint out of date; fixed")
                        if repair:
                            self.record_rev(row.doc_id, doc)
            if repair:
                self.rebuild_index()
                self.index.optimize()
        return findings

    def rebuild_index(self) -> None:
        """Drop the derived index and rebuild it from the files and the root document."""
        with self.lock:
            entries = self.root_entries()
            doc_for = {e["path"]: doc_id for doc_id, e in entries.items()
                       if not e.get("deleted") and isinstance(e.get("path"), str)}
            self.index.clear()
            for rel, _stat in self.walk():
                doc_id = doc_for.get(rel)
                if doc_id and self.store.exists(doc_id):
                    self.adopt(rel, doc_id)
                self._ingest(rel)

    def store_size(self) -> int:
        return self.store.size_bytes()


def short(doc_id: str | None) -> str:
    return short_id(doc_id) if doc_id else ""
