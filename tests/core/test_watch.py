"""A real watchdog observer feeds every way editors save into the vault, without echo loops."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from solo.core.vault import Vault
from solo.core.watch import VaultWatcher


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture
def watched(vault: Vault) -> Iterator[Vault]:
    (vault.root / "notes").mkdir()
    (vault.root / "notes" / "a.md").write_text("# A\nfirst line\n")
    vault.scan()
    with VaultWatcher(vault, debounce=0.05):
        yield vault


def body_of(vault: Vault, rel: str) -> str:
    with vault.lock:  # the watcher thread may be mid-ingest
        row = vault.index.by_path(rel)
        return vault.load_doc(row.doc_id).get(["body"]) if row and row.doc_id else ""


def test_in_place_append(watched: Vault) -> None:
    with open(watched.root / "notes/a.md", "a") as handle:
        handle.write("appended like >>\n")
    wait_for(lambda: "appended like >>" in body_of(watched, "notes/a.md"))
    wait_for(lambda: bool(watched.search("appended")))


def test_vim_style_backup_then_rewrite(watched: Vault) -> None:
    path = watched.root / "notes/a.md"
    doc_id = watched.index.by_path("notes/a.md").doc_id  # type: ignore[union-attr]
    os.rename(path, path.with_name("a.md~"))
    path.write_text("# A\nrewritten by vim\n")
    os.unlink(path.with_name("a.md~"))
    wait_for(lambda: "rewritten by vim" in body_of(watched, "notes/a.md"))
    assert watched.index.by_path("notes/a.md").doc_id == doc_id  # type: ignore[union-attr]


def test_sed_in_place_temp_and_rename(watched: Vault) -> None:
    subprocess.run(["sed", "-i", "s/first line/edited by sed/", str(watched.root / "notes/a.md")],
                   check=True)
    wait_for(lambda: "edited by sed" in body_of(watched, "notes/a.md"))


def test_rename_keeps_identity_and_delete_is_a_tombstone(watched: Vault) -> None:
    doc_id = watched.index.by_path("notes/a.md").doc_id or ""  # type: ignore[union-attr]
    os.rename(watched.root / "notes/a.md", watched.root / "notes/b.md")
    wait_for(lambda: watched.index.by_path("notes/b.md") is not None)
    assert watched.index.by_path("notes/b.md").doc_id == doc_id  # type: ignore[union-attr]
    assert watched.root_entries()[doc_id]["path"] == "notes/b.md"
    os.unlink(watched.root / "notes/b.md")
    wait_for(lambda: watched.index.by_path("notes/b.md") is None)
    assert watched.root_entries()[doc_id]["deleted"] is True


def test_folder_rename_keeps_identity(watched: Vault) -> None:
    doc_id = watched.index.by_path("notes/a.md").doc_id  # type: ignore[union-attr]
    os.rename(watched.root / "notes", watched.root / "journal")
    wait_for(lambda: watched.index.by_path("journal/a.md") is not None)
    assert watched.index.by_path("journal/a.md").doc_id == doc_id  # type: ignore[union-attr]


def test_solo_own_write_does_not_echo(watched: Vault) -> None:
    item = watched.update("notes/a.md", {"tags": ["x"]})
    doc_id = item.row.doc_id or ""
    time.sleep(0.4)  # let the watcher see the write event and settle
    heads = watched.load_doc(doc_id).heads()
    stamp = watched.store.stamp(doc_id)
    time.sleep(0.4)
    assert watched.load_doc(doc_id).heads() == heads
    assert watched.store.stamp(doc_id) == stamp


def test_new_file_in_new_folder(watched: Vault) -> None:
    (watched.root / "ideas" / "deep").mkdir(parents=True)
    (watched.root / "ideas" / "deep" / "z.md").write_text("zebra crossing\n")
    wait_for(lambda: bool(watched.search("zebra")))


def test_ignores_hidden_temp_and_solo_files(watched: Vault, tmp_path: Path) -> None:
    (watched.root / ".obsidian").mkdir()
    (watched.root / ".obsidian" / "x.md").write_text("hidden\n")
    (watched.root / "notes" / "photo.png").write_bytes(b"\x89PNG")
    (watched.root / "notes" / "c.md").write_text("visible\n")
    wait_for(lambda: watched.index.by_path("notes/c.md") is not None)
    assert watched.index.by_path(".obsidian/x.md") is None
    assert watched.index.by_path("notes/photo.png") is None
