"""The Notes screen's list of unresolved links (l): each `[[link]]` with its note and line;
Enter creates the note, g goes to the line. Pilot tests and snapshots at 80x24 and 140x40."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui_helpers import settle, wait_for

from solo.core.vault import Vault
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.unresolved import UnresolvedLinksScreen
from solo.tui.widgets.item_list import ItemList

NOTE = "notes/working-agreement.md"


def break_links(root: Path) -> None:
    path = root / NOTE
    path.write_text(path.read_text() + "\nAsk about [[Quiet Hours]] and [[Missing page#Part]].\n")
    with Vault(root) as vault:
        vault.scan()


async def open_list(pilot, app) -> UnresolvedLinksScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    app.screen.query_one(ItemList).focus()
    await pilot.press("l")
    await wait_for(pilot, lambda: isinstance(app.screen, UnresolvedLinksScreen))
    modal = app.screen
    await settle(pilot)
    return modal


@pytest.mark.anyio
async def test_g_goes_to_the_line_and_enter_creates_the_note(make_app, tui_root: Path) -> None:
    break_links(tui_root)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await open_list(pilot, app)
        assert [(link.target, link.src) for link in modal.links] == [
            ("Quiet Hours", NOTE), ("Missing page", NOTE)]
        assert modal.links[0].line == modal.links[1].line
        await pilot.press("down", "g")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        assert notes.open_path == NOTE
        row, column = notes.editor.cursor_location
        line = notes.editor.document.get_line(row)
        assert line[column:].startswith("[[Missing page#Part]]")

        notes.query_one(ItemList).focus()
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnresolvedLinksScreen))
        await settle(pilot)
        await pilot.press("enter")  # the first: [[Quiet Hours]]
        created = "notes/Quiet Hours.md"
        await wait_for(pilot, lambda: notes.open_path == created)
        assert (tui_root / created).read_text().endswith("# Quiet Hours\n\n")

        notes.query_one(ItemList).focus()
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnresolvedLinksScreen))
        again = app.screen
        await wait_for(pilot, lambda: [link.target for link in again.links] == ["Missing page"])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
    assert "Ask about [[Quiet Hours]]" in (tui_root / NOTE).read_text()  # nothing else changed


@pytest.mark.anyio
async def test_the_list_says_so_when_every_link_resolves(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await open_list(pilot, app)
        assert modal.links == []
        assert modal.query_one(ItemList).entries == []


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_snapshot(snap_compare, make_app, tui_root: Path, size: tuple[int, int]) -> None:
    break_links(tui_root)

    async def run_before(pilot) -> None:
        await open_list(pilot, pilot.app)
        await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
