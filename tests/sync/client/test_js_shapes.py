"""A JS automerge-repo app clearing a front matter field (`doc.meta.due = null`) reaches the file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from support.js_peer import JsSyncServer, js_put, js_read

from solo.core.config import Remote
from solo.core.model.ids import document_url
from solo.core.vault import Vault
from solo.sync.client import sync_once

from .conftest import FAST, write


def test_js_app_setting_meta_due_null_removes_the_due_line(tmp_path: Path,
                                                         js_server: JsSyncServer) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "tasks/t.md", '+++\ntitle = "Pay rent"\ndue = "2026-12-24"\n+++\nby transfer\n')
    a.scan()
    remote = Remote(js_server.url)
    asyncio.run(sync_once(a, remote, options=FAST))
    doc_id = a.resolve("tasks/t.md").doc_id
    assert doc_id is not None
    after = js_put(remote.url, document_url(doc_id), ["meta", "due"], None)
    assert after["meta"]["due"] is None
    # A JS app's edit leaves the root index's `rev` alone, so ask for every document.
    report = asyncio.run(sync_once(a, remote, full=True, options=FAST))
    assert a.abs("tasks/t.md").read_text() == '+++\ntitle = "Pay rent"\n+++\nby transfer\n'
    assert not [p for p in report.problems if doc_id in p], report.problems
    assert a.doctor() is not None
    assert [row.due for row in a.rows()] == [None]
    # A second device joining through the same server gets the same file, and it syncs on.
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    asyncio.run(sync_once(b, remote, options=FAST))
    assert b.abs("tasks/t.md").read_text() == a.abs("tasks/t.md").read_text()
    assert js_read(remote.url, document_url(doc_id))["meta"]["title"] == "Pay rent"
    a.close()
    b.close()
