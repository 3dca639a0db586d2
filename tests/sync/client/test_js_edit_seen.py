"""`solo sync --once` sees a JS app's edit (issue 12, finding 12).

A JS automerge-repo app edits a note's document and never touches the root index, so the
root's `rev` (which only Solo writes) cannot tell; the fast path asks a Solo server for the
heads of every document in one round trip, and syncs every agreed document again with any
other server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.js_peer import JsSyncServer, js_splice
from support.sync_server import FAST, TOKEN, ServerThread, write

from solo.core.config import Remote
from solo.core.engine.crdt import Doc
from solo.core.engine.docrepo import doc_rev
from solo.core.model.ids import document_url
from solo.core.vault import Vault
from solo.sync.client import heads_rev, sync_once


@pytest.fixture(params=["solo", "js"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Remote, str]]:
    if request.param == "solo":
        srv = ServerThread(tmp_path / "solo-server").start()
        yield srv.remote(), TOKEN
        srv.stop()
    else:
        with JsSyncServer(tmp_path / "js-data") as js:
            yield Remote(js.url), ""


def test_sync_once_picks_up_a_js_clients_edit(tmp_path: Path,
                                              any_server: tuple[Remote, str]) -> None:
    remote, token = any_server
    a = Vault.init(tmp_path / "a")
    try:
        write(a, "notes/js.md", '+++\ntitle = "JS"\n+++\nhello world\n')
        write(a, "notes/other.md", "untouched\n")
        a.scan()
        asyncio.run(sync_once(a, remote, options=FAST))
        doc_id = a.resolve("notes/js.md").doc_id
        assert doc_id is not None
        js_splice(remote.url, document_url(doc_id), ["body"], 5, 0, ", brave",
                  token=token or None)
        a.scan()
        report = asyncio.run(sync_once(a, remote, options=FAST))  # not --full
        assert a.abs("notes/js.md").read_text() == '+++\ntitle = "JS"\n+++\nhello, brave world\n'
        assert report.documents >= 2  # the root and the edited note
        again = asyncio.run(sync_once(a, remote, options=FAST))
        assert a.abs("notes/other.md").read_text() == "untouched\n"
        if token:  # a Solo server answers heads: nothing changed means only the root moves
            assert again.documents <= 1
    finally:
        a.close()


def test_heads_rev_is_doc_rev() -> None:
    doc = Doc.new()
    with doc.change() as tx:
        tx.set_text(["body"], "x")
    fork = doc.fork()
    with fork.change() as tx:
        tx.set_text(["body"], "y")
    with doc.change() as tx:
        tx.set_text(["body"], "z")
    doc.merge(fork)
    assert len(doc.heads()) == 2
    assert heads_rev(doc.heads()) == doc_rev(doc)
    assert heads_rev(reversed(doc.heads())) == doc_rev(doc)
