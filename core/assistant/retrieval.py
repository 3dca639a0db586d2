"""Passage retrieval for the assistant: a chunk-level FTS index in `.solo/assistant.sqlite`, BM25
with question-aware queries, optional vectors, reciprocal rank fusion; private items never enter."""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from solo.core.assistant.chunks import Chunk, describe_fields, field_text, is_private, split_body
from solo.core.engine.index import Row
from solo.core.model.links import field_refs, link_stem, stem_of, wikilinks

if TYPE_CHECKING:
    from solo.core.vault import Vault

SCHEMA_VERSION = 4
DB_NAME = "assistant.sqlite"
RRF_K = 60
LINK_PRIOR = 0.2
"""How much being linked to raises a passage's BM25 score (times the log of 1 + in-links)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    path TEXT PRIMARY KEY, sha TEXT NOT NULL, private INTEGER NOT NULL,
    title TEXT NOT NULL, kind TEXT NOT NULL, facts TEXT NOT NULL, stem TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_stem ON docs(stem);
CREATE TABLE IF NOT EXISTS links (src TEXT NOT NULL, target TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS links_src ON links(src);
CREATE INDEX IF NOT EXISTS links_target ON links(target);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL, text TEXT NOT NULL, hash TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '', facts TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT ''
);
CREATE VIEW IF NOT EXISTS chunk_source AS
    SELECT id, title, heading, text AS body, facts, tags FROM chunks;
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(hash);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    title, heading, body, facts, tags, content = 'chunk_source', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS vectors (
    hash TEXT NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL,
    pos BLOB NOT NULL, neg BLOB NOT NULL, PRIMARY KEY (hash, model)
);
"""

# Column weights for bm25(): title, heading, body, facts (front matter), tags.
_WEIGHTS = (6.0, 2.5, 1.0, 2.0, 3.0)

# Words that carry no topic in a question to one's own notes.
STOP_WORDS = frozenset("""
a about above after again all also am an and any are as at be been before being below
between both but by can could did do does doing done down during each either else ever
few for from further get gets got had has have having he her here hers him his how i if
in into is it its itself just know let like made make many me might mine more most much
must my myself need no nor not now of off on once only or other our out over own please
quite rather really same say says shall she should so some such tell than that the their
them then there these they this those through to too under until up upon us very want
was we were what whats when whenever where which while who whom whose why will with
within would yes yet you your yours
""".split())

_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(question: str) -> list[str]:
    """The words of a question worth searching for: no stop words, no duplicates, kept in order."""
    words = [w.lower() for w in _WORD.findall(question)]
    terms = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    if not terms:
        terms = [w for w in words if len(w) > 2]
    return list(dict.fromkeys(terms))


def fts_match(terms: Sequence[str]) -> str:
    """An FTS5 query that matches any term (BM25 ranks chunks holding more of them higher)."""
    return " OR ".join(f'"{t}"' for t in terms)


@dataclass(frozen=True)
class Passage:
    """A piece of the vault that may be shown to the model, with where it comes from."""

    path: str
    title: str
    heading: str
    text: str
    facts: str = ""
    """The item's front matter as one line (dates, status, ...)."""
    chunk_id: int | None = None
    score: float = 0.0
    origin: str = "text"
    """"text" (retrieved), "fact" (structured question), "tool" (found through a tool call)."""

    def render(self, limit: int = 1500) -> str:
        head = f"{self.title} — {self.heading}" if self.heading and self.heading != self.title \
            else self.title
        body = self.text if len(self.text) <= limit else self.text[:limit].rstrip() + " …"
        parts = [f"{head} ({self.path})"]
        if self.facts:
            parts.append(f"[{self.facts}]")
        if body:
            parts.append(body)
        return "\n".join(parts)


@dataclass
class SyncReport:
    """What one sync of the chunk index did."""

    indexed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def chunk_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class ChunkIndex:
    """`.solo/assistant.sqlite`: chunks of every non-private item, their FTS entries and vectors.

    Derived and rebuildable: `sync()` compares each index row's sha with what was chunked and
    redoes only what changed; `vault.on_change` marks paths dirty and `refresh()` (run before each
    retrieval) handles them. Thread-safe.
    """

    def __init__(self, vault: Vault, path: Path | None = None) -> None:
        self.vault = vault
        self.path = path or vault.solo_dir / DB_NAME
        self._lock = threading.RLock()
        self._dirty: set[str] = set()
        self._listeners: list[threading.Event] = []
        self.generation = 0
        """Bumped whenever chunks change (vector caches compare it)."""
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            self._db.executescript("DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS chunks; "
                                   "DROP TABLE IF EXISTS chunk_fts; DROP TABLE IF EXISTS vectors; "
                                   "DROP TABLE IF EXISTS links; DROP VIEW IF EXISTS chunk_source;")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._unsubscribe = vault.on_change(self._changed)

    def close(self) -> None:
        self._unsubscribe()
        with self._lock:
            self._db.close()

    def add_change_event(self, event: threading.Event) -> None:
        """Set `event` whenever chunks change (the embedding indexer waits on it)."""
        self._listeners.append(event)

    @property
    def private_folders(self) -> list[str]:
        return list(self.vault.config.assistant.private_folders)

    # --- keeping current ------------------------------------------------------------------
    def _changed(self, paths: list[str]) -> None:
        with self._lock:
            self._dirty.update(paths)
        for event in self._listeners:
            event.set()

    def refresh(self) -> SyncReport:
        """Re-chunk the paths `vault.on_change` reported since the last call."""
        with self._lock:
            paths, self._dirty = sorted(self._dirty), set()
        report = SyncReport()
        known = self._known() if paths else {}
        for path in paths:
            row = self.vault.index.by_path(path)
            if row is None:
                self._drop(path)
                report.removed.append(path)
            elif self._update_row(row, known.get(path)):
                report.indexed.append(path)
        if paths:
            self._bump()
        return report

    def sync(self) -> SyncReport:
        """Bring the chunk index up to date with the vault index (cheap when nothing changed)."""
        report = SyncReport()
        known = self._known()
        rows = self.vault.rows()
        live = {r.path for r in rows}
        for path in known:
            if path not in live:
                self._drop(path)
                report.removed.append(path)
        for row in rows:
            if self._update_row(row, known.get(row.path)):
                report.indexed.append(row.path)
        with self._lock:
            self._dirty.clear()
        if report.indexed or report.removed:
            self._bump()
        return report

    def _known(self) -> dict[str, tuple[str, bool]]:
        with self._lock:
            return {p: (s, bool(priv)) for p, s, priv in
                    self._db.execute("SELECT path, sha, private FROM docs")}

    def _bump(self) -> None:
        with self._lock:
            # Vectors of text no chunk holds any more (edited, deleted, now private) go too.
            self._db.execute("DELETE FROM vectors WHERE hash NOT IN (SELECT hash FROM chunks)")
            self.generation += 1
        for event in self._listeners:
            event.set()

    def _update_row(self, row: Row, known: tuple[str, bool] | None) -> bool:
        """Re-chunk one item when its sha or privacy changed. Returns True when it did work."""
        private = is_private(row, self.private_folders)
        if known is not None and known == (row.sha, private) and not row.problem:
            return False
        text = body = None
        if not private:
            try:
                item = self.vault.read(row)
                text, body = item.head + item.body, item.body
            except Exception:  # noqa: BLE001 - a vanished or unreadable file is dropped, not fatal
                self._drop(row.path)
                return True
            private = is_private(row, self.private_folders, text)
        if known is not None and known == (row.sha, private):
            return False
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._delete_chunks(row.path)
                facts = describe_fields(row)
                self._db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?)",
                                 (row.path, row.sha, int(private), row.title, row.kind,
                                  "" if private else facts, stem_of(row.path).casefold()))
                if not private and body is not None:
                    self._insert_chunks(row, body, facts)
                    # In-links count per file stem: `[[Plugins/Canvas]]` and `[[Canvas.md]]`
                    # both point at the stem "canvas".
                    targets = {link_stem(t) for t in wikilinks(body)}
                    targets.update(ref.casefold() for _, ref in field_refs(row.kind, row.fields))
                    self._db.executemany("INSERT INTO links VALUES (?, ?)",
                                         [(row.path, t) for t in sorted(targets)])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return True

    def _insert_chunks(self, row: Row, body: str, facts: str) -> None:
        chunks = split_body(body, row.title) or []
        if not chunks:
            chunks = [Chunk(ordinal=0, heading="", text="")]
        tags = " ".join(row.tags)
        searchable_facts = f"{facts} {field_text(row.fields)}"
        for chunk in chunks:
            embed_text = f"{row.title}\n{chunk.heading}\n{chunk.text}".strip()
            # Front matter is searchable through the first chunk only, so one long item
            # does not flood the results with copies of its dates and tags.
            first = chunk.ordinal == 0
            values = (row.title, chunk.heading, chunk.text, searchable_facts if first else "",
                      tags if first else "")
            cursor = self._db.execute(
                "INSERT INTO chunks(path, ordinal, heading, text, hash, title, facts, tags) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (row.path, chunk.ordinal, chunk.heading, chunk.text, chunk_hash(embed_text),
                 values[0], values[3], values[4]))
            # The words are kept once, in `chunks`: the search table indexes them by rowid.
            self._db.execute(
                "INSERT INTO chunk_fts(rowid, title, heading, body, facts, tags) "
                "VALUES (?,?,?,?,?,?)", (cursor.lastrowid, *values))

    def _delete_chunks(self, path: str) -> None:
        # An external-content table is told exactly what it indexed, read back from `chunks`.
        self._db.execute("INSERT INTO chunk_fts(chunk_fts, rowid, title, heading, body, facts, "
                         "tags) SELECT 'delete', id, title, heading, text, facts, tags "
                         "FROM chunks WHERE path = ?", (path,))
        self._db.execute("DELETE FROM chunks WHERE path = ?", (path,))
        self._db.execute("DELETE FROM links WHERE src = ?", (path,))

    def _drop(self, path: str) -> None:
        with self._lock:
            self._delete_chunks(path)
            self._db.execute("DELETE FROM docs WHERE path = ?", (path,))

    def rebuild(self) -> SyncReport:
        """Forget everything derived (vectors kept: they are keyed by text) and sync again."""
        with self._lock:
            self._db.executescript("DELETE FROM docs; DELETE FROM chunks; "
                                   "INSERT INTO chunk_fts(chunk_fts) VALUES('delete-all'); "
                                   "DELETE FROM links;")
        return self.sync()

    # --- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def search(self, question: str, limit: int = 20) -> list[Passage]:
        """BM25-ranked passages for a question (best first), nudged towards items that other
        items link to (a wikilink or a reference counts as a vote: canonical items rank higher)."""
        terms = query_terms(question)
        if not terms:
            return []
        # Rank in FTS alone first: the joins and the link count run for `depth` rows only.
        sql = ("WITH top AS (SELECT rowid AS id, "
               f"bm25(chunk_fts, {', '.join(str(w) for w in _WEIGHTS)}) AS score "
               "FROM chunk_fts WHERE chunk_fts MATCH ? ORDER BY score LIMIT ?) "
               "SELECT c.id, c.path, c.heading, c.text, d.title, d.facts, top.score, "
               "(SELECT count(DISTINCT l.src) FROM links l WHERE l.target = d.stem "
               "AND l.src != d.path) AS votes "
               "FROM top JOIN chunks c ON c.id = top.id JOIN docs d ON d.path = c.path "
               "WHERE d.private = 0")
        with self._lock:
            try:
                rows = self._db.execute(sql, (fts_match(terms), max(limit, 50))).fetchall()
            except sqlite3.OperationalError:
                return []
        found = [Passage(path=r[1], title=r[4], heading=r[2], text=r[3], facts=r[5],
                         chunk_id=r[0], score=-float(r[6]) * (1 + LINK_PRIOR * math.log1p(r[7])))
                 for r in rows]
        found.sort(key=lambda p: -p.score)
        return found[:limit]

    def passages(self, chunk_ids: Iterable[int]) -> dict[int, Passage]:
        ids = list(chunk_ids)
        if not ids:
            return {}
        sql = ("SELECT c.id, c.path, c.heading, c.text, d.title, d.facts FROM chunks c "
               f"JOIN docs d ON d.path = c.path WHERE d.private = 0 AND c.id IN "
               f"({','.join('?' * len(ids))})")
        with self._lock:
            rows = self._db.execute(sql, ids).fetchall()
        return {r[0]: Passage(path=r[1], title=r[4], heading=r[2], text=r[3], facts=r[5],
                              chunk_id=r[0]) for r in rows}

    def db(self) -> tuple[sqlite3.Connection, threading.RLock]:
        """The connection and its lock, for the vector store that shares the file."""
        return self._db, self._lock


def fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
         k: int = RRF_K) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of ranked chunk-id lists: best first, with fused scores."""
    scores: dict[int, float] = {}
    for index, ranking in enumerate(rankings):
        weight = weights[index] if weights else 1.0
        for rank, chunk_id in enumerate(ranking):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def distinct_files(passages: Iterable[Passage]) -> list[str]:
    """Paths in first-seen order (what recall@k counts)."""
    return list(dict.fromkeys(p.path for p in passages))
