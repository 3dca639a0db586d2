"""Chunk vectors for hybrid retrieval: float32 bytes in `.solo/assistant.sqlite`, a background
indexer that embeds new chunks incrementally, and bounded pure-Python cosine search."""

from __future__ import annotations

import heapq
import math
import operator
import threading
from array import array
from collections.abc import Callable

from solo.core.assistant.ollama_client import AssistantUnavailable, OllamaGateway
from solo.core.assistant.retrieval import ChunkIndex

BATCH = 32
RERANK = 200
"""Candidates (by sign agreement) whose exact cosine is computed; below this, every vector."""


def normalized(vector: list[float]) -> array:
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return array("f", (v / norm for v in vector))


def from_blob(blob: bytes) -> array:
    values = array("f")
    values.frombytes(blob)
    return values


def signs(values: array) -> tuple[int, int]:
    """Bit masks of the positive and the negative components (a ternary sketch of the vector)."""
    pos = neg = 0
    for i, v in enumerate(values):
        if v > 0:
            pos |= 1 << i
        elif v < 0:
            neg |= 1 << i
    return pos, neg


class VectorStore:
    """Vectors keyed by chunk text hash and model: float32 bytes (native order: the file never
    leaves this machine), pre-normalised, with sign masks kept in memory for a cheap first pass."""

    def __init__(self, chunks: ChunkIndex, model: str) -> None:
        self.chunks = chunks
        self.model = model
        self._sketches: list[tuple[int, int, int]] = []
        self._cache_key: tuple[int, int] = (-1, -1)
        self._stored = 0

    def missing(self, limit: int = BATCH) -> list[tuple[str, str]]:
        """(hash, text to embed) of chunks that have no vector for this model yet."""
        db, lock = self.chunks.db()
        with lock:
            rows = db.execute(
                "SELECT c.hash, d.title, c.heading, c.text FROM chunks c "
                "JOIN docs d ON d.path = c.path "
                "LEFT JOIN vectors v ON v.hash = c.hash AND v.model = ? "
                "WHERE v.hash IS NULL AND d.private = 0 GROUP BY c.hash LIMIT ?",
                (self.model, limit)).fetchall()
        return [(h, f"{t}\n{hd}\n{x}".strip()) for h, t, hd, x in rows]

    def store(self, hashes: list[str], vectors: list[list[float]]) -> None:
        rows = []
        for digest, vector in zip(hashes, vectors, strict=True):
            values = normalized(vector)
            pos, neg = signs(values)
            size = (len(values) + 7) // 8
            rows.append((digest, self.model, values.tobytes(), pos.to_bytes(size, "little"),
                         neg.to_bytes(size, "little")))
        db, lock = self.chunks.db()
        with lock:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?,?)", rows)
            self._stored += len(rows)

    def counts(self) -> tuple[int, int]:
        """(chunks with a vector, chunks)."""
        db, lock = self.chunks.db()
        with lock:
            total = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            done = db.execute("SELECT count(*) FROM chunks c JOIN vectors v ON v.hash = c.hash "
                              "AND v.model = ?", (self.model,)).fetchone()[0]
        return int(done), int(total)

    def _all_sketches(self) -> list[tuple[int, int, int]]:
        key = (self.chunks.generation, self._stored)
        if key != self._cache_key:
            db, lock = self.chunks.db()
            with lock:
                rows = db.execute(
                    "SELECT c.id, v.pos, v.neg FROM chunks c JOIN docs d ON d.path = c.path "
                    "JOIN vectors v ON v.hash = c.hash AND v.model = ? WHERE d.private = 0",
                    (self.model,)).fetchall()
            self._sketches = [(cid, int.from_bytes(p, "little"), int.from_bytes(n, "little"))
                              for cid, p, n in rows]
            self._cache_key = key
        return self._sketches

    def search(self, query: list[float], limit: int = 20) -> list[tuple[int, float]]:
        """(chunk id, cosine) best first. Sign agreement picks RERANK candidates, whose exact
        cosine is then computed: bounded work in pure Python whatever the vault's size."""
        sketches = self._all_sketches()
        if not sketches or not query:
            return []
        q = normalized(query)
        candidates = sketches
        if len(sketches) > RERANK:
            qp, qn = signs(q)
            candidates = heapq.nlargest(
                RERANK, sketches, key=lambda s: ((s[1] & qp) | (s[2] & qn)).bit_count()
                - ((s[1] & qn) | (s[2] & qp)).bit_count())
        ids = [c[0] for c in candidates]
        db, lock = self.chunks.db()
        with lock:
            rows = db.execute(
                "SELECT c.id, v.vec FROM chunks c JOIN vectors v ON v.hash = c.hash "
                f"AND v.model = ? WHERE c.id IN ({','.join('?' * len(ids))})",
                (self.model, *ids)).fetchall()
        scored = []
        for chunk_id, blob in rows:
            vector = from_blob(blob)
            if len(vector) == len(q):
                scored.append((chunk_id, sum(map(operator.mul, q, vector))))
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored[:limit]


class EmbeddingIndexer:
    """A daemon thread that embeds chunks without vectors, in batches, whenever chunks change."""

    def __init__(self, store: VectorStore, gateway: OllamaGateway,
                 on_progress: Callable[[int, int], None] | None = None,
                 retry_seconds: float = 60.0) -> None:
        self.store = store
        self.gateway = gateway
        self.on_progress = on_progress
        self.retry_seconds = retry_seconds
        self.error: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> EmbeddingIndexer:
        if self._thread is None:
            self.store.chunks.add_change_event(self._wake)
            self._wake.set()
            self._thread = threading.Thread(target=self._run, name="solo-embeddings",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wait_idle(self, timeout: float) -> bool:
        """Block until every chunk has a vector (or the timeout); for tests and benchmarks."""
        return self._idle.wait(timeout)

    def run_once(self) -> int:
        """Embed every chunk that lacks a vector; returns how many were embedded."""
        done = 0
        while not self._stop.is_set():
            batch = self.store.missing(BATCH)
            if not batch:
                break
            vectors = self.gateway.embed(self.store.model, [text for _, text in batch])
            self.store.store([h for h, _ in batch], vectors)
            done += len(batch)
            if self.on_progress is not None:
                self.on_progress(*self.store.counts())
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            self._idle.clear()
            try:
                self.store.chunks.refresh()  # files changed since: chunk them, then embed
                self.run_once()
                self.error = None
                self._idle.set()
            except AssistantUnavailable as exc:
                self.error = str(exc)
                self._stop.wait(self.retry_seconds)
                self._wake.set()
