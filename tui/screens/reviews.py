"""ReviewsScreen: weekly reviews, newest first, with a Markdown viewer of the selected one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown

from solo.core.engine.index import Row
from solo.core.vault import VaultError
from solo.tui.keys import ITEM_BINDINGS
from solo.tui.messages import ListHighlighted, ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.task_actions import TaskActions
from solo.tui.widgets.item_list import Entry, ItemList


def review_label(row: Row) -> str:
    """A review's line in the list: its title, led by its week only when the title lacks it
    ("Weekly review 2026-W53", not "W53 Weekly review 2026-W53")."""
    period = str(row.fields.get("period", "") or "")
    if not period or period.casefold() in row.title.casefold():
        return row.title
    return f"{period[-3:]} {row.title}"


class ReviewsScreen(TaskActions):
    """Pick a review on the left; read it on the right."""

    NAME = "reviews"
    BINDINGS: ClassVar[list[BindingType]] = ITEM_BINDINGS

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal():
            yield ItemList(id="reviews-list", widths=(None,), empty="No reviews yet.")
            with VerticalScroll(id="review-view"):
                yield Markdown("", id="review-body")

    def load(self) -> list[Row]:
        return sorted(self.vault.rows("review"),
                      key=lambda r: (str(r.fields.get("period", "")), r.path), reverse=True)

    def show(self, rows: list[Row]) -> None:
        self.query_one(ItemList).set_entries([Entry(r.path, (review_label(r),)) for r in rows])

    def on_list_highlighted(self, message: ListHighlighted) -> None:
        if message.key:
            self.read_review(message.key)

    @work(thread=True, exclusive=True, group="review")
    def read_review(self, path: str) -> None:
        try:
            body = self.vault.read(path).body
        except VaultError as exc:
            body = f"*{exc}*"
        self.app.call_from_thread(self.query_one("#review-body", Markdown).update, body)

    def current_row(self) -> Row | None:
        return self.row(self.query_one(ItemList).current_key)

    def on_list_selected(self, message: ListSelected) -> None:
        self.solo.open_path(message.key)

    def palette_commands(self) -> list[PaletteCommand]:
        row = self.current_row()
        if row is None:
            return []
        return [(f"Edit review text: {row.title}", row.path,
                 lambda: self.solo.open_path(row.path)),
                (f"Edit fields: {row.title}", row.path, self.action_form)]
