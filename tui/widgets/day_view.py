"""DayView: a day's time blocks on an hour axis, overlaps and blocks outside working hours marked (display only)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from solo.core.planning.blocks import Block, DayPlan

TYPE_STYLES = {"focus": "bold green", "meeting": "bold cyan", "admin": "yellow",
               "break": "dim", "learning": "bold magenta"}
OVERLAP, OUTSIDE = "⚠", "☾"
TEXT_WIDTH = 24


def _hour_range(plan: DayPlan) -> range:
    first = min([plan.work_start] + [b.start for b in plan.blocks]) // 60
    last = max([plan.work_end] + [b.end for b in plan.blocks])
    return range(first, min((last + 59) // 60, 24))


def _label(block: Block, width: int) -> Text:
    marks = (OVERLAP if block.overlaps else "") + (OUTSIDE if block.outside_hours else "")
    head = f":{block.start % 60:02d} " if block.start % 60 else ""  # the axis shows the hour
    room = max(width - len(head) - (len(marks) + 1 if marks else 0), 4)
    title = block.item.title if len(block.item.title) <= room else block.item.title[:room - 1] + "…"
    text = Text(head, "dim")
    text.append(title, TYPE_STYLES.get(block.type, ""))
    if marks:
        text.append(" " + marks, "bold red" if block.overlaps else "yellow")
    return text


def render_day(plan: DayPlan, now_minute: int | None = None, width: int = TEXT_WIDTH) -> Text:
    """The axis: one line per hour, a bar where blocks cover it (▓ where they overlap), the
    blocks that start in that hour beside it (":30" when not on the hour), ▸ at the current
    hour."""
    text = Text()
    planned = plan.planned
    title = f"Plan · {planned // 60}h{planned % 60:02d}" if planned else "Plan · nothing yet"
    text.append(title + ("" if plan.working_day else " · day off") + "\n", "bold")
    if not plan.blocks:
        text.append("b adds a block for the\nhighlighted task\n", "dim")
    for hour in _hour_range(plan):
        start, end = hour * 60, hour * 60 + 60
        covering = [b for b in plan.blocks if b.start < end and start < b.end]
        working = plan.working_day and plan.work_start < end and start < plan.work_end
        marker = "▸" if now_minute is not None and start <= now_minute < end else " "
        text.append(f"{marker}{hour:02d} ", "bold" if marker != " " else "dim")
        if not covering:
            text.append("·" if working else " ", "dim")
        else:
            style = TYPE_STYLES.get(covering[-1].type, "")
            text.append("█" if len(covering) == 1 else "▓", "red" if any(
                b.overlaps for b in covering) else style)
        starting = [b for b in covering if start <= b.start < end]
        if not starting:
            text.append("\n")
            continue
        for number, block in enumerate(starting):
            text.append("\n      " if number else " ")
            text.append_text(_label(block, width - 6))
        text.append("\n")
    for problem in plan.problems:
        text.append(f"! {problem}\n", "red")
    if any(b.overlaps for b in plan.blocks) or any(b.outside_hours for b in plan.blocks):
        text.append(f"{OVERLAP} overlap  {OUTSIDE} off hours", "dim")
    return text


class DayView(VerticalScroll):
    """The day view beside the agenda on Today; `show` puts a plan in it."""

    DEFAULT_CSS = """
    DayView { width: 27; height: 1fr;
              border-left: vkey $primary 50%; padding: 0 0 0 1; }
    DayView > Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="day-view-text")

    plan: DayPlan | None = None

    now_minute: int | None = None

    def show(self, plan: DayPlan, now_minute: int | None = None) -> None:
        self.plan, self.now_minute = plan, now_minute
        self._render_plan()

    def _render_plan(self) -> None:
        if self.plan is not None:  # a fixed width: the view's CSS width less border and padding
            self.query_one("#day-view-text", Static).update(
                render_day(self.plan, self.now_minute, TEXT_WIDTH))
