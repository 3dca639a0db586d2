"""BM25 from the index's doclists, for queries that match thousands of rows (a word in every note).

SQLite's `ORDER BY rank` calls bm25 once per matching row, and with `detail = column` each
call reads the row's text back and tokenizes it again to count the word (~60 µs a row):
a word in every one of 10,000 notes costs over half a second. Here each row's score comes
from which columns each phrase hits (one doclist query per phrase and column, nothing read
back) and the row's length from `fts_docsize`, in FTS5's own formula (`fts5Bm25Function`:
k1 = 1.2, b = 0.75, IDF at least 1e-6, the length over all columns), with a term counted
once per column it appears in. Where no word repeats within a column the scores are
SQLite's exactly (`tests/core/engine/test_bulk_index.py`); otherwise a repeated word weighs as
one, which only matters among words so common their IDF is near zero.
"""

from __future__ import annotations

import heapq
import math
import sqlite3
from collections.abc import Sequence

K1 = 1.2
B = 0.75


def varints(data: bytes) -> list[int]:
    """SQLite's big-endian varints, as FTS5 writes them in its size records."""
    out: list[int] = []
    value, count = 0, 0
    for byte in data:
        if count == 8:
            out.append((value << 8) | byte)
            value, count = 0, 0
            continue
        value = (value << 7) | (byte & 0x7F)
        count += 1
        if not byte & 0x80:
            out.append(value)
            value, count = 0, 0
    return out


class Lengths:
    """Each row's length in tokens (all columns) and the average, from the FTS5 tables."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        block = db.execute(f"SELECT block FROM {table}_data WHERE id = 1").fetchone()
        totals = varints(block[0]) if block else [0]
        self.rows = totals[0]
        self.average = sum(totals[1:]) / self.rows if self.rows else 0.0
        self.of: dict[int, int] = {rowid: sum(varints(size)) for rowid, size in
                                   db.execute(f"SELECT id, sz FROM {table}_docsize")}


def top(db: sqlite3.Connection, table: str, columns: Sequence[str], weights: Sequence[float],
        phrases: Sequence[str], lengths: Lengths, limit: int,
        any_phrase: bool = False) -> list[tuple[int, float]]:
    """The `limit` best (rowid, score) for the phrases (FTS5 query strings, e.g. `"word"*`),
    all of them required unless `any_phrase`; lower scores are better, as with `rank`."""
    if not phrases or not lengths.rows:
        return []
    freqs: list[dict[int, float]] = []
    idfs: list[float] = []
    for phrase in phrases:
        freq: dict[int, float] = {}
        for column, weight in zip(columns, weights, strict=True):
            rowids = [r for (r,) in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?",
                                               (f"{{{column}}} : {phrase}",)).fetchall()]
            if not freq:
                freq = dict.fromkeys(rowids, weight)
                continue
            get = freq.get
            freq.update({r: get(r, 0.0) + weight for r in rowids})
        hits = len(freq)
        idf = math.log((lengths.rows - hits + 0.5) / (hits + 0.5))
        idfs.append(idf if idf > 0.0 else 1e-6)
        freqs.append(freq)
    if any_phrase:
        matching: set[int] = set().union(*freqs)
    else:
        smallest: dict[int, float] = min(freqs, key=len)
        matching = set(smallest)
        for freq in freqs:
            matching.intersection_update(freq)
    norm = K1 * B / lengths.average if lengths.average else 0.0
    base = K1 * (1 - B)
    size = lengths.of.get
    k1_1 = K1 + 1.0
    if len(freqs) == 1:  # the common case, without the inner loop
        (only,), (idf,) = freqs, idfs
        scored = [(-idf * only[r] * k1_1 / (only[r] + base + norm * size(r, 0)), r)
                  for r in matching]
    else:
        lengths_of = {r: base + norm * size(r, 0) for r in matching}
        total = dict.fromkeys(matching, 0.0)
        for freq, idf in zip(freqs, idfs, strict=True):
            for r, f in freq.items():
                if r in total:
                    total[r] -= idf * f * k1_1 / (f + lengths_of[r])
        scored = [(score, r) for r, score in total.items()]
    return [(rowid, score) for score, rowid in heapq.nsmallest(limit, scored)]
