"""Ranking only the top hits (`core.ranking.top`) gives exactly the first hits of ranking every
row: same rows, same scores, same order (ties by rowid), for one word, prefixes, AND and OR."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from solo.core.engine.index import RANK_WEIGHTS, Index, Row
from solo.core.model import ranking

VOCAB = ["common", "usual", "rare", "rarer", "title", "tagword", "x", "often"]
QUERIES = [("common", False), ("commo", False), ("usual common", False), ("rare usual", True),
           ("title", False), ("tagword x", False), ("often common usual", False),
           ("often rare x", True), ("c", False), ("nothing", False)]


def row(path: str, doc: str, title: str, tags: list[str]) -> Row:
    return Row(path=path, doc_id=doc, kind="note", title=title, status=None, due=None,
               scheduled=None, priority=None, tags=tags, fields={}, private=False, mtime_ns=1,
               size=1, sha="s", problem=None)


@pytest.fixture(scope="module")
def index_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """600 notes where the common words are in nearly every one, many of the same length
    (ties), titles and tags hitting some of them."""
    rng = random.Random(11)
    path = Path(tmp_path_factory.mktemp("ranking")) / "index.sqlite"
    index = Index(path)
    with index.transaction():
        for i in range(600):
            words = ["common"] * (rng.random() < 0.97) + ["often"] * (rng.random() < 0.9)
            words += rng.sample(VOCAB, rng.randint(0, 4)) + ["filler"] * rng.choice((0, 3, 3, 9))
            words += ["long"] * (300 if i % 100 == 5 else 0)  # a size record of two-byte varints
            title = " ".join(rng.sample(VOCAB, rng.randint(0, 2)))
            tags = rng.sample(["tagword", "common", "misc"], rng.randint(0, 2))
            index.upsert(row(f"n{i}.md", f"d{i}", title, tags), " ".join(words))
    index.remove("n9.md")
    index.close()
    return sqlite3.connect(path)


def ranked(db: sqlite3.Connection, text: str, any_term: bool, limit: int) -> list[tuple[int, float]]:
    phrases = [f'"{w}"' for w in text.split()]
    phrases[-1] += "*"
    return ranking.top(db, "fts", ("title", "body", "tags"), RANK_WEIGHTS[:3], phrases,
                       ranking.Lengths(db, "fts"), limit, any_term)


@pytest.mark.parametrize(("text", "any_term"), QUERIES)
def test_the_top_hits_are_the_first_of_all_hits(index_db: sqlite3.Connection, text: str,
                                                any_term: bool) -> None:
    everything = ranked(index_db, text, any_term, 10_000)  # every group gives every row
    for limit in (1, 2, 5, 20, 50, 599):
        assert ranked(index_db, text, any_term, limit) == everything[:limit], (text, limit)


def test_every_row_in_the_ranking_is_a_match(index_db: sqlite3.Connection) -> None:
    everything = ranked(index_db, "common", False, 10_000)
    matching = {r for (r,) in index_db.execute("SELECT rowid FROM fts WHERE fts MATCH ?",
                                               ('"common"*',))}
    assert len(everything) == len(matching) > 500
    assert {r for r, _ in everything} == matching
    assert [s for _, s in everything] == sorted(s for _, s in everything)


def test_lengths_order_is_by_length_then_rowid(index_db: sqlite3.Connection) -> None:
    lengths = ranking.Lengths(index_db, "fts")
    assert lengths.order == sorted(lengths.of, key=lambda r: (lengths.of[r], r))
    assert all(lengths.place[r] == n for n, r in enumerate(lengths.order))
    assert lengths.of == {r: sum(ranking.varints(s)) for r, s in
                          index_db.execute("SELECT id, sz FROM fts_docsize")}


def test_nothing_asked_nothing_found(index_db: sqlite3.Connection) -> None:
    assert ranked(index_db, "common", False, 0) == []
    assert ranking.top(index_db, "fts", ("title",), (1.0,), [], ranking.Lengths(index_db, "fts"),
                       5) == []
