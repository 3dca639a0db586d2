"""A root change that only moves revs is reconciled from what it touched; anything else
still gets the whole comparison, with the same files as a result."""

from __future__ import annotations

from solo.core.engine.crdt import SyncState
from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, Link]


def _root_round(src: Replica, dst: Replica) -> list[str]:
    """Send the root index from `src` to `dst` on fresh sync states; what `dst` then wants."""
    wanted: list[str] = []
    mine, theirs = SyncState(), SyncState()
    for _ in range(10):
        sent = False
        for sender, state, receiver, other in ((src, mine, dst, theirs),
                                               (dst, theirs, src, mine)):
            message = sender.generate(src.root_id, state)
            if message is not None:
                sent = True
                found = receiver.receive(src.root_id, other, message)
                if receiver is dst:
                    wanted += found
        if not sent:
            break
    return wanted


def _notes(a: Vault, count: int) -> list[str]:
    (a.root / "notes").mkdir(exist_ok=True)
    for i in range(count):
        (a.root / "notes" / f"n{i}.md").write_text(f"note {i}\n")
    a.scan()
    return [f"notes/n{i}.md" for i in range(count)]


def _edit(a: Vault, link: Link, rel: str, text: str) -> None:
    """Write `text` to A's file at `rel`, ingest it and sync both ways."""
    (a.root / rel).write_text(text)
    a.scan()
    link.sync()


def test_an_edit_elsewhere_wants_exactly_that_document(pair: Pair) -> None:
    a, b, link = pair
    paths = _notes(a, 20)
    link.sync()
    b.scan()
    # The first root change after new documents arrived compares every entry (they had
    # no file row when their entries came); the ones after it take the short way.
    _edit(a, link, paths[3], "note 3, edited\n")
    edited = a.index.by_path(paths[7])
    assert edited is not None and edited.doc_id
    (a.root / paths[7]).write_text("note 7, edited\n")
    a.scan()
    assert _root_round(link.a, link.b) == [edited.doc_id]
    link.sync()
    assert (b.root / paths[7]).read_text() == "note 7, edited\n"
    assert sorted(r.path for r in b.rows()) == sorted(paths)


def test_renames_deletes_and_new_notes_among_rev_changes_are_all_applied(pair: Pair) -> None:
    a, b, link = pair
    paths = _notes(a, 12)
    link.sync()
    b.scan()
    for round_ in range(3):  # rev-only rounds between the others keep the fast path warm
        _edit(a, link, paths[round_], f"edit {round_}\n")
    (a.root / paths[5]).rename(a.root / "notes" / "renamed.md")
    (a.root / paths[6]).unlink()
    (a.root / "notes" / "fresh.md").write_text("fresh\n")
    (a.root / paths[8]).write_text("edited with the others\n")
    a.scan()
    link.sync()
    on_b = {p.relative_to(b.root).as_posix(): p.read_text()
            for p in (b.root / "notes").glob("*.md")}
    on_a = {p.relative_to(a.root).as_posix(): p.read_text()
            for p in (a.root / "notes").glob("*.md")}
    assert on_b == on_a
    assert "notes/renamed.md" in on_b and paths[6] not in on_b
    assert on_b["notes/fresh.md"] == "fresh\n"
    _edit(a, link, paths[9], "after the rename\n")
    assert (b.root / paths[9]).read_text() == "after the rename\n"


def test_settled_after_connecting_the_first_edit_arrives(pair: Pair) -> None:
    a, b, link = pair
    paths = _notes(a, 6)
    (a.root / paths[5]).unlink()  # a tombstone among the entries: already applied
    a.scan()
    link.sync()
    b.scan()
    link.b.settle()
    _edit(a, link, paths[2], "first edit after connecting\n")
    assert (b.root / paths[2]).read_text() == "first edit after connecting\n"


def test_an_entry_without_a_file_row_keeps_the_whole_comparison(pair: Pair) -> None:
    a, b, link = pair
    paths = _notes(a, 3)
    link.sync()
    b.scan()
    # B's row and file of one note are gone behind Solo's back (a restore from an old backup
    # of .solo/ and the folder): the whole comparison puts the note back, so settling must
    # not skip it.
    b.index.remove(paths[1])
    (b.root / paths[1]).unlink()
    fresh = Replica(b, "peer")
    fresh.settle()
    link.b.close()
    link.b = fresh
    _edit(a, link, paths[0], "a rev change for another note\n")
    assert (b.root / paths[0]).read_text() == "a rev change for another note\n"
    assert (b.root / paths[1]).read_text() == "note 1\n"
