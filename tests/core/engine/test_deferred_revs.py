"""One-shot commands defer root index updates to `dirty/`; a long-lived vault lists and repairs them."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine import history
from solo.core.engine.docform import render_doc
from solo.core.engine.docrepo import doc_rev
from solo.core.engine.events import DocEvent
from solo.core.vault import Vault


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def one_shot(root: Path) -> Vault:
    """What `solo add` / `solo done` open: the same folder, revs deferred."""
    vault = Vault(root)
    vault.mirror.defer_revs = True
    return vault


def test_a_deferred_add_is_listed_by_the_next_long_lived_scan_as_an_eager_one(
        tmp_path: Path) -> None:
    lasting = Vault.init(tmp_path / "v")
    lasting.scan()
    cli = one_shot(lasting.root)
    item = cli.items.create("task", "Call the bank")
    doc_id = item.row.doc_id
    assert doc_id and cli.repo.root_entry(doc_id) is None  # the root was not loaded to list it
    assert cli.mirror.dirty.ids() == [doc_id]
    cli.scan()
    assert cli.mirror.dirty.ids() == [doc_id]  # another one-shot scan leaves it
    cli.close()

    heard: list[DocEvent] = []
    lasting.on_doc_event(heard.append)
    lasting.scan()
    entry = lasting.repo.root_entry(doc_id)
    assert entry is not None and entry.pop("rev") == doc_rev(lasting.repo.load(doc_id))
    assert entry == {"path": "tasks/call-the-bank.md", "kind": "task", "deleted": False}
    assert lasting.mirror.dirty.ids() == []
    assert any(doc_id in event.doc_ids for event in heard)  # announced to a live sync
    assert lasting.doctor() == []


def test_deferred_revs_are_repaired_in_one_root_change(tmp_path: Path) -> None:
    lasting = Vault.init(tmp_path / "v")
    for n in range(5):
        write(lasting.root, f"notes/n{n}.md", f"note {n}\n")
    lasting.scan()
    before = len(lasting.repo.root_doc().changes_since([]))
    cli = one_shot(lasting.root)
    for n in range(5):
        write(lasting.root, f"notes/n{n}.md", f"note {n}, edited\n")
    cli.scan()
    assert len(cli.mirror.dirty.ids()) == 5
    assert len(cli.repo.root_doc().changes_since([])) == before
    cli.close()
    lasting.scan()
    assert len(lasting.repo.root_doc().changes_since([])) == before + 1
    for n in range(5):
        row = lasting.index.by_path(f"notes/n{n}.md")
        assert row and row.doc_id
        entry = lasting.repo.root_entry(row.doc_id)
        assert entry and entry["rev"] == doc_rev(lasting.repo.load(row.doc_id))


def test_a_deferred_new_document_gives_way_to_one_the_root_already_lists_at_its_path(
        tmp_path: Path) -> None:
    """The claim an eager ingest checks (a document a peer sent, or one a crash left, listed
    at the path but held by no file row) is checked when the deferred document is listed: the
    file's words go into the claimed document, and the new one is never listed."""
    lasting = Vault.init(tmp_path / "v")
    write(lasting.root, "notes/plan.md", "v1\n")
    write(lasting.root, "notes/other.md", "kept, so the index is not rebuilt on opening\n")
    lasting.scan()
    row = lasting.index.by_path("notes/plan.md")
    assert row and row.doc_id
    claimed = row.doc_id
    lasting.index.remove("notes/plan.md")  # listed in the root, no row, no file
    (lasting.root / "notes" / "plan.md").unlink()
    lasting.close()
    cli = one_shot(tmp_path / "v")
    fresh = cli.items.create("note", "Plan", body="typed on this device").row
    assert fresh.path == "notes/plan.md" and fresh.doc_id != claimed
    cli.close()
    lasting = Vault(tmp_path / "v")
    lasting.scan()
    adopted = lasting.index.by_path("notes/plan.md")
    assert adopted and adopted.doc_id == claimed
    assert "typed on this device" in render_doc(lasting.repo.load(claimed))
    assert fresh.doc_id and lasting.repo.root_entry(fresh.doc_id) is None
    assert lasting.mirror.dirty.ids() == []
    assert lasting.doctor() == []


def test_deleting_a_never_listed_document_leaves_a_whole_tombstone(tmp_path: Path) -> None:
    lasting = Vault.init(tmp_path / "v")
    lasting.scan()
    cli = one_shot(lasting.root)
    item = cli.items.create("note", "Scratch")
    doc_id = item.row.doc_id
    assert doc_id
    (lasting.root / item.row.path).unlink()
    cli.scan()
    entry = cli.repo.root_entry(doc_id)
    assert entry and entry["deleted"] is True and entry["path"] == "notes/scratch.md"
    assert entry["kind"] == "note"
    cli.close()
    lasting.scan()
    assert lasting.mirror.dirty.ids() == []
    history.restore(lasting, "notes/scratch.md")  # what `solo restore PATH` does
    assert (lasting.root / "notes" / "scratch.md").exists()
