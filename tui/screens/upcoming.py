"""UpcomingScreen: the next fourteen days, day by day, with repeating tasks' next occurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Static

from solo.core.engine.index import Row
from solo.core.planning import upcoming
from solo.core.planning.upcoming import Occurrence, Upcoming
from solo.tui.format import PRIORITY_MARK, short_date
from solo.tui.keys import TASK_BINDINGS
from solo.tui.messages import ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.task_actions import TaskActions
from solo.tui.widgets.item_list import Entry, ItemList

WIDTHS: tuple[int | None, ...] = (1, None, 6, 12)
WHAT = {"due": "due", "scheduled": "~"}


def day_header(day: dt.date, today: dt.date, count: int) -> Entry:
    """"Tue 1 Dec · today (3)"; an empty day says so."""
    label = f"{day:%a} {day.day} {day:%b}"
    if day == today:
        label += " · today"
    elif day == today + dt.timedelta(days=1):
        label += " · tomorrow"
    label += f" ({count})" if count else " · nothing planned"
    return Entry(None, (label,), style="" if count else "dim")


def occurrence_entry(occurrence: Occurrence, today: dt.date | None = None) -> Entry:
    """A task on a day: priority mark, title, due / ~scheduled, ↻ for a repeat's next date;
    with `today` (the overdue section) the date itself, in red."""
    row = occurrence.row
    mark, mark_style = PRIORITY_MARK.get(row.priority or "", (" ", ""))
    what = Text(WHAT.get(occurrence.what, ""))
    if today is not None:
        value = row.due if occurrence.what == "due" else row.scheduled
        what = Text(("" if occurrence.what == "due" else "~") + short_date(value, today),
                    "bold red")
    context = str(row.fields.get("project") or "") or (f"#{row.tags[0]}" if row.tags else "")
    if occurrence.repeat:
        return Entry(row.path, (Text("↻", "cyan"), Text(row.title, "dim"), Text(what.plain, "dim"),
                                Text(context, "dim")))
    return Entry(row.path, (Text(mark, mark_style), row.title, what, context))


def entries_for(data: Upcoming) -> list[Entry]:
    entries: list[Entry] = []
    if data.overdue:
        entries.append(Entry(None, (f"Overdue ({len(data.overdue)})",), style="bold red"))
        entries.extend(occurrence_entry(o, data.start) for o in data.overdue)
    for day, found in data.days.items():
        entries.append(day_header(day, data.start, len(found)))
        entries.extend(occurrence_entry(o) for o in found)
    return entries


class UpcomingScreen(TaskActions):
    """Open tasks of the next two weeks by day (`~` scheduled, ↻ a repeating task's next date);
    the task keys act on the task under the cursor."""

    NAME = "upcoming"
    BINDINGS: ClassVar[list[BindingType]] = TASK_BINDINGS

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="upcoming-title", classes="screen-title")
        yield ItemList(id="upcoming-list", widths=WIDTHS, empty="Nothing in the next two weeks.")

    def load(self) -> Upcoming:
        return upcoming.upcoming(self.vault.rows("task"), self.solo.clock.today())

    def show(self, data: Upcoming) -> None:
        last = data.start + dt.timedelta(days=len(data.days) - 1)
        count = sum(1 for found in data.days.values() for o in found if not o.repeat)
        self.query_one("#upcoming-title", Static).update(Text(
            f"Upcoming {data.start.day} {data.start:%b} – {last.day} {last:%b} · {count} tasks"
            " · ~ scheduled · ↻ repeats"))
        self.query_one(ItemList).set_entries(entries_for(data))

    def current_row(self) -> Row | None:
        return self.row(self.query_one(ItemList).current_key)

    def on_list_selected(self, message: ListSelected) -> None:
        self.open_form(message.key)

    def palette_commands(self) -> list[PaletteCommand]:
        return self.task_palette_commands()
