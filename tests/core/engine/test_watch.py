"""A real watchdog observer feeds every way editors save into the vault, without echo loops."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from solo.core.engine.watch import VaultWatcher
from solo.core.vault import Vault


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
        return vault.repo.load(row.doc_id).get(["body"]) if row and row.doc_id else ""


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
    assert watched.repo.root_entries()[doc_id]["path"] == "notes/b.md"
    os.unlink(watched.root / "notes/b.md")
    wait_for(lambda: watched.index.by_path("notes/b.md") is None)
    assert watched.repo.root_entries()[doc_id]["deleted"] is True


def test_folder_rename_keeps_identity(watched: Vault) -> None:
    doc_id = watched.index.by_path("notes/a.md").doc_id  # type: ignore[union-attr]
    os.rename(watched.root / "notes", watched.root / "journal")
    wait_for(lambda: watched.index.by_path("journal/a.md") is not None)
    assert watched.index.by_path("journal/a.md").doc_id == doc_id  # type: ignore[union-attr]


def test_solo_own_write_does_not_echo(watched: Vault) -> None:
    item = watched.update("notes/a.md", {"tags": ["x"]})
    doc_id = item.row.doc_id or ""
    with watched.lock:
        heads = watched.repo.load(doc_id).heads()
        stamp = watched.store.stamp(doc_id)
    notified: list[list[str]] = []
    watched.on_change(notified.append)
    # Events arrive in order: once a later write is ingested, Solo's own write was handled too.
    (watched.root / "notes" / "marker.md").write_text("written after Solo's own write\n")
    _wait_for_ingest_of(notified, "notes/marker.md")

    assert notified == [["notes/marker.md"]]
    with watched.lock:
        assert watched.repo.load(doc_id).heads() == heads
        assert watched.store.stamp(doc_id) == stamp


def test_new_file_in_new_folder(watched: Vault) -> None:
    (watched.root / "ideas" / "deep").mkdir(parents=True)
    (watched.root / "ideas" / "deep" / "z.md").write_text("zebra crossing\n")
    wait_for(lambda: bool(watched.search("zebra")))


def test_ignores_hidden_temp_and_solo_files(watched: Vault, tmp_path: Path) -> None:
    (watched.root / ".obsidian").mkdir()
    (watched.root / ".obsidian" / "x.md").write_text("hidden\n")
    (watched.root / ".obsidian" / "x.png").write_bytes(b"\x89PNG")
    (watched.root / "notes" / ".photo.png").write_bytes(b"\x89PNG")
    (watched.root / "notes" / "c.md").write_text("visible\n")
    wait_for(lambda: watched.index.by_path("notes/c.md") is not None)
    assert watched.index.by_path(".obsidian/x.md") is None
    assert watched.index.by_path(".obsidian/x.png") is None  # images are attachments (see
    assert watched.index.by_path("notes/.photo.png") is None  # test_attachments), not hidden ones


def _wait_for_ingest_of(seen: list[list[str]], path: str) -> None:
    wait_for(lambda: any(path in batch for batch in seen))


def test_reads_by_other_programs_cause_no_ingest(watched: Vault, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    """`cat`, `grep -r` and a backup copy read every file: none of it may reach the vault."""
    for i in range(20):
        (watched.root / "notes" / f"n{i}.md").write_text(f"# Note {i}\nsome words {i}\n")
    sentinel_before = "notes/written-before.md"
    (watched.root / sentinel_before).write_text("settles the creations above\n")
    asked: list[list[str]] = []
    notified: list[list[str]] = []
    watched.on_change(notified.append)
    real_ingest = watched.ingest
    monkeypatch.setattr(watched, "ingest", lambda paths, *origin: (
        asked.append(list(paths)), real_ingest(paths, *origin))[1])
    _wait_for_ingest_of(notified, sentinel_before)
    asked.clear()
    notified.clear()

    files = sorted(str(p) for p in (watched.root / "notes").glob("*.md"))
    subprocess.run(["cat", *files], check=True, capture_output=True)
    subprocess.run(["grep", "-r", "words", str(watched.root)], check=True, capture_output=True)
    subprocess.run(["cp", "-r", str(watched.root / "notes"), str(watched.root.parent / "backup")],
                   check=True)
    for name in files:
        Path(name).read_bytes()
    # Events arrive in order: once a later write is ingested, any read event was handled too.
    (watched.root / "notes" / "written-after.md").write_text("after the reads\n")
    _wait_for_ingest_of(notified, "notes/written-after.md")

    assert [p for batch in asked for p in batch] == ["notes/written-after.md"]
    assert notified == [["notes/written-after.md"]]


def test_ingest_of_unchanged_content_is_silent(watched: Vault) -> None:
    notified: list[list[str]] = []
    watched.on_change(notified.append)
    doc_id = watched.index.by_path("notes/a.md").doc_id or ""  # type: ignore[union-attr]
    heads = watched.repo.load(doc_id).heads()
    os.utime(watched.root / "notes/a.md")  # what `touch` does: same bytes, new mtime
    assert watched.ingest(["notes/a.md"]) == {}
    assert notified == []
    assert watched.repo.load(doc_id).heads() == heads


def test_solo_watch_stays_silent_while_files_are_read(vault: Vault, tmp_path: Path) -> None:
    """The command users run: reading every file beside `solo watch` prints no `ingested:`."""
    from support.solo_cli import solo_env

    (vault.root / "notes").mkdir()
    for i in range(10):
        (vault.root / "notes" / f"n{i}.md").write_text(f"# Note {i}\nbody {i}\n")
    vault.scan()
    vault.close()
    proc = subprocess.Popen([sys.executable, "-m", "solo.tui", "--vault", str(vault.root), "watch"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=solo_env())
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Watching"):
                break
        subprocess.run(["grep", "-r", "body", str(vault.root)], check=True, capture_output=True)
        subprocess.run(["cat", *map(str, (vault.root / "notes").glob("*.md"))], check=True,
                       capture_output=True)
        (vault.root / "notes" / "later.md").write_text("written after the reads\n")
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("ingested:"):
                break
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ingested = [line.strip() for line in lines if line.startswith("ingested:")]
    assert ingested == ["ingested: notes/later.md"], "".join(lines)


def test_an_editors_save_is_announced_with_the_watcher_origin(watched: Vault) -> None:
    from solo.core.engine.events import DocEvent, FileEvent

    files: list[FileEvent] = []
    docs: list[DocEvent] = []
    watched.on_file_event(files.append)
    watched.on_doc_event(docs.append)
    (watched.root / "notes" / "edited.md").parent.mkdir(exist_ok=True)
    (watched.root / "notes" / "edited.md").write_text("# Edited\nby an editor\n")
    wait_for(lambda: any("notes/edited.md" in e.paths for e in files))
    event = next(e for e in files if "notes/edited.md" in e.paths)
    assert event.origin.kind == "watcher"
    assert docs and all(e.origin.kind == "watcher" for e in docs)
