"""Daily habits in the cockpit (watcher and start-up scan on): ctrl+d, links that create notes,
back/forward, jump to heading, the Upcoming screen, the tags pane and the grouped palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui_helpers import open_screen, settle, wait_for
from textual.command import CommandPalette

from solo.core.vault import Vault
from solo.tui.app import SoloApp
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.tags import TagsScreen
from solo.tui.screens.tasks import TasksScreen
from solo.tui.screens.upcoming import UpcomingScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio
DAILY = "notes/daily/2026-11-26.md"


def live(make_app) -> SoloApp:
    return make_app(watch=True, scan=True)


async def started(pilot, app: SoloApp) -> None:
    await wait_for(pilot, lambda: app.watcher is not None)
    await settle(pilot)


START = "notes/working-agreement.md"


async def follow_typed_link(pilot, app: SoloApp, text: str) -> NotesScreen:
    """Open Notes on START, type `text` on a new last line and press Enter in its last link."""
    await started(pilot, app)
    screen = await open_screen(pilot, "3", NotesScreen)
    screen.navigate(START)
    await type_link(pilot, screen, text)
    await pilot.press("enter")
    return screen


async def type_link(pilot, screen: NotesScreen, text: str) -> None:
    """Type `text` at the end of the open note and put the cursor inside its last link."""
    editor = screen.editor
    editor.focus()
    editor.move_cursor(editor.document.end)
    await pilot.press("enter", *text)
    editor.move_cursor((editor.cursor_location[0], len(editor.document.get_line(
        editor.cursor_location[0])) - 3))


async def test_ctrl_d_creates_todays_note_once_and_opens_it(make_app, tui_root: Path) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen)
                       and app.screen.open_path == DAILY)
        screen = app.screen
        assert isinstance(screen, NotesScreen) and screen.editor.has_focus
        assert (tui_root / DAILY).read_text() == ""
        await pilot.press(*"Slept well")
        await wait_for(pilot, lambda: (tui_root / DAILY).read_text() == "Slept well")
        await pilot.press("escape", "1", "ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
        await settle(pilot)
        assert app.screen.editor.text == "Slept well"  # opened again, never rewritten
        assert (tui_root / DAILY).read_text() == "Slept well"


async def test_a_link_to_an_unmirrored_attachment_says_so_and_creates_nothing(
        make_app, tui_root: Path) -> None:
    (tui_root / ".solo" / "config.toml").write_text("attachments_max_mb = 0\n")
    (tui_root / "notes" / "whiteboard.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await follow_typed_link(pilot, app, "Sketch: ![[whiteboard.png]]")
        await wait_for(pilot, lambda: any("attachment" in n.message
                                          for n in app._notifications))
        assert screen.open_path == START
        assert not (tui_root / "notes" / "whiteboard.png.md").exists()
        assert sorted(p.name for p in (tui_root / "notes").glob("whiteboard*")) == \
            ["whiteboard.png"]


async def test_ctrl_d_uses_the_configured_folder_format_and_template(make_app,
                                                                      tui_root: Path) -> None:
    (tui_root / "templates").mkdir()
    (tui_root / "templates" / "day.md").write_text("# {{date:dddd D MMMM}}\n\n## Log\n")
    vault = Vault(tui_root)
    vault.config.daily.folder = "journal"
    vault.config.daily.format = "YYYY/MM-DD"
    vault.config.daily.template = "templates/day.md"
    vault.save_config()
    vault.close()
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: getattr(app.screen, "open_path", None)
                       == "journal/2026/11-26.md")
        assert (tui_root / "journal/2026/11-26.md").read_text() == \
            "# Thursday 26 November\n\n## Log\n"


async def test_ctrl_d_with_a_broken_template_setting_says_so_and_writes_nothing(
        make_app, tui_root: Path) -> None:
    vault = Vault(tui_root)
    vault.config.daily.template = "templates/missing.md"
    vault.save_config()
    vault.close()
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: any("daily.template" in str(n.message)
                                          for n in app._notifications))
        assert not (tui_root / "notes" / "daily").exists()


async def test_unresolved_link_creates_the_note_and_back_forward_walk_the_trail(
        make_app, tui_root: Path) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await follow_typed_link(pilot, app, "See [[Quiet Hours]]")
        created = "notes/Quiet Hours.md"
        await wait_for(pilot, lambda: screen.open_path == created)
        assert (tui_root / created).read_text().endswith("# Quiet Hours\n\n")
        assert "[[Quiet Hours]]" in (tui_root / START).read_text()  # saved before leaving
        await wait_for(pilot, lambda: created in [e.key for e in
                                                  screen.query_one(ItemList).entries])
        await pilot.press("alt+left")
        assert screen.open_path == START
        await pilot.press("alt+right")
        assert screen.open_path == created
        await pilot.press("alt+right")  # nothing further: stays, says so
        assert screen.open_path == created
        before = (tui_root / created).read_text()
        screen.navigate(START)
        await type_link(pilot, screen, "Again [[quiet hours]]")
        assert screen.open_path == START  # Enter just past the first link broke the line
        await pilot.press("enter")  # resolves now (case-insensitive): nothing new is written
        await wait_for(pilot, lambda: screen.open_path == created)
        assert (tui_root / created).read_text() == before
        assert sorted(p.name for p in (tui_root / "notes").glob("*uiet*")) == ["Quiet Hours.md"]


async def test_link_to_a_heading_opens_the_note_at_that_heading(make_app) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.navigate("notes/sa-pro-study-plan.md")
        await type_link(pilot, screen, "Rules: [[working-agreement#Review]]")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.open_path == "notes/working-agreement.md")
        row, _ = screen.editor.cursor_location
        assert screen.editor.document.get_line(row) == "## Review"
        assert screen.editor.has_focus


async def test_upcoming_shows_two_weeks_with_repeats_and_follows_the_watcher(
        make_app, tui_root: Path) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, UpcomingScreen))
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        headers = [str(e.cells[0]) for e in items.entries if e.key is None]
        days = [h for h in headers if not h.startswith("Overdue")]
        assert len(days) == 14 and days[0].startswith("Thu 26 Nov · today")
        assert days[-1].startswith("Wed 9 Dec")
        repeats = [e for e in items.entries if e.key == "tasks/log-working-hours.md"]
        assert len(repeats) == 10  # every weekday of the two weeks: the file's date + 9 more
        assert str(repeats[1].cells[0]) == "↻"
        (tui_root / "tasks" / "dentist.md").write_text(
            '+++\ntitle = "Dentist"\nstatus = "next"\ndue = 2026-12-03\n+++\n')
        await wait_for(pilot, lambda: "tasks/dentist.md" in [e.key for e in items.entries])
        keys = [e.key or str(e.cells[0]) for e in items.entries]
        day = keys.index(next(k for k in keys if k.startswith("Thu 3 Dec")))
        assert "tasks/dentist.md" in keys[day:day + 8]


async def test_tags_pane_counts_tags_and_enter_filters_tasks_or_notes(make_app) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("2", "number_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen))
        tags = app.screen.query_one(ItemList)
        await wait_for(pilot, lambda: len(tags.entries) > 1)
        names = [e.key for e in tags.entries]
        assert "cloud" in names and "wellbeing" in names
        tags.select_key("wellbeing")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen)
                       and app.screen.filters.get("tag") == "wellbeing")
        await settle(pilot)
        shown = [e.key for e in app.screen.query_one(ItemList).entries if e.key]
        assert shown and all("wellbeing" in app.vault.resolve(k).tags for k in shown)
        await pilot.press("3", "number_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen))
        tags = app.screen.query_one(ItemList)
        await wait_for(pilot, lambda: len(tags.entries) > 1)
        tags.select_key("telework")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen)
                       and app.screen.tag == "telework")
        await settle(pilot)
        notes = [e.key for e in app.screen.query_one(ItemList).entries if e.key]
        assert notes == ["notes/working-agreement.md"]
        await pilot.press("number_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen))
        await pilot.press("enter")  # the first entry: every note again
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen)
                       and app.screen.tag is None)


async def test_palette_lists_the_screens_commands_first_grouped(make_app) -> None:
    app = live(make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        command_list = app.screen.query_one("CommandList")
        await wait_for(pilot, lambda: command_list.option_count > 0)
        prompts = [str(command_list.get_option_at_index(i).prompt)
                   for i in range(command_list.option_count)]
        assert prompts[0].startswith("New note") and "Notes · " in prompts[0]
        groups = [next(g for g in ("Notes · ", "Screens · ", "Everywhere · ") if g in p)
                  for p in prompts]
        assert groups == sorted(groups, key=["Notes · ", "Screens · ",
                                             "Everywhere · "].index)
        assert any("Go to Upcoming" in p for p in prompts)
        assert any("daily note" in p for p in prompts)
