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

Only the top hits are scored. Rows that hit the same columns for every phrase score the same
but for their length, and a shorter row scores better: so the rows are split into those
groups with set operations (C, not a loop per row), each group gives its `limit` shortest
rows, found in a precomputed order of all rows by length, and only those few hundred are
scored. The result is the same as scoring every row (`tests/core/test_ranking.py`).
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import sqlite3
from collections.abc import Iterator, Sequence

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
    """Each row's length in tokens (all columns), the average, and every row in order of
    length (shortest first, ties by rowid), from the FTS5 tables."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        block = db.execute(f"SELECT block FROM {table}_data WHERE id = 1").fetchone()
        totals = varints(block[0]) if block else [0]
        self.rows = totals[0]
        self.average = sum(totals[1:]) / self.rows if self.rows else 0.0
        self.of: dict[int, int] = {rowid: sum(varints(size)) for rowid, size in
                                   db.execute(f"SELECT id, sz FROM {table}_docsize")}
        self.order: list[int] = [r for _, r in sorted(zip(self.of.values(), self.of, strict=True))]
        self.place: dict[int, int] = dict(zip(self.order, range(len(self.order)), strict=True))


def _classes(sets: Sequence[set[int]], weights: Sequence[float]) -> list[tuple[float, set[int]]]:
    """The rows one phrase matches, split by which columns they hit: (the weight of those
    columns, the rows that hit exactly those), each non-empty set once."""
    out: list[tuple[float, set[int]]] = []
    for hit in itertools.product((True, False), repeat=len(sets)):
        if not any(hit):
            continue
        inside = [s for s, h in zip(sets, hit, strict=True) if h]
        rows = set.intersection(*sorted(inside, key=len))
        for s, h in zip(sets, hit, strict=True):
            if not h and rows:
                rows -= s
        if rows:
            out.append((sum(w for w, h in zip(weights, hit, strict=True) if h), rows))
    return out


def _groups(classes: Sequence[list[tuple[float, set[int]]]], within: set[int]
            ) -> Iterator[tuple[tuple[float, ...], set[int]]]:
    """Every non-empty set of rows sharing one weight per phrase (a phrase a row does not
    match weighs 0), found depth first so that an empty intersection ends its branch."""
    if not classes:
        yield (), within
        return
    first, rest = classes[0], classes[1:]
    for weight, rows in first:
        common = within & rows if len(rows) > len(within) else rows & within
        if common:
            for weights, group in _groups(rest, common):
                yield (weight, *weights), group


def _shortest(group: set[int], lengths: Lengths, limit: int) -> list[int]:
    """The `limit` shortest rows of a group (ties by rowid), from the length order."""
    if len(group) <= limit:
        return list(group)
    if not group <= lengths.place.keys():  # (a row without a size record: never seen)
        return heapq.nsmallest(limit, group, key=lambda r: (lengths.of.get(r, 0), r))
    if len(group) * 8 < len(lengths.order):
        return heapq.nsmallest(limit, group, key=lengths.place.__getitem__)
    return list(itertools.islice((r for r in lengths.order if r in group), limit))


def _doclist(db: sqlite3.Connection, table: str, match: str) -> set[int]:
    """The rowids matching `match`, read as one JSON array (a row at a time through the
    cursor costs half again as much for the 10,000 rows of a common word)."""
    (found,) = db.execute(f"SELECT json_group_array(rowid) FROM {table} WHERE {table} MATCH ?",
                          (match,)).fetchone()
    return set(json.loads(found))


def top(db: sqlite3.Connection, table: str, columns: Sequence[str], weights: Sequence[float],
        phrases: Sequence[str], lengths: Lengths, limit: int,
        any_phrase: bool = False) -> list[tuple[int, float]]:
    """The `limit` best (rowid, score) for the phrases (FTS5 query strings, e.g. `"word"*`),
    all of them required unless `any_phrase`; lower scores are better, as with `rank`."""
    if not phrases or not lengths.rows or limit <= 0:
        return []
    classes: list[list[tuple[float, set[int]]]] = []
    idfs: list[float] = []
    hit_by: list[set[int]] = []
    for phrase in phrases:
        sets = [_doclist(db, table, f"{{{column}}} : {phrase}") for column in columns]
        rows: set[int] = set().union(*sets)
        hits = len(rows)
        idf = math.log((lengths.rows - hits + 0.5) / (hits + 0.5))
        idfs.append(idf if idf > 0.0 else 1e-6)
        classes.append(_classes(sets, weights))
        hit_by.append(rows)
    if any_phrase:
        matching: set[int] = set().union(*hit_by)
        for phrase_classes, rows in zip(classes, hit_by, strict=True):
            missing = matching - rows
            if missing:
                phrase_classes.append((0.0, missing))
    else:
        matching = set.intersection(*sorted(hit_by, key=len))
    norm = K1 * B / lengths.average if lengths.average else 0.0
    base = K1 * (1 - B)
    size = lengths.of.get
    k1_1 = K1 + 1.0
    scored: list[tuple[float, int]] = []
    for group_weights, group in _groups(classes, matching):
        terms = [(idf, f) for idf, f in zip(idfs, group_weights, strict=True) if f]
        if len(terms) == 1:  # the common case, summed in the order FTS5 sums it
            ((idf, f),) = terms
            scored += [(-idf * f * k1_1 / (f + base + norm * size(r, 0)), r)
                       for r in _shortest(group, lengths, limit)]
            continue
        for r in _shortest(group, lengths, limit):
            length = base + norm * size(r, 0)
            scored.append((-sum(idf * f * k1_1 / (f + length) for idf, f in terms), r))
    return [(rowid, score) for score, rowid in heapq.nsmallest(limit, scored)]
