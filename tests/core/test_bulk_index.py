"""The search index keeps one compressed copy of each body: exact deletes, snippets, integrity."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.index import Index, Row


def row(path: str, doc: str, title: str, tags: list[str]) -> Row:
    return Row(path=path, doc_id=doc, kind="note", title=title, status=None, due=None,
               scheduled=None, priority=None, tags=tags, fields={}, private=False, mtime_ns=1,
               size=1, sha="s", problem=None)


def integrity(index: Index) -> None:
    """FTS5 compares its index with the text it reads back from the content table."""
    with index.transaction() as db:
        db._db.execute("INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)")  # noqa: SLF001


WORDS = st.sampled_from(["alpha", "beta", "gamma", "délta", "émoji🙂", "zeta", "eta"])
OPS = st.lists(st.tuples(st.sampled_from(["upsert", "upsert", "move", "remove", "reuse"]),
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
        elif op == "move" and path in model:
            index.move(path, other)
            if path != other:
                model[other] = model.pop(path)
        elif op == "remove":
            index.remove(path)
            model.pop(path, None)
    integrity(index)
    for word in ["alpha", "gamma", "délta", "émoji🙂"]:
        expected = {p for p, (_, text) in model.items() if word in text.split()}
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
