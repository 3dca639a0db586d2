"""SearchScreen: full-text search over the vault, results as you type; Enter opens the item."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from solo.core.engine.index import Hit
from solo.tui.messages import ListHighlighted, ListSelected
from solo.tui.widgets.item_list import Entry, ItemList

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

from textual.screen import ModalScreen


def snippet_text(snippet: str) -> Text:
    """The index's snippet on one line, its `[matches]` in bold."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, part in enumerate(re.split(r"\[([^\[\]]*)\]", " ".join(snippet.split()))):
        text.append(part, "bold" if index % 2 else "")
    return text


class SearchScreen(ModalScreen[str | None]):
    """Type to search (BM25 over titles and bodies); the first hit is highlighted at once,
    up/down move the highlight while you keep typing, Enter opens the highlighted hit."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="search.close"),
        Binding("down", "move(1)", "Next hit", show=False, id="search.next"),
        Binding("up", "move(-1)", "Previous hit", show=False, id="search.previous"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snippets: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search"):
            yield Label("Search", classes="dialog-title")
            yield Input(placeholder="words…", id="search-input")
            yield ItemList(id="search-results", widths=(None, 9), empty="Type to search.")
            yield Static("", id="search-snippet", classes="dialog-help")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str) -> None:
        app: SoloApp = self.app  # type: ignore[assignment]
        hits = app.vault.search(text, limit=50) if text.strip() else []
        app.call_from_thread(self.show_hits, text, hits)

    def show_hits(self, text: str, hits: list[Hit]) -> None:
        if text != self.query_one(Input).value:
            return  # a newer search is on its way
        self.snippets = {h.row.path: h.snippet for h in hits}
        # New words, new hits: the cursor goes to the best one, not to where it was.
        self.query_one(ItemList).set_entries(
            [Entry(h.row.path, (h.row.title, h.row.kind)) for h in hits],
            keep=hits[0].row.path if hits else None)

    def on_list_highlighted(self, message: ListHighlighted) -> None:
        message.stop()
        self.query_one("#search-snippet", Static).update(
            snippet_text(self.snippets.get(message.key or "", "")))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = self.query_one(ItemList).current_key
        if key:
            self.dismiss(key)

    def action_move(self, step: int) -> None:
        """Move the highlight in the results (the focus stays in the input)."""
        self.query_one(ItemList).action_move(step)

    def on_list_selected(self, message: ListSelected) -> None:
        message.stop()
        self.dismiss(message.key)
