"""Recurrence rules for repeating tasks ("every 2 weeks", "monthly"…) and the next date they give."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Unit = Literal["day", "week", "month", "year", "weekday"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year", "weekday")
MAX_INTERVAL = 1000

_ADVERBS: dict[str, Unit] = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
    "weekdays": "weekday",
}
# Patterns kept as text: `re` compiles each on first use (and caches it), not at import.
_EVERY = r"every\s+(?:(?P<n>\d+|other)\s+)?(?P<unit>[a-z]+)"
_EXAMPLES = ('"every day", "every 2 weeks", "every month", "every weekday", "weekly", '
             '"every week when done"')
# The Obsidian Tasks plugin writes "when done"; "from completion" reads the same way.
_FROM_COMPLETION = (" when done", " from completion")


@dataclass(frozen=True)
class Recurrence:
    """A repeat rule: every `interval` units. `weekday` counts Monday–Friday days only.

    `from_completion` rules ("every 3 days when done") count from the day the task was
    finished; the others keep their schedule and count from the task's own date.
    """

    unit: Unit
    interval: int = 1
    from_completion: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown recurrence unit {self.unit!r}")
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise ValueError(f"recurrence interval must be 1–{MAX_INTERVAL}, not {self.interval}")

    def __str__(self) -> str:
        """The canonical text, as written to the `recur` field: "every day", "every 3 weeks"."""
        text = f"every {self.unit}" if self.interval == 1 else f"every {self.interval} {self.unit}s"
        return text + " when done" if self.from_completion else text


def parse_recurrence(text: str) -> Recurrence:
    """Parse a rule, case-insensitively.

    Accepted: ``every day|week|month|year|weekday``, ``every N days|weeks|months|years|weekdays``
    (N ≥ 1, singular or plural), ``every other week`` (N = 2), and ``daily``, ``weekly``,
    ``monthly``, ``yearly``/``annually``, ``weekdays``; any of them followed by ``when done``
    (or ``from completion``) counts from the completion day. Raises ValueError otherwise.
    """
    if not isinstance(text, str):
        raise ValueError(f"a recurrence must be text, not {type(text).__name__}")
    cleaned = " ".join(text.lower().split())
    for suffix in _FROM_COMPLETION:
        if cleaned.endswith(suffix) and cleaned != suffix.strip():
            rule = parse_recurrence(cleaned[: -len(suffix)])
            return Recurrence(rule.unit, rule.interval, from_completion=True)
    if cleaned in _ADVERBS:
        return Recurrence(_ADVERBS[cleaned])
    match = re.fullmatch(_EVERY, cleaned)
    if match is None:
        raise ValueError(f"not a recurrence: {text!r} (try {_EXAMPLES})")
    raw_n, word = match.group("n"), match.group("unit")
    unit = word[:-1] if word.endswith("s") else word
    if unit not in UNITS:
        raise ValueError(f"unknown recurrence unit {word!r} in {text!r} (try {_EXAMPLES})")
    if raw_n is None:
        if word != unit:  # "every weeks" reads as a typo, not as a rule
            raise ValueError(f"not a recurrence: {text!r} (try {_EXAMPLES})")
        return Recurrence(unit)
    interval = 2 if raw_n == "other" else int(raw_n)
    if interval < 1 or interval > MAX_INTERVAL:
        raise ValueError(f"recurrence interval must be 1–{MAX_INTERVAL}: {text!r}")
    return Recurrence(unit, interval)


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (may be negative), the day of month clamped to the month's end.

    Raises ValueError when the result falls outside the years 1–9999.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"date out of range: {day.isoformat()} + {months} months")
    last = calendar.monthrange(year, month0 + 1)[1]
    return day.replace(year=year, month=month0 + 1, day=min(day.day, last))


def _add_weekdays(day: date, count: int) -> date:
    weeks, rest = divmod(count, 5)
    result = day + timedelta(weeks=weeks)
    while result.weekday() >= 5:  # from a weekend, whole weeks land on a weekend too
        result -= timedelta(days=1)
    while rest:
        result += timedelta(days=1)
        if result.weekday() < 5:
            rest -= 1
    return result


def next_date(rule: Recurrence | str, from_date: date) -> date:
    """The next occurrence after `from_date` (always strictly later).

    Months and years clamp to the month's end (Jan 31 + 1 month = Feb 28, or 29 in a leap
    year; Feb 29 + 1 year = Feb 28). `weekday` steps over Saturdays and Sundays. Raises
    ValueError for a bad rule or a result past year 9999.
    """
    if isinstance(rule, str):
        rule = parse_recurrence(rule)
    n = rule.interval
    try:
        if rule.unit == "day":
            return from_date + timedelta(days=n)
        if rule.unit == "week":
            return from_date + timedelta(weeks=n)
        if rule.unit == "weekday":
            return _add_weekdays(from_date, n)
    except OverflowError:
        raise ValueError(f"date out of range: {from_date.isoformat()} + {rule}") from None
    return add_months(from_date, n if rule.unit == "month" else 12 * n)


def next_after(rule: Recurrence | str, anchor: date, today: date) -> tuple[date, int]:
    """The first date of a schedule-keeping rule after both `anchor` and `today`.

    Steps from `anchor` (the occurrence being finished) at least once, then on until the
    date is past `today`, so a habit finished late comes back in the future rather than
    overdue. Returns the date and the number of steps taken.
    """
    if isinstance(rule, str):
        rule = parse_recurrence(rule)
    day, steps = next_date(rule, anchor), 1
    while day <= today:
        day, steps = next_date(rule, day), steps + 1
    return day, steps


def step(rule: Recurrence, day: date, steps: int) -> date:
    """`day` moved forward by `steps` occurrences of `rule`."""
    for _ in range(steps):
        day = next_date(rule, day)
    return day
