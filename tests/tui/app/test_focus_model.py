"""The focus model: an input or editor that has the focus takes every printable key — no key
typed there writes to the vault or runs a screen action — and the footer says so."""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

import pytest
from support.tui_helpers import settle, wait_for
from textual.widgets import Input, TextArea

from solo.tui.screens.form import FormScreen
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.quick_add import QuickAddScreen
from solo.tui.screens.search import SearchScreen
from solo.tui.screens.today import TodayScreen
from solo.tui.widgets.footer import EDITING, SoloFooter
from solo.tui.widgets.side_pane import SidePaneScreen

pytestmark = pytest.mark.anyio

PRINTABLE = [c if c != " " else "space" for c in string.printable if c not in "\t\n\r\x0b\x0c"]


def fingerprint(root: Path, skip: str | None = None) -> dict[str, str]:
    """Every file of the vault and of its store, by content (derived indexes left out)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel == skip or rel.startswith((".solo/index", ".solo/links", ".solo/assistant.sqlite")) \
                or "transcript" in rel or rel.endswith((".lock", "/lock")):
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def footer_text(app) -> str:
    footer = app.screen.query_one(SoloFooter)
    return " ".join(str(w.render()) for w in footer.children)


OPENERS = {
    "assistant": (("ctrl+j",), SidePaneScreen),
    "quick add": (("a",), QuickAddScreen),
    "search": (("slash",), SearchScreen),
    "form": (("ctrl+e",), FormScreen),
}


@pytest.mark.parametrize("where", list(OPENERS))
async def test_typing_into_an_input_runs_nothing(make_app, tui_root: Path, where: str) -> None:
    keys, screen_type = OPENERS[where]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        list_widget = app.focused
        before = fingerprint(tui_root)
        await pilot.press(*keys)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type))
        await settle(pilot)
        assert isinstance(app.focused, Input), f"{where}: the focus is not in its input"
        stack = list(app.screen_stack)
        await pilot.press(*PRINTABLE)
        await settle(pilot)
        assert list(app.screen_stack) == stack and app.current_mode == "today"
        assert app.timer.phase == "idle"
        assert fingerprint(tui_root) == before
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert app.focused is list_widget  # Escape gives the focus back
    assert fingerprint(tui_root) == before


async def test_typing_into_the_notes_editor_writes_only_that_note(make_app,
                                                                  tui_root: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
        await settle(pilot)
        assert "Open" in footer_text(app) and EDITING not in footer_text(app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen) and isinstance(app.focused, TextArea)
        await wait_for(pilot, lambda: EDITING in footer_text(app))
        note = screen.open_path
        before = fingerprint(tui_root, skip=note)
        await pilot.press(*PRINTABLE)
        await settle(pilot)
        assert app.screen is screen and app.current_mode == "notes"
        assert "".join(c if c != "space" else " " for c in PRINTABLE) in screen.editor.text
        screen.flush_save()
        after = fingerprint(tui_root, skip=note)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        # the note's own document and the root index's bookkeeping of it; no other file
        assert all(k.startswith(".solo/store/") for k in changed) and len(changed) <= 2
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.focused, TextArea)
        await wait_for(pilot, lambda: EDITING not in footer_text(app))
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_footer_fits_and_offers_more(make_app, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Open" in footer_text(app))
        text = footer_text(app)
        assert len(text) <= size[0]
        if size[0] == 80:
            assert "more" in text  # `?` lists the rest
        assert "…" not in text


@pytest.mark.parametrize("size,cut", [((140, 40), False), ((80, 24), True)])
async def test_columns_grow_to_their_content_when_there_is_room(make_app, size, cut) -> None:
    from solo.tui.widgets.item_list import ItemList

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        lines = [items.render_line(y).text for y in range(items.size.height)]
        assert any("lakehouse-m" in line for line in lines)
        assert any("lakehouse-migration" in line for line in lines) is not cut
