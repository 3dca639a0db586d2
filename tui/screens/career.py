"""CareerScreen: goals with key results and progress, skills, learning plan, achievements, stack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from solo.core.career import people, posts, spend
from solo.core.career import progress as career
from solo.core.engine.index import Row
from solo.core.planning import focus
from solo.core.vault import VaultError
from solo.tui.format import bar, header, hours, money, short_date, sparkline
from solo.tui.keys import ITEM_BINDINGS
from solo.tui.messages import ListSelected
from solo.tui.screens.base import PaletteCommand
from solo.tui.screens.task_actions import TaskActions
from solo.tui.widgets.item_list import Entry, ItemList

KINDS = ("goal", "skill", "learning", "achievement", "resource", "post")
CHART_WEEKS, CHART_MONTHS = 8, 12


@dataclass
class CareerData:
    """What the Career screen shows: rows by kind and the chart series."""

    rows: dict[str, list[Row]]
    goal_minutes: dict[str, list[tuple[str, int]]]
    spend: dict[str, list[tuple[str, float]]]
    recurring: dict[str, float]
    gaps: list[tuple[str, int, int]]
    contacts: list[people.Contact]


def amount(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def chart_line(label: str, values: list[float], total: str, width: int = 30) -> Entry:
    """A chart row: label, sparkline, figure (a header line, so the cursor skips it)."""
    if len(label) > width:
        label = label[:width - 1] + "…"
    return header(f"   {label:<{width}} {sparkline(values)}  {total}")


def content_entries(rows: list[Row], today: dt.date) -> list[Entry]:
    """The content calendar: the pipeline by status, then this month's published posts."""
    flow = posts.pipeline(rows)
    counts = ", ".join(f"{len(v)} {k}" for k, v in flow.items())
    out = [header(f"Content pipeline ({counts})")]
    for status in ("scheduled", "draft", "idea"):
        for post in flow[status]:
            out.append(Entry(post.path, (Text.assemble(post.title, (f" · {post.channel}", "dim")),
                                         status, short_date(str(post.publish or ""), today))))
    month = posts.month_published(rows, today)
    out.append(header(f"Published in {today:%B} ({len(month)})"))
    for post in month:
        bits = ", ".join(b for b in (f"{post.reactions} reactions" if post.reactions else "",
                                     f"+{post.followers_gained} followers"
                                     if post.followers_gained else "") if b)
        out.append(Entry(post.path, (Text.assemble(post.title, (f" · {post.channel}", "dim"),
                                                   (f" · {bits}" if bits else "", "dim")),
                                     f"{post.views} views" if post.views else "",
                                     short_date(str(post.publish or ""), today))))
    return out


def network_entries(contacts: list[people.Contact]) -> list[Entry]:
    """People, the most overdue catch-up first."""
    due = sum(1 for c in contacts if c.is_due)
    out = [header(f"Network ({due} catch-up(s) due)")]
    for c in contacts:
        when = ("" if c.due is None else f"{c.overdue_days}d overdue" if c.overdue_days > 0
                else "due today" if c.overdue_days == 0 else f"due {c.due:%m-%d}")
        title = Text.assemble(("! ", "bold yellow"), c.person.title) if c.is_due else \
            Text(c.person.title)
        if c.organisation:
            title.append(f" · {c.organisation}", "dim")
        last = f"last {c.last_contact:%m-%d}" if c.last_contact else "never"
        out.append(Entry(c.person.path, (title, last, when)))
    return out


class CareerScreen(TaskActions):
    """Everything about growth on one scrolling list; Enter edits an item's fields."""

    NAME = "career"
    BINDINGS = ITEM_BINDINGS

    def compose_body(self) -> Iterable[Widget]:
        yield Static("Career: goals, skills, learning, content, network, achievements, stack",
                     classes="screen-title")
        yield ItemList(id="career-list", widths=(None, 16, 10))

    def load(self) -> CareerData:
        today = self.solo.clock.today()
        everything = self.vault.rows()
        rows = {kind: [r for r in everything if r.kind == kind] for kind in (*KINDS, "task")}
        return CareerData(rows, focus.goal_minutes_series(everything, today, CHART_WEEKS),
                          spend.spend_series(everything, today, CHART_MONTHS),
                          spend.spend_report(everything, today).recurring_total,
                          career.skill_gap_series(everything),
                          people.contacts(everything, today, people.mentions(
                              everything, self._read_body, self._links)))

    _links = people.LinkCache()

    def _read_body(self, row: Row) -> str | None:
        try:
            return self.vault.read(row).body
        except VaultError:
            return None

    def show(self, career_data: CareerData) -> None:
        today = self.solo.clock.today()
        data = career_data.rows
        entries: list[Entry] = [header("Goals")]
        rows = data["goal"] + data["task"] + data["post"]
        for row in sorted(data["goal"], key=lambda r: str(r.fields.get("target", "9999"))):
            progress = career.goal_progress(row, rows, today)
            shown = f"{bar(progress.progress)} {progress.progress:4.0%}"
            target = short_date(str(row.fields.get("target", "")), today)
            style = "dim" if progress.status in career.INACTIVE_GOAL_STATUSES else ""
            title = Text(row.title, style)
            if progress.at_risk or progress.overdue:
                title = Text.assemble(("⚠ ", "bold red"), title)
            entries.append(Entry(row.path, (title, shown, target)))
            for kr in progress.key_results:  # counted ones (`counts = "posts"`) included
                entries.append(Entry(row.path, (Text(f"   · {kr.name}", "dim"),
                                                Text(f"{kr.current:g}/{kr.target:g}", "dim"),
                                                "")))
        entries.append(header(f"Time per goal (last {CHART_WEEKS} weeks)"))
        for goal, weeks in career_data.goal_minutes.items():
            minutes = [m for _, m in weeks]
            entries.append(chart_line(goal, [float(m) for m in minutes], hours(sum(minutes))))
        gaps = {title: level - target for title, level, target in career_data.gaps}
        to_go = sum(-g for g in gaps.values() if g < 0)
        entries.append(header(f"Skills (level → target, biggest gap first; {to_go} levels to go)"))
        for row in sorted(data["skill"], key=lambda r: (gaps.get(r.title, 0), r.title.lower())):
            level, wanted = row.fields.get("level"), row.fields.get("target_level")
            gauge = ""
            if isinstance(level, int):
                gap = (wanted - level) if isinstance(wanted, int) else 0
                gauge = "●" * level + "○" * max(gap, 0) + (f" gap {gap}" if gap > 0 else "")
            entries.append(Entry(row.path, (row.title, gauge,
                                            str(row.fields.get("category", "")))))
        entries.append(header("Learning plan"))
        for row in sorted(data["learning"], key=lambda r: str(r.fields.get("due", "9999"))):
            entries.append(Entry(row.path, (row.title, str(row.fields.get("status", "")),
                                            short_date(str(row.fields.get("due", "")), today))))
        entries += content_entries(data["post"], today)
        entries += network_entries(career_data.contacts)
        entries.append(header("Achievements"))
        for row in sorted(data["achievement"], key=lambda r: str(r.fields.get("date", "")),
                          reverse=True):
            entries.append(Entry(row.path, (row.title, "",
                                            short_date(str(row.fields.get("date", "")), today))))
        entries.append(header(f"Spend per month (last {CHART_MONTHS} months)"))
        for currency, months in career_data.spend.items():
            recurring = career_data.recurring.get(currency, 0.0)
            entries.append(chart_line(currency, [a for _, a in months],
                                      f"{amount(months[-1][1])} this month · "
                                      f"{amount(recurring)}/month recurring", width=5))
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
