"""The vault: ingest, scan, renames, deletes, bad input, Solo's own edits."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from solo.core.engine.docform import render_doc
from solo.core.engine.mirror import MAX_MIRROR_BYTES
from solo.core.vault import Vault, VaultError


def write(vault: Vault, rel: str, text: str | bytes) -> Path:
    path = vault.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def doc_text(vault: Vault, rel: str) -> str:
    row = vault.index.by_path(rel)
    assert row and row.doc_id
    return render_doc(vault.repo.load(row.doc_id))


def test_scan_ingests_new_files_and_the_document_renders_them_exactly(vault: Vault) -> None:
    text = '+++\r\ntitle = "Plan"\r\nkind = "task"\r\n+++\r\nBody é 😀\r\n+++\r\nno newline'
    write(vault, "tasks/plan.md", text)
    report = vault.scan()
    assert report.added == ["tasks/plan.md"]
    assert doc_text(vault, "tasks/plan.md") == text
    row = vault.index.by_path("tasks/plan.md")
    assert row and row.kind == "task" and row.title == "Plan"


def test_an_unchanged_vault_scans_to_nothing_and_no_file_is_rewritten(vault: Vault) -> None:
    path = write(vault, "notes/a.md", "# A\n")
    vault.scan()
    before = path.stat().st_mtime_ns
    assert vault.scan().empty
    vault.scan()
    assert path.stat().st_mtime_ns == before


def test_edits_become_minimal_changes(vault: Vault) -> None:
    write(vault, "notes/a.md", "+++\ntitle = \"A\"\n+++\nhello world\n")
    vault.scan()
    write(vault, "notes/a.md", "+++\ntitle = \"A2\"\ntags = [\"x\"]\n+++\nhello brave world\n")
    os.utime(vault.root / "notes/a.md", ns=(1, 1))
    report = vault.scan()
    assert report.changed == ["notes/a.md"]
    row = vault.index.by_path("notes/a.md")
    assert row and row.title == "A2" and row.tags == ["x"]
    doc = vault.repo.load(row.doc_id or "")
    assert doc.get(["meta"]) == {"title": "A2", "tags": ["x"]}
    assert doc.get(["body"]) == "hello brave world\n"


def test_rename_while_not_running_keeps_identity(vault: Vault) -> None:
    write(vault, "notes/old.md", "# Same content\n")
    vault.scan()
    doc_id = vault.index.by_path("notes/old.md").doc_id  # type: ignore[union-attr]
    (vault.root / "notes/old.md").rename(vault.root / "notes/new.md")
    report = vault.scan()
    assert report.renamed == [("notes/old.md", "notes/new.md")]
    assert vault.index.by_path("notes/new.md").doc_id == doc_id  # type: ignore[union-attr]
    assert vault.repo.root_entries()[doc_id or ""]["path"] == "notes/new.md"


def test_delete_is_a_tombstone(vault: Vault) -> None:
    write(vault, "notes/gone.md", "bye\n")
    vault.scan()
    doc_id = vault.index.by_path("notes/gone.md").doc_id  # type: ignore[union-attr]
    (vault.root / "notes/gone.md").unlink()
    assert vault.scan().removed == ["notes/gone.md"]
    assert vault.repo.root_entries()[doc_id or ""]["deleted"] is True
    assert vault.index.by_path("notes/gone.md") is None


def test_one_scan_notices_every_kind_of_change_in_nested_folders(vault: Vault) -> None:
    for rel in ("notes/a.md", "notes/deep/er/b.md", "notes/deep/c.md", "d.md", "e.md"):
        write(vault, rel, f"# {rel}\n")
    vault.scan()
    a, b = vault.root / "notes/a.md", vault.root / "notes/deep/er/b.md"
    stamp = a.stat().st_mtime_ns
    a.write_text("# A, same size!\n"[: a.stat().st_size])  # same size, new mtime
    os.utime(a, ns=(stamp + 1, stamp + 1))
    b.write_text("# b, longer now\n")
    os.utime(b, ns=(b.stat().st_mtime_ns, 1))  # new size, an mtime from the past
    write(vault, "notes/deep/er/new.md", "# new\n")
    (vault.root / "d.md").unlink()
    (vault.root / "notes/deep/c.md").rename(vault.root / "notes/deep/er/c2.md")
    report = vault.scan()
    assert sorted(report.changed) == ["notes/a.md", "notes/deep/er/b.md"]
    assert report.added == ["notes/deep/er/new.md"]
    assert report.removed == ["d.md"]
    assert report.renamed == [("notes/deep/c.md", "notes/deep/er/c2.md")]
    assert vault.scan().empty


@pytest.mark.parametrize("name, data, expected", [
    ("bad-toml.md", b"+++\ntitle = \n+++\nwords\n", "not valid TOML"),
    ("latin1.md", "caf\u00e9".encode("latin-1"), "not valid UTF-8"),
    ("binary.md", b"\x00\x01\x02PNG", "binary"),
])
def test_bad_input_is_named_and_left_byte_for_byte(vault: Vault, name: str, data: bytes,
                                                   expected: str) -> None:
    path = write(vault, f"notes/{name}", data)
    write(vault, "notes/fine.md", "# Fine\n")
    report = vault.scan()
    assert expected in report.problems[f"notes/{name}"]
    assert f"notes/{name}" in report.problems[f"notes/{name}"]
    assert path.read_bytes() == data
    assert vault.index.by_path("notes/fine.md").title == "Fine"  # type: ignore[union-attr]
    vault.doctor()
    assert path.read_bytes() == data


def test_empty_file_is_an_empty_note(vault: Vault) -> None:
    write(vault, "notes/empty.md", b"")
    assert vault.scan().problems == {}
    row = vault.index.by_path("notes/empty.md")
    assert row and row.title == "empty" and row.kind == "note"


def test_huge_file_is_kept_plain_and_said_so(vault: Vault) -> None:
    path = write(vault, "notes/huge.md", b"x" * (MAX_MIRROR_BYTES + 1))
    report = vault.scan()
    assert "not mirrored" in report.problems["notes/huge.md"]
    row = vault.index.by_path("notes/huge.md")
    assert row and row.doc_id is None
    assert path.stat().st_size == MAX_MIRROR_BYTES + 1


def test_symlink_out_of_the_vault_is_not_followed(vault: Vault, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("top secret\n")
    (vault.root / "notes").mkdir()
    (vault.root / "notes/link.md").symlink_to(secret)
    report = vault.scan()
    assert "symbolic link" in report.problems["notes/link.md"]
    assert vault.search("secret") == []


def test_unknown_kind_falls_back_to_the_folder(vault: Vault) -> None:
    write(vault, "tasks/x.md", '+++\nkind = "spaceship"\n+++\n')
    vault.scan()
    assert vault.index.by_path("tasks/x.md").kind == "task"  # type: ignore[union-attr]


def test_create_update_keep_every_other_byte(vault: Vault) -> None:
    item = vault.create("task", "Write report", {"due": dt.date(2026, 12, 1), "tags": ["work"]},
                        body="Details\n")
    assert item.path == "tasks/write-report.md"
    path = vault.root / item.path
    text = path.read_text().replace('+++\n', '+++\n# my comment\n', 1) + "user line\n"
    path.write_text(text)
    updated = vault.update(item.id, {"priority": "high"})
    new_text = path.read_text()
    assert "# my comment" in new_text and "user line\n" in new_text
    assert updated.fields["priority"] == "high"
    assert doc_text(vault, item.path) == new_text


def test_complete_a_recurring_task_moves_the_same_file_forward(vault: Vault) -> None:
    item = vault.create("task", "Weekly review", {"due": dt.date(2026, 11, 27),
                                                  "recur": "every week", "status": "next"},
                        body="- [x] inbox zero\n- [X] plan\n```\n- [x] code stays\n```\n")
    done, following = vault.complete(item.id, dt.date(2026, 11, 26))
    assert following is not None and following.path == item.path == done.path
    assert following.fields["due"] == "2026-12-04" and following.fields["status"] == "next"
    assert following.fields["completions"] == ["2026-11-26"]
    assert following.body == "- [ ] inbox zero\n- [ ] plan\n```\n- [x] code stays\n```\n"
    assert [r.path for r in vault.rows("task")] == [item.path]


def test_a_late_recurring_task_comes_back_in_the_future(vault: Vault) -> None:
    item = vault.create("task", "Stand-up notes", {"scheduled": dt.date(2026, 11, 27),
                                                   "recur": "every weekday"})
    _, following = vault.complete(item.id, dt.date(2026, 12, 1))  # Fri's, finished on Tue
    assert following is not None and following.fields["scheduled"] == "2026-12-02"


def test_done_twice_is_refused_and_writes_nothing(vault: Vault) -> None:
    plain = vault.create("task", "Send invoice", {"status": "next"})
    vault.complete(plain.id, dt.date(2026, 11, 3))
    before = vault.abs(plain.path).read_bytes()
    with pytest.raises(VaultError, match="already done on 2026-11-03"):
        vault.complete(plain.id, dt.date(2026, 12, 1))
    assert vault.abs(plain.path).read_bytes() == before

    habit = vault.create("task", "Stretch", {"due": dt.date(2026, 12, 1), "recur": "daily"})
    vault.complete(habit.id, dt.date(2026, 12, 1))
    before = vault.abs(habit.path).read_bytes()
    with pytest.raises(VaultError, match="already done today; next on 2026-12-02"):
        vault.complete(habit.id, dt.date(2026, 12, 1))
    assert vault.abs(habit.path).read_bytes() == before


def test_done_on_a_cancelled_task_needs_force(vault: Vault) -> None:
    item = vault.create("task", "Old idea", {"status": "cancelled"})
    with pytest.raises(VaultError, match="cancelled; use --force"):
        vault.complete(item.id, dt.date(2026, 12, 1))
    assert vault.read(item.id).fields["status"] == "cancelled"
    done, _ = vault.complete(item.id, dt.date(2026, 12, 1), force=True)
    assert done.fields["status"] == "done"


def test_resolve_by_id_prefix_path_and_stem(vault: Vault) -> None:
    item = vault.create("note", "Meeting notes")
    assert vault.resolve(item.id).path == item.path
    assert vault.resolve(item.path).path == item.path
    assert vault.resolve("meeting-notes").path == item.path
    with pytest.raises(VaultError, match="no item"):
        vault.resolve("nothing-like-this")


def test_search_finds_words_and_prefixes(example_vault: Vault) -> None:
    hits = example_vault.search("exam")
    assert hits and any("exam" in h.row.path for h in hits)
    assert example_vault.search("") == []
    count = example_vault.index.count()
    example_vault.search('"; DROP TABLE files; --')
    example_vault.search("NEAR( AND OR * ^")
    assert example_vault.index.count() == count


def test_index_is_rebuildable(example_vault: Vault) -> None:
    before = {r.path: (r.doc_id, r.title) for r in example_vault.rows()}
    (example_vault.solo_dir / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (example_vault.solo_dir / f"index.sqlite{suffix}").unlink(missing_ok=True)
    example_vault.close()
    reopened = Vault(example_vault.root)
    reopened.maintenance.rebuild_index()
    after = {r.path: (r.doc_id, r.title) for r in reopened.rows()}
    assert after == before
    reopened.close()


def test_second_process_view_sees_first_process_writes(vault: Vault) -> None:
    other = Vault(vault.root)
    item = vault.create("note", "From one")
    other.scan()
    assert other.resolve(item.id).title == "From one"
    other.update(item.id, body="edited by the other\n")
    vault.update(item.id, {"tags": ["x"]})
    text = (vault.root / item.path).read_text()
    assert "edited by the other" in text and 'tags = ["x"]' in text
    assert render_doc(vault.repo.load(vault.resolve(item.id).doc_id or "")) == text
    other.close()


def test_deleted_index_is_rebuilt_without_forking_identities(example_vault: Vault) -> None:
    before = {r.path: r.doc_id for r in example_vault.rows()}
    root = example_vault.root
    example_vault.close()
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (root / ".solo" / name).unlink(missing_ok=True)
    with Vault(root) as reopened:
        reopened.scan()
        assert {r.path: r.doc_id for r in reopened.rows()} == before
        live = [e for e in reopened.repo.root_entries().values() if not e.get("deleted")]
        assert len(live) == len(before)


def test_a_document_left_without_its_index_row_is_adopted_not_forked(vault: Vault) -> None:
    from solo.core.model import fileformat

    path = write(vault, "notes/half.md", "# Half done\n")
    with vault.lock:  # what a process killed right after creating the document leaves
        orphan = vault.mirror.create_doc("notes/half.md", fileformat.split(path.read_text()))
    vault.scan()
    assert vault.index.by_path("notes/half.md").doc_id == orphan  # type: ignore[union-attr]
    live = [d for d, e in vault.repo.root_entries().items() if not e.get("deleted")]
    assert live == [orphan]


def test_resolve_by_a_two_character_prefix_and_ambiguous_lists_candidates(
        vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    from solo.core.engine import mirror
    from solo.core.model.ids import new_document_id

    seen: dict[str, str] = {}
    while True:  # two real ids sharing their first two characters, and one apart
        candidate = new_document_id()
        if candidate[:2] in seen:
            break
        seen[candidate[:2]] = candidate
    pair = [seen[candidate[:2]], candidate]
    # a fresh id apart: `seen` holds no other when the first two ids collided
    lone = next(i for i in iter(new_document_id, "") if i[:2] != candidate[:2])
    ids = iter([*pair, lone])
    monkeypatch.setattr(mirror, "new_document_id", lambda: next(ids))
    first, second, third = (vault.create("note", f"Note {i}") for i in range(3))
    assert vault.resolve(lone[:2]).path == third.path
    with pytest.raises(VaultError, match="ambiguous") as info:
        vault.resolve(candidate[:2])
    assert first.path in str(info.value) and second.path in str(info.value)
    assert vault.resolve(candidate[:12]).path == second.path
