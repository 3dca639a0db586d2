"""One conformance suite for every `DocStorage`: the fsynced DocStore and the in-memory MemoryStore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from solo.core.engine.crdt import Doc
from solo.core.engine.docrepo import DocRepo
from solo.core.engine.events import DocEvent, Origin
from solo.core.engine.storage import DocStorage, MemoryStore
from solo.core.engine.store import COMPACT_LOG_FRAMES, DocStore, StoreError
from solo.core.model.ids import new_document_id
from solo.core.vault import Vault

Factory = Callable[[Path], DocStorage]
FACTORIES: dict[str, Factory] = {
    "fsynced": lambda tmp: DocStore(tmp / "store"),
    "memory": lambda tmp: MemoryStore(),
}


@pytest.fixture(params=sorted(FACTORIES))
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> DocStorage:
    return FACTORIES[request.param](tmp_path)


def note(text: str) -> Doc:
    doc = Doc.new()
    with doc.change() as edit:
        edit.put(["meta"], {"title": text})
        edit.set_text(["body"], text)
    return doc


def test_both_implementations_satisfy_the_protocol(storage: DocStorage) -> None:
    assert isinstance(storage, DocStorage)


def test_a_missing_document_does_not_exist_and_cannot_load(storage: DocStorage) -> None:
    doc_id = new_document_id()
    assert not storage.exists(doc_id)
    assert list(storage.ids()) == []
    with pytest.raises(StoreError):
        storage.load(doc_id)


def test_a_bad_id_is_refused(storage: DocStorage) -> None:
    with pytest.raises(StoreError):
        storage.exists("../escape")


def test_create_then_load_gives_the_same_content(storage: DocStorage) -> None:
    doc_id = new_document_id()
    storage.create(doc_id, note("hello"))
    assert storage.exists(doc_id)
    assert list(storage.ids()) == [doc_id]
    assert storage.load(doc_id).get(["body"]) == "hello"


def test_appended_changes_load_and_change_the_stamp(storage: DocStorage) -> None:
    doc_id = new_document_id()
    doc = note("a")
    storage.create(doc_id, doc)
    stamp = storage.stamp(doc_id)
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "ab")
    storage.append(doc_id, doc.changes_since(heads))
    assert storage.stamp(doc_id) != stamp
    assert storage.load(doc_id).get(["body"]) == "ab"
    storage.append(doc_id, [])  # nothing to add is not an error
    assert storage.load(doc_id).get(["body"]) == "ab"


def test_compaction_keeps_everything(storage: DocStorage) -> None:
    doc_id = new_document_id()
    doc = note("")
    storage.create(doc_id, doc)
    for i in range(COMPACT_LOG_FRAMES + 1):
        heads = doc.heads()
        with doc.change() as edit:
            edit.put(["meta", "n"], i)
        storage.append(doc_id, doc.changes_since(heads), durable=False)
    assert storage.needs_compaction(doc_id)
    storage.compact(doc_id, doc)
    assert not storage.needs_compaction(doc_id)
    assert storage.load(doc_id).get(["meta", "n"]) == COMPACT_LOG_FRAMES


def test_remove_forgets_and_sizes_add_up(storage: DocStorage) -> None:
    first, second = new_document_id(), new_document_id()
    storage.create(first, note("one"))
    storage.create(second, note("two"))
    assert storage.size_bytes() > 0
    storage.remove(first)
    assert not storage.exists(first) and storage.exists(second)
    assert list(storage.ids()) == [second]


def test_the_repository_works_over_either_storage(storage: DocStorage) -> None:
    repo = DocRepo(storage, capacity=2)
    events: list[DocEvent] = []
    unsubscribe = repo.on_change(events.append)
    doc_id = new_document_id()
    doc = repo.open(doc_id)  # not stored yet: the first persist creates it
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "x")
    repo.persist(doc_id, doc, heads, origin=Origin.remote("peer"))
    assert storage.exists(doc_id)
    with repo.change(doc_id) as edit:
        edit.set_text(["body"], "xy")
    assert [e.origin for e in events] == [Origin.remote("peer"), Origin()]
    unsubscribe()
    with repo.change(doc_id) as edit:
        edit.set_text(["body"], "xyz")
    assert len(events) == 2
    others = [new_document_id() for _ in range(3)]
    for other in others:
        storage.create(other, note(other))
        repo.load(other)
    assert len(repo) == 2  # the LRU stays small
    assert repo.load(doc_id).get(["body"]) == "xyz"


def test_a_vault_runs_on_the_memory_store(tmp_path: Path) -> None:
    vault = Vault.init(tmp_path / "v", storage=MemoryStore())
    vault.scan()
    item = vault.create("task", "Write the storage suite", body="two implementations\n")
    vault.update(item.path, body="two implementations, one suite\n")
    assert vault.read(item.path).body == "two implementations, one suite\n"
    assert not any((tmp_path / "v" / ".solo" / "store").iterdir())  # nothing went to disk
    doc = vault.repo.load(item.row.doc_id or "")
    assert doc.get(["body"]) == "two implementations, one suite\n"
    vault.close()


def test_a_root_claim_agrees_with_the_path_map(storage: DocStorage) -> None:
    """`root_claim` reads one key of each entry; it must answer as the whole map does:
    tombstones claim nothing, of two live entries at one path the last listed wins, and a
    path held as a Text object (a peer's app may write one) counts as that path."""
    root_id = new_document_id()
    root = Doc.new()
    ids = sorted(new_document_id() for _ in range(5))
    with root.change() as edit:
        edit.put(["files"], {
            ids[0]: {"path": "notes/a.md", "kind": "note", "deleted": False},
            ids[1]: {"path": "notes/gone.md", "kind": "note", "deleted": True},
            ids[2]: {"path": "notes/twice.md", "kind": "note", "deleted": False},
            ids[3]: {"path": "notes/twice.md", "kind": "note"},
            ids[4]: {"kind": "note"},
        })
        edit.put(["files", "not-a-map"], "x")
        edit.put(["files", new_document_id()], {"kind": "note"})
    storage.create(root_id, root)
    text_id = new_document_id()
    with DocRepo(storage, root_id=root_id).change(root_id) as edit:
        edit.put(["files", text_id], {"kind": "note"})
        edit.set_text(["files", text_id, "path"], "notes/text.md")
    paths = ["notes/a.md", "notes/gone.md", "notes/twice.md", "notes/text.md", "notes/none.md"]
    expected = DocRepo(storage, root_id=root_id).root_path_map()
    assert expected["notes/twice.md"] == ids[3] and expected["notes/text.md"] == text_id
    for path in paths:
        assert DocRepo(storage, root_id=root_id).root_claim(path) == expected.get(path), path
    cached = DocRepo(storage, root_id=root_id)
    cached.root_path_map()
    assert [cached.root_claim(p) for p in paths] == [expected.get(p) for p in paths]
