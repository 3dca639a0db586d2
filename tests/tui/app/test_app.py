"""Pilot tests of the app-wide features: focus timer, search, help, palette, keymap, themes, status."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from support.tui_helpers import settle, wait_for
from textual.command import CommandPalette
from textual.widgets import Input, Static

from solo.core.vault import Vault
from solo.tui.screens.help import HelpScreen
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.quick_add import QuickAddScreen
from solo.tui.screens.search import SearchScreen
from solo.tui.screens.tasks import TasksScreen
from solo.tui.screens.today import TodayScreen
from solo.tui.widgets.item_list import ItemList
from solo.tui.widgets.side_pane import SidePaneScreen
from solo.tui.widgets.status_line import StatusLine

pytestmark = pytest.mark.anyio


def status_text(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


def new_sessions(root: Path, before: set[Path]) -> list[dict]:
    return [tomllib.loads(p.read_text().split("+++\n")[1])
            for p in sorted(set((root / "focus").iterdir()) - before)]


async def test_focus_timer_logs_a_finished_session(make_app, tui_root: Path) -> None:
    app = make_app()
    before = set((tui_root / "focus").iterdir())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(ItemList).select_key("tasks/submit-cfp-cloud-nord.md")
        await pilot.press("f")
        app.tick()
        await settle(pilot)
        assert "focus 25:00 Submit talk proposal" in status_text(app)
        assert (tui_root / ".solo" / "focus-running.toml").exists()  # the vault's one timer
        app.clock.advance(10 * 60)
        app.tick()
        await settle(pilot)
        assert "focus 15:00" in status_text(app)
        assert not new_sessions(tui_root, before)
        app.clock.advance(15 * 60)
        app.tick()
        await settle(pilot)
        await wait_for(pilot, lambda: "break 05:00" in status_text(app))
        [fields] = new_sessions(tui_root, before)
        assert fields["task"] == "submit-cfp-cloud-nord" and fields["minutes"] == 25
        assert fields["start"] == dt.datetime(2026, 11, 26, 10, 30)
        app.clock.advance(5 * 60)
        app.tick()
        await settle(pilot)
        assert "break" not in status_text(app) and "focus" not in status_text(app)
        assert "focus 75/480" in str(app.screen.query_one("#today-summary", Static).render())


async def test_stopping_early_logs_the_minutes_worked(make_app, tui_root: Path) -> None:
    app = make_app()
    before = set((tui_root / "focus").iterdir())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(ItemList).select_key("tasks/submit-cfp-cloud-nord.md")
        await pilot.press("f")
        app.clock.advance(7 * 60 + 20)
        await pilot.press("F")
        await settle(pilot)
        [fields] = new_sessions(tui_root, before)
        assert fields["minutes"] == 7
        assert not (tui_root / ".solo" / "focus-running.toml").exists()
        await pilot.press("f")
        app.clock.advance(30)
        await pilot.press("F")  # under a minute: dropped, and said
        await settle(pilot)
        assert len(new_sessions(tui_root, before)) == 1
        assert any("Under a minute" in n.message for n in app._notifications)
        assert "focus" not in status_text(app)


async def test_cli_timer_shows_in_the_tui_and_F_stops_it(make_app, tui_root: Path) -> None:
    from solo.core.planning import focus

    app = make_app()
    before = set((tui_root / "focus").iterdir())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # what `solo focus start submit-cfp-cloud-nord` writes, from another process
        focus.start_timer(tui_root / ".solo", "submit-cfp-cloud-nord", "Submit talk proposal",
                          app.clock.now())
        app.clock.advance(12 * 60)
        app.tick()
        assert "focus +12:00 Submit talk proposal" in status_text(app)
        await pilot.press("f")  # a second timer is refused, not silently replaced
        await settle(pilot)
        assert any("already running" in n.message for n in app._notifications)
        await pilot.press("F")
        await settle(pilot)
        [fields] = new_sessions(tui_root, before)
        assert fields["minutes"] == 12


@pytest.mark.parametrize("choice,logged,running", [(0, 1, False), (1, 0, True), (2, 0, False)])
async def test_quit_with_a_running_timer_asks(make_app, tui_root: Path, choice: int,
                                              logged: int, running: bool) -> None:
    app = make_app()
    before = set((tui_root / "focus").iterdir())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        app.clock.advance(9 * 60)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and "focus timer is running" in str(
            app.screen.query_one(".dialog-title", Static).render())
        await pilot.press(*["down"] * choice, "enter")
        await settle(pilot)
    assert app.return_code == 0
    assert len(new_sessions(tui_root, before)) == logged
    assert (tui_root / ".solo" / "focus-running.toml").exists() is running


async def test_status_line_sync_state_and_after_hours(make_app) -> None:
    app = make_app(now=dt.datetime(2026, 11, 26, 19, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "local only" in status_text(app) and "after hours — rest" in status_text(app)
        app.set_sync_state("synced 2 min ago")
        await settle(pilot)
        assert "synced 2 min ago" in status_text(app)


async def test_search_as_you_type_then_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "athena compact"
        await settle(pilot)
        results = app.screen.query_one(ItemList)
        assert "notes/howto-iceberg-compaction.md" in [e.key for e in results.entries]
        results.select_key("notes/howto-iceberg-compaction.md")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.open_path == "notes/howto-iceberg-compaction.md"
        await pilot.press("escape", "slash")
        app.screen.query_one(Input).value = "proposal cloud nord"
        await settle(pilot)
        results = app.screen.query_one(ItemList)
        assert results.entries[0].key == "tasks/submit-cfp-cloud-nord.md"
        assert results.current_key == results.entries[0].key  # highlighted at once
        assert "proposal" in str(app.screen.query_one("#search-snippet").render()).lower()
        await pilot.press("enter")  # Enter opens the hit you see highlighted
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen)
        assert app.screen.query_one(ItemList).current_key == "tasks/submit-cfp-cloud-nord.md"


async def test_help_lists_every_binding_with_its_id(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {binding_id for _, _, binding_id in app.screen.rows}
        assert {"app.quit", "app.help", "app.search", "app.quick_add", "app.editor",
                "screen.today", "screen.reviews", "tasks.done", "tasks.reschedule",
                "tasks.filter_tag", "list.select"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)


async def test_keys_are_remapped_from_the_config(tui_root: Path, make_app) -> None:
    vault = Vault(tui_root)
    vault.config.keys = {"app.quick_add": "plus", "tasks.done": "ctrl+d"}
    vault.save_config()
    vault.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert not isinstance(app.screen, QuickAddScreen)
        await pilot.press("plus")
        assert isinstance(app.screen, QuickAddScreen)
        await pilot.press("escape", "2")
        await settle(pilot)
        first = app.screen.query_one(ItemList).current_key
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert app.vault.resolve(first).status == "done"


async def test_palette_commands_depend_on_the_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        titles = [title for title, _, _ in app.screen.palette_commands()]
        assert any(t.startswith("Mark done:") for t in titles) and "Show list: waiting" in titles
        await pilot.press("3")
        await settle(pilot)
        titles = [title for title, _, _ in app.screen.palette_commands()]
        assert "New note" in titles and not any(t.startswith("Mark done") for t in titles)
        await pilot.press("2", "ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"show list waiting")
        await wait_for(pilot, lambda: "waiting" in str(
            app.screen.query_one("CommandList").get_option_at_index(0).prompt))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen) and app.screen.list_name == "waiting"


async def test_side_pane_is_one_pane_for_the_whole_app(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        before = app.focused
        app.register_side_pane(lambda: Input(id="assistant"), "f9")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SidePaneScreen)
        pane_input = app.screen.query_one("#assistant", Input)
        assert app.focused is pane_input  # keys go to the pane, not to the list behind
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen) and app.focused is before
        await pilot.press("2", "f9")
        await settle(pilot)
        assert app.screen.query_one("#assistant", Input) is pane_input  # the same widget
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen)


async def test_light_theme_and_no_color(tui_root: Path, make_app, monkeypatch) -> None:
    vault = Vault(tui_root)
    vault.config.theme = "light"
    vault.save_config()
    vault.close()
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "solo-light"
        assert app.no_color


async def test_a_file_that_cannot_be_read_stays_listed_and_says_why(make_app,
                                                                    tui_root: Path) -> None:
    from solo.tui.screens.notes import NotesScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        path = tui_root / "tasks" / "submit-cfp-cloud-nord.md"
        path.write_text(path.read_text().replace("status", "status = = ", 1))
        app.vault.ingest(["tasks/submit-cfp-cloud-nord.md"])  # what `e` does after the editor
        await settle(pilot)
        await wait_for(pilot, lambda: any("submit-cfp-cloud-nord.md" in n.message
                                          and "not valid TOML" in n.message
                                          for n in app._notifications))
        items = app.screen.query_one(ItemList)
        await wait_for(pilot, lambda: "tasks/submit-cfp-cloud-nord.md"
                       in [e.key for e in items.entries])
        entry = next(e for e in items.entries if e.key == "tasks/submit-cfp-cloud-nord.md")
        assert str(entry.cells[0]) == "⚠"
        items.select_key("tasks/submit-cfp-cloud-nord.md")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen)
                       and app.screen.open_path == "tasks/submit-cfp-cloud-nord.md")
        assert "status = = " in app.screen.editor.text


@pytest.mark.parametrize("name", ["dark", "light"])
def test_theme_text_contrast(name: str) -> None:
    from solo.tui.themes import THEMES, contrast

    theme = THEMES[name]
    for back in (theme.background, theme.surface, theme.panel):
        for role in ("foreground", "accent", "primary", "error", "warning", "success"):
            ratio = contrast(getattr(theme, role), back)
            assert ratio >= 4.5, f"{name}: {role} on {back} is {ratio:.2f}:1"


async def test_palette_lists_solos_commands_only(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"theme")
        await settle(pilot)
        command_list = app.screen.query_one("CommandList")
        await wait_for(pilot, lambda: command_list.option_count > 0)
        prompts = [str(command_list.get_option_at_index(i).prompt)
                   for i in range(command_list.option_count)]
        assert any("light / dark" in p for p in prompts)
        assert not any("Change theme" in p for p in prompts)  # Textual's picker is gone


async def test_help_lists_solos_keys_and_explains_the_marks(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = app.help_rows()
        assert rows and all(binding_id for _keys, _does, binding_id in rows)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        legend = " ".join(str(s.render()) for s in app.screen.query(".dialog-help"))
        for mark in ("!", "·", "~", "⚠", "●"):
            assert mark in legend


async def test_search_down_moves_the_highlight_and_enter_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"exam")
        results = app.screen.query_one(ItemList)
        final = [hit.row.path for hit in app.vault.search("exam", limit=50)]
        assert len(final) > 2
        # The hits of "exam", not those of "exa" still on screen.
        await wait_for(pilot, lambda: [e.key for e in results.entries] == final)
        assert results.current_key == results.entries[0].key  # highlighted at once
        await pilot.press("down")  # one step: the second hit; the focus stays in the input
        assert isinstance(app.focused, Input)
        second = results.entries[1].key
        assert results.current_key == second
        await pilot.press("enter")

        def opened() -> str | None:
            screen = app.screen
            if isinstance(screen, NotesScreen):
                return screen.open_path
            row = screen.current_row() if isinstance(screen, TasksScreen) else None
            return row.path if row else None

        await wait_for(pilot, lambda: opened() == second)


async def test_unknown_settings_and_binding_ids_are_announced_at_start(make_app,
                                                                      tui_root: Path) -> None:
    config = tui_root / ".solo" / "config.toml"
    config.write_text('[assistant]\nmodle = "x"\n\n[keys]\n"app.quitt" = "ctrl+q"\n')
    app = make_app()
    said: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), real_notify(message, **kw))[1]
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
    assert any("unknown key 'modle' in [assistant]; did you mean 'model'?" in s for s in said)
    assert any("unknown binding id 'app.quitt' in [keys]; did you mean 'app.quit'?" in s
               for s in said)
