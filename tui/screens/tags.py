"""TagsScreen: every tag of the vault (front matter and inline `#tags`) with counts; Enter filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from solo.core.engine.index import Row
from solo.tui.messages import ListSelected
from solo.tui.widgets.item_list import Entry, ItemList

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

EVERY = "\x00every"  # the entry that clears the filter


@dataclass(frozen=True)
class TagCount:
    """A tag (as first spelled) and how many open tasks, notes and items in all carry it."""

    name: str
    tasks: int
    notes: int
    total: int


def tag_counts(rows: Iterable[Row]) -> list[TagCount]:
    """Every tag, case-insensitively merged, most used first, then by name."""
    names: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for row in rows:
        for tag in dict.fromkeys(t.casefold() for t in row.tags):
            spelled = next(t for t in row.tags if t.casefold() == tag)
            names.setdefault(tag, spelled)
            count = counts.setdefault(tag, [0, 0, 0])
            count[0] += row.kind == "task" and (row.status or "inbox") not in ("done",
                                                                                "cancelled")
            count[1] += row.kind == "note"
            count[2] += 1
    found = [TagCount(names[k], *v) for k, v in counts.items()]
    return sorted(found, key=lambda t: (-t.total, t.name.casefold()))


class TagsScreen(ModalScreen[str | None]):
    """The tags with counts; Enter shows the Tasks (or, from Notes, the Notes) list filtered by
    the tag; the first entry clears the filter. Returns the tag, "" to clear, None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,number_sign", "dismiss(None)", "Close", id="tags.close")]

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tags"):
            yield Label(f"Tags · Enter filters {self.target}", classes="dialog-title")
            yield ItemList(id="tags-list", widths=(None, 7, 7, 5), empty="No tags in the vault.")
            yield Static("Counts: open tasks, notes, all items. Esc closes.",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(ItemList).focus()
        self.load_tags()

    @work(thread=True, exclusive=True, group="tags")
    def load_tags(self) -> None:
        app: SoloApp = self.app  # type: ignore[assignment]
        counts = tag_counts(app.vault.rows())
        app.call_from_thread(self.show_tags, counts)

    def show_tags(self, counts: list[TagCount]) -> None:
        entries = [Entry(EVERY, (Text(f"(all {self.target.lower()}: no filter)", "italic"),
                                 "tasks", "notes", "all"))]
        entries += [Entry(t.name, (f"#{t.name}", str(t.tasks), str(t.notes), str(t.total)))
                    for t in counts]
        self.query_one(ItemList).set_entries(entries)

    def on_list_selected(self, message: ListSelected) -> None:
        message.stop()
        if message.key is not None:
            self.dismiss("" if message.key == EVERY else message.key)
