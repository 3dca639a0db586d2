"""Issue 12 finding 5: store damage never crashes a command; `solo doctor` repairs it and syncing resumes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from support.solo_cli import run_solo

from solo.core.engine.replica import Replica
from solo.core.engine.store import StoreError
from solo.core.vault import Vault

from .conftest import Link, make_pair


def _store_file(vault: Vault, doc_id: str, suffix: str) -> Path:
    return vault.solo_dir / "store" / doc_id[:2] / f"{doc_id}{suffix}"


def _note_id(vault: Vault, rel: str) -> str:
    row = vault.index.by_path(rel)
    assert row is not None and row.doc_id
    return row.doc_id


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not an automerge document at all" * 3)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:20])


DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "note snapshot garbage": ("note", _garbage),
    "note snapshot truncated": ("note", _truncate),
    "root snapshot garbage": ("root", _garbage),
    "root snapshot truncated": ("root", _truncate),
}


def _vault(tmp_path: Path) -> tuple[Vault, Vault]:
    a, b = make_pair(tmp_path)
    (a.root / "notes").mkdir()
    (a.root / "notes" / "one.md").write_text("first words\n")
    (a.root / "notes" / "two.md").write_text("second words\n")
    a.scan()
    return a, b


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_snapshot_is_repaired_by_doctor_and_an_edit_syncs_again(
        tmp_path: Path, case: str) -> None:
    a, b = _vault(tmp_path)
    Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    b.scan()
    which, damage = DAMAGE[case]
    doc_id = a.root_id if which == "root" else _note_id(a, "notes/one.md")
    a.close()
    damage(_store_file(a, doc_id, ".snap"))
    for command in (["list"], ["show", "notes/two.md"], ["search", "words"]):
        r = run_solo("--vault", str(a.root), *command)
        assert "Traceback" not in r.stderr, (command, r.stderr)
    r = run_solo("--vault", str(a.root), "doctor")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{doc_id}.snap" in r.stdout and "damaged" in r.stdout, r.stdout
    kept = list((a.solo_dir / "quarantine").iterdir())
    assert any(p.name.startswith(f"{doc_id}.snap") for p in kept), kept
    again = run_solo("--vault", str(a.root), "doctor")
    assert again.returncode == 0, again.stdout
    assert (a.root / "notes" / "one.md").read_text() == "first words\n"
    a = Vault(a.root)
    (a.root / "notes" / "one.md").write_text("first words, edited after the repair\n")
    a.scan()
    Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    b.scan()
    assert (b.root / "notes" / "one.md").read_text() == "first words, edited after the repair\n"
    assert (b.root / "notes" / "two.md").read_text() == "second words\n"
    assert sorted(r.path for r in b.rows()) == ["notes/one.md", "notes/two.md"]
    a.close()
    b.close()


def test_a_flipped_byte_inside_a_change_log_is_detected_not_read_past(tmp_path: Path) -> None:
    a, b = _vault(tmp_path)
    doc_id = _note_id(a, "notes/one.md")
    for n in range(3):
        (a.root / "notes" / "one.md").write_text(f"first words {'more ' * (n + 1)}\n")
        a.scan()
    log = _store_file(a, doc_id, ".log")
    data = bytearray(log.read_bytes())
    assert len(data) > 60
    data[12] ^= 0xFF  # inside the first change: later intact changes follow it
    log.write_bytes(bytes(data))
    a.repo.forget(doc_id)
    with pytest.raises(StoreError, match="change log damaged"):
        a.repo.load(doc_id)
    before = log.read_bytes()
    (a.root / "notes" / "one.md").write_text("an edit while the log is damaged\n")
    with pytest.raises(StoreError):
        a.scan()
    assert log.read_bytes() == before  # the intact changes behind the damage are not cut off
    a.close()
    r = run_solo("--vault", str(a.root), "doctor")
    assert r.returncode == 1 and "notes/one.md" in r.stdout and "change log damaged" in r.stdout
    assert run_solo("--vault", str(a.root), "doctor").returncode == 0
    with Vault(a.root) as reopened:
        assert reopened.read("notes/one.md").body == "an edit while the log is damaged\n"


def test_garbage_index_and_sync_ledger_are_rebuilt(tmp_path: Path) -> None:
    a, b = _vault(tmp_path)
    a.close()
    (a.solo_dir / "index.sqlite").write_bytes(b"garbage" * 100)
    for side in ("index.sqlite-wal", "index.sqlite-shm"):
        (a.solo_dir / side).unlink(missing_ok=True)
    (a.solo_dir / "sync.sqlite").write_bytes(b"garbage" * 100)
    r = run_solo("--vault", str(a.root), "list")
    assert r.returncode == 0 and "index.sqlite" in r.stderr, r.stderr
    assert "notes/one.md" in r.stdout
    a = Vault(a.root)
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    assert link.a.ledger.notice is not None and "sync.sqlite" in link.a.ledger.notice
    link.sync()
    b.scan()
    assert (b.root / "notes" / "two.md").read_text() == "second words\n"
    assert any(p.name.startswith("sync.sqlite") for p in (a.solo_dir / "quarantine").iterdir())
    a.close()
    b.close()


@pytest.mark.parametrize("what", ["lock-folder", "store-file"])
def test_a_wrong_kind_of_file_in_solo_dir_is_named_and_repaired(tmp_path: Path,
                                                                  what: str) -> None:
    a, b = _vault(tmp_path)
    a.close()
    b.close()
    if what == "lock-folder":
        (a.solo_dir / "lock").unlink(missing_ok=True)
        (a.solo_dir / "lock").mkdir()
        name = "lock"
    else:
        os.rename(a.solo_dir / "store", tmp_path / "store-away")
        (a.solo_dir / "store").write_text("oops\n")
        name = "store"
    r = run_solo("--vault", str(a.root), "list")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f".solo/{name}" in r.stderr and "solo doctor" in r.stderr and "solo sync" not in r.stderr
    r = run_solo("--vault", str(a.root), "doctor")
    assert r.returncode == 1 and f".solo/{name}" in r.stdout, r.stdout + r.stderr
    assert run_solo("--vault", str(a.root), "doctor").returncode == 0
    r = run_solo("--vault", str(a.root), "list")
    assert r.returncode == 0 and "notes/one.md" in r.stdout and "notes/two.md" in r.stdout
    assert (a.root / "notes" / "one.md").read_text() == "first words\n"
