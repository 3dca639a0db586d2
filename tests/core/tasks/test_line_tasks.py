"""Checkbox tasks inside notes: listed like task files, edited exactly on their line, ids that survive edits."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

from solo.core.vault import Vault, VaultError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODAY = dt.date(2025, 1, 15)
ENV = solo_env(SOLO_TODAY="2025-01-15", SOLO_NOW="2025-01-15T12:00")
NOTE = "Checklists.md"


@pytest.fixture
def obsidian(tmp_path: Path) -> Iterator[Vault]:
    root = tmp_path / "obsidian"
    shutil.copytree(FIXTURES / "obsidian", root)
    vault = Vault.init(root)
    vault.scan()
    yield vault
    vault.close()


def lines_of(vault: Vault, rel: str = NOTE) -> list[str]:
    return (vault.root / rel).read_text().split("\n")


def task(vault: Vault, title: str) -> object:
    found = [r for r in vault.line_tasks() if r.title.startswith(title)]
    assert len(found) == 1, [r.title for r in vault.line_tasks()]
    return found[0]


def test_every_format_is_listed_with_its_fields_and_code_is_not(obsidian: Vault) -> None:
    rows = {r.title: r for r in obsidian.line_tasks() if r.path == NOTE}
    assert list(rows) == [
        "Renew passport #admin", "Book dentist #health", "Sort the bookshelf",
        "Return library books", "Old gym plan", "Learn the banjo", "Water the ferns",
        "Pay the electricity bill", "File the receipts", "Indented subtask under receipts",
        "A task inside a callout", "Dataview style #home", "Weekday habit", "Ask about the lease"]
    passport = rows["Renew passport #admin"]
    assert (passport.status, passport.due, passport.priority, passport.tags) == \
        ("inbox", "2025-02-14", "high", ["admin"])
    assert passport.fields["line"] == 8 and passport.fields["checkbox"] == "tasks"
    dentist = rows["Book dentist #health"]
    assert (dentist.scheduled, dentist.due, dentist.priority) == ("2025-01-20", "2025-01-31",
                                                                  "medium")
    assert rows["Sort the bookshelf"].status == "next"
    assert rows["Return library books"].fields["done"] == "2025-01-08"
    assert rows["Old gym plan"].status == "cancelled"
    assert rows["Pay the electricity bill"].fields["recur"] == "every month when done"
    assert rows["File the receipts"].fields["depends"] == [rows["Pay the electricity bill"].short_id]
    assert rows["A task inside a callout"].due == "2025-01-27"
    dataview = rows["Dataview style #home"]
    assert (dataview.priority, dataview.scheduled, dataview.fields["checkbox"]) == \
        ("medium", "2025-01-22", "dataview")
    assert all("code fence" not in title for title in rows)
    assert len({r.short_id for r in obsidian.line_tasks()}) == len(obsidian.line_tasks())


def test_logseq_markers_planning_lines_and_priorities(tmp_path: Path) -> None:
    root = tmp_path / "logseq"
    shutil.copytree(FIXTURES / "logseq", root)
    with Vault.init(root) as vault:
        vault.scan()
        rows = {r.title: r for r in vault.line_tasks() if r.path == "pages/Chores.md"}
        assert {t: r.status for t, r in rows.items()} == {
            "Clean the gutters #outside": "inbox", "Fix the squeaky door": "inbox",
            "Paint the fence": "next", "Fold the laundry": "next",
            "Take out recycling": "inbox",
            "Parcel from the shop": "waiting", "Move the piano": "cancelled",
            "Buy light bulbs": "done"}
        gutters = rows["Clean the gutters #outside"]
        assert (gutters.due, gutters.priority, gutters.fields["checkbox"]) == \
            ("2025-01-18", "high", "logseq")
        assert rows["Paint the fence"].scheduled == "2025-01-16"
        assert rows["Take out recycling"].fields["recur"] == "every week when done"
        done, following = vault.complete(rows["Take out recycling"], TODAY)
        text = (root / "pages/Chores.md").read_text()
        assert "- TODO Take out recycling\n  SCHEDULED: <2025-01-22 Wed .+1w>\n" in text
        vault.complete(rows["Fix the squeaky door"], TODAY)
        assert "- DONE Fix the squeaky door\n" in (root / "pages/Chores.md").read_text()
        vault.update(rows["Paint the fence"], {"scheduled": dt.date(2025, 1, 20)})
        assert "- DOING Paint the fence\n  SCHEDULED: <2025-01-20 Mon>\n" in \
            (root / "pages/Chores.md").read_text()


def test_done_ticks_exactly_that_line_and_refuses_twice(obsidian: Vault) -> None:
    before = lines_of(obsidian)
    row = task(obsidian, "Renew passport")
    done, following = obsidian.complete(row, TODAY)
    after = lines_of(obsidian)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [7]
    assert after[7] == "- [x] Renew passport 📅 2025-02-14 ⏫ #admin ✅ 2025-01-15"
    assert following is None and done.row.status == "done" and done.id == row.short_id
    with pytest.raises(VaultError, match="already done on 2025-01-15"):
        obsidian.complete(row, TODAY)
    assert lines_of(obsidian) == after


def test_a_recurring_task_gets_its_next_occurrence_above(obsidian: Vault) -> None:
    row = task(obsidian, "Water the ferns")
    before = lines_of(obsidian)
    index = before.index("1. [ ] Water the ferns 🔁 every week 📅 2025-01-13")
    done, following = obsidian.complete(row, TODAY)
    after = lines_of(obsidian)
    assert after[index:index + 2] == [
        "1. [ ] Water the ferns 🔁 every week 📅 2025-01-20",
        "1. [x] Water the ferns 🔁 every week 📅 2025-01-13 ✅ 2025-01-15"]
    assert after[:index] + after[index + 2:] == before[:index] + before[index + 1:]
    assert following is not None and following.id == row.short_id  # the open one keeps the id
    assert following.fields["due"] == "2025-01-20"
    with pytest.raises(VaultError, match="already done today; next on 2025-01-20"):
        obsidian.complete(following.row, TODAY)
    when_done = task(obsidian, "Pay the electricity bill")
    obsidian.complete(when_done, TODAY)
    assert "2) [ ] Pay the electricity bill 🔁 every month when done 📅 2025-02-15 🆔 elec1" \
        in lines_of(obsidian)
    weekday = task(obsidian, "Weekday habit")
    obsidian.complete(weekday, TODAY)
    assert "- [ ] Weekday habit 🔁 every weekday ⏳ 2025-01-16 ^habit1" in lines_of(obsidian)


def test_priority_and_reschedule_edit_the_line_in_place(obsidian: Vault) -> None:
    row = task(obsidian, "Book dentist")
    obsidian.update(row, {"priority": "low"})
    obsidian.update(task(obsidian, "Book dentist"), {"due": dt.date(2025, 2, 3)})
    assert "- [ ] 🔽 Book dentist ⏳ 2025-01-20 📅 2025-02-03 #health" in lines_of(obsidian)
    callout = task(obsidian, "A task inside a callout")
    obsidian.update(callout, {"due": dt.date(2025, 1, 30), "priority": "high"})
    assert "> - [ ] A task inside a callout [due:: 2025-01-30] [priority:: high]" in \
        lines_of(obsidian)
    with pytest.raises(VaultError, match="edit the note to change project"):
        obsidian.update(task(obsidian, "Ask about"), {"project": "home"})


def test_ids_survive_edits_elsewhere_and_a_changed_line_is_refused(obsidian: Vault) -> None:
    row = task(obsidian, "File the receipts")
    path = obsidian.root / NOTE
    text = path.read_text()
    path.write_text("New first paragraph.\n\n" + text.replace("# Checklists", "# Lists"))
    obsidian.scan()
    moved = task(obsidian, "File the receipts")
    assert moved.short_id == row.short_id and moved.fields["line"] == row.fields["line"] + 2
    path.write_text(path.read_text().replace("⛔ elec1 🔺", "⛔ elec1 ⏫"))  # edited elsewhere
    with pytest.raises(VaultError, match="changed since it was read"):
        obsidian.complete(moved, TODAY)  # the row read before the edit
    assert "- [ ] File the receipts ⛔ elec1 ⏫" in path.read_text().split("\n")
    fresh = obsidian.resolve(row.short_id)
    assert fresh.priority == "high" and fresh.fields["text"].endswith("⏫")
    obsidian.complete(fresh, TODAY)
    assert "- [x] File the receipts ⛔ elec1 ⏫ ✅ 2025-01-15" in path.read_text().split("\n")


def test_checklists_inside_task_files_stay_the_file_tasks_own(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "tasks").mkdir(parents=True)
    (root / "tasks" / "trip.md").write_text('+++\nkind = "task"\ntitle = "Trip"\n+++\n'
                                            "- [ ] pack\n- [ ] tickets\n")
    (root / "note.md").write_text("- [ ] a real line task\n")
    with Vault.init(root) as vault:
        vault.scan()
        assert [r.title for r in vault.tasks()] == ["Trip", "a real line task"]


def test_the_cli_lists_filters_ranks_and_finishes_line_tasks(tmp_path: Path) -> None:
    root = tmp_path / "obsidian"
    shutil.copytree(FIXTURES / "obsidian", root)
    assert run_solo("init", str(root), env=ENV).returncode == 0

    def solo(*args: str) -> list[dict]:
        result = run_solo("--vault", str(root), *args, "--json", env=ENV)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    listed = [t for t in solo("list", "task") if t["path"] == NOTE]
    passport = next(t for t in listed if t["title"] == "Renew passport #admin")
    assert {k: passport[k] for k in ("status", "due", "priority", "tags", "line", "kind")} == \
        {"status": "inbox", "due": "2025-02-14", "priority": "high", "tags": ["admin"],
         "line": 8, "kind": "task"}
    assert len(passport["id"]) == 8 and passport["doc_id"] != passport["id"]
    assert "Return library books" not in [t["title"] for t in listed]  # done: only with --all
    assert "Return library books" in [t["title"] for t in solo("list", "task", "--all")]
    assert [t["title"] for t in solo("list", "task", "+health")] == ["Book dentist #health"]
    due_soon = [t["title"] for t in solo("list", "task", "due.before:2025-01-28")]
    assert "Indented subtask under receipts" in due_soon and "Renew passport #admin" not in due_soon
    blocked = [t["title"] for t in solo("list", "task", "+BLOCKED")]
    assert blocked == ["File the receipts"]
    ranked = solo("next")
    assert [t["urgency"] for t in ranked] == sorted((t["urgency"] for t in ranked), reverse=True)
    assert "Renew passport #admin" in [t["title"] for t in ranked if "line" in t]
    done = run_solo("--vault", str(root), "done", passport["id"], env=ENV)
    assert done.returncode == 0 and f"({NOTE}:8)" in done.stdout
    again = run_solo("--vault", str(root), "done", passport["id"], env=ENV)
    assert again.returncode == 1 and "already done on 2025-01-15" in again.stderr
    assert "- [x] Renew passport 📅 2025-02-14 ⏫ #admin ✅ 2025-01-15" in \
        (root / NOTE).read_text()


def test_the_watcher_picks_up_line_tasks_an_editor_writes(tmp_path: Path) -> None:
    import time

    from solo.core.engine.watch import VaultWatcher

    root = tmp_path / "v"
    root.mkdir()
    with Vault.init(root) as vault:
        vault.scan()
        seen: list[list[str]] = []
        vault.on_change(seen.append)
        with VaultWatcher(vault, debounce=0.05):
            (root / "inbox.md").write_text("# Inbox\n- [ ] Phone the garage 📅 2025-01-16\n")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not vault.line_tasks():
                time.sleep(0.02)
            (row,) = vault.line_tasks()
            assert (row.title, row.due, row.fields["line"]) == ("Phone the garage", "2025-01-16", 2)
            with (root / "inbox.md").open("a") as handle:  # an editor appends below it
                handle.write("- [ ] Check the tyres\n")
            while time.monotonic() < deadline and len(vault.line_tasks()) < 2:
                time.sleep(0.02)
            assert [r.title for r in vault.line_tasks()] == ["Phone the garage", "Check the tyres"]
            assert vault.line_tasks()[0].short_id == row.short_id
            vault.complete(row.short_id, TODAY)
            assert (root / "inbox.md").read_text() == (
                "# Inbox\n- [x] Phone the garage 📅 2025-01-16 ✅ 2025-01-15\n"
                "- [ ] Check the tyres\n")


def test_logseq_page_properties_are_read_as_fields(tmp_path: Path) -> None:
    root = tmp_path / "logseq"
    shutil.copytree(FIXTURES / "logseq", root)
    before = (root / "pages/Chores.md").read_bytes()
    with Vault.init(root) as vault:
        vault.scan()
        row = vault.resolve("pages/Chores.md")
        assert row.fields == {"type": "chores", "tags": ["home", "weekly"],
                              "aliases": ["Housework"]}
        assert row.tags[:2] == ["home", "weekly"] and "outside" in row.tags
        assert [r.path for r in vault.rows(tag="weekly")] == ["pages/Chores.md"]
        vault.doctor()
    assert (root / "pages/Chores.md").read_bytes() == before  # read only: never written
