"""Issue 12: a peer's document never destroys a local file, and bad content never bricks a vault."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from solo.core.errors import SoloError
from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, Link]

NOT_MIRRORED = {
    "binary": b"\x89PNG\r\n\x00\x00 not text",
    "invalid-utf8": b"caf\xe9 au lait\n",
    "too-big": b"x" * (1024 * 1024 + 10),
}


@pytest.mark.parametrize("kind", sorted(NOT_MIRRORED))
def test_remote_note_never_overwrites_a_file_that_is_not_mirrored(pair: Pair, kind: str) -> None:
    a, b, link = pair
    local = NOT_MIRRORED[kind]
    (b.root / "notes").mkdir(exist_ok=True)
    (b.root / "notes" / "x.md").write_bytes(local)
    report = b.scan()
    assert "notes/x.md" in report.problems  # Solo promised to keep it as it is
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "x.md").write_text("the remote note\n")
    a.scan()
    link.sync()
    assert (b.root / "notes" / "x.md").read_bytes() == local
    beside = [p for p in (b.root / "notes").iterdir() if p.name.startswith("x (conflict ")]
    assert len(beside) == 1 and beside[0].read_text() == "the remote note\n"
    assert any("notes/x.md" in problem for problem in link.b.problems)
    # Both devices agree where the remote note lives now.
    link.sync()
    assert (a.root / "notes" / beside[0].name).read_text() == "the remote note\n"


def test_remote_edit_never_overwrites_its_own_file_made_binary(pair: Pair) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "y.md").write_text("first words\n")
    a.scan()
    link.sync()
    assert (b.root / "notes" / "y.md").read_text() == "first words\n"
    (b.root / "notes" / "y.md").write_bytes(b"now \x00 binary")
    a.update("notes/y.md", {"status": "next"})
    link.sync()
    assert (b.root / "notes" / "y.md").read_bytes() == b"now \x00 binary"
    assert any("notes/y.md" in problem for problem in link.b.problems)


def _shared_note(a: Vault, b: Vault, link: Link, text: str) -> str:
    (a.root / "tasks").mkdir(exist_ok=True)
    (a.root / "tasks" / "t.md").write_text(text)
    a.scan()
    link.sync()
    assert (b.root / "tasks" / "t.md").read_text() == text
    return a.resolve("tasks/t.md").doc_id or ""


def test_a_null_meta_value_from_a_peer_removes_the_field(pair: Pair) -> None:
    a, b, link = pair
    doc_id = _shared_note(a, b, link, '+++\ntitle = "T"\ndue = "2026-12-24"\n+++\nwords\n')
    with a.lock, a.repo.change(doc_id) as edit:  # what `doc.meta.due = null` in a JS app does
        edit.put(["meta", "due"], None)
    with a.lock:
        a.mirror.record_rev(doc_id, a.repo.load(doc_id))
    link.sync()
    assert (b.root / "tasks" / "t.md").read_text() == '+++\ntitle = "T"\n+++\nwords\n'
    assert b.doctor() is not None
    assert [row.path for row in b.rows()] == ["tasks/t.md"]


BAD_SHAPES = {
    "body-not-text": (["body"], 42),
    "head-not-text": (["head"], ["a", "list"]),
    "meta-not-a-map": (["meta"], "a string"),
    "meta-bytes": (["meta", "blob"], b"\x00\x01"),
}


@pytest.mark.parametrize("shape", sorted(BAD_SHAPES))
def test_a_document_of_the_wrong_shape_is_refused_not_bricking(
        pair: Pair, shape: str, caplog: pytest.LogCaptureFixture) -> None:
    a, b, link = pair
    text = '+++\ntitle = "T"\n+++\nwords\n'
    doc_id = _shared_note(a, b, link, text)
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "other.md").write_text("the rest of the round\n")
    a.scan()
    path, value = BAD_SHAPES[shape]
    with a.lock, a.repo.change(doc_id) as edit:
        edit.put(path, value)
    with a.lock:
        a.mirror.record_rev(doc_id, a.repo.load(doc_id))
    link.sync()
    assert (b.root / "tasks" / "t.md").read_text() == text  # kept as it was
    assert (b.root / "notes" / "other.md").read_text() == "the rest of the round\n"
    refused = [p for p in link.b.problems if doc_id in p]
    assert len(refused) == 1, link.b.problems
    # Nothing is left to replay forever: the vault opens and works.
    b.close()
    again = Vault(b.root)
    try:
        again.scan()
        again.doctor()
        assert sorted(row.path for row in again.rows()) == ["notes/other.md", "tasks/t.md"]
    finally:
        again.close()


def test_a_pending_change_that_cannot_be_applied_is_set_aside_not_replayed(pair: Pair) -> None:
    a, b, link = pair
    doc_id = _shared_note(a, b, link, "words\n")
    b.close()
    # A crash left a remote change journaled, and its document's store is now damaged.
    (b.root / ".solo" / "pending").mkdir(exist_ok=True)
    (b.root / ".solo" / "pending" / doc_id).write_bytes(b"")
    snap = b.root / ".solo" / "store" / doc_id[:2] / f"{doc_id}.snap"
    snap.write_bytes(b"not an automerge document")
    for _ in range(2):  # every later command works: nothing is replayed forever
        again = Vault(b.root)
        try:
            again.scan()
            assert [row.path for row in again.rows()] == ["tasks/t.md"]
        finally:
            again.close()
    assert not (b.root / ".solo" / "pending" / doc_id).exists()
    aside = (b.root / ".solo" / "quarantine" / doc_id).read_text()
    assert doc_id in aside
    assert (b.root / "tasks" / "t.md").read_text() == "words\n"



@pytest.mark.timeout(20)
@pytest.mark.parametrize("occupant", ["folder", "fifo"])
def test_an_incoming_note_at_a_folder_or_fifo_goes_beside_it(pair: Pair, occupant: str) -> None:
    a, b, link = pair
    (b.root / "notes").mkdir(exist_ok=True)
    taken = b.root / "notes" / "x.md"
    if occupant == "folder":
        taken.mkdir()
        (taken / "inside.txt").write_text("mine\n")
    else:
        os.mkfifo(taken)
    b.scan()
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "x.md").write_text("the remote note\n")
    a.scan()
    link.sync()
    assert taken.is_dir() if occupant == "folder" else stat.S_ISFIFO(taken.lstat().st_mode)
    beside = [p for p in (b.root / "notes").iterdir() if p.name.startswith("x (conflict ")]
    assert len(beside) == 1 and beside[0].read_text() == "the remote note\n"
    assert any("notes/x.md" in problem for problem in link.b.problems)
    b.scan()
    assert b.doctor() is not None
    assert beside[0].name in {Path(row.path).name for row in b.rows()}


@pytest.mark.timeout(20)
def test_reading_a_fifo_named_like_a_note_never_hangs(tmp_path: Path) -> None:
    vault = Vault.init(tmp_path / "v")
    (tmp_path / "v" / "notes").mkdir()
    os.mkfifo(tmp_path / "v" / "notes" / "y.md")
    (tmp_path / "v" / "notes" / "ok.md").write_text("fine\n")
    report = vault.scan()
    assert "notes/y.md" in report.problems
    with pytest.raises(SoloError, match="notes/y.md"):
        vault.read("notes/y.md")
    assert vault.read("notes/ok.md").body == "fine\n"
    assert any("notes/y.md" in finding for finding in vault.doctor())
    vault.close()


BRICKS = {
    "nested-40": "+++\na = " + "[" * 40 + "]" * 40 + "\n+++\nbody\n",
    "nested-500": "+++\na = " + "[" * 500 + "]" * 500 + "\n+++\nbody\n",
    "int-2-63": "+++\nn = 9223372036854775808\n+++\nbody\n",
}


@pytest.mark.parametrize("brick", sorted(BRICKS))
def test_one_unstorable_front_matter_never_bricks_the_vault(pair: Pair, brick: str) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "ok.md").write_text("fine\n")
    (a.root / "notes" / "brick.md").write_text(BRICKS[brick])
    report = a.scan()
    assert "notes/brick.md" in report.problems[
        "notes/brick.md"], report.problems  # named, with the problem
    assert (a.root / "notes" / "brick.md").read_text() == BRICKS[brick]
    assert sorted(row.path for row in a.rows()) == ["notes/brick.md", "notes/ok.md"]
    assert any("notes/brick.md" in finding for finding in a.doctor())
    link.sync()
    # Kept byte for byte, and it syncs as the text it is.
    assert (b.root / "notes" / "brick.md").read_text() == BRICKS[brick]
    assert (b.root / "notes" / "ok.md").read_text() == "fine\n"


def test_a_file_name_that_is_not_utf8_is_reported_and_left_alone(pair: Pair) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "ok.md").write_text("fine\n")
    bad = os.fsencode(a.root / "notes") + b"/caf\xe9.md"
    with open(bad, "wb") as stream:
        stream.write(b"latin-1 name\n")
    report = a.scan()
    assert [name for name in report.problems if "caf" in name], report.problems
    problem = next(p for p in report.problems.values() if "caf" in p)
    problem.encode("utf-8")  # printable on any terminal
    assert [row.path for row in a.rows()] == ["notes/ok.md"]
    assert [f for f in a.doctor() if "caf\\xe9.md" in f]
    assert a.ingest(["notes/" + os.fsdecode(b"caf\xe9.md")]) == {}  # a watcher event for it
    link.sync()
    assert (b.root / "notes" / "ok.md").read_text() == "fine\n"
    with open(bad, "rb") as stream:
        assert stream.read() == b"latin-1 name\n"
