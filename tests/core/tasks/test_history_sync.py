"""Undo and restore between two real vaults syncing through `solo serve` on 127.0.0.1: no concurrent edit is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sync_server import FAST, ServerThread, sync

from solo.core.config import Remote
from solo.core.engine import history
from solo.core.model import fileformat
from solo.core.vault import Vault
from solo.sync.client import sync_once


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Vault, Vault, Remote]]:
    server = ServerThread(tmp_path / "server").start()
    a = Vault.init(tmp_path / "a")
    a.scan()
    remote = server.remote()
    sync(a, remote)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    asyncio.run(sync_once(b, remote, options=FAST))
    b.scan()
    yield a, b, remote
    a.close()
    b.close()
    server.stop()


def fields(vault: Vault, path: str) -> tuple[dict, str]:
    parsed = fileformat.split(vault.abs(path).read_text())
    return fileformat.to_json(parsed.fields), parsed.body


def test_undo_keeps_the_other_devices_concurrent_edit(pair: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = pair
    item = a.create("task", "Shared", {"priority": "low"}, "line one\n")
    sync(a, remote)
    sync(b, remote)
    a.update(item.path, {"status": "next", "priority": "high"})  # A's action, to be undone
    # Meanwhile B (not synced yet) edits the body and adds a project: concurrent edits.
    b.update(item.path, {"project": "home"}, body="line one\nfrom B\n")
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    merged = fields(a, item.path)
    assert merged == fields(b, item.path)
    assert merged[0]["status"] == "next" and merged[0]["project"] == "home"
    assert merged[1] == "line one\nfrom B\n"
    # Having seen A's change, B sets the priority again: a later edit of the same field.
    b.update(item.path, {"priority": "medium"})
    sync(b, remote)
    sync(a, remote)

    result = history.undo(a)  # A undoes its own modify, as a new change
    sync(a, remote)
    sync(b, remote)
    on_a, on_b = fields(a, item.path), fields(b, item.path)
    assert on_a == on_b
    assert "status" not in on_a[0]  # A's change is reverted everywhere
    assert on_a[0]["priority"] == "medium" and result.kept == ["priority"]  # B's is kept
    assert on_a[0]["project"] == "home" and on_a[1] == "line one\nfrom B\n"


def test_undo_of_a_delete_brings_the_file_back_on_the_other_device(
        pair: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = pair
    item = a.create("note", "Travels", {}, "words\n")
    sync(a, remote)
    sync(b, remote)
    assert b.abs(item.path).exists()
    a.delete(item.path)
    sync(a, remote)
    sync(b, remote)
    assert not b.abs(item.path).exists()
    assert "restored" in history.undo(a).message
    sync(a, remote)
    sync(b, remote)
    assert b.abs(item.path).read_text() == a.abs(item.path).read_text()
    assert b.resolve(item.path).doc_id == item.row.doc_id


def test_log_names_the_other_device(pair: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = pair
    item = a.create("task", "Two hands", {})
    sync(a, remote)
    sync(b, remote)
    b.update(item.path, {"priority": "high"})
    sync(b, remote)
    sync(a, remote)
    _, entries = history.log(a, item.path)
    assert [e.device for e in entries] == ["this device", f"device {b.actor.hex()[:8]}"]
    assert entries[1].fields == ["priority"] and entries[1].at is None
