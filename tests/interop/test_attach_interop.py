"""A JS automerge-repo peer (the reference implementation) reads Solo's attachment documents byte for byte."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from support.js_peer import JsSyncServer, js_read
from support.sync_server import FAST, ServerThread

from solo.core.config import Remote
from solo.core.model.ids import document_url
from solo.core.vault import Vault
from solo.sync.client import sync_once

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PNG = (FIXTURES / "obsidian" / "diagram.png").read_bytes()


def _vault_with_attachments(root: Path) -> tuple[Vault, bytes]:
    vault = Vault.init(root)
    (root / "img").mkdir()
    (root / "img" / "diagram.png").write_bytes(PNG)
    big = os.urandom(1_500_000)  # over the 1 MiB a note may be, under the attachment cap
    (root / "scan.pdf").write_bytes(big)
    (root / "n.md").write_text("![[diagram.png]]\n")
    vault.scan()
    return vault, big


def test_the_js_client_reads_attachments_pushed_through_the_js_server(
        tmp_path: Path, js_server: JsSyncServer) -> None:
    vault, big = _vault_with_attachments(tmp_path / "a")
    remote = Remote(js_server.url)
    report = asyncio.run(sync_once(vault, remote, options=FAST))
    assert not report.problems, report.problems
    png_id, pdf_id = vault.resolve("img/diagram.png").doc_id, vault.resolve("scan.pdf").doc_id
    assert png_id and pdf_id
    doc = js_read(remote.url, document_url(png_id), timeout=30)
    assert doc["type"] == "attachment" and bytes(doc["bytes"]) == PNG
    assert bytes(js_read(remote.url, document_url(pdf_id), timeout=30)["bytes"]) == big
    root = js_read(remote.url, document_url(vault.root_id), timeout=30)
    assert root["files"][png_id]["path"] == "img/diagram.png"
    assert root["files"][png_id]["kind"] == "attachment"
    # A second Solo device joining through the JS server gets the same bytes.
    b = Vault.init(tmp_path / "b", root_id=vault.root_id)
    asyncio.run(sync_once(b, remote, options=FAST))
    assert b.abs("img/diagram.png").read_bytes() == PNG and b.abs("scan.pdf").read_bytes() == big
    vault.close()
    b.close()


def test_the_js_client_reads_attachments_from_solo_serve(tmp_path: Path) -> None:
    server = ServerThread(tmp_path / "server", token=None).start()
    try:
        vault, _ = _vault_with_attachments(tmp_path / "a")
        remote = server.remote(token=None)
        asyncio.run(sync_once(vault, remote, options=FAST))
        png_id = vault.resolve("img/diagram.png").doc_id
        assert png_id
        assert bytes(js_read(remote.url, document_url(png_id), timeout=30)["bytes"]) == PNG
        vault.close()
    finally:
        server.stop()
