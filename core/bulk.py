"""Bulk ingest: many new files mirrored at once, documents built on every core, one commit per batch.

A first ingest (`solo init` over an existing folder, an index rebuild, a large `git pull`)
reads each new file once in this process (through `VaultFiles`), builds its document in a
worker process (the binding inserts text one code point per call, so this is CPU work), and
commits a batch at a time, in this order:

1. the batch's snapshots, written without fsync, then made durable by one file-system sync;
2. one durable change to the root index listing every document of the batch;
3. one SQLite transaction with the batch's index rows.

A process killed anywhere in between leaves each file either fully mirrored (steps 1–3 done)
or without an index row; the next scan ingests such a file again, and when step 2 had
happened it reuses the document the root index already lists for its path (see
`FileMirror.ingest_file`), so no item's identity forks. Snapshots written before a kill and
never listed are unreachable leftovers, never a user's only copy of anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import stat as stat_module
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from solo.core import fileformat
from solo.core.crdt import CrdtError, new_actor_id
from solo.core.docform import MAX_MIRROR_BYTES, content_sha, make_row, new_file_bytes, storable
from solo.core.docrepo import heads_rev
from solo.core.events import ORIGIN_LOCAL, Origin
from solo.core.ids import new_document_id
from solo.core.index import Row
from solo.core.markdown import normalize_aliases

if TYPE_CHECKING:
    from solo.core.mirror import FileMirror

Progress = Callable[[int, int], None]
"""`progress(done, total)`: called after every committed batch (and once at the start)."""

BULK_FROM = 32  # a scan that finds fewer new files ingests them one at a time
BATCH = 256  # files per commit
PARALLEL_FROM = 200  # fewer new files than this are built here, without worker processes
_CHUNK = 32  # files per task sent to a worker


@dataclass(frozen=True)
class Built:
    """A new file's document and index row, ready to commit."""

    rel: str
    doc_id: str
    snapshot: bytes
    rev: str
    row: Row
    head: str
    body: str


Task = tuple[str, bytes, int, int]  # rel, bytes read, mtime_ns, size


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
    row = make_row(rel, doc_id, parsed, mtime_ns, size, content_sha(data))
    return Built(rel, doc_id, snapshot, heads_rev([head]), row, parsed.head, parsed.body)


@dataclass
class Started:
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
    if sys.platform.startswith("linux"):
        name = ctypes.util.find_library("c")
        if name:
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(name).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
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
        with self.mirror.index.transaction() as index:
            index.prime([b.body for b in built])
            for b in built:
                index.upsert(b.row, b.body)
                if b.row.problem:
                    self.problems[b.rel] = b.row.problem
        # Their own connections to the same file: after the index transaction, not inside it.
        self.mirror.line_tasks.record_many((b.doc_id, b.row.sha, b.head, b.body) for b in built)
        self.mirror.links.update_many(
            (b.rel, b.body, b.head.count("\n") + 1,
             normalize_aliases(b.row.fields.get("aliases")), b.row.title) for b in built)
