"""Sync semantics only a real server shows: outages, tokens, what a reconnect sends (the shared scenarios are in tests/sync/semantics/)."""

from __future__ import annotations

import asyncio
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
