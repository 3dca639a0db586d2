"""Live sync (local edits pushed at once, remote ones written) and interop with the JS reference."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from support.js_peer import JsSyncServer, js_read, js_splice
from support.sync_server import clone

from solo.core.config import Remote
from solo.core.model.ids import document_url
from solo.core.vault import Vault
from solo.sync.client import BackgroundSync, SyncStatus, sync_once

from .conftest import FAST, files, write


def wait_until(predicate: Callable[[], object], seconds: float = 10.0) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > seconds:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)
    return time.monotonic() - start


def test_live_sync_pushes_local_edits_and_writes_remote_ones(
        tmp_path: Path, any_server: tuple[Remote, str]) -> None:
    remote, _ = any_server
    a = Vault.init(tmp_path / "a")
    write(a, "notes/live.md", "start\n")
    a.scan()
    asyncio.run(sync_once(a, remote, options=FAST))
    b = clone(tmp_path / "b", a, remote)
    statuses: list[SyncStatus] = []
    with BackgroundSync(a, [remote], options=FAST), \
            BackgroundSync(b, [remote], options=FAST, on_status=statuses.append) as sync_b:
        wait_until(lambda: sync_b.statuses()[0].state == "up to date")
        a.items.write_file("notes/live.md", "start\nfrom A, live\n")
        delay = wait_until(lambda: b.abs("notes/live.md").read_text() == "start\nfrom A, live\n")
        assert delay < 3.0
        a.create("note", "Made on A", body="hello from A")
        wait_until(lambda: b.abs("notes/made-on-a.md").exists())
        b.items.write_file("notes/live.md", "start\nfrom A, live\nand B\n")
        wait_until(lambda: "and B" in a.abs("notes/live.md").read_text())
        wait_until(lambda: files(a) == files(b))
    assert any(s.state == "up to date" for s in statuses)


def test_js_client_reads_and_edits_a_note_solo_wrote(
        tmp_path: Path, any_server: tuple[Remote, str]) -> None:
    remote, token = any_server
    a = Vault.init(tmp_path / "a")
    write(a, "notes/interop.md", '+++\ntitle = "Interop"\n+++\nhello world\n')
    a.scan()
    report = asyncio.run(sync_once(a, remote, options=FAST))
    assert report.agreed >= 2
    doc_id = a.resolve("notes/interop.md").doc_id
    assert doc_id is not None
    seen = js_read(remote.url, document_url(doc_id), token=token or None)
    assert seen["body"] == "hello world\n"
    assert seen["meta"]["title"] == "Interop"
    root = js_read(remote.url, a.url, token=token or None)
    assert root["files"][doc_id]["path"] == "notes/interop.md"
    with BackgroundSync(a, [remote], options=FAST) as live:
        wait_until(lambda: live.clients and live.clients[0].sync is not None
                   and live.clients[0].sync.settled)
        js_splice(remote.url, document_url(doc_id), ["body"], 5, 0, ", brave",
                  token=token or None)
        wait_until(lambda: a.abs("notes/interop.md").read_text()
                   == '+++\ntitle = "Interop"\n+++\nhello, brave world\n')


def test_clone_through_the_js_server_is_byte_identical(tmp_path: Path,
                                                       js_server: JsSyncServer) -> None:
    a = Vault.init(tmp_path / "a")
    for i in range(40):
        write(a, f"notes/n{i:02d}.md", f"+++\ntitle = \"N{i}\"\n+++\nbody {i} é\n")
    a.scan()
    remote = Remote(js_server.url)
    asyncio.run(sync_once(a, remote, options=FAST))
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    report = asyncio.run(sync_once(b, remote, options=FAST))
    assert not report.unavailable and not report.root_missing
    b.scan()
    assert files(a) == files(b) and len(files(b)) == 40
