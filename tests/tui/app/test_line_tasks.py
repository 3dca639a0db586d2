"""Pilot tests: a checkbox task written into a note shows on Today and Tasks, and x, p, r edit its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui_helpers import NOW, TODAY, settle, wait_for

from solo.tui.app import SoloApp
from solo.tui.screens.tasks import TasksScreen
from solo.tui.screens.today import TodayScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio
NOTE = "notes/errands.md"


def keys(screen: object) -> list[str | None]:
    return [e.key for e in screen.query_one(ItemList).entries]  # type: ignore[attr-defined]


async def test_a_line_task_written_elsewhere_shows_on_today_and_x_ticks_it(tui_root: Path) -> None:
    app = SoloApp(tui_root, today=TODAY, now=NOW, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        (tui_root / NOTE).write_text("# Errands\n\nSome words.\n\n"
                                     "- [ ] Post the parcel 📅 2026-11-26 #errand\n"
                                     "- [ ] Buy stamps\n")
        await wait_for(pilot, lambda: bool(
            [r for r in screen.vault.line_tasks() if r.title.startswith("Post")]), seconds=10)
        found = [r for r in screen.vault.line_tasks() if r.title.startswith("Post")]
        task_id = found[0].short_id
        await wait_for(pilot, lambda: task_id in keys(screen), seconds=10)
        screen.query_one(ItemList).select_key(task_id)
        await settle(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: "- [x] Post the parcel 📅 2026-11-26 #errand ✅ 2026-11-26"
                       in (tui_root / NOTE).read_text().split("\n"), seconds=10)
        assert (tui_root / NOTE).read_text().split("\n")[5] == "- [ ] Buy stamps"


async def test_tasks_screen_lists_a_line_task_and_p_and_r_edit_its_line(tui_root: Path) -> None:
    (tui_root / NOTE).write_text("# Errands\n\n- [/] Fix the bike 📅 2026-11-30\n")
    app = SoloApp(tui_root, today=TODAY, now=NOW, watch=False, scan=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TasksScreen) and screen.list_name == "next"
        row = next(r for r in screen.vault.line_tasks() if r.path == NOTE)
        await wait_for(pilot, lambda: row.short_id in keys(screen))
        screen.query_one(ItemList).select_key(row.short_id)
        await settle(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: "⏫" in (tui_root / NOTE).read_text())
        assert (tui_root / NOTE).read_text() == "# Errands\n\n- [/] Fix the bike 📅 2026-11-30 ⏫\n"
        await settle(pilot)
        screen.query_one(ItemList).select_key(row.short_id)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+u", *"2026-12-03", "enter")
        await wait_for(pilot, lambda: "2026-12-03" in (tui_root / NOTE).read_text())
        assert (tui_root / NOTE).read_text() == "# Errands\n\n- [/] Fix the bike 📅 2026-12-03 ⏫\n"
