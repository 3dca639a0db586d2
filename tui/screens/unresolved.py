"""UnresolvedLinksScreen: every `[[link]]` that names no file, with the note and line it is in."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from solo.core.engine.linkindex import Link
from solo.tui.messages import ListSelected
from solo.tui.widgets.item_list import Entry, ItemList

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

Choice = tuple[Literal["create", "goto"], Link]


def wiki_unresolved(found: list[Link]) -> list[Link]:
    """The wikilinks and embeds among unresolved links (what `solo doctor` lists too)."""
    return [link for link in found if link.style == "wiki"]


class UnresolvedLinksScreen(ModalScreen[Choice | None]):
    """The vault's unresolved wikilinks, by note and line. Enter creates the note the link asks
    for; g goes to the line. Returns the choice, None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,l", "dismiss(None)", "Close", id="unresolved.close"),
        Binding("g", "goto", "Go to line", id="unresolved.goto"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.links: list[Link] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog unresolved"):
            yield Label("Unresolved links", classes="dialog-title")
            yield ItemList(id="unresolved-list", widths=(30, None),
                           empty="Every link names a file.")
            yield Static("Enter creates the note · g goes to the line · Esc closes",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(ItemList).focus()
        self.load_links()

    @work(thread=True, exclusive=True, group="unresolved")
    def load_links(self) -> None:
        app: SoloApp = self.app  # type: ignore[assignment]
        found = wiki_unresolved(app.vault.links.unresolved())
        app.call_from_thread(self.show_links, found)

    def show_links(self, found: list[Link]) -> None:
        self.links = found
        title = f"Unresolved links ({len(found)})" if found else "Unresolved links"
        self.query_one(".dialog-title", Label).update(title)
        self.query_one(ItemList).set_entries([
            Entry(str(n), (f"[[{link.target}]]", Text(f"{link.src}:{link.line}", "dim")))
            for n, link in enumerate(found)])

    def _current(self, key: str | None) -> Link | None:
        if key is None or not key.isdigit() or int(key) >= len(self.links):
            return None
        return self.links[int(key)]

    def on_list_selected(self, message: ListSelected) -> None:
        message.stop()
        link = self._current(message.key)
        if link is not None:
            self.dismiss(("create", link))

    def action_goto(self) -> None:
        link = self._current(self.query_one(ItemList).current_key)
        if link is not None:
            self.dismiss(("goto", link))
