"""CRDT wrapper and store: lossless text round trips, merges, torn logs, compaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.engine.crdt import CrdtError, Doc, SyncState
from solo.core.engine.store import DocStore, StoreError
from solo.core.model.ids import (
    InvalidId,
    document_url,
    is_document_id,
    new_document_id,
    parse_document_url,
)

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(texts, texts)
@settings(max_examples=150)
def test_text_edits_round_trip_byte_for_byte(before: str, after: str) -> None:
    doc = Doc.new()
    with doc.change() as edit:
        edit.set_text(["body"], before)
    assert doc.get(["body"]) == before
    with doc.change() as edit:
        edit.set_text(["body"], after)
    assert doc.get(["body"]) == after
    assert Doc.load(doc.save()).get(["body"]) == after


@given(texts, texts, texts)
@settings(max_examples=100)
def test_concurrent_edits_converge_and_keep_both(base: str, left: str, right: str) -> None:
    a = Doc.new()
    with a.change() as edit:
        edit.set_text(["body"], base)
    b = Doc.load(a.save())
    with a.change() as edit:
        edit.set_text(["body"], base + left)
    with b.change() as edit:
        edit.set_text(["body"], right + base)
    a.merge(b)
    b.merge(a)
    merged = a.get(["body"])
    assert merged == b.get(["body"])
    assert sorted(merged) == sorted(base + left + right)  # nothing lost, nothing doubled
    if base and not (set(base) & set(left + right)):
        assert merged == right + base + left


def test_sync_messages_bring_two_docs_together() -> None:
    a, b = Doc.new(), Doc.new()
    with a.change() as edit:
        edit.put(["meta"], {"title": "x", "tags": ["a"]})
    sa, sb = SyncState(), SyncState()
    for _ in range(6):
        if (m := a.generate_sync_message(sa)) is not None:
            b.receive_sync_message(sb, m)
        if (m := b.generate_sync_message(sb)) is not None:
            a.receive_sync_message(sa, m)
    assert b.get(["meta"]) == {"title": "x", "tags": ["a"]}


def test_lone_surrogates_and_empty_bytes_are_refused() -> None:
    doc = Doc.new()
    with pytest.raises(CrdtError), doc.change() as edit:
        edit.set_text(["body"], "a\ud800b")
    with pytest.raises(CrdtError):
        Doc.load(b"")
    with pytest.raises(CrdtError):
        Doc.load(b"garbage bytes")


def test_ids_and_urls() -> None:
    doc_id = new_document_id()
    assert is_document_id(doc_id)
    assert parse_document_url(document_url(doc_id)) == doc_id
    assert parse_document_url(document_url(doc_id) + "#abc") == doc_id
    assert not is_document_id(doc_id[:-1] + ("1" if doc_id[-1] != "1" else "2"))
    with pytest.raises(InvalidId):
        parse_document_url("automerge:../../etc")


def _doc_with(text: str) -> Doc:
    doc = Doc.new()
    with doc.change() as edit:
        edit.set_text(["body"], text)
    return doc


def test_store_appends_and_reloads(tmp_path: Path) -> None:
    store = DocStore(tmp_path)
    doc_id = new_document_id()
    doc = _doc_with("one")
    store.create(doc_id, doc)
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "one two")
    store.append(doc_id, doc.changes_since(heads))
    assert store.load(doc_id).get(["body"]) == "one two"
    assert list(store.ids()) == [doc_id]


def test_torn_tail_is_dropped_and_cut_by_next_append(tmp_path: Path) -> None:
    store = DocStore(tmp_path)
    doc_id = new_document_id()
    doc = _doc_with("a")
    store.create(doc_id, doc)
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "ab")
    store.append(doc_id, doc.changes_since(heads))
    log = tmp_path / doc_id[:2] / f"{doc_id}.log"
    good = log.read_bytes()
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "abc")
    change = doc.changes_since(heads)
    store.append(doc_id, change)
    log.write_bytes(log.read_bytes()[:-3])  # a crash mid-append
    assert store.load(doc_id).get(["body"]) == "ab"
    store.append(doc_id, change)
    assert log.read_bytes()[: len(good)] == good
    assert store.load(doc_id).get(["body"]) == "abc"


def test_compaction_keeps_everything(tmp_path: Path) -> None:
    store = DocStore(tmp_path)
    doc_id = new_document_id()
    doc = _doc_with("")
    store.create(doc_id, doc)
    for i in range(30):
        heads = doc.heads()
        with doc.change() as edit:
            edit.set_text(["body"], f"line {i}\n" * (i + 1))
        store.append(doc_id, doc.changes_since(heads))
    store.compact(doc_id, doc)
    assert (tmp_path / doc_id[:2] / f"{doc_id}.log").stat().st_size == 0
    assert store.load(doc_id).get(["body"]) == doc.get(["body"])


def test_empty_snapshot_is_reported_as_corruption(tmp_path: Path) -> None:
    store = DocStore(tmp_path)
    doc_id = new_document_id()
    store.create(doc_id, _doc_with("x"))
    (tmp_path / doc_id[:2] / f"{doc_id}.snap").write_bytes(b"")
    with pytest.raises(StoreError, match="empty"):
        store.load(doc_id)


def test_a_new_document_is_stored_as_its_few_changes_and_loads_back(tmp_path: Path) -> None:
    doc = Doc.new()
    for i in range(3):
        with doc.change() as edit:
            edit.set_text(["body"], f"line {i}\n" * (i + 1))
    data = doc.save_new(max_changes=3)
    assert data == b"".join(doc.changes_since([]))  # as they are: no save() pass
    again = Doc.load(data)
    assert again.heads() == doc.heads() and again.to_python() == doc.to_python()
    assert doc.save_new(max_changes=2) == doc.save()  # a longer history is compacted
    store = DocStore(tmp_path / "store")
    doc_id = new_document_id()
    store.create_many([(doc_id, data)])
    assert store.load(doc_id).to_python() == doc.to_python()
