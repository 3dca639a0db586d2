"""CareerScreen: goals with key results and progress, skills, learning plan, achievements, stack."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from solo.core import career
from solo.core.index import Row
from solo.tui.format import bar, header, money, short_date
from solo.tui.keys import ITEM_BINDINGS
from solo.tui.messages import ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.task_actions import TaskActions
from solo.tui.widgets.item_list import Entry, ItemList

KINDS = ("goal", "skill", "learning", "achievement", "resource")


class CareerScreen(TaskActions):
    """Everything about growth on one scrolling list; Enter edits an item's fields."""

    NAME = "career"
    BINDINGS = ITEM_BINDINGS

    def compose_body(self) -> Iterable[Widget]:
        yield Static("Career: goals, skills, learning, achievements, stack",
                     classes="screen-title")
        yield ItemList(id="career-list", widths=(None, 16, 10))

    def load(self) -> dict[str, list[Row]]:
        data = {kind: self.vault.rows(kind) for kind in KINDS}
        data["task"] = self.vault.rows("task")
        return data

    def show(self, data: dict[str, list[Row]]) -> None:
        today = self.solo.clock.today()
        entries: list[Entry] = [header("Goals")]
        rows = data["goal"] + data["task"]
        for row in sorted(data["goal"], key=lambda r: str(r.fields.get("target", "9999"))):
            progress = career.goal_progress(row, rows, today)
            shown = f"{bar(progress.progress)} {progress.progress:4.0%}"
            target = short_date(str(row.fields.get("target", "")), today)
            style = "dim" if progress.status in career.INACTIVE_GOAL_STATUSES else ""
            title = Text(row.title, style)
            if progress.at_risk or progress.overdue:
                title = Text.assemble(("⚠ ", "bold red"), title)
            entries.append(Entry(row.path, (title, shown, target)))
            for kr in row.fields.get("key_results") or []:
                if isinstance(kr, dict):
                    entries.append(Entry(row.path, (
                        Text(f"   · {kr.get('name', '')}", "dim"),
                        Text(f"{kr.get('current', 0):g}/{kr.get('target', 0):g}", "dim")
                        if isinstance(kr.get("target"), int | float)
                        and isinstance(kr.get("current", 0), int | float) else "", "")))
        entries.append(header("Skills (level → target)"))
        for row in sorted(data["skill"], key=lambda r: r.title.lower()):
            level, target = row.fields.get("level"), row.fields.get("target_level")
            gauge = ""
            if isinstance(level, int):
                gauge = "●" * level + "○" * max((target if isinstance(target, int) else level)
                                                 - level, 0)
            entries.append(Entry(row.path, (row.title, gauge,
                                            str(row.fields.get("category", "")))))
        entries.append(header("Learning plan"))
        for row in sorted(data["learning"], key=lambda r: str(r.fields.get("due", "9999"))):
            entries.append(Entry(row.path, (row.title, str(row.fields.get("status", "")),
                                            short_date(str(row.fields.get("due", "")), today))))
        entries.append(header("Achievements"))
        for row in sorted(data["achievement"], key=lambda r: str(r.fields.get("date", "")),
                          reverse=True):
            entries.append(Entry(row.path, (row.title, "",
                                            short_date(str(row.fields.get("date", "")), today))))
        entries.append(header("Stack"))
        for row in sorted(data["resource"], key=lambda r: str(r.fields.get("renews", "9999"))):
            cost = money(row.fields)
            period = row.fields.get("period", "")
            entries.append(Entry(row.path, (row.title, f"{cost} {period}".strip(),
                                            short_date(str(row.fields.get("renews", "")),
                                                       today))))
        self.query_one(ItemList).set_entries(entries)

    def current_row(self) -> Row | None:
        return self.row(self.query_one(ItemList).current_key)

    def on_list_selected(self, message: ListSelected) -> None:
        self.open_form(message.key)

    def palette_commands(self) -> list[PaletteCommand]:
        row = self.current_row()
        if row is None:
            return []
        return [(f"Edit fields: {row.title}", row.path, self.action_form),
                (f"Open in editor pane: {row.title}", row.path,
                 lambda: self.solo.open_path(row.path))]
