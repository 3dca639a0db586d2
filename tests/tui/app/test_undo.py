"""Pilot tests of `u` (undo the last change made through Solo) and of validation findings said in the TUI."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from support.tui_helpers import open_screen, settle, wait_for
from textual.widgets import Input

from solo.tui.format import task_entry
from solo.tui.screens.form import FormScreen
from solo.tui.screens.tasks import TasksScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio

TASK = "tasks/submit-cfp-cloud-nord.md"


def front(root: Path, rel: str) -> dict:
    return tomllib.loads((root / rel).read_text().split("+++\n")[1])


def recorder(app) -> list[str]:
    said: list[str] = []
    real = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), real(message, **kw))[1]
    return said


async def test_u_undoes_done_then_says_nothing_is_left(make_app, tui_root: Path) -> None:
    before = (tui_root / TASK).read_text()
    app = make_app()
    said = recorder(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "2", TasksScreen)
        screen.select_task(screen.vault.resolve(TASK))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert front(tui_root, TASK)["status"] == "done"
        await pilot.press("u")
        await settle(pilot)
        await wait_for(pilot, lambda: TASK in [e.key for e in screen.query_one(ItemList).entries])
        await pilot.press("u")
        await settle(pilot)
    assert (tui_root / TASK).read_text() == before
    assert any(s.startswith("Undid finishing 'Submit") for s in said)
    assert any(s.startswith("nothing to undo") for s in said)


async def test_quick_add_says_a_dangling_goal_and_the_list_marks_it(make_app,
                                                                    tui_root: Path) -> None:
    app = make_app()
    said = recorder(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "Call Karim goal:no-such-goal wait:fri"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("u")  # undo the quick add: the file goes again
        await settle(pilot)
    assert any("goal 'no-such-goal' matches no goal" in s for s in said)
    assert not (tui_root / "tasks/call-karim.md").exists()


async def test_form_save_says_what_validation_finds(make_app, tui_root: Path) -> None:
    app = make_app()
    said = recorder(app)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        screen.select_task(screen.vault.resolve(TASK))
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-depends", Input).value = "ghost-task"
        app.screen.query_one("#field-until", Input).value = "2026-12-31"
        app.screen.action_save()
        await settle(pilot)
    fields = front(tui_root, TASK)
    assert fields["depends"] == ["ghost-task"] and str(fields["until"]) == "2026-12-31"
    assert any("depends 'ghost-task' matches no task" in s for s in said)


async def test_an_editor_edit_with_a_misspelled_key_is_kept_marked_and_said(
        make_app, tui_root: Path) -> None:
    app = make_app()
    said = recorder(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = (tui_root / TASK).read_text().replace("+++\n", "+++\nprio = \"high\"\n", 1)
        (tui_root / TASK).write_text(text)
        app.vault.ingest([TASK])
        await wait_for(pilot, lambda: any("unknown key 'prio'" in s for s in said))
        row = app.vault.resolve(TASK)
        assert row.fields["prio"] == "high" and row.problem is None  # kept, not blocked
        assert str(task_entry(row, app.clock.today()).cells[0]) == "⚠"
