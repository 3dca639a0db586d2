"""Sync semantics between two vaults, through the replica layer (no network)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solo.core.crdt import SyncState
from solo.core.replica import Replica
from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, object]


def files(vault: Vault) -> dict[str, bytes]:
    return {rel: vault.abs(rel).read_bytes() for rel, _ in vault.walk()}


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_clone_gets_every_file_byte_for_byte(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/x.md", '+++\ntitle = "X"\n# comment\n+++\nbody é\r\nno final newline')
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    assert files(b) == files(a)


def test_concurrent_edits_to_one_note_merge_identically(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/n.md", "line one\nline two\n")
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    write(a, "notes/n.md", "line one from A\nline two\n")
    write(b, "notes/n.md", "line one\nline two from B\n")
    a.scan()
    b.scan()
    link.sync()  # type: ignore[attr-defined]
    assert files(a) == files(b)
    text = a.abs("notes/n.md").read_text()
    assert "from A" in text and "from B" in text


def test_different_front_matter_keys_both_survive(pair: Pair) -> None:
    a, b, link = pair
    write(a, "tasks/t.md", '+++\ntitle = "T"\nstatus = "next"\n+++\n')
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    a.update("tasks/t.md", {"status": "done"})
    b.update("tasks/t.md", {"priority": "high"})
    link.sync()  # type: ignore[attr-defined]
    assert files(a) == files(b)
    fields = a.resolve("tasks/t.md").fields
    assert fields["status"] == "done" and fields["priority"] == "high"


def test_delete_propagates(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/d.md", "doomed\n")
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    assert b.abs("notes/d.md").exists()
    a.delete("notes/d.md")
    link.sync()  # type: ignore[attr-defined]
    assert not b.abs("notes/d.md").exists()
    assert files(a) == files(b)


def test_edit_concurrent_with_delete_brings_the_file_back(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/d.md", "first words\n")
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    a.delete("notes/d.md")
    write(b, "notes/d.md", "first words\nprecious new words\n")
    b.scan()
    link.sync()  # type: ignore[attr-defined]
    assert "precious new words" in a.abs("notes/d.md").read_text()
    assert files(a) == files(b)


def test_same_path_created_on_both_keeps_both(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/same.md", "from A\n")
    write(b, "notes/same.md", "from B\n")
    a.scan()
    b.scan()
    link.sync()  # type: ignore[attr-defined]
    assert files(a) == files(b)
    contents = sorted(files(a).values())
    assert contents == [b"from A\n", b"from B\n"]
    assert any("(conflict " in p for p in files(a))


def test_rename_propagates_and_keeps_identity(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/old.md", "content\n")
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    os.rename(a.abs("notes/old.md"), a.abs("notes/new.md"))
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    assert not b.abs("notes/old.md").exists()
    assert b.abs("notes/new.md").read_text() == "content\n"
    assert a.resolve("notes/new.md").doc_id == b.resolve("notes/new.md").doc_id


def test_offline_edits_on_both_sides_merge(pair: Pair) -> None:
    a, b, link = pair
    for i in range(3):
        write(a, f"notes/a{i}.md", f"a {i}\n")
        write(b, f"notes/b{i}.md", f"b {i}\n")
    a.scan()
    b.scan()
    link.sync()  # type: ignore[attr-defined]
    assert files(a) == files(b) and len(files(a)) == 6


def test_unsynced_local_edit_is_ingested_before_a_remote_change(pair: Pair) -> None:
    a, b, link = pair
    write(a, "notes/n.md", "alpha\nomega\n")
    a.scan()
    link.sync()  # type: ignore[attr-defined]
    write(a, "notes/n.md", "alpha\nlocal words not yet ingested\nomega\n")  # nothing ran
    write(b, "notes/n.md", "alpha\nomega\nremote words\n")
    b.scan()
    link.sync()  # type: ignore[attr-defined]
    text = a.abs("notes/n.md").read_text()
    assert "local words not yet ingested" in text and "remote words" in text
    assert files(a) == files(b)


def test_second_device_before_first_sync_never_overwrites_remote(tmp_path: Path) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "notes/keep.md", "remote content\n")
    a.scan()
    (tmp_path / "b").mkdir()
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    with pytest.raises(Exception, match="not received its index"):
        b.scan()
    (tmp_path / "b" / "notes").mkdir()
    (tmp_path / "b" / "notes" / "keep.md").write_text("")  # an empty local file, same path
    link = Link(Replica(a, "x"), Replica(b, "x"))
    first = link.b.generate(a.root_id, SyncState())
    assert first is not None and first[:2] == b"B\x00"  # a request: no heads, no changes of b's
    link.sync()
    b.scan()
    link.sync()
    assert a.abs("notes/keep.md").read_text() == "remote content\n"
    assert "remote content\n" in [p.read_text() for p in (tmp_path / "b" / "notes").iterdir()]
    link.a.close()
    link.b.close()
