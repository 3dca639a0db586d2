"""A watchdog observer that feeds every editor's saves, renames and deletes into the vault, debounced.

Editors save in different ways (in place, temp file + rename, backup + rewrite), so events
are not interpreted one by one: the paths they touch are collected and, after a short
quiet period, each is ingested as it then is on disk. A rename whose source vanished and
whose destination is new keeps the item's identity. Solo's own writes come back as
events too; ingest compares content, so they cost a read and change nothing.

Only writes are subscribed to. Since watchdog 5, inotify also reports every open and every
close of a file that was only read; reacting to those turns each read (a `cat`, a `grep -r`,
Solo's own ingest) into another ingest, forever. The filter keeps them out of the kernel's
event mask altogether, so reads cost nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from solo.core.engine.events import ORIGIN_WATCHER
from solo.core.vault import SOLO_DIR, Vault

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.1

# Writes, renames and deletes; never `opened` or `closed_no_write` (see the module docstring).
WRITE_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileMovedEvent, FileDeletedEvent,
    DirCreatedEvent, DirMovedEvent, DirDeletedEvent,
]
_WRITE_EVENT_TYPES = frozenset(cls.event_type for cls in WRITE_EVENTS)


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: VaultWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _WRITE_EVENT_TYPES:  # backends that ignore the filter
            return
        if event.is_directory and event.event_type not in ("moved", "deleted"):
            return
        src = self._watcher.relative(event.src_path)
        dest = self._watcher.relative(getattr(event, "dest_path", "") or "")
        if event.event_type == "moved" and src and dest:
            self._watcher.touch(src, dest, moved=True, directory=event.is_directory)
        else:
            for path in (src, dest):
                if path:
                    self._watcher.touch(path, directory=event.is_directory)


class VaultWatcher:
    """Watches a vault folder and ingests what changes; `start()` / `stop()` or use `with`."""

    def __init__(self, vault: Vault, debounce: float = DEBOUNCE_SECONDS) -> None:
        self.vault = vault
        self.debounce = debounce
        self._pending: dict[str, None] = {}
        self._moves: list[tuple[str, str]] = []
        self._rescan = False
        self._last_event = 0.0
        self._cond = threading.Condition()
        self._stopping = False
        self._observer = Observer()
        self._observer.schedule(_Collector(self), str(vault.root), recursive=True,
                                event_filter=WRITE_EVENTS)
        self._thread = threading.Thread(target=self._run, name="solo-watch", daemon=True)
        self.errors: list[str] = []

    def relative(self, path: str | bytes) -> str | None:
        if isinstance(path, bytes):
            path = path.decode("utf-8", "surrogateescape")
        if not path:
            return None
        try:
            rel = Path(path).resolve().relative_to(self.vault.root).as_posix()
        except (ValueError, OSError):
            return None
        if rel == SOLO_DIR or rel.startswith(SOLO_DIR + "/"):
            return None
        return rel

    def touch(self, path: str, dest: str | None = None, moved: bool = False,
              directory: bool = False) -> None:
        with self._cond:
            if directory:
                self._rescan = True
            elif moved and dest:
                self._moves.append((path, dest))
            else:
                self._pending[path] = None
            self._last_event = time.monotonic()
            self._cond.notify()

    def start(self) -> VaultWatcher:
        self._observer.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)

    def __enter__(self) -> VaultWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not (self._pending or self._moves or self._rescan):
                    self._cond.wait()
                if self._stopping:
                    return
                quiet = time.monotonic() - self._last_event
                if quiet < self.debounce:
                    self._cond.wait(self.debounce - quiet)
                    continue
                paths, moves, rescan = list(self._pending), self._moves, self._rescan
                self._pending, self._moves, self._rescan = {}, [], False
            try:
                self._process(paths, moves, rescan)
            except Exception as exc:  # the watcher must outlive one bad batch
                log.exception("watcher batch failed")
                self.errors.append(str(exc))

    def _process(self, paths: list[str], moves: list[tuple[str, str]], rescan: bool) -> None:
        handled: set[str] = set()
        for old, new in moves:
            self.vault.moved(old, new, ORIGIN_WATCHER)
            handled.update((old, new))
        rest = [p for p in paths if p not in handled]
        if rest:
            self.vault.ingest(rest, ORIGIN_WATCHER)
        if rescan:
            self.vault.scan(ORIGIN_WATCHER)
