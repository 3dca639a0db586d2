"""Sync semantics between two real vaults through a real `solo serve` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import sync_once
from solo.sync.transport import AuthError

from .conftest import FAST, ServerThread, files, sync, write

Pair = tuple[Vault, Vault, Remote]


def round_trip(a: Vault, b: Vault, remote: Remote) -> None:
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)


def test_clone_gets_every_file_byte_for_byte(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/x.md", '+++\ntitle = "X"\n# comment\n+++\nbody é\r\nno final newline')
    write(a, "tasks/t.md", '+++\nstatus = "next"\n+++\nDo it\n')
    report = sync(a, remote)
    assert report.agreed >= 3 and not report.unavailable
    sync(b, remote)
    assert files(b) == files(a) and len(files(b)) == 2


def test_concurrent_edits_to_one_note_merge_identically(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/n.md", "line one\nline two\n")
    round_trip(a, b, remote)
    write(a, "notes/n.md", "line one from A\nline two\n")
    write(b, "notes/n.md", "line one\nline two from B\n")
    round_trip(a, b, remote)
    assert files(a) == files(b)
    text = a.abs("notes/n.md").read_text()
    assert "from A" in text and "from B" in text


def test_different_front_matter_keys_both_survive(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "tasks/t.md", '+++\ntitle = "T"\nstatus = "next"\n+++\n')
    round_trip(a, b, remote)
    a.update("tasks/t.md", {"status": "done"})
    b.update("tasks/t.md", {"priority": "high"})
    round_trip(a, b, remote)
    assert files(a) == files(b)
    fields = a.resolve("tasks/t.md").fields
    assert fields["status"] == "done" and fields["priority"] == "high"


def test_delete_is_a_tombstone_and_propagates(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/d.md", "doomed\n")
    round_trip(a, b, remote)
    assert b.abs("notes/d.md").exists()
    doc_id = a.resolve("notes/d.md").doc_id
    a.delete("notes/d.md")
    round_trip(a, b, remote)
    assert not b.abs("notes/d.md").exists()
    assert files(a) == files(b)
    assert b.root_entries()[doc_id]["deleted"] is True


def test_edit_concurrent_with_delete_brings_the_file_back(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/d.md", "first words\n")
    round_trip(a, b, remote)
    a.delete("notes/d.md")
    write(b, "notes/d.md", "first words\nprecious new words\n")
    round_trip(a, b, remote)
    assert "precious new words" in a.abs("notes/d.md").read_text()
    assert files(a) == files(b)


def test_same_path_created_on_both_keeps_both(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/same.md", "from A\n")
    write(b, "notes/same.md", "from B\n")
    round_trip(a, b, remote)
    sync(b, remote)
    assert files(a) == files(b)
    assert sorted(files(a).values()) == [b"from A\n", b"from B\n"]
    assert any("(conflict " in p for p in files(a))


def test_rename_propagates_and_keeps_identity(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/old.md", "content\n")
    round_trip(a, b, remote)
    os.rename(a.abs("notes/old.md"), a.abs("notes/new.md"))
    round_trip(a, b, remote)
    assert not b.abs("notes/old.md").exists()
    assert b.abs("notes/new.md").read_text() == "content\n"
    assert a.resolve("notes/new.md").doc_id == b.resolve("notes/new.md").doc_id


def test_offline_edits_on_both_sides_merge_on_reconnect(pair: Pair, server: ServerThread) -> None:
    a, b, remote = pair
    write(a, "notes/shared.md", "alpha\nomega\n")
    round_trip(a, b, remote)
    server.stop()
    for i in range(3):
        write(a, f"notes/a{i}.md", f"a {i}\n")
        write(b, f"notes/b{i}.md", f"b {i}\n")
    write(a, "notes/shared.md", "alpha\nfrom A offline\nomega\n")
    write(b, "notes/shared.md", "alpha\nomega\nfrom B offline\n")
    a.scan()
    b.scan()
    with pytest.raises(Exception, match="cannot connect"):
        sync(a, remote)
    server.start()  # same port, same data
    round_trip(a, b, remote)
    assert files(a) == files(b) and len(files(a)) == 7
    text = a.abs("notes/shared.md").read_text()
    assert "from A offline" in text and "from B offline" in text


def test_vault_opened_before_its_first_sync_never_overwrites_remote(
        tmp_path: Path, server: ServerThread) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "notes/keep.md", "remote content\n")
    write(a, "notes/other.md", "more remote content\n")
    sync(a, server.remote())
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    with pytest.raises(Exception, match="not received its index"):
        b.scan()
    write(b, "notes/keep.md", "")  # an empty local file at the same path
    asyncio.run(sync_once(b, server.remote(), options=FAST))
    b.scan()
    sync(b, server.remote())
    sync(a, server.remote())
    assert a.abs("notes/keep.md").read_text() == "remote content\n"
    assert a.abs("notes/other.md").read_text() == "more remote content\n"
    assert "remote content\n" in [p.read_text() for p in (b.root / "notes").iterdir()]
    assert files(a) == files(b)


def test_wrong_token_is_refused_and_nothing_is_written(
        tmp_path: Path, server: ServerThread) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "notes/n.md", "words\n")
    a.scan()
    before = sorted(p.relative_to(a.root) for p in a.root.rglob("*"))
    with pytest.raises(AuthError, match="refused the token"):
        asyncio.run(sync_once(a, Remote(server.url, "wrong"), options=FAST))
    with pytest.raises(AuthError, match="requires a token"):
        asyncio.run(sync_once(a, Remote(server.url, None), options=FAST))
    assert sorted(p.relative_to(a.root) for p in a.root.rglob("*")) == before
    assert not list((server.data_dir / "docs").rglob("*.snap*"))


def test_reconnect_syncs_only_what_changed(pair: Pair) -> None:
    a, b, remote = pair
    for i in range(20):
        write(a, f"notes/n{i}.md", f"note {i}\n")
    round_trip(a, b, remote)
    assert sync(a, remote).documents == 1  # nothing changed: only the root
    write(a, "notes/n7.md", "note 7, changed\n")
    report = sync(a, remote)
    assert report.documents == 2  # the root and the note
    report = sync(b, remote)
    assert report.documents == 2
    assert b.abs("notes/n7.md").read_text() == "note 7, changed\n"
    assert sync(b, remote, full=True).documents == 21
