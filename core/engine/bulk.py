"""Bulk ingest and the scan that decides it: many new files mirrored at once, one commit per batch.

`scan` stats every file and works out what changed, moved, vanished or is new. A first
ingest (`solo init` over an existing folder, a large `git pull`) reads each new file once in
this process (through `VaultFiles`), builds its document's bytes in a worker process (parse,
index row, and the document saved as `crdt_encode` writes it, never typed into the binding
one code point at a time), and commits a batch at a time, in this order:

1. the batch's snapshots (already compacted: a saved document, not a first change, so the
   first load is as fast as after a compaction), written without fsync, then made durable
   by one file-system sync;
2. one durable change to the root index listing every document of the batch;
3. one SQLite transaction with the batch's index rows (then one for its checkbox tasks and
   one for its links, `index_rows`).

`rebuild` (an index rebuild) stores rows a batch per transaction the same way.

A process killed anywhere in between leaves each file either fully mirrored (steps 1–3 done)
or without an index row; the next scan ingests such a file again, and when step 2 had
happened it reuses the document the root index already lists for its path (see
`FileMirror.ingest_file`), so no item's identity forks. Snapshots written before a kill and
never listed are unreachable leftovers, never a user's only copy of anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import stat as stat_module
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from solo.core.engine.attachments import is_attachment_path
from solo.core.engine.crdt import CrdtError, new_actor_id
from solo.core.engine.docform import (
    MAX_MIRROR_BYTES,
    content_sha,
    make_row,
    new_file_bytes,
    storable,
)
from solo.core.engine.docrepo import heads_rev
from solo.core.engine.events import ORIGIN_LOCAL, Origin
from solo.core.engine.files import is_markdown
from solo.core.engine.fsutil import libc
from solo.core.engine.index import Row
from solo.core.engine.linetasks import Found
from solo.core.engine.linetasks import scan as scan_tasks
from solo.core.engine.linkindex import Link, scan_links
from solo.core.model import fileformat
from solo.core.model.ids import new_document_id

BULK_CHANGES = 500  # a scan that ingests this many files compacts the search index after

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from solo.core.engine.mirror import FileMirror

Progress = Callable[[int, int], None]
"""`progress(done, total)`: called after every committed batch (and once at the start)."""

BULK_FROM = 32  # a scan that finds fewer new files ingests them one at a time
BATCH = 256  # files per commit
PARALLEL_FROM = 200  # fewer new files than this are built here, without worker processes
_CHUNK = 32  # files per task sent to a worker


class Built(NamedTuple):
    """A new file's document and index row, ready to commit (named tuples here: records
    built once per batch, with no generated methods to make for every command's import)."""

    rel: str
    doc_id: str
    snapshot: bytes
    rev: str
    mirrored: Mirrored

    @property
    def row(self) -> Row:
        return self.mirrored[0]

    @property
    def body(self) -> str:
        return self.mirrored[1]


Task = tuple[str, bytes, int, int]  # rel, bytes read, mtime_ns, size
Mirrored = tuple[Row, str, list[Link], list[Found]]  # a file's row, body, links, checkbox tasks


def mirrored(rel: str, doc_id: str, parsed: fileformat.Parsed, mtime_ns: int, size: int,
             sha: str) -> Mirrored:
    """What the index keeps of a mirrored file: its row, body, links and checkbox tasks,
    from one Markdown scan of its body."""
    from solo.core.model import markdown  # (ingests only: an unchanged scan needs none)

    scanned = markdown.scan(parsed.body)
    row = make_row(rel, doc_id, parsed, mtime_ns, size, sha, scanned)
    first_line = parsed.head.count("\n") + 1
    return (row, parsed.body, scan_links(rel, parsed.body, first_line, scanned),
            scan_tasks(parsed.head, parsed.body, doc_id, scanned))


def build(actor: bytes | None, task: Task) -> Built | None:
    """Build the document of a new, plain text file; None when it needs the careful path
    (not UTF-8, NUL bytes), which names its problem in the index."""
    rel, data, mtime_ns, size = task
    if b"\0" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parsed = storable(fileformat.split(text))
    try:
        snapshot, head = new_file_bytes(actor or new_actor_id(), parsed)
    except CrdtError:
        return None
    doc_id = new_document_id()
    return Built(rel, doc_id, snapshot, heads_rev([head]),
                 mirrored(rel, doc_id, parsed, mtime_ns, size, content_sha(data)))


class Started(NamedTuple):
    """A batch on its way: files for the careful path, tasks, and their (future) results."""

    careful: list[str]
    tasks: list[Task]
    futures: list[Future[list[Built | None]]]
    results: list[Built | None]


def build_chunk(actor: bytes | None, tasks: Sequence[Task]) -> list[Built | None]:
    return [build(actor, task) for task in tasks]


def _watch_parent(parent: int) -> None:
    """In a worker: die with the process that started it (a killed `solo init` leaves no
    worker behind holding its pipes)."""
    lib = libc()
    if lib is not None:
        with contextlib.suppress(AttributeError):
            lib.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _pool(count: int) -> Executor | None:
    workers = min(os.cpu_count() or 1, 8)
    if count < PARALLEL_FROM or workers < 2:
        return None
    from concurrent.futures import ProcessPoolExecutor  # only a bulk ingest needs them
    from multiprocessing import get_context

    # fork is cheap (the modules are loaded already) but unsafe beside other threads.
    method = "fork" if threading.active_count() == 1 and hasattr(os, "fork") else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method),
                               initializer=_watch_parent, initargs=(os.getpid(),))


class BulkIngest:
    """Mirrors a list of new files (no index row, no root entry) in batches."""

    def __init__(self, mirror: FileMirror, origin: Origin = ORIGIN_LOCAL,
                 progress: Progress | None = None) -> None:
        self.mirror = mirror
        self.repo = mirror.repo
        self.origin = origin
        self.progress = progress
        self.problems: dict[str, str] = {}

    def run(self, paths: Sequence[str]) -> list[str]:
        """Ingest `paths`; returns those ingested (their problems are in `self.problems`)."""
        total = len(paths)
        if self.progress:
            self.progress(0, total)
        pool = _pool(total)
        done: list[str] = []
        try:
            in_flight: list[Started] = []
            for start in range(0, total, BATCH):
                in_flight.append(self._start(list(paths[start:start + BATCH]), pool))
                if len(in_flight) > 1:  # workers build one batch while the last is committed
                    done += self._finish(in_flight.pop(0))
                    self._tell(len(done), total)
            while in_flight:
                done += self._finish(in_flight.pop(0))
                self._tell(len(done), total)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if done and self.repo.root_id is not None:
            self.repo.compact(self.repo.root_id)  # the batches' root changes, folded
            self.repo.trim()
        return done

    def _tell(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)

    def _start(self, batch: list[str], pool: Executor | None) -> Started:
        tasks: list[Task] = []
        careful: list[str] = []
        for rel in batch:
            task = self._read(rel)
            if task is None:
                careful.append(rel)
            else:
                tasks.append(task)
        actor = self.repo.actor
        if pool is None:
            return Started(careful, tasks, [], build_chunk(actor, tasks))
        futures = [pool.submit(build_chunk, actor, tasks[i:i + _CHUNK])
                   for i in range(0, len(tasks), _CHUNK)]
        return Started(careful, tasks, futures, [])

    def _read(self, rel: str) -> Task | None:
        """What the worker needs to build `rel`; None for anything but a small regular file."""
        files = self.mirror.files
        try:
            st = files.lstat(rel)
            if not stat_module.S_ISREG(st.st_mode) or st.st_size > MAX_MIRROR_BYTES:
                return None
            data = files.read(rel)
        except OSError:
            return None
        if len(data) > MAX_MIRROR_BYTES:
            return None
        return rel, data, st.st_mtime_ns, st.st_size

    def _finish(self, started: Started) -> list[str]:
        results = list(started.results)
        for future in started.futures:
            results += future.result()
        built = [b for b in results if b is not None]
        careful = started.careful + [task[0] for task, b in zip(started.tasks, results, strict=True)
                                     if b is None]
        self._commit(built)
        for rel in careful:  # the one-at-a-time path names each such file's problem
            problem = self.mirror.ingest_file(rel, origin=self.origin)
            if problem:
                self.problems[rel] = problem
        return [b.rel for b in built] + careful

    def _commit(self, built: list[Built]) -> None:
        if not built:
            return
        self.repo.storage.create_many([(b.doc_id, b.snapshot) for b in built])
        self.repo.add_root_entries(
            {b.doc_id: {"path": b.rel, "kind": b.row.kind, "deleted": False, "rev": b.rev}
             for b in built}, self.origin)
        self.repo.created_many([b.doc_id for b in built], self.origin)
        index_rows(self.mirror, [b.mirrored for b in built])
        self.problems.update((b.rel, b.row.problem) for b in built if b.row.problem)


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



def scan(mirror: FileMirror, origin: Origin = ORIGIN_LOCAL,
     progress: Progress | None = None) -> ScanReport:
    """Bring documents and index up to date with the files (stat first, read only changes).

    New files are mirrored in bulk (`core.bulk`); `progress(done, total)` hears how far."""
    report = ScanReport()
    stamps = mirror.index.stamps()
    # Each file's stamp as its row keeps it (the stat results are not kept: they are most of
    # the memory, and so of the time, of a stat pass that finds nothing new).
    on_disk = {rel: (st.st_mtime_ns, st.st_size) for rel, st in mirror.walk()}
    for name in sorted(mirror.bad_names):
        report.problems[name] = (f"{name}: the file name is not valid UTF-8; left as it "
                                 "is, not mirrored (rename it to sync it)")
    # A file is looked at again when its mtime or its size differs from its row's, and is
    # gone when it has a row and no file; equal maps (one comparison) mean neither.
    changed: list[str] = []
    missing: list[str] = []
    if on_disk != stamps:
        changed = [p for p, stamp in on_disk.items() if stamps.get(p) != stamp]
        missing = [p for p in stamps if p not in on_disk]
    lagging = not mirror.defer_revs and mirror.dirty.ids()
    if not changed and not missing and not lagging:
        return report
    if lagging:
        mirror.fix_dirty_revs()
    known = mirror.index.stats()
    missing_by_sha: dict[str, list[str]] = {}
    for path in missing:
        if path in known:
            missing_by_sha.setdefault(known[path][2], []).append(path)
    fresh: list[str] = []
    for path in sorted(changed):
        if path not in known and missing_by_sha:
            data = mirror.read_small(path)
            old_paths = missing_by_sha.get(content_sha(data)) if data is not None else None
            if old_paths:
                old = old_paths.pop(0)
                mirror.move(old, path, origin)
                report.renamed.append((old, path))
                missing.remove(old)
                continue
        if path not in known and is_markdown(path) and path not in mirror.repo.root_path_map():
            fresh.append(path)  # nothing knows this file yet: built in bulk below
            continue
        problem = mirror.ingest_file(path, origin=origin)
        (report.changed if path in known else report.added).append(path)
        if problem:
            report.problems[path] = problem
    if len(fresh) < BULK_FROM:  # a few new files: one at a time, as an editor's save
        for path in fresh:
            problem = mirror.ingest_file(path, origin=origin)
            report.added.append(path)
            if problem:
                report.problems[path] = problem
    elif fresh:
        bulk = BulkIngest(mirror, origin, progress)
        report.added += bulk.run(fresh)
        report.problems.update(bulk.problems)
    for path in missing:
        mirror.remove(path, origin)
        report.removed.append(path)
    if len(report.added) + len(report.changed) >= BULK_CHANGES:
        mirror.index.optimize()
        mirror.repo.trim()
    mirror.notify(report.added + report.changed + report.removed
                + [new for _, new in report.renamed], origin)
    return report


def rebuild(mirror: FileMirror, doc_for: Mapping[str, str]) -> None:
    """Index every file again (the index was cleared), a batch per transaction.

    A Markdown file whose document the root index lists (`doc_for`: path → id) is merged
    into it (no change when they agree, as they do unless the file changed meanwhile) and
    its row, tasks and links are stored with its batch; any other file takes the
    one-at-a-time path, which names its problem."""
    batch: list[tuple[str, os.stat_result]] = []
    for entry in mirror.walk():
        batch.append(entry)
        if len(batch) >= BATCH:
            _rebuild_batch(mirror, batch, doc_for)
            batch = []
    _rebuild_batch(mirror, batch, doc_for)


def _rebuild_batch(mirror: FileMirror, batch: Sequence[tuple[str, os.stat_result]],
                   doc_for: Mapping[str, str]) -> None:
    rows: list[Mirrored] = []
    careful: list[tuple[str, str | None]] = []
    for rel, st in batch:
        doc_id = doc_for.get(rel)
        exists = bool(doc_id) and mirror.repo.exists(doc_id or "")
        text = None
        if exists and not is_attachment_path(rel) and stat_module.S_ISREG(st.st_mode) \
                and st.st_size <= MAX_MIRROR_BYTES:
            with contextlib.suppress(OSError):
                data = mirror.files.read(rel)
                if b"\0" not in data and len(data) <= MAX_MIRROR_BYTES:
                    with contextlib.suppress(UnicodeDecodeError):
                        text = data.decode("utf-8")
        if text is None or doc_id is None:
            careful.append((rel, doc_id if exists else None))
            continue
        parsed = storable(fileformat.split(text))
        mirror.apply_text(doc_id, parsed)
        rows.append(mirrored(rel, doc_id, parsed, st.st_mtime_ns, st.st_size,
                             content_sha(data)))
    index_rows(mirror, rows)
    for rel, adopted in careful:
        if adopted:
            mirror.adopt(rel, adopted)
        mirror.ingest_file(rel)


def index_rows(mirror: FileMirror, rows: Sequence[Mirrored]) -> None:
    """Store many mirrored files' (row, body, links, tasks): one index transaction, then one
    for their checkbox tasks and one for their links."""
    if not rows:
        return
    from solo.core.model.markdown import normalize_aliases

    with mirror.index.transaction() as index:
        index.prime([body for _, body, _, _ in rows])
        for row, body, _, _ in rows:
            index.upsert(row, body)
    # Their own connections to the same file: after the index transaction, not inside it.
    mirror.line_tasks.store_many((row.doc_id or "", row.sha, tasks) for row, _, _, tasks in rows)
    mirror.links.update_many(
        (row.path, links, normalize_aliases(row.fields.get("aliases")), row.title)
        for row, _, links, _ in rows)
