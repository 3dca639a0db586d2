"""SearchScreen: full-text search over the vault, results as you type; Enter opens the item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from solo.core.index import Hit
from solo.tui.messages import ListSelected
from solo.tui.widgets.item_list import Entry, ItemList

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

from textual.screen import ModalScreen


class SearchScreen(ModalScreen[str | None]):
    """Type to search (BM25 over titles and bodies); down moves into the results."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="search.close"),
        Binding("down", "results", "Results", show=False, id="search.results"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search"):
            yield Label("Search", classes="dialog-title")
            yield Input(placeholder="words…", id="search-input")
            yield ItemList(id="search-results", widths=(None, 9), empty="Type to search.")

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
        self.query_one(ItemList).set_entries(
            [Entry(h.row.path, (h.row.title, h.row.kind)) for h in hits])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = self.query_one(ItemList).current_key
        if key:
            self.dismiss(key)

    def action_results(self) -> None:
        self.query_one(ItemList).focus()

    def on_list_selected(self, message: ListSelected) -> None:
        message.stop()
        self.dismiss(message.key)
