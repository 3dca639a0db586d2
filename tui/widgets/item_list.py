"""ItemList: a lazily rendered, keyboard-driven list of entries with section headers and columns."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from solo.tui.messages import ListHighlighted, ListSelected

Cell = str | Text
WIDE_COLUMN = 32


@dataclass(frozen=True)
class Entry:
    """One line: a selectable item (key = its path) or a header (key None)."""

    key: str | None
    cells: tuple[Cell, ...]
    style: str = ""


class ItemList(ScrollView, can_focus=True):
    """A list that renders only the visible lines, so ten thousand entries cost nothing.

    | Key | Action |
    | --- | --- |
    | up / k | Previous item |
    | down / j | Next item |
    | pageup / pagedown | Move a page |
    | home / end | First / last item |
    | enter | Select |
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False, id="list.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="list.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Open", id="list.select"),
    ]
    COMPONENT_CLASSES = {"item-list--cursor", "item-list--header", "item-list--empty"}
    DEFAULT_CSS = """
    ItemList { height: 1fr; overflow-x: hidden; }
    ItemList > .item-list--cursor { background: $block-cursor-blurred-background; }
    ItemList:focus > .item-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ItemList > .item-list--header { color: $accent; text-style: bold; }
    ItemList > .item-list--empty { color: $text-muted; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, widths: tuple[int | None, ...] = (None,), empty: str = "(nothing)",
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.widths = widths
        self._content_widths: tuple[int, ...] | None = None
        self.empty_text = empty
        self.entries: list[Entry] = []
        self._wanted: str | None = None

    # --- data ------------------------------------------------------------------------
    @property
    def current_key(self) -> str | None:
        if 0 <= self.cursor < len(self.entries):
            return self.entries[self.cursor].key
        return None

    def set_entries(self, entries: list[Entry], keep: str | None = None) -> None:
        """Replace the entries; the cursor stays on the same key (or index) when it can."""
        wanted = keep or self._wanted or self.current_key
        old_index, old_offset = self.cursor, self.cursor - int(self.scroll_y)
        self.entries = entries
        self._content_widths = None
        self.virtual_size = Size(self.size.width, len(entries))
        index = next((i for i, e in enumerate(entries) if wanted and e.key == wanted), None)
        if index is not None or keep:
            self._wanted = None  # a key asked for stays wanted until entries holding it arrive
        if index is None:
            index = min(old_index, max(len(entries) - 1, 0))
            index = self._selectable(index, 1) if entries else 0
        self.set_reactive(ItemList.cursor, index)
        if 0 <= old_offset < self.size.height:
            self.scroll_to(y=max(index - old_offset, 0), animate=False, immediate=True)
        self._scroll_cursor_visible()
        self.refresh()
        self.post_message(ListHighlighted(self.id, self.current_key))

    def select_key(self, key: str) -> bool:
        """Put the cursor on `key`, now or (if absent) when the next entries arrive."""
        for index, entry in enumerate(self.entries):
            if entry.key == key:
                self.cursor = index
                return True
        self._wanted = key
        return False

    def _selectable(self, index: int, step: int) -> int:
        count = len(self.entries)
        probe = index
        while 0 <= probe < count:
            if self.entries[probe].key is not None:
                return probe
            probe += step
        probe = index
        while 0 <= probe < count:
            if self.entries[probe].key is not None:
                return probe
            probe -= step
        return max(min(index, count - 1), 0)

    # --- actions ---------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_visible()
        self.refresh()
        if old != new:
            self.post_message(ListHighlighted(self.id, self.current_key))

    def _scroll_cursor_visible(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        target = self.cursor + step
        if 0 <= target < len(self.entries):
            self.cursor = self._selectable(target, step)

    def action_page(self, direction: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        target = max(0, min(self.cursor + direction * height, len(self.entries) - 1))
        if self.entries:
            self.cursor = self._selectable(target, direction)

    def action_jump(self, where: int) -> None:
        if self.entries:
            self.cursor = self._selectable(where % len(self.entries), 1 if where == 0 else -1)

    def action_select(self) -> None:
        if self.current_key is not None:
            self.post_message(ListSelected(self.id, self.current_key))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.entries) and self.entries[index].key is not None:
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # --- rendering -------------------------------------------------------------------
    def _column_widths(self, width: int) -> tuple[int | None, ...]:
        """The fixed columns' widths for this line width: as given, or on a wide list (over
        100 columns) grown to their longest content, up to WIDE_COLUMN, so names are not cut
        while the title column has room."""
        if width <= 100 or not self.entries:
            return self.widths
        if self._content_widths is None:
            longest = [0] * len(self.widths)
            for entry in self.entries:
                if entry.key is None:
                    continue
                for number, cell in enumerate(entry.cells[:len(self.widths)]):
                    longest[number] = max(longest[number], len(cell))
            self._content_widths = tuple(longest)
        return tuple(w if not w else max(w, min(c, WIDE_COLUMN))
                     for w, c in zip(self.widths, self._content_widths, strict=True))

    def _line_text(self, entry: Entry, width: int) -> Text:
        widths = self._column_widths(width)
        fixed = sum(w for w in widths if w) + max(len(entry.cells) - 1, 0)
        flex = max(width - fixed, 4)
        line = Text(style=entry.style, no_wrap=True, end="")
        for number, cell in enumerate(entry.cells):
            size = widths[number] if number < len(widths) else None
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.truncate(size or flex, overflow="ellipsis", pad=True)
            if number:
                line.append(" ")
            line.append_text(text)
        return line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self.rich_style
        if not self.entries and y == 0:
            text = Text(self.empty_text, style=self.get_component_rich_style("item-list--empty"))
        elif 0 <= index < len(self.entries):
            entry = self.entries[index]
            if entry.key is None:
                text = Text(" ".join(str(c) for c in entry.cells), no_wrap=True,
                            style=self.get_component_rich_style("item-list--header"))
            else:
                text = self._line_text(entry, width)
        else:
            return Strip.blank(width, base)
        text.truncate(width, overflow="ellipsis", pad=True)
        if index == self.cursor and self.entries and self.entries[index].key is not None:
            text.stylize(self.get_component_rich_style("item-list--cursor"), 0, len(text))
        if text.style:  # Text.render ignores the base style of a Text: make it a span
            text.stylize_before(text.style)
            text.style = ""
        segments = list(text.render(self.app.console))
        return Strip(segments).apply_style(base).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.entries))
