"""The derived SQLite index in `.solo/`: one row per vault file, item metadata, and FTS5 search.

Everything here can be rebuilt from the files and the CRDT store (`solo doctor`). Rows
hold what lists need (kind, title, status, dates, tags, the front matter as JSON) so
that nothing has to load a document or read a file to show a list.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solo.core.engine.gcpause import gc_paused
from solo.core.model.kinds import OPEN_TASK_STATUSES

if TYPE_CHECKING:
    from solo.core.model import ranking
    from solo.core.model.searchtext import Query

SCHEMA_VERSION = 8  # 8: `texts` keeps bodies only (titles and tags are the files table's)

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
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE VIEW IF NOT EXISTS fts_source AS
    SELECT t.id, f.title, solo_unzip(t.body) AS body, solo_words(f.tags) AS tags,
        solo_grams(f.title || ' ' || solo_unzip(t.body) || ' ' || solo_words(f.tags)) AS grams
    FROM texts t JOIN files f ON f.id = t.id;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tags, grams, content = 'fts_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', detail = column
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, 'col');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
# A query that can match more rows than this is ranked by `core.ranking`, not `ORDER BY rank`.
RANK_BOUND = 300
RANK_WEIGHTS = (5.0, 1.0, 2.0, 1.0)  # title, body, tags, grams: the table's `rank` setting


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
ZDICT_BYTES = 4 * 1024  # a bigger one compresses a little better and costs twice the time
PAGE_SIZE = 8192  # packs a vault's rows (a deflated body each) about 3% tighter than 4096
_JSON = (",", ":")  # tags and fields stored without the spaces json.dumps adds by default


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


def _grams(text: str) -> str:
    """`searchtext.grams`: the search text modules load with the first write or search (a
    list needs neither)."""
    from solo.core.model.searchtext import grams

    return grams(text)


def _words(tags: str | None) -> str:
    """A row's stored tags (JSON) as the search index reads them: one text, space-separated."""
    try:
        found = json.loads(tags or "[]")
    except ValueError:
        return ""
    return " ".join(str(t) for t in found) if isinstance(found, list) else ""


def _row(r: sqlite3.Row) -> Row:
    return Row(path=r["path"], doc_id=r["doc_id"], kind=r["kind"] or "note", title=r["title"] or "",
               status=r["status"], due=r["due"], scheduled=r["scheduled"], priority=r["priority"],
               tags=json.loads(r["tags"]), fields=json.loads(r["fields"]), private=bool(r["private"]),
               mtime_ns=r["mtime_ns"], size=r["size"], sha=r["sha"], problem=r["problem"])


_SELECT_ROWS = f"SELECT {_COLUMNS} FROM files"
_ROWS_AT_ONCE = 500
_TAGS, _FIELDS_AT = _FIELDS.index("tags"), _FIELDS.index("fields")


def _rows(found: Sequence[tuple[Any, ...]]) -> list[Row]:
    """Rows from `_SELECT_ROWS` tuples, built in bulk: every row's tags and fields are decoded
    by one `json.loads` of them all, and each `Row` is given its finished `__dict__` without
    its `__init__` (a frozen dataclass sets each field through `object.__setattr__`): under
    half the time per row at 10,000 rows, what every `solo list` pays. The values are
    exactly what `_row` gives."""
    if not found:
        return []
    decoded = iter(json.loads("[" + ",".join(f"{r[_TAGS]},{r[_FIELDS_AT]}" for r in found)
                              + "]"))
    new, set_dict = object.__new__, object.__setattr__
    out: list[Row] = []
    append = out.append
    for (path, doc_id, kind, title, status, due, scheduled, priority, _, _, private, mtime_ns,
         size, sha, problem), tags, fields in zip(found, decoded, decoded, strict=True):
        row = new(Row)
        set_dict(row, "__dict__", {
            "path": path, "doc_id": doc_id, "kind": kind or "note", "title": title or "",
            "status": status, "due": due, "scheduled": scheduled, "priority": priority,
            "tags": tags, "fields": fields, "private": bool(private), "mtime_ns": mtime_ns,
            "size": size, "sha": sha, "problem": problem})
        append(row)
    return out


def _fold(word: str) -> str:
    """A word as the tokenizer indexes it (lower case, diacritics removed)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Index:
    """Connection to `.solo/index.sqlite`; safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._closed = False
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lengths_cache: tuple[tuple[int, int], ranking.Lengths] | None = None
        self.packer = Packer()
        self._db.create_function("solo_unzip", 1, self.packer.unpack, deterministic=True)
        self._db.create_function("solo_grams", 1, _grams, deterministic=True)
        self._db.create_function("solo_words", 1, _words, deterministic=True)
        self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # (a new file only; WAL keeps it)
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
            self._db.execute("INSERT INTO fts(fts, rank) VALUES('rank', ?)",
                             (f"bm25({', '.join(str(w) for w in RANK_WEIGHTS)})",))
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
            before = self._db.execute("SELECT title, tags FROM files WHERE path = ?",
                                      (row.path,)).fetchone()
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
                 row.priority, json.dumps(row.tags, separators=_JSON),
                 json.dumps(row.fields, default=str, separators=_JSON),
                 int(row.private), row.mtime_ns, row.size, row.sha, row.problem)).fetchone()
            tags = " ".join(row.tags)
            if body is None and before is not None and (before[0], _words(before[1])) != (
                    row.title, tags):  # the words indexed follow the new title and tags
                body = self._drop_text(rowid, before)
            elif body is not None:
                self._drop_text(rowid, before)
            if body is not None:
                self._db.execute("INSERT INTO texts(id, body) VALUES (?,?)",
                                 (rowid, self.packer.pack(body)))
                self._db.execute("INSERT INTO fts(rowid, title, body, tags, grams) "
                                 "VALUES (?,?,?,?,?)", (rowid, row.title, body, tags,
                                                        _grams(f"{row.title} {body} {tags}")))

    def _drop_text(self, rowid: int, indexed: tuple[str, str] | None = None) -> str | None:
        """Take a row's words out of the search index and return its body: an
        external-content table is told exactly what it indexed, the body read back from
        `texts`, the title and tags from the row (`indexed`: their values before an update)."""
        found = self._db.execute("SELECT body FROM texts WHERE id = ?", (rowid,)).fetchone()
        if found is None:
            return None
        if indexed is None:
            indexed = self._db.execute("SELECT title, tags FROM files WHERE id = ?",
                                       (rowid,)).fetchone() or ("", "[]")
        title, tags = indexed[0] or "", _words(indexed[1])
        body = self.packer.unpack(found[0])
        self._db.execute("INSERT INTO fts(fts, rowid, title, body, tags, grams) "
                         "VALUES('delete', ?, ?, ?, ?, ?)",
                         (rowid, title, body, tags, _grams(f"{title} {body} {tags}")))
        self._db.execute("DELETE FROM texts WHERE id = ?", (rowid,))
        return body

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


    def stamps(self) -> dict[str, tuple[int, int]]:
        """path → (mtime_ns, size) for every known file: the scan's first look (no sha)."""
        with self._lock, gc_paused():
            return {path: (mtime_ns, size) for path, mtime_ns, size in
                    self._tuples("SELECT path, mtime_ns, size FROM files")}

    def stats(self) -> dict[str, tuple[int, int, str]]:
        """path → (mtime_ns, size, sha) for every known file: what the scan compares against."""
        with self._lock, gc_paused():
            return {path: (mtime_ns, size, sha) for path, mtime_ns, size, sha in
                    self._tuples("SELECT path, mtime_ns, size, sha FROM files")}

    def _tuples(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A query's rows as plain tuples (a `sqlite3.Row` costs more to make and to read)."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, args).fetchall()

    def by_path(self, path: str) -> Row | None:
        with self._lock:
            found = _rows(self._tuples(f"{_SELECT_ROWS} WHERE path = ?", (path,)))
            return found[0] if found else None

    def by_doc(self, doc_id: str) -> Row | None:
        with self._lock:
            found = _rows(self._tuples(f"{_SELECT_ROWS} WHERE doc_id = ?", (doc_id,)))
            return found[0] if found else None

    def doc_ids(self) -> set[str]:
        """Every document id that has a file row."""
        with self._lock:
            return {r[0] for r in self._db.execute(
                "SELECT doc_id FROM files WHERE doc_id IS NOT NULL")}

    def by_prefix(self, prefix: str) -> list[Row]:
        with self._lock:
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return _rows(self._tuples(f"{_SELECT_ROWS} WHERE doc_id LIKE ? ESCAPE '\\' LIMIT 5",
                                      (escaped + "%",)))

    def rows(self, kind: str | None = None, statuses: Sequence[str] | None = None,
             tag: str | None = None, where: Mapping[str, str] | None = None, *,
             open_tasks: bool = False) -> list[Row]:
        """Rows filtered by kind, status and tag, ordered by path; `open_tasks`: without the
        tasks whose status is a closed one (a row's `status` is its front matter's status
        whenever that is text, so these are exactly tasks `is_open_task` calls closed)."""
        sql = f"{_SELECT_ROWS} WHERE 1=1"
        args: list[Any] = []
        if open_tasks:
            sql += (" AND NOT (kind = 'task' AND status IS NOT NULL AND status NOT IN "
                    f"({','.join('?' * len(OPEN_TASK_STATUSES))}))")
            args += list(OPEN_TASK_STATUSES)
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
        with self._lock, gc_paused():
            # Built a few hundred at a time: the tuples of one batch are freed before the next
            # is read, so the rows reuse their memory (a tenth fewer pages touched in all).
            cursor = self._db.cursor()
            cursor.row_factory = None
            cursor.execute(sql, args)
            rows: list[Row] = []
            while found := cursor.fetchmany(_ROWS_AT_ONCE):
                rows += _rows(found)
            return rows

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM files").fetchone()[0])

    def search(self, text: str, limit: int = 20, any_term: bool = False) -> list[Hit]:
        """BM25-ranked matches (title weighted above body) with a snippet each.

        A query that can match more than `RANK_BOUND` rows (a word in nearly every note) is
        ranked by `core.ranking` from the index's statistics, with the same scores SQLite's
        `ORDER BY rank` gives, without calling the rank function once per row."""
        from solo.core.model.searchtext import parse_query

        query = parse_query(text, any_term)
        if not query.expression:
            return []
        with self._lock:
            try:
                return self._search(query, text, limit, any_term)
            except sqlite3.OperationalError:
                return []

    def _search(self, query: Query, text: str, limit: int, any_term: bool) -> list[Hit]:
        from solo.core.model import ranking
        from solo.core.model.searchtext import (
            grams,
            holds_literals,
            is_word,
            snippet_around,
            tokens,
        )

        words = tokens(text)
        plain = all(is_word(part) for part in text.split()) and not any(
            grams(word) for word in words)
        wanted = limit * 4 if query.literals else limit  # literal words filter some out
        expression = query.expression
        if not plain or self._frequency([_fold(w) for w in words], any_term) <= RANK_BOUND:
            ranked = self._ranked(query.expression, wanted)
        else:  # plain words in nearly every note: ranked from the index's statistics
            phrases = [f'"{w}"' for w in words]
            phrases[-1] += "*"
            ranked = ranking.top(self._db, "fts", ("title", "body", "tags"), RANK_WEIGHTS[:3],
                                 phrases, self._lengths(), wanted, any_term)
            if self._only_term(_fold(words[-1])):
                # The last word, as a prefix, names no other word of the index: the same
                # query without the prefix matches and marks the same words, and spares
                # each snippet lookup below expanding the prefix (7 times the cost).
                expression = (" OR " if any_term else " AND ").join(f'"{w}"' for w in words)
        hits = []
        for rowid, score in ranked:  # snippets for the kept rows only, one lookup each
            found = self._db.execute(
                "SELECT files.*, snippet(fts, 1, '[', ']', '…', 12) AS snip, texts.body AS packed "
                "FROM fts JOIN files ON files.id = fts.rowid JOIN texts ON texts.id = fts.rowid "
                "WHERE fts MATCH ? AND fts.rowid = ?", (expression, rowid)).fetchone()
            body = self.packer.unpack(found["packed"]) if found is not None else ""
            if found is None or not holds_literals(query, found["title"] or "", body,
                                                    _words(found["tags"])):
                continue
            around = snippet_around(body, query.literals[0]) if query.literals else None
            hits.append(Hit(row=_row(found), snippet=around or found["snip"] or "",
                            score=score))
            if len(hits) == limit:
                break
        return hits

    def _lengths(self) -> ranking.Lengths:
        """Row lengths for `core.ranking`, read again only after the index changed."""
        from solo.core.model import ranking

        key = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        if self._lengths_cache is None or self._lengths_cache[0] != key:
            self._lengths_cache = (key, ranking.Lengths(self._db, "fts"))
        return self._lengths_cache[1]

    def _ranked(self, query: str, limit: int, where: str = "",
                *args: Any) -> list[tuple[int, float]]:
        return [(r[0], float(r[1])) for r in self._db.execute(
            f"SELECT rowid, rank FROM fts WHERE fts MATCH ? {where} ORDER BY rank LIMIT ?",
            (query, *args, limit))]

    def _only_term(self, prefix: str) -> bool:
        """True when the only word of the index that starts with `prefix` is `prefix`."""
        found = [t for (t,) in self._db.execute(
            "SELECT DISTINCT term FROM fts_terms WHERE term >= ?1 AND term < ?2 LIMIT 2",
            (prefix, prefix + "\U0010ffff"))]
        return found == [prefix]

    def _frequency(self, words: Sequence[str], any_term: bool) -> int:
        """How many rows the query can match at most, from the index's term statistics
        (the last word is a prefix)."""
        counts: list[int] = []
        for position, word in enumerate(words):
            last = position == len(words) - 1
            condition = "term >= ?1 AND term < ?2" if last else "term = ?1"
            (total,) = self._db.execute(
                f"SELECT coalesce(sum(doc), 0) FROM fts_terms WHERE {condition}",
                (word, word + "\U0010ffff") if last else (word,)).fetchone()
            counts.append(int(total))
        if not counts:
            return 0
        return sum(counts) if any_term else min(counts)


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
