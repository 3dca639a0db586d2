"""The server's heads answers: what a sync message just stored is known without reading it back,
and a change stored by anyone else is still seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sync_helpers import make_note

from solo.core.engine.crdt import Doc, SyncState
from solo.core.engine.store import DocStore
from solo.core.model.ids import new_document_id
from solo.sync.docs import ServerDocs


def _push(docs: ServerDocs, doc_id: str, note: Doc) -> None:
    """Sync `note` into the server's documents until both sides are quiet."""
    state, ours = SyncState(), SyncState()
    for _ in range(8):
        out = docs.generate(doc_id, state)
        if out is not None:
            note.receive_sync_message(ours, out)
        back = note.generate_sync_message(ours)
        if back is None:
            return
        docs.apply(doc_id, state, back)
    raise AssertionError("the exchange did not quiesce")


def test_heads_of_a_just_stored_document_are_answered_without_reading_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = ServerDocs(DocStore(tmp_path / "docs"), capacity=8, max_doc_bytes=1 << 20)
    doc_id = new_document_id()
    note = make_note("a", "some words")
    _push(docs, doc_id, note)

    def no_read(doc: str) -> bytes:
        raise AssertionError(f"read {doc} back from the store")

    monkeypatch.setattr(docs.store, "load_bytes", no_read)
    assert docs.heads(doc_id) == sorted(note.heads())


def test_a_change_stored_by_another_server_process_is_seen(tmp_path: Path) -> None:
    first = ServerDocs(DocStore(tmp_path / "docs"), capacity=8, max_doc_bytes=1 << 20)
    doc_id = new_document_id()
    note = make_note("a", "some words")
    _push(first, doc_id, note)
    assert first.heads(doc_id) == sorted(note.heads())

    with note.change() as edit:
        edit.put(["title"], "b")
    second = ServerDocs(DocStore(tmp_path / "docs"), capacity=8, max_doc_bytes=1 << 20)
    _push(second, doc_id, note)
    assert first.heads(doc_id) == sorted(note.heads())


def test_saved_heads_serve_the_next_run_until_a_document_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, saved = tmp_path / "docs", tmp_path / "heads.json"
    first = ServerDocs(DocStore(store), capacity=8, max_doc_bytes=1 << 20)
    kept, changed = new_document_id(), new_document_id()
    notes = {kept: make_note("a", "words"), changed: make_note("b", "more words")}
    for doc_id, note in notes.items():
        _push(first, doc_id, note)
    first.save_heads(saved)
    with notes[changed].change() as edit:  # stored while the server is down
        edit.put(["title"], "c")
    _push(ServerDocs(DocStore(store), capacity=8, max_doc_bytes=1 << 20), changed,
          notes[changed])

    restarted = ServerDocs(DocStore(store), capacity=8, max_doc_bytes=1 << 20)
    restarted.load_heads(saved)
    reads: list[str] = []
    real = restarted.store.load_bytes

    def counted(doc_id: str) -> bytes:
        reads.append(doc_id)
        return real(doc_id)

    monkeypatch.setattr(restarted.store, "load_bytes", counted)
    assert restarted.heads(kept) == sorted(notes[kept].heads())
    assert restarted.heads(changed) == sorted(notes[changed].heads())
    assert reads == [changed]


def test_damaged_saved_heads_are_ignored(tmp_path: Path) -> None:
    docs = ServerDocs(DocStore(tmp_path / "docs"), capacity=8, max_doc_bytes=1 << 20)
    doc_id = new_document_id()
    note = make_note("a", "words")
    _push(docs, doc_id, note)
    for damage in (b"{not json", b'{"x": 1}', b'{"%s": [[1, 2], ["zz"]]}' % doc_id.encode()):
        (tmp_path / "heads.json").write_bytes(damage)
        fresh = ServerDocs(DocStore(tmp_path / "docs"), capacity=8, max_doc_bytes=1 << 20)
        fresh.load_heads(tmp_path / "heads.json")
        assert fresh.heads(doc_id) == sorted(note.heads())
