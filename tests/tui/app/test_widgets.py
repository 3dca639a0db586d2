"""Widget tests on the smallest apps: the lazy item list and the Markdown editor."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from solo.tui.messages import LinkActivated, ListSelected
from solo.tui.widgets.item_list import Entry, ItemList
from solo.tui.widgets.md_editor import MarkdownEditor, link_at

pytestmark = pytest.mark.anyio


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield ItemList(id="items", widths=(None, 6))

    def on_list_selected(self, message: ListSelected) -> None:
        self.selected.append(message.key)


async def test_ten_thousand_entries_render_lazily_and_keep_the_cursor() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        items = app.query_one(ItemList)
        entries = [Entry(None, ("Header",))] + [Entry(f"k{i}", (f"item {i}", str(i)))
                                                 for i in range(10_000)]
        items.set_entries(entries)
        await pilot.pause()
        assert items.current_key == "k0"  # headers are skipped
        await pilot.press("end")
        assert items.current_key == "k9999"
        await pilot.press("pageup", "up")
        key = items.current_key
        items.set_entries([Entry("new", ("new first", ""))] + entries)  # something arrived
        await pilot.pause()
        assert items.current_key == key
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [key]
        items.set_entries([e for e in entries if e.key != key])  # the item went away
        await pilot.pause()
        assert items.current_key is not None


class EditorApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def compose(self) -> ComposeResult:
        yield MarkdownEditor("# Title\n\nSee [[cloud-certification|the goal]] and **bold**.\n")

    def on_link_activated(self, message: LinkActivated) -> None:
        self.links.append(message.target)


async def test_editor_highlights_markdown_and_follows_links() -> None:
    app = EditorApp()
    async with app.run_test(size=(60, 10)) as pilot:
        editor = app.query_one(MarkdownEditor)
        names = {name for line in editor._highlights.values() for _, _, name in line}
        assert {"heading", "heading.marker", "link.label", "bold"} <= names
        editor.focus()
        editor.move_cursor((2, 8))
        await pilot.press("enter")
        assert app.links == ["cloud-certification"]
        assert editor.text.count("\n") == 3  # Enter on a link does not break the line
        editor.move_cursor((0, 7))
        await pilot.press("enter")
        assert editor.text.startswith("# Title\n\n")
        editor.move_cursor(editor.document.end)
        await pilot.press(*" [[next]]", "enter")  # just typed a link: Enter goes on writing
        assert app.links == ["cloud-certification"]
        assert editor.text.endswith("[[next]]\n")


def test_link_at() -> None:
    line = "a [[x]] b [[y#h|z]]"
    assert link_at(line, 0) is None
    assert link_at(line, 4) == "x" and link_at(line, 12) == "y"
    assert link_at(line, 6) == "x" and link_at(line, 7) is None  # on the last `]`; past it
