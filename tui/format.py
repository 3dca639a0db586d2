"""Pure formatting of index rows into list entries and short labels (no I/O, no widgets)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from solo.core.engine import validation
from solo.core.engine.index import Row
from solo.tui.widgets.item_list import Entry

PRIORITY_MARK = {"high": ("!", "bold red"), "medium": ("·", "yellow"), "low": (" ", "")}
TASK_WIDTHS: tuple[int | None, ...] = (1, None, 6, 12)


def short_date(value: str | None, today: dt.date) -> str:
    """"11-26" this year, "2027-03-31" otherwise; "" when missing."""
    if not value:
        return ""
    text = str(value)[:10]
    return text[5:] if text.startswith(f"{today.year}-") else text


def task_entry(row: Row, today: dt.date) -> Entry:
    """A task line: priority mark, title, due (or scheduled) date, project or first tag."""
    mark, mark_style = PRIORITY_MARK.get(row.priority or "", (" ", ""))
    if row.problem:
        mark, mark_style = "⚠", "bold red"
    elif validation.row_findings(row, today):  # kept as written, but marked (see `Check this file`)
        mark, mark_style = "⚠", "bold yellow"
    when = row.due or row.scheduled
    when_style = ""
    if row.due and row.due[:10] < today.isoformat() and row.status not in ("done", "cancelled"):
        when_style = "bold red"
    elif row.due and row.due[:10] == today.isoformat():
        when_style = "bold yellow"
    prefix = "" if row.due or not row.scheduled else "~"
    context = str(row.fields.get("project") or "") or (f"#{row.tags[0]}" if row.tags else "")
    title_style = "strike dim" if row.status in ("done", "cancelled") else ""
    return Entry(row.path, (Text(mark, mark_style), Text(row.title, title_style),
                            Text(prefix + short_date(when, today), when_style), context))


def header(text: str) -> Entry:
    return Entry(None, (text,))


def bar(ratio: float, width: int = 10) -> str:
    """A text progress bar: ███░░░."""
    filled = round(max(0.0, min(ratio, 1.0)) * width)
    return "█" * filled + "░" * (width - filled)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled from 0 to the largest: ▁▂▅█ (all ▁ when none)."""
    top = max((v for v in values if v > 0), default=0)
    if not top:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(max(v, 0) / top * (len(SPARKS) - 1))] for v in values)


def hours(minutes: int) -> str:
    """Minutes as "31h10", or "40h" on the hour."""
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    return f"{sign}{minutes // 60}h{minutes % 60:02d}" if minutes % 60 else f"{sign}{minutes // 60}h"


def money(fields: dict[str, Any]) -> str:
    cost = fields.get("cost")
    if cost is None:
        return ""
    amount = f"{cost:g}" if isinstance(cost, int | float) else str(cost)
    return f"{amount} {fields.get('currency', '')}".strip()


def value_text(value: Any) -> str:
    """A front matter value as a form shows it (and `coerce_value` reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "; ".join(f"{kr.get('name', '')}={kr.get('current', 0):g}/{kr.get('target', 0):g}"
                         if isinstance(kr.get("target"), int | float)
                         and isinstance(kr.get("current", 0), int | float)
                         else str(kr) for kr in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 19 and value[10] == "T":
        return value.replace("T", " ")[:16]
    return str(value)
