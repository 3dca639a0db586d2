"""Pilot tests for every editing path: quick add, done, status, priority, reschedule, form, delete, $EDITOR, notes."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from support.tui_helpers import open_screen, settle, wait_for
from textual.widgets import Input, Static

from solo.tui.screens.form import FormScreen
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.tasks import TasksScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


def front(root: Path, rel: str) -> dict:
    text = (root / rel).read_text()
    return tomllib.loads(text.split("+++\n")[1])


async def open_tasks_on(pilot, path: str) -> TasksScreen:
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TasksScreen)
    row = screen.vault.resolve(path)
    screen.select_task(row)
    await settle(pilot)
    assert screen.query_one(ItemList).current_key == path
    return screen


async def test_quick_add_parses_inline_syntax(make_app, tui_root) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "Write report due:fri #work !high +acme goal:cloud-"
        await pilot.press(*"cert")
        app.screen.query_one(Input).value += "ification"
        await settle(pilot)
        assert "Write report" in str(app.screen.query_one("#quick-preview", Static).render())
        await pilot.press("enter")
        await settle(pilot)
    fields = front(tui_root, "tasks/write-report.md")
    assert fields["title"] == "Write report"
    assert str(fields["due"]) == "2026-11-27" and fields["priority"] == "high"
    assert fields["tags"] == ["work"] and fields["project"] == "acme"
    assert fields["goal"] == "cloud-certification" and str(fields["created"]) == "2026-11-26"


async def test_quick_add_shows_parse_errors(make_app, tui_root) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Thing due:notadate", "enter")
        await settle(pilot)
        assert "not a date" in str(app.screen.query_one("#quick-preview", Static).render())
        await pilot.press("escape")
    assert not (tui_root / "tasks/thing.md").exists()


async def test_mark_done_keeps_cursor_place(make_app, tui_root) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tasks_on(pilot, "tasks/submit-cfp-cloud-nord.md")
        items = screen.query_one(ItemList)
        index = items.cursor
        await pilot.press("x")
        await settle(pilot)
        assert "tasks/submit-cfp-cloud-nord.md" not in [e.key for e in items.entries]
        assert items.cursor == index  # the next task moved up under the cursor
    fields = front(tui_root, "tasks/submit-cfp-cloud-nord.md")
    assert fields["status"] == "done" and str(fields["done"]) == "2026-11-26"


async def test_done_on_recurring_task_moves_it_to_its_next_date(make_app, tui_root) -> None:
    app = make_app()
    files_before = sorted((tui_root / "tasks").iterdir())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tasks_on(pilot, "tasks/publish-linkedin-post.md")
        await pilot.press("x")
        await settle(pilot)
    task = front(tui_root, "tasks/publish-linkedin-post.md")
    assert task["status"] == "next" and str(task["due"]) == "2026-12-04"
    assert [str(d) for d in task["completions"]] == ["2026-11-26"]
    assert sorted((tui_root / "tasks").iterdir()) == files_before  # no new file


async def test_status_priority_and_reschedule(make_app, tui_root) -> None:
    app = make_app()
    path = "tasks/study-for-sa-pro.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tasks_on(pilot, path)
        await pilot.press("p")  # medium → low
        await settle(pilot)
        assert front(tui_root, path)["priority"] == "low"
        await pilot.press("r")
        await pilot.press("ctrl+u", *"+3d", "enter")  # has no due: moves `scheduled`
        await settle(pilot)
        assert str(front(tui_root, path)["scheduled"]) == "2026-11-29"
        await pilot.press("s", "up", "enter")  # next → inbox
        await settle(pilot)
        assert front(tui_root, path)["status"] == "inbox"
        screen = app.screen
        assert isinstance(screen, TasksScreen) and screen.list_name == "next"
        assert path not in [e.key for e in screen.query_one(ItemList).entries]


async def test_form_validates_then_saves(make_app, tui_root) -> None:
    app = make_app()
    path = "tasks/practice-exam-4.md"
    async with app.run_test(size=(100, 40)) as pilot:
        await open_tasks_on(pilot, path)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert [s.name for s in form.specs][:4] == ["title", "tags", "private", "created"]
        form.query_one("#field-priority", Input).value = "urgent"
        form.query_one("#field-estimate", Input).value = "1h30"
        await settle(pilot)
        assert "priority must be one of high, medium, low" in str(
            form.query_one("#error-priority", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved while a field is wrong
        form.query_one("#field-priority", Input).value = "HIGH"
        form.query_one("#field-tags", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    fields = front(tui_root, path)
    assert fields["priority"] == "high" and fields["estimate"] == 90 and "tags" not in fields


async def test_delete_asks_first(make_app, tui_root) -> None:
    app = make_app()
    path = "tasks/research-ergonomic-chair.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tasks_on(pilot, path)
        await pilot.press("d", "n")
        await settle(pilot)
        assert (tui_root / path).exists()
        await pilot.press("d", "y")
        await settle(pilot)
        assert not (tui_root / path).exists()


async def test_external_editor_changes_are_ingested(make_app, tui_root, tmp_path,
                                                     monkeypatch) -> None:
    script = tmp_path / "editor.py"
    script.write_text("import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write('Edited.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app()
    path = "tasks/practice-exam-4.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tasks_on(pilot, path)
        await pilot.press("e")
        await settle(pilot)
        assert app.vault.read(path).body.endswith("Edited.\n")
    assert (tui_root / path).read_text().endswith("Edited.\n")


async def test_notes_editor_saves_after_a_pause(make_app, tui_root) -> None:
    app = make_app()
    path = "notes/content-calendar.md"
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.open_item(path)
        screen.editor.focus()
        screen.editor.move_cursor((0, 0))
        await pilot.press(*"Hello ")
        await pilot.pause(0.1)
        assert not (tui_root / path).read_text().split("+++\n")[2].startswith("Hello ")
        await wait_for(pilot, lambda: "+++\nHello # " in (tui_root / path).read_text())
        head = (tui_root / path).read_text().split("+++\n")[1]
        assert 'title = "' in head  # front matter kept byte for byte


async def test_new_note_and_wikilink_navigation(make_app, tui_root) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "3", NotesScreen)
        await pilot.press("n")
        app.screen.query_one(Input).value = "Exam day checklist"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.open_path == "notes/exam-day-checklist.md"
        screen.editor.insert("See [[aws-sa-pro-")
        await pilot.press(*"exam]]", "left", "left", "left", "enter")
        await settle(pilot)
        assert screen.open_path == "learning/aws-sa-pro-exam.md"
        assert screen.editor.text.startswith("# SAP-C02 exam")
    saved = (tui_root / "notes/exam-day-checklist.md").read_text()
    assert saved.endswith("# Exam day checklist\n\nSee [[aws-sa-pro-exam]]")


async def test_ctrl_click_on_a_link_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.open_item("notes/sa-pro-study-plan.md")
        await settle(pilot)
        lines = screen.editor.text.split("\n")
        row = next(i for i, line in enumerate(lines) if "[[cloud-certification]]" in line)
        column = lines[row].index("[[cloud-certification]]") + 4
        x, y = column - screen.editor.scroll_offset.x, row - screen.editor.scroll_offset.y
        gutter = screen.editor.gutter_width
        await pilot.click(screen.editor, offset=(x + gutter + 2, y + 1))
        await settle(pilot)
        assert screen.open_path == "notes/sa-pro-study-plan.md"  # a plain click only moves
        await pilot.click(screen.editor, offset=(x + gutter + 2, y + 1), control=True)
        await settle(pilot)
        assert screen.open_path == "goals/cloud-certification.md"
