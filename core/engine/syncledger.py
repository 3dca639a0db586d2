"""`.solo/sync.sqlite`: per remote, the rev of each document both sides last agreed on.

Derived data: losing it costs one full exchange, never a change. So a damaged ledger is set
aside and started anew, and writes are not fsynced one by one (WAL with `synchronous=NORMAL`:
a power cut may forget the last agreements, which only makes the next sync check them again).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from solo.core.engine.doctor import quarantine

log = logging.getLogger(__name__)


class SyncLedger:
    """The agreement ledger of one vault (thread-safe: one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self.notice: str | None = None
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError as exc:
            # Derived data (forgetting it only costs one full exchange): set aside, start anew.
            moved = quarantine(path.parent, path)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    quarantine(path.parent, side)
            self.notice = f"{path}: {exc}; moved to {moved}, the next sync is a full one"
            log.warning(self.notice)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, check_same_thread=False, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # derived data: see the module's note
            db.execute("CREATE TABLE IF NOT EXISTS agreed (remote TEXT, doc_id TEXT, rev TEXT, "
                       "PRIMARY KEY (remote, doc_id))")
            db.execute("SELECT count(*) FROM agreed").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def agreed(self, remote: str) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT doc_id, rev FROM agreed WHERE remote = ?",
                                         (remote,)).fetchall())

    def set_agreed(self, remote: str, doc_id: str, rev: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO agreed VALUES (?, ?, ?)", (remote, doc_id, rev))

    def close(self) -> None:
        with self._lock:
            self._db.close()
