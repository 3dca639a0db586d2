"""The search index keeps one compressed copy of each body: exact deletes, snippets, integrity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.engine.index import Index, Row
from solo.core.model.searchtext import parse_query


def row(path: str, doc: str, title: str, tags: list[str]) -> Row:
    return Row(path=path, doc_id=doc, kind="note", title=title, status=None, due=None,
               scheduled=None, priority=None, tags=tags, fields={}, private=False, mtime_ns=1,
               size=1, sha="s", problem=None)


def integrity(index: Index) -> None:
    """FTS5 compares its index with the text it reads back from the content table."""
    with index.transaction() as db:
        db._db.execute("INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)")  # noqa: SLF001


WORDS = st.sampled_from(["alpha", "beta", "gamma", "délta", "émoji🙂", "zeta", "eta"])
OPS = st.lists(st.tuples(st.sampled_from(["upsert", "upsert", "move", "remove", "reuse",
                                          "retitle"]),
                         st.integers(0, 5), st.integers(0, 5),
                         st.lists(WORDS, max_size=12)), max_size=30)


@settings(max_examples=40, deadline=None)
@given(OPS)
def test_updates_moves_and_removes_keep_the_index_exact(tmp_path_factory: object, ops: list) -> None:
    folder = tmp_path_factory.mktemp("ix")  # type: ignore[attr-defined]
    index = Index(folder / "index.sqlite")
    model: dict[str, tuple[str, str]] = {}  # path → (document, text)

    def put(path: str, doc: str, text: str) -> None:
        for p in [p for p, (d, _) in model.items() if d == doc]:
            del model[p]  # one row per document: a document at a new path leaves the old one
        model[path] = (doc, text)

    for op, a, b, words in ops:
        path, other = f"n{a}.md", f"n{b}.md"
        if op == "upsert":
            index.upsert(row(path, f"doc{a}", f"title {a}", words[:2]), " ".join(words))
            put(path, f"doc{a}", " ".join(words))
        elif op == "reuse":
            index.upsert(row(other, f"doc{a}", f"title {a}", []), " ".join(words))
            put(other, f"doc{a}", " ".join(words))
        elif op == "retitle" and path in model:  # a new title and tags, the body kept
            index.upsert(row(path, model[path][0], f"renamed {b}", words[:1]), None)
        elif op == "move" and path in model:
            index.move(path, other)
            if path != other:
                model[other] = model.pop(path)
        elif op == "remove":
            index.remove(path)
            model.pop(path, None)
    integrity(index)
    for word in ["alpha", "gamma", "délta", "émoji🙂"]:
        expected = {p for p, (_, text) in model.items() if word in text.split()
                    or word in index.by_path(p).tags}  # type: ignore[union-attr]
        found = {h.row.path for h in index.search(word, limit=100)}
        assert found == expected, (word, found, expected)
    index.close()


def test_snippet_and_storage_come_from_the_compressed_copy(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.sqlite")
    body = "Intro line.\n\n" + "filler words here " * 200 + "the needle sits here\n"
    index.upsert(row("a.md", "d1", "A note", ["x"]), body)
    hits = index.search("needle")
    assert [h.row.path for h in hits] == ["a.md"] and "[needle]" in hits[0].snippet
    stored = index._db.execute("SELECT length(body) FROM texts").fetchone()[0]  # noqa: SLF001
    assert stored < len(body) / 4  # kept compressed, one copy
    index.prime(["filler words here " * 2000])  # a dictionary from here on; old rows still read
    index.upsert(row("b.md", "d2", "B", []), "filler words here " * 100 + "the needle")
    assert {h.row.path for h in index.search("needle")} == {"a.md", "b.md"}
    assert "[needle]" in index.search("needle")[0].snippet
    integrity(index)
    index.upsert(row("a.md", "d1", "A note", ["x"]), "new words only")
    assert [h.row.path for h in index.search("needle")] == ["b.md"] and index.search("words")
    integrity(index)
    index.clear()
    assert index.search("words") == []
    integrity(index)
    index.close()


def test_ranking_from_statistics_gives_sqlites_own_bm25(tmp_path: Path) -> None:
    """`core.ranking` (used for words in nearly every note) and `ORDER BY rank` agree on every
    score where no word repeats within a column, for single words, prefixes, AND and OR
    queries, title, body and tag hits."""
    import random

    from solo.core.engine import index as index_module
    from solo.core.model import ranking

    rng = random.Random(4)
    vocab = ["common", "usual", "rare", "rarer", "title", "tagword", "x"]
    index = Index(tmp_path / "index.sqlite")
    with index.transaction():
        for i in range(400):
            words = rng.sample(vocab, rng.randint(1, 5)) + [f"w{i}"] * rng.randint(0, 9)
            title = " ".join(rng.sample(vocab, rng.randint(1, 3)))
            tags = rng.sample(["tagword", "common", "misc"], rng.randint(0, 2))
            index.upsert(row(f"n{i}.md", f"d{i}", title, tags), " ".join(words))
    index.remove("n7.md")  # a deleted row leaves the statistics consistent
    for text, any_term in [("common", False), ("commo", False), ("usual common", False),
                           ("rare usual", True), ("title", False), ("tagword x", False)]:
        query = parse_query(text, any_term).expression
        expected = index._ranked(query, 400)  # noqa: SLF001
        phrases = [f'"{w}"' for w in text.split()]
        phrases[-1] += "*"
        got = ranking.top(index._db, "fts", ("title", "body", "tags"),  # noqa: SLF001
                          index_module.RANK_WEIGHTS[:3], phrases, index._lengths(), 400,  # noqa: SLF001
                          any_term)
        assert len(got) == len(expected) > 0, text
        assert dict(got) == pytest.approx(dict(expected), rel=1e-9, abs=1e-12), text
        best = [h.row.path for h in index.search(text, 5, any_term)]
        assert len(best) == 5
    index.close()


def test_assistant_chunks_are_kept_once_and_stay_exact(tmp_path: Path) -> None:
    """The chunk search table indexes the text kept in `chunks` (no second copy); edits and
    deletes tell it exactly what it indexed."""
    from solo.core.assistant.retrieval import ChunkIndex
    from solo.core.vault import Vault

    with Vault.init(tmp_path) as vault:
        for i in range(6):
            (tmp_path / f"n{i}.md").write_text(f"# Note {i}\n\n## Part\n\nkiwi {i} words\n\n"
                                               f"## Other\n\nmango {'filler ' * 300}\n")
        vault.scan()
        chunks = ChunkIndex(vault)
        chunks.sync()
        assert {p.path for p in chunks.search("kiwi")} == {f"n{i}.md" for i in range(6)}
        (tmp_path / "n0.md").write_text("# Note 0\n\npapaya only\n")
        (tmp_path / "n1.md").unlink()
        vault.scan()
        chunks.sync()
        assert {p.path for p in chunks.search("kiwi")} == {f"n{i}.md" for i in range(2, 6)}
        assert [p.path for p in chunks.search("papaya")] == ["n0.md"]
        db, lock = chunks.db()
        with lock:
            db.execute("INSERT INTO chunk_fts(chunk_fts, rank) VALUES('integrity-check', 1)")
            (stored,) = db.execute("SELECT count(*) FROM chunk_fts_content").fetchone() if \
                db.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunk_fts_content'"
                           ).fetchone() else (0,)
        assert stored == 0  # no copy of the text inside the search table
        chunks.rebuild()
        with lock:
            db.execute("INSERT INTO chunk_fts(chunk_fts, rank) VALUES('integrity-check', 1)")
        chunks.close()
