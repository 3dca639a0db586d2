"""TodayScreen: overdue, due today, scheduled today and next tasks; focus today; hours left."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from solo.core.career import people
from solo.core.engine.index import Row
from solo.core.planning import agenda, blocks, wellbeing
from solo.tui.format import TASK_WIDTHS, header, hours, sparkline
from solo.tui.keys import TASK_BINDINGS
from solo.tui.messages import ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.task_actions import TaskActions, entry
from solo.tui.screens.today_plan import DAY_BINDINGS, DayPlanning, people_text
from solo.tui.widgets.day_view import DayView
from solo.tui.widgets.item_list import Entry, ItemList


@dataclass
class TodayData:
    """What the Today screen shows."""

    agenda: agenda.Agenda
    focus: list[Row]
    week: wellbeing.WeekLoad
    trend: list[wellbeing.WeekLoad]
    nudges: list[str]
    plan: blocks.DayPlan | None = None
    due_people: list[people.Contact] | None = None


WEEKS = 8


def week_text(data: TodayData, working: bool) -> Text:
    """The week against the cap, the trend of the last weeks and, in working hours only, the
    nudges."""
    week = data.week
    text = Text(f"This week: {hours(week.minutes)} of {hours(week.cap)}")
    if week.over_cap:
        text.append(f"  ·  over your weekly cap by {hours(week.over_by)}", "bold")
    text.append(f"  ·  last {len(data.trend)} weeks {sparkline([w.minutes for w in data.trend])}")
    if working and data.nudges:
        text.append("\n" + "  ·  ".join(data.nudges), "yellow")
    return text


class TodayScreen(DayPlanning, TaskActions):
    """The first screen: what needs doing today, and how much of the day is left."""

    NAME = "today"
    BINDINGS = [*TASK_BINDINGS, *DAY_BINDINGS]

    focus_minutes: int | None = None
    week: TodayData | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(30, self.update_summary)  # the hours left move on

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="today-summary", classes="screen-title")
        yield Static(id="today-week", classes="detail")
        yield Static(id="today-people", classes="detail")
        yield Static(id="today-plan", classes="detail")
        with Horizontal(id="today-columns"):
            yield ItemList(id="today-list", widths=TASK_WIDTHS, empty="Nothing due today.")
            yield DayView(id="today-day")

    def load(self) -> TodayData:
        today, now, work = self.solo.clock.today(), self.solo.clock.now(), self.vault.config.work
        focus = self.vault.rows("focus")
        logged = focus + self.vault.rows("review")
        return TodayData(agenda.agenda(self.vault.tasks(), today),
                         agenda.focus_sessions(focus, today),
                         wellbeing.week_status(logged, work, today),
                         wellbeing.weekly_trend(logged, work, today, WEEKS),
                         wellbeing.nudges(logged, work, now), *self.load_day(today))

    def show(self, data: TodayData) -> None:
        today = self.solo.clock.today()
        entries: list[Entry] = []
        for title, rows in data.agenda.sections():
            if rows:
                entries.append(header(f"{title} ({len(rows)})"))
                entries.extend(entry(row, today) for row in rows)
        minutes = agenda.minutes_of(data.focus)
        entries.append(header(f"Focus today: {len(data.focus)} session(s), {minutes} min"))
        for row in data.focus:
            start = str(row.fields.get("start", ""))[11:16]
            entries.append(Entry(row.path, (" ", row.title, start,
                                            f"{row.fields.get('minutes', '?')} min")))
        self.query_one(ItemList).set_entries(entries)
        self.focus_minutes = minutes
        self.week = data
        self.show_day(data.plan, data.due_people)
        self.update_summary()

    def update_summary(self) -> None:
        focus_minutes = self.focus_minutes
        now = self.solo.clock.now()
        status = agenda.work_status(self.vault.config.work, now)
        cap = self.vault.config.work.daily_cap_minutes
        text = Text(f"{now:%A %d %B %Y}", style="bold")
        text.append(f"  ·  {status.label}")
        if focus_minutes is not None:
            text.append(f"  ·  focus {focus_minutes}/{cap} min")
        self.query_one("#today-summary", Static).update(text)
        if self.week is not None:
            working = wellbeing.is_working_time(now, self.vault.config.work)
            self.query_one("#today-week", Static).update(week_text(self.week, working))
            self.query_one("#today-people", Static).update(
                people_text(self.week.due_people or [], working))

    def current_row(self) -> Row | None:
        return self.row(self.query_one(ItemList).current_key)

    def on_list_selected(self, message: ListSelected) -> None:
        self.open_form(message.key)

    def palette_commands(self) -> list[PaletteCommand]:
        return self.task_palette_commands()
