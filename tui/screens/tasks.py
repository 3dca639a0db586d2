"""TasksScreen: the GTD lists with filters (tag, project, goal), sorting and every task action."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import work
from textual.widget import Widget
from textual.widgets import Static

from solo.core.engine.index import Row
from solo.core.model import kinds as model
from solo.core.planning import agenda
from solo.core.planning.filters import has_tag
from solo.tui.format import TASK_WIDTHS, short_date
from solo.tui.keys import TASK_BINDINGS, TASK_LIST_BINDINGS
from solo.tui.messages import ListHighlighted, ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.prompt import PromptScreen
from solo.tui.screens.task_actions import TaskActions, entry, row_key
from solo.tui.widgets.item_list import ItemList

LISTS: tuple[str, ...] = ("inbox", "next", "waiting", "scheduled", "someday", "done")
SHORT_NAMES = {"inbox": "inb", "next": "nxt", "waiting": "wai", "scheduled": "sch",
               "someday": "som", "done": "don"}


def tab_line(current: str, counts: dict[str, int], extra: list[str], width: int) -> Text:
    """The lists as tabs, then the active filters and the order, in `width` cells. When it
    does not fit, the other lists shrink to three letters, then only the shown list is left;
    the filters are kept whole, since a list narrowed by a filter you cannot see looks wrong."""
    tail = "  " + " ".join(extra)

    def build(names: dict[str, str], pad: str) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, name in enumerate(LISTS if names else (current,)):
            if index and not pad:
                line.append(" ")
            count = counts.get(name)
            label = name if name == current else names[name]
            shown = " ".join(part for part in (label, "" if count is None else str(count))
                             if part)
            line.append(f"{pad}{shown}{pad}", style="reverse bold" if name == current else "")
        line.append(tail, style="dim")
        return line

    full = {name: name for name in LISTS}
    for names, pad in ((full, " "), (SHORT_NAMES, " "), (SHORT_NAMES, ""), ({}, " ")):
        line = build(names, pad)
        if line.cell_len <= width:
            return line
    return line


@dataclass
class TasksData:
    """Rows of the shown list, already filtered and sorted."""

    rows: list[Row]


class TasksScreen(TaskActions):
    """One GTD list at a time; left/right switch lists; filters narrow it."""

    NAME = "tasks"
    BINDINGS = TASK_BINDINGS + TASK_LIST_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.list_name = "next"
        self.sort_by = "due"
        self.filters: dict[str, str] = {}
        self.rows_by_path: dict[str, Row] = {}
        self.counts: dict[str, int] = {}

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="tasks-tabs", classes="screen-title")
        yield ItemList(id="tasks-list", widths=TASK_WIDTHS, empty="No tasks in this list.")
        yield Static(id="tasks-detail", classes="detail")

    def load(self) -> TasksData:
        statuses = [self.list_name] + (["cancelled"] if self.list_name == "done" else [])
        if self.list_name == "inbox":
            shown = [r for r in self.vault.tasks() if (r.status or "inbox") == "inbox"]
        else:
            shown = self.vault.tasks(statuses=statuses)
        shown = [row for row in shown if self._matches(row)]
        return TasksData(agenda.sort_tasks(shown, self.sort_by))

    @work(thread=True, exclusive=True, group="counts")
    def count_lists(self) -> None:
        """Count every list after the shown one is on screen (it reads every task row)."""
        counts = dict.fromkeys(LISTS, 0)
        for row in self.vault.tasks():
            status = row.status or "inbox"
            status = "done" if status == "cancelled" else status
            if status in counts:
                counts[status] += 1
        try:
            self.app.call_from_thread(self._show_counts, counts)
        except RuntimeError:
            pass

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._render_tabs()

    def _render_tabs(self) -> None:
        tabs = self.query_one("#tasks-tabs", Static)
        extra = [f"{k}:{v}" for k, v in self.filters.items()] + [f"by {self.sort_by}"]
        width = tabs.content_region.width or self.app.size.width
        tabs.update(tab_line(self.list_name, self.counts, extra, width))

    def on_resize(self) -> None:
        self._render_tabs()

    def _matches(self, row: Row) -> bool:
        for key, wanted in self.filters.items():
            if key == "tag":
                if not has_tag(row, wanted):
                    return False
            elif str(row.fields.get(key, "")).lower() != wanted.lower():
                return False
        return True

    def show(self, data: TasksData) -> None:
        today = self.solo.clock.today()
        self.rows_by_path = {row_key(row): row for row in data.rows}
        self._render_tabs()
        self.query_one(ItemList).set_entries([entry(row, today) for row in data.rows])
        self.count_lists()

    def on_list_highlighted(self, message: ListHighlighted) -> None:
        row = self.rows_by_path.get(message.key or "")
        detail = self.query_one("#tasks-detail", Static)
        if row is None:
            detail.update("")
            return
        today = self.solo.clock.today()
        parts = [f"{row.path}:{row.fields['line']}" if "checkbox" in row.fields else row.path]
        for key in ("due", "scheduled"):
            if row.fields.get(key):
                parts.append(f"{key} {short_date(str(row.fields[key]), today)}")
        for key in ("priority", "project", "goal", "waiting_for", "recur"):
            if row.fields.get(key):
                parts.append(f"{key}: {row.fields[key]}")
        if row.tags:
            parts.append(" ".join(f"#{t}" for t in row.tags))
        detail.update(Text("  ·  ".join(parts)))

    def on_list_selected(self, message: ListSelected) -> None:
        self.open_form(message.key)

    def current_row(self) -> Row | None:
        key = self.query_one(ItemList).current_key
        return self.rows_by_path.get(key or "") or self.row(key)

    def show_list(self, name: str, select: str | None = None) -> None:
        self.list_name = name
        if select:
            self.query_one(ItemList).select_key(select)
        self.reload()

    def action_cycle_list(self, step: int) -> None:
        self.show_list(LISTS[(LISTS.index(self.list_name) + step) % len(LISTS)])

    def action_sort(self) -> None:
        self.sort_by = "priority" if self.sort_by == "due" else "due"
        self.reload()

    def action_filter(self, key: str) -> None:
        def entered(text: str | None) -> None:
            if text is None:
                return
            value = text.lstrip("#+").strip()
            if value:
                self.filters[key] = value
            else:
                self.filters.pop(key, None)
            self.reload()

        self.app.push_screen(PromptScreen(f"Filter by {key} (empty clears)",
                                          value=self.filters.get(key, "")), entered)

    def select_task(self, row: Row) -> None:
        """Show the list holding `row` with the cursor on it (search results land here)."""
        status = row.status or "inbox"
        self.filters.clear()
        self.show_list(status if status in LISTS else "done", select=row_key(row))

    def palette_commands(self) -> list[PaletteCommand]:
        commands = self.task_palette_commands()
        for name in LISTS:
            commands.append((f"Show list: {name}", "GTD list",
                             partial(self.show_list, name)))
        commands.append(("Sort by due / priority", "Toggle the order", self.action_sort))
        for key in ("tag", "project", "goal"):
            commands.append((f"Filter by {key}", "Empty clears",
                             partial(self.action_filter, key)))
        commands.append(("Clear filters", "Show the whole list", self._clear_filters))
        return commands

    def _clear_filters(self) -> None:
        self.filters.clear()
        self.reload()


assert set(LISTS) <= set(model.TASK_STATUSES)
