"""Attachments: non-Markdown files mirrored as binary documents, synced byte-identical, never lost."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sync_server import FAST, ServerThread

from solo.core.config import Remote
from solo.core.engine.attachments import KIND, doc_bytes
from solo.core.engine.watch import VaultWatcher
from solo.core.vault import Vault
from solo.sync.client import sync_once

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PNG = (FIXTURES / "obsidian" / "diagram.png").read_bytes()
PDF = (FIXTURES / "obsidian" / "Attachments" / "manual.pdf").read_bytes()


def put(vault: Vault, rel: str, data: bytes) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".solo" not in p.relative_to(root).parts}


def sync(vault: Vault, remote: Remote) -> None:
    vault.scan()
    report = asyncio.run(sync_once(vault, remote, options=FAST))
    assert not report.problems, report.problems


@pytest.fixture
def devices(tmp_path: Path, server: ServerThread) -> Iterator[tuple[Vault, Vault, Remote]]:
    """Device A with the Obsidian fixture (attachments included), B cloned from the server."""
    shutil.copytree(FIXTURES / "obsidian", tmp_path / "a")
    a = Vault.init(tmp_path / "a")
    remote = server.remote()
    sync(a, remote)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    asyncio.run(sync_once(b, remote, options=FAST))
    sync(b, remote)
    yield a, b, remote
    a.close()
    b.close()


def test_scan_mirrors_every_non_markdown_file_and_no_hidden_one(vault: Vault) -> None:
    put(vault, "img/photo.png", PNG)
    put(vault, "docs/manual.pdf", PDF)
    put(vault, "sound.ogg", b"OggS\0\0fake")
    for hidden in (".obsidian/workspace.json", ".git/objects/ab", ".trash/old.png",
                   "img/.DS_Store", ".solo/extra.png", "img/photo.png~", "img/photo.png.part",
                   "img/x.solo-tmp-1"):
        put(vault, hidden, b"\0hidden")
    report = vault.scan()
    assert sorted(report.added) == ["docs/manual.pdf", "img/photo.png", "sound.ogg"]
    assert [r.path for r in vault.attachments()] == ["docs/manual.pdf", "img/photo.png",
                                                     "sound.ogg"]
    entries = {e["path"]: (doc_id, e) for doc_id, e in vault.repo.root_entries().items()}
    doc_id, entry = entries["img/photo.png"]
    assert entry["kind"] == KIND and entry["deleted"] is False
    assert doc_bytes(vault.repo.load(doc_id)) == PNG
    assert vault.attachments()[1].fields == {"mime": "image/png"}
    assert vault.rows() == []  # attachments are not items: lists and Today never show them
    assert vault.search("photo") == []


def test_unchanged_attachments_are_never_rewritten_nor_changed(vault: Vault) -> None:
    put(vault, "a.png", PNG)
    vault.scan()
    row = vault.attachments()[0]
    assert row.doc_id is not None
    stamp, st = vault.store.stamp(row.doc_id), os.stat(vault.abs("a.png"))
    os.utime(vault.abs("a.png"), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched only
    vault.scan()
    assert not [f for f in vault.doctor() if "a.png" in f]
    vault.scan()
    assert vault.store.stamp(row.doc_id) == stamp
    assert os.stat(vault.abs("a.png")).st_ino == st.st_ino


def test_a_file_over_the_cap_is_skipped_and_said(vault: Vault) -> None:
    vault.mirror.attachments.max_bytes = 1000
    put(vault, "big.pdf", PDF * 3 + b"x" * 1000)
    put(vault, "small.png", PNG)
    report = vault.scan()
    assert "over the" in report.problems["big.pdf"] and "not synced" in report.problems["big.pdf"]
    assert {e["path"] for e in vault.repo.root_entries().values()} == {"small.png"}
    assert any("big.pdf" in f and "cap" in f for f in vault.doctor())
    assert vault.abs("big.pdf").read_bytes() == PDF * 3 + b"x" * 1000


def test_the_config_key_sets_the_cap(tmp_path: Path) -> None:
    v = Vault.init(tmp_path / "v")
    v.config_path.write_text("attachments_max_mb = 0.001\n")
    v.close()
    again = Vault(tmp_path / "v")
    assert again.mirror.attachments.max_bytes == 1048
    put(again, "big.png", b"p" * 2000)
    assert "cap" in again.scan().problems["big.png"]
    again.close()


def test_embeds_and_image_links_resolve_to_attachments(vault: Vault) -> None:
    put(vault, "assets/photo 1.png", PNG)
    put(vault, "notes/n.md", b"![[photo 1.png]]\n![x](../assets/photo%201.png)\n[[photo 1]]\n")
    vault.scan()
    assert [link.resolved for link in vault.links.outgoing("notes/n.md")] == [
        "assets/photo 1.png", "assets/photo 1.png", None]
    assert [link.line for link in vault.links.backlinks("assets/photo 1.png")] == [1, 2]


def test_with_attachments_off_links_to_files_that_are_there_are_not_unresolved(
        tmp_path: Path) -> None:
    root = tmp_path / "v"
    Vault.init(root).close()
    (root / ".solo" / "config.toml").write_text("attachments_max_mb = 0\n")
    vault = Vault(root)
    put(vault, "assets/diagram.png", PNG)
    put(vault, "report.pdf", PDF)
    put(vault, "notes/n.md", b"![[diagram.png]]\n[[report.pdf]]\n[[assets/diagram.png]]\n"
                             b"[r](../report.pdf)\n[[gone.pdf]]\n[[Nowhere]]\n")
    vault.scan()
    assert [r.path for r in vault.rows()] == ["notes/n.md"]  # nothing else is mirrored
    assert [link.resolved for link in vault.links.outgoing("notes/n.md")] == [
        "assets/diagram.png", "report.pdf", "assets/diagram.png", "report.pdf", None, None]
    assert [link.target for link in vault.links.unresolved()] == ["gone.pdf", "Nowhere"]
    assert vault.links.target("diagram.png", "notes/n.md") == ("assets/diagram.png", None)
    assert vault.links.target("gone.pdf", "notes/n.md") is None
    assert [f for f in vault.doctor() if "unresolved" in f] == [
        "notes/n.md: unresolved link(s): [[gone.pdf]], [[Nowhere]]"]
    vault.abs("report.pdf").unlink()  # asked again, the disk answers: now it is gone
    assert [link.target for link in vault.links.unresolved()] == [
        "report.pdf", "../report.pdf", "gone.pdf", "Nowhere"]
    assert vault.abs("assets/diagram.png").read_bytes() == PNG
    vault.close()


def test_the_watcher_picks_up_a_new_image(vault: Vault) -> None:
    vault.scan()
    seen = threading.Event()
    vault.on_change(lambda paths: seen.set() if "shots/new.png" in paths else None)
    with VaultWatcher(vault, debounce=0.05):
        put(vault, ".obsidian/ignored.png", PNG)
        put(vault, "shots/new.png", PNG)
        assert seen.wait(20)
    row = vault.index.by_path("shots/new.png")
    assert row is not None and row.kind == KIND and row.doc_id
    assert doc_bytes(vault.repo.load(row.doc_id)) == PNG
    assert vault.index.by_path(".obsidian/ignored.png") is None


def test_clone_holds_every_attachment_byte_identical(devices: tuple[Vault, Vault, Remote]
                                                     ) -> None:
    a, b, _ = devices
    assert tree(b.root) == tree(a.root)
    assert b.abs("diagram.png").read_bytes() == PNG
    assert b.abs("Attachments/manual.pdf").read_bytes() == PDF
    assert [r.path for r in b.attachments()] == ["Attachments/manual.pdf", "diagram.png"]
    assert not (b.root / ".obsidian").exists()


def test_an_edit_replaces_and_a_delete_deletes_on_the_other_device(
        devices: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = devices
    new_png = PNG[:-12] + b"\0edited\0" + PNG[-12:]
    put(a, "diagram.png", new_png)
    sync(a, remote)
    sync(b, remote)
    assert b.abs("diagram.png").read_bytes() == new_png
    inode = os.stat(b.abs("diagram.png")).st_ino
    sync(b, remote)
    sync(a, remote)
    assert os.stat(b.abs("diagram.png")).st_ino == inode  # not rewritten when unchanged
    a.abs("Attachments/manual.pdf").unlink()
    sync(a, remote)
    sync(b, remote)
    assert not b.abs("Attachments/manual.pdf").exists()
    assert tree(a.root) == tree(b.root)


def test_a_rename_moves_the_attachment_on_the_other_device(
        devices: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = devices
    doc_id = a.resolve("diagram.png").doc_id
    a.abs("diagram.png").rename(a.abs("Attachments/diagram.png"))
    sync(a, remote)
    sync(b, remote)
    assert not b.abs("diagram.png").exists()
    assert b.abs("Attachments/diagram.png").read_bytes() == PNG
    assert b.resolve("Attachments/diagram.png").doc_id == doc_id


def test_concurrent_edits_keep_both_versions_on_both_devices(
        devices: tuple[Vault, Vault, Remote]) -> None:
    a, b, remote = devices
    from_a, from_b = PNG + b"A-version", PNG + b"B-version"
    put(a, "diagram.png", from_a)
    put(b, "diagram.png", from_b)
    for vault in (a, b, a, b, a, b):
        sync(vault, remote)
    assert tree(a.root) == tree(b.root)
    versions = {data for rel, data in tree(a.root).items() if rel.startswith("diagram")}
    assert versions == {from_a, from_b}
    assert a.abs("diagram.png").read_bytes() in (from_a, from_b)


def test_a_local_file_solo_never_mirrored_is_kept_and_the_peers_lands_beside(
        tmp_path: Path, server: ServerThread) -> None:
    remote = server.remote()
    a = Vault.init(tmp_path / "a")
    put(a, "photo.png", PNG)
    sync(a, remote)
    b_root = tmp_path / "b"
    b_root.mkdir()
    (b_root / "photo.png").write_bytes(b"my own photo, never synced")
    b = Vault.init(b_root, root_id=a.root_id)
    b.mirror.attachments.max_bytes = 10  # B's photo is over its cap: not mirrored
    asyncio.run(sync_once(b, remote, options=FAST))
    assert (b_root / "photo.png").read_bytes() == b"my own photo, never synced"
    beside = [p for p in b_root.iterdir() if p.name.startswith("photo (conflict")]
    assert len(beside) == 1 and beside[0].read_bytes() == PNG
    a.close()
    b.close()


def test_a_peer_note_document_at_an_image_path_is_refused(devices: tuple[Vault, Vault, Remote]
                                                          ) -> None:
    a, b, _ = devices
    doc_id = a.resolve("Home.md").doc_id
    assert doc_id is not None
    with b.lock:
        with pytest.raises(Exception, match="attachment"):
            b.mirror.write_doc("diagram.png", doc_id, b.repo.load(doc_id))
    assert b.abs("diagram.png").read_bytes() == PNG
