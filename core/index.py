"""The derived SQLite index in `.solo/`: one row per vault file, item metadata, and FTS5 search.

Everything here can be rebuilt from the files and the CRDT store (`solo doctor`). Rows
hold what lists need (kind, title, status, dates, tags, the front matter as JSON) so
that nothing has to load a document or read a file to show a list.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    doc_id TEXT UNIQUE,
    kind TEXT, title TEXT, status TEXT, due TEXT, scheduled TEXT, priority TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    fields TEXT NOT NULL DEFAULT '{}',
    private INTEGER NOT NULL DEFAULT 0,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, sha TEXT NOT NULL,
    problem TEXT
);
CREATE INDEX IF NOT EXISTS files_kind ON files(kind, status);
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
    body BLOB NOT NULL, tags TEXT NOT NULL);
CREATE VIEW IF NOT EXISTS fts_source AS
    SELECT id, title, solo_unzip(body) AS body, tags FROM texts;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tags, content = 'fts_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', detail = column
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, 'col');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
# A query matching more rows than this ranks a bounded candidate set: the newest matches
# and every title or tag match (see `Index.search`).
RANK_BOUND = 1500


@dataclass(frozen=True)
class Row:
    """One vault file as the index knows it."""

    path: str
    doc_id: str | None
    kind: str
    title: str
    status: str | None
    due: str | None
    scheduled: str | None
    priority: str | None
    tags: list[str]
    fields: dict[str, Any]
    private: bool
    mtime_ns: int
    size: int
    sha: str
    problem: str | None

    @property
    def short_id(self) -> str:
        return short_id(self.doc_id) if self.doc_id else ""


@dataclass(frozen=True)
class Hit:
    """A search result: the row, a snippet with the match, and its BM25 score (lower is better)."""

    row: Row
    snippet: str
    score: float


SHORT_ID_LENGTH = 8
_FIELDS = ("path", "doc_id", "kind", "title", "status", "due", "scheduled", "priority", "tags",
           "fields", "private", "mtime_ns", "size", "sha", "problem")
_COLUMNS = ", ".join(_FIELDS)
_UPDATES = ", ".join(f"{f} = excluded.{f}" for f in _FIELDS[1:])


_PLAIN, _PRIMED = b"\0", b"\1"
ZDICT_BYTES = 16 * 1024


class Packer:
    """Bodies as `texts` keeps them: deflated, with a dictionary primed from the vault's own
    first notes once there is one (small notes compress about a third better with it)."""

    def __init__(self, zdict: bytes | None = None) -> None:
        self.zdict = zdict

    def pack(self, text: str) -> bytes:
        data = text.encode("utf-8")
        if self.zdict is None:
            return _PLAIN + zlib.compress(data, 6)
        packer = zlib.compressobj(6, zdict=self.zdict)
        return _PRIMED + packer.compress(data) + packer.flush()

    def unpack(self, data: bytes | str | None) -> str:
        if data is None:
            return ""
        if isinstance(data, str):
            return data
        if data[:1] == _PRIMED and self.zdict is not None:
            unpacker = zlib.decompressobj(zdict=self.zdict)
            return (unpacker.decompress(data[1:]) + unpacker.flush()).decode("utf-8")
        return zlib.decompress(data[1:]).decode("utf-8")


def sample_dictionary(bodies: Sequence[str]) -> bytes:
    """A deflate dictionary from sample text: its most common stretches sit at the end."""
    joined = "\n".join(bodies).encode("utf-8")
    return joined[-ZDICT_BYTES:]


def short_id(doc_id: str) -> str:
    return doc_id[:SHORT_ID_LENGTH]


def _row(r: sqlite3.Row) -> Row:
    return Row(path=r["path"], doc_id=r["doc_id"], kind=r["kind"] or "note", title=r["title"] or "",
               status=r["status"], due=r["due"], scheduled=r["scheduled"], priority=r["priority"],
               tags=json.loads(r["tags"]), fields=json.loads(r["fields"]), private=bool(r["private"]),
               mtime_ns=r["mtime_ns"], size=r["size"], sha=r["sha"], problem=r["problem"])


_FTS_WORD = re.compile(r"\w+", re.UNICODE)


def _fold(word: str) -> str:
    """A word as the tokenizer indexes it (lower case, diacritics removed)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fts_query(text: str, any_term: bool = False) -> str:
    """A safe FTS5 query for free text: every word quoted, prefix match on the last one."""
    words = _FTS_WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return (" OR " if any_term else " ").join(quoted)


class Index:
    """Connection to `.solo/index.sqlite`; safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._closed = False
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self.packer = Packer()
        self._db.create_function("solo_unzip", 1, self.packer.unpack, deterministic=True)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        self.rebuilt = version != SCHEMA_VERSION
        if version not in (0, SCHEMA_VERSION):
            self._db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS fts;"
                                   "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS texts;"
                                   "DROP VIEW IF EXISTS fts_source; DROP TABLE IF EXISTS fts_terms;")
        self._db.executescript(_SCHEMA)
        if self.rebuilt:
            # Title matches weigh most, then tags, then body; `ORDER BY rank` uses these
            # weights and runs about twice as fast as ordering by a bm25() expression.
            self._db.execute("INSERT INTO fts(fts, rank) VALUES('rank', 'bm25(5.0, 1.0, 2.0)')")
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        found = self._db.execute("SELECT value FROM meta WHERE key = 'zdict'").fetchone()
        if found is not None:
            self.packer.zdict = bytes.fromhex(found[0])

    def prime(self, bodies: Sequence[str]) -> None:
        """Give the body compressor a dictionary from these sample bodies, once per index
        (a bulk ingest calls it with its first batch); kept for as long as the index."""
        with self._lock:
            if self.packer.zdict is not None or sum(map(len, bodies)) < ZDICT_BYTES:
                return
            zdict = sample_dictionary(bodies)
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('zdict', ?)",
                             (zdict.hex(),))
            self.packer.zdict = zdict

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # another process is reading; its close will checkpoint
            self._db.close()

    # --- writing ----------------------------------------------------------------------
    def transaction(self) -> _Tx:
        return _Tx(self)

    def upsert(self, row: Row, body: str | None) -> None:
        """Store a file's row; `body` (when given) replaces its full-text entry."""
        with self._lock:
            if row.doc_id:
                for (other,) in self._db.execute(
                        "SELECT id FROM files WHERE doc_id = ? AND path != ?",
                        (row.doc_id, row.path)).fetchall():
                    self._drop_text(other)
                self._db.execute("DELETE FROM files WHERE doc_id = ? AND path != ?",
                                 (row.doc_id, row.path))
            (rowid,) = self._db.execute(
                f"INSERT INTO files({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                f"ON CONFLICT(path) DO UPDATE SET {_UPDATES} RETURNING id",
                (row.path, row.doc_id, row.kind, row.title, row.status, row.due, row.scheduled,
                 row.priority, json.dumps(row.tags), json.dumps(row.fields, default=str),
                 int(row.private), row.mtime_ns, row.size, row.sha, row.problem)).fetchone()
            if body is not None:
                self._drop_text(rowid)
                tags = " ".join(row.tags)
                self._db.execute("INSERT INTO texts(id, title, body, tags) VALUES (?,?,?,?)",
                                 (rowid, row.title, self.packer.pack(body), tags))
                self._db.execute("INSERT INTO fts(rowid, title, body, tags) VALUES (?,?,?,?)",
                                 (rowid, row.title, body, tags))

    def _drop_text(self, rowid: int) -> None:
        """Take a row's words out of the search index: an external-content table is told
        exactly what it indexed, read back from `texts`."""
        old = self._db.execute("SELECT title, body, tags FROM texts WHERE id = ?",
                               (rowid,)).fetchone()
        if old is not None:
            self._db.execute("INSERT INTO fts(fts, rowid, title, body, tags) "
                             "VALUES('delete', ?, ?, ?, ?)",
                             (rowid, old[0], self.packer.unpack(old[1]), old[2]))
            self._db.execute("DELETE FROM texts WHERE id = ?", (rowid,))

    def touch(self, path: str, mtime_ns: int, size: int) -> None:
        with self._lock:
            self._db.execute("UPDATE files SET mtime_ns = ?, size = ? WHERE path = ?",
                             (mtime_ns, size, path))

    def remove(self, path: str) -> None:
        with self._lock:
            for (rowid,) in self._db.execute("SELECT id FROM files WHERE path = ?",
                                             (path,)).fetchall():
                self._drop_text(rowid)
            self._db.execute("DELETE FROM files WHERE path = ?", (path,))

    def move(self, old: str, new: str) -> None:
        """Rename a row in place; its full-text entry follows by rowid."""
        with self._lock:
            if old == new:
                return
            self.remove(new)
            self._db.execute("UPDATE files SET path = ? WHERE path = ?", (new, old))

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM files")
            self._db.execute("DELETE FROM texts")
            self._db.execute("INSERT INTO fts(fts) VALUES('delete-all')")

    def optimize(self) -> None:
        """Merge the full-text index's segments and reclaim free pages (after bulk changes)."""
        with self._lock:
            self._db.execute("INSERT INTO fts(fts) VALUES('optimize')")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")


    def stats(self) -> dict[str, tuple[int, int, str]]:
        """path → (mtime_ns, size, sha) for every known file: what the scan compares against."""
        with self._lock:
            return {r[0]: (r[1], r[2], r[3]) for r in
                    self._db.execute("SELECT path, mtime_ns, size, sha FROM files")}

    def by_path(self, path: str) -> Row | None:
        with self._lock:
            r = self._db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
            return _row(r) if r else None

    def by_doc(self, doc_id: str) -> Row | None:
        with self._lock:
            r = self._db.execute("SELECT * FROM files WHERE doc_id = ?", (doc_id,)).fetchone()
            return _row(r) if r else None

    def doc_ids(self) -> set[str]:
        """Every document id that has a file row."""
        with self._lock:
            return {r[0] for r in self._db.execute(
                "SELECT doc_id FROM files WHERE doc_id IS NOT NULL")}

    def by_prefix(self, prefix: str) -> list[Row]:
        with self._lock:
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return [_row(r) for r in self._db.execute(
                "SELECT * FROM files WHERE doc_id LIKE ? ESCAPE '\\' LIMIT 5", (escaped + "%",))]

    def rows(self, kind: str | None = None, statuses: Sequence[str] | None = None,
             tag: str | None = None, where: Mapping[str, str] | None = None) -> list[Row]:
        """Rows filtered by kind, status and tag, ordered by path."""
        sql = "SELECT * FROM files WHERE 1=1"
        args: list[Any] = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            args += list(statuses)
        if tag:
            sql += " AND EXISTS (SELECT 1 FROM json_each(files.tags) WHERE value = ?)"
            args.append(tag)
        for key, value in (where or {}).items():
            sql += " AND json_extract(fields, ?) = ?"
            args += [f'$."{key}"', value]
        sql += " ORDER BY path"
        with self._lock:
            return [_row(r) for r in self._db.execute(sql, args)]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM files").fetchone()[0])

    def search(self, text: str, limit: int = 20, any_term: bool = False) -> list[Hit]:
        """BM25-ranked matches (title weighted above body) with a snippet each.

        A query that matches a few thousand notes (a word in nearly every one) ranks a
        bounded candidate set instead of every match: the newest `RANK_BOUND` matches, plus
        every match in a title or tags when those are few. BM25 scores do not depend on the
        candidate set, so the hits are ordered exactly as the full ranking orders them."""
        query = fts_query(text, any_term)
        if not query:
            return []
        with self._lock:
            try:
                return self._search(query, text, limit, any_term)
            except sqlite3.OperationalError:
                return []

    def _search(self, query: str, text: str, limit: int, any_term: bool) -> list[Hit]:
        words = [_fold(w) for w in _FTS_WORD.findall(text)]
        body_docs, head_docs = self._frequency(words, any_term)
        if body_docs <= RANK_BOUND:
            ranked = self._ranked(query, limit)
        else:
            (cut,) = self._db.execute(
                "SELECT min(rowid) FROM (SELECT rowid FROM fts WHERE fts MATCH ? "
                "ORDER BY rowid DESC LIMIT ?)", (query, RANK_BOUND)).fetchone()
            ranked = self._ranked(query, limit, "AND rowid >= ?", cut)
            if head_docs <= RANK_BOUND:
                ranked += self._ranked(f"{{title tags}} : ({query})", limit, "AND rowid < ?", cut)
            ranked = sorted(ranked, key=lambda hit: hit[1])[:limit]
        if not ranked:
            return []
        scores = dict(ranked)
        marks = ",".join("?" * len(scores))
        found = self._db.execute(
            f"SELECT files.*, snippet(fts, 1, '[', ']', '…', 12) AS snip FROM fts "
            f"JOIN files ON files.id = fts.rowid WHERE fts MATCH ? AND fts.rowid IN ({marks})",
            (query, *scores)).fetchall()
        hits = [Hit(row=_row(r), snippet=r["snip"] or "", score=scores[r["id"]]) for r in found]
        return sorted(hits, key=lambda hit: hit.score)

    def _ranked(self, query: str, limit: int, where: str = "",
                *args: Any) -> list[tuple[int, float]]:
        return [(r[0], float(r[1])) for r in self._db.execute(
            f"SELECT rowid, rank FROM fts WHERE fts MATCH ? {where} ORDER BY rank LIMIT ?",
            (query, *args, limit))]

    def _frequency(self, words: Sequence[str], any_term: bool) -> tuple[int, int]:
        """How many rows the query can match at most, and how many in titles or tags
        (from the index's term statistics; the last word is a prefix)."""
        body: list[int] = []
        head: list[int] = []
        for position, word in enumerate(words):
            last = position == len(words) - 1
            condition = "term >= ?1 AND term < ?2" if last else "term = ?1"
            total, titled = self._db.execute(
                "SELECT coalesce(sum(doc), 0), coalesce(sum(CASE WHEN col != 'body' THEN doc "
                f"END), 0) FROM fts_terms WHERE {condition}",
                (word, word + "\U0010ffff") if last else (word,)).fetchone()
            body.append(int(total))
            head.append(int(titled))
        if not body:
            return 0, 0
        return (sum(body), sum(head)) if any_term else (min(body), min(head))


class _Tx:
    """`with index.transaction():` groups writes into one SQLite transaction."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __enter__(self) -> Index:
        self._index._lock.acquire()
        self._index._db.execute("BEGIN IMMEDIATE")
        return self._index

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._index._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._index._lock.release()
