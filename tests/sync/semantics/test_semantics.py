"""What two devices see after syncing, the same whether they meet in memory or through a server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solo.core.vault import Vault

from .conftest import Devices


def files(vault: Vault) -> dict[str, bytes]:
    return {rel: vault.abs(rel).read_bytes() for rel, _ in vault.mirror.walk()}


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_clone_gets_every_file_byte_for_byte(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/x.md", '+++\ntitle = "X"\n# comment\n+++\nbody é\r\nno final newline')
    write(a, "tasks/t.md", '+++\nstatus = "next"\n+++\nDo it\n')
    devices.settle()
    assert files(b) == files(a) and len(files(b)) == 2


def test_concurrent_edits_to_one_note_merge_identically(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/n.md", "line one\nline two\n")
    devices.settle()
    write(a, "notes/n.md", "line one from A\nline two\n")
    write(b, "notes/n.md", "line one\nline two from B\n")
    devices.settle()
    assert files(a) == files(b)
    text = a.abs("notes/n.md").read_text()
    assert "from A" in text and "from B" in text


def test_different_front_matter_keys_both_survive(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "tasks/t.md", '+++\ntitle = "T"\nstatus = "next"\n+++\n')
    devices.settle()
    a.update("tasks/t.md", {"status": "done"})
    b.update("tasks/t.md", {"priority": "high"})
    devices.settle()
    assert files(a) == files(b)
    fields = a.resolve("tasks/t.md").fields
    assert fields["status"] == "done" and fields["priority"] == "high"


def test_delete_is_a_tombstone_and_propagates(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/d.md", "doomed\n")
    devices.settle()
    assert b.abs("notes/d.md").exists()
    doc_id = a.resolve("notes/d.md").doc_id
    a.delete("notes/d.md")
    devices.settle()
    assert not b.abs("notes/d.md").exists()
    assert files(a) == files(b)
    assert b.repo.root_entries()[doc_id]["deleted"] is True


def test_delete_after_an_edit_sticks(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/d.md", "first words\n")
    devices.settle()
    write(a, "notes/d.md", "first words\nan edit just before the delete\n")
    a.scan()
    a.delete("notes/d.md")
    devices.settle()
    assert not a.abs("notes/d.md").exists() and not b.abs("notes/d.md").exists()
    assert files(a) == files(b)


def test_edit_concurrent_with_delete_brings_the_file_back(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/d.md", "first words\n")
    devices.settle()
    a.delete("notes/d.md")
    write(b, "notes/d.md", "first words\nprecious new words\n")
    devices.settle()
    assert "precious new words" in a.abs("notes/d.md").read_text()
    assert files(a) == files(b)


def test_same_path_created_on_both_keeps_both(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/same.md", "from A\n")
    write(b, "notes/same.md", "from B\n")
    devices.settle()
    assert files(a) == files(b)
    assert sorted(files(a).values()) == [b"from A\n", b"from B\n"]
    assert any("(conflict " in p for p in files(a))


def test_rename_propagates_and_keeps_identity(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/old.md", "content\n")
    devices.settle()
    os.rename(a.abs("notes/old.md"), a.abs("notes/new.md"))
    devices.settle()
    assert not b.abs("notes/old.md").exists()
    assert b.abs("notes/new.md").read_text() == "content\n"
    assert a.resolve("notes/new.md").doc_id == b.resolve("notes/new.md").doc_id


def test_offline_edits_on_both_sides_merge(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/shared.md", "alpha\nomega\n")
    devices.settle()
    for i in range(3):
        write(a, f"notes/a{i}.md", f"a {i}\n")
        write(b, f"notes/b{i}.md", f"b {i}\n")
    write(a, "notes/shared.md", "alpha\nfrom A offline\nomega\n")
    write(b, "notes/shared.md", "alpha\nomega\nfrom B offline\n")
    devices.settle()
    assert files(a) == files(b) and len(files(a)) == 7
    text = a.abs("notes/shared.md").read_text()
    assert "from A offline" in text and "from B offline" in text


def test_unsynced_local_edit_is_ingested_before_a_remote_change(devices: Devices) -> None:
    a, b = devices.a, devices.b
    write(a, "notes/n.md", "alpha\nomega\n")
    devices.settle()
    write(a, "notes/n.md", "alpha\nlocal words not yet ingested\nomega\n")  # nothing ran
    write(b, "notes/n.md", "alpha\nomega\nremote words\n")
    b.scan()
    devices.settle(scan=False)
    text = a.abs("notes/n.md").read_text()
    assert "local words not yet ingested" in text and "remote words" in text
    # One settle: the sync that merged on A pushed the merge and the root index's new rev in
    # the same run, so B has the file (no scan: the replica ingested A's edit) and the very
    # root index A has, with no change of its own to publish the rev A forgot.
    assert files(a) == files(b)
    assert a.repo.root_doc().heads() == b.repo.root_doc().heads()


def test_vault_opened_before_its_first_sync_never_overwrites_remote(
        devices: Devices, tmp_path: Path) -> None:
    a = devices.a
    write(a, "notes/keep.md", "remote content\n")
    write(a, "notes/other.md", "more remote content\n")
    devices.settle()
    c = Vault.init(tmp_path / "c", root_id=a.root_id)
    try:
        with pytest.raises(Exception, match="not received its index"):
            c.scan()
        write(c, "notes/keep.md", "")  # an empty local file at the same path
        devices.join(c)
        c.scan()
        devices.settle()
        assert a.abs("notes/keep.md").read_text() == "remote content\n"
        assert a.abs("notes/other.md").read_text() == "more remote content\n"
        assert "remote content\n" in [p.read_text() for p in (c.root / "notes").iterdir()]
        assert files(a) == files(c)
    finally:
        c.close()
