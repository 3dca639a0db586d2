"""Dates and times from what people type: ISO forms, date words (today, eow, fri, dec-15, +3d), times of day with zones, durations."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from solo.core.model.recur import add_months


def as_date(value: object) -> date | None:
    """A date from a date, a date-time (its day), an ISO "YYYY-MM-DD" string or an ISO
    date-time string (its day); else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        if len(text) > 10 and text[10] in "T ":  # a date-time string: its day
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            except ValueError:
                return None
    return None


def as_datetime(value: object) -> datetime | None:
    """A naive local date-time from a datetime or an ISO string without time zone; else None."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 10:  # a bare date is not a date-time
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value
    return None



_WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"),
)
WEEKDAYS: dict[str, int] = {
    name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names
}

# Patterns kept as text: `re` compiles each on first use (and caches it), not at import.
_RELATIVE = r"([+-]?)(\d{1,4})\s*([dwmy])"
_IN_UNITS = r"in\s+(\d{1,4})\s+(day|week|month|year)s?"
_UNIT_DAYS = {"d": 1, "w": 7}
_DATE_HELP = ("use YYYY-MM-DD, today, tomorrow, a weekday (fri), eow, eom, dec-15, 12-15, "
              "+3d, +2w, +1m or +1y")
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
)
MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names
}
_MONTH_DAY = r"(?P<month>\d{1,2})-(?P<day>\d{1,2})"
_NAMED_MONTH_DAY = r"(?P<a>[a-z]+|\d{1,2})[- ](?P<b>[a-z]+|\d{1,2})"


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


# Named dates, after Taskwarrior's (taskwarrior.org/docs/named_dates) with ISO weeks
# (Monday first, as Taskwarrior with `weekstart=monday`): "s…" is the start of the *next*
# period, "e…" the last day of the current one, "soc…" the start of the current one.
_NAMED: dict[str, Callable[[date], date]] = {
    "today": lambda t: t, "tod": lambda t: t, "sod": lambda t: t, "eod": lambda t: t,
    "tomorrow": lambda t: t + timedelta(days=1), "tom": lambda t: t + timedelta(days=1),
    "tmr": lambda t: t + timedelta(days=1),
    "yesterday": lambda t: t - timedelta(days=1),
    "eow": lambda t: _week_start(t) + timedelta(days=6),
    "eocw": lambda t: _week_start(t) + timedelta(days=6),
    "sow": lambda t: _week_start(t) + timedelta(days=7),
    "next-week": lambda t: _week_start(t) + timedelta(days=7),
    "next week": lambda t: _week_start(t) + timedelta(days=7),
    "socw": _week_start,
    "eoww": lambda t: _week_start(t) + timedelta(days=4 if t.weekday() <= 4 else 11),
    "soww": lambda t: _week_start(t) + timedelta(days=7),
    "eom": _month_end, "eocm": _month_end,
    "som": lambda t: add_months(t.replace(day=1), 1),
    "next-month": lambda t: add_months(t.replace(day=1), 1),
    "socm": lambda t: t.replace(day=1),
    "eoy": lambda t: t.replace(month=12, day=31), "eocy": lambda t: t.replace(month=12, day=31),
    "soy": lambda t: date(t.year + 1, 1, 1), "next-year": lambda t: date(t.year + 1, 1, 1),
    "socy": lambda t: t.replace(month=1, day=1),
}
NAMED_DATES: tuple[str, ...] = tuple(_NAMED)


def _next_month_day(today: date, month: int, day: int, text: str) -> date:
    """The first `month`/`day` on or after `today` (Feb 29 waits for a leap year)."""
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {text!r} (no month {month})")
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"not a date: {text!r} (no day {day} in that month)")


def _month_day(word: str, today: date) -> date | None:
    """`12-15`, `dec-15`, `15-dec`, `december 15`: the next such day, today included."""
    match = re.fullmatch(_MONTH_DAY, word)
    if match:
        return _next_month_day(today, int(match["month"]), int(match["day"]), word)
    match = re.fullmatch(_NAMED_MONTH_DAY, word)
    if match is None:
        return None
    a, b = match["a"], match["b"]
    if a in MONTHS and b.isdigit():
        return _next_month_day(today, MONTHS[a], int(b), word)
    if b in MONTHS and a.isdigit():
        return _next_month_day(today, MONTHS[b], int(a), word)
    return None


def parse_date(text: str, today: date) -> date:
    """A date from text, relative to `today`. Raises ValueError with a clear message.

    - ISO "2026-12-01"; "12-15" (month-day), "dec-15", "15-dec", "december 15": the next such
      day, today included (Feb 29 waits for a leap year).
    - "today", "tomorrow", "yesterday" ("tod", "tom", "sod", "eod" too).
    - A weekday ("fri", "friday", "next fri"): the next such day, strictly after today, so
      always 1–7 days ahead.
    - Weeks run Monday–Sunday: "eow" (also "eocw") is this week's Sunday (today on a
      Sunday); "sow", "next-week" and "soww" the next Monday; "socw" this week's Monday;
      "eoww" the end of the work week (this Friday, or next Friday at a weekend).
    - "eom" (also "eocm") the last day of this month, "som"/"next-month" the 1st of next
      month, "socm" the 1st of this month; "eoy"/"eocy" 31 December this year,
      "soy"/"next-year" 1 January next year, "socy" 1 January this year.
    - "+3d", "-1w", "+2m", "+1y", "10d" or "in 3 days": relative to `today` (months clamp to
      the month's end).

    These follow Taskwarrior's named dates, with Monday as the first day of the week
    (Taskwarrior's `weekstart=monday`; its default, Sunday, makes its `eow` a Saturday).
    """
    word = " ".join(text.strip().lower().split())
    if not word:
        raise ValueError(f"a date is needed ({_DATE_HELP})")
    try:
        if word in _NAMED:
            return _NAMED[word](today)
        name = word.removeprefix("next ")
        if name in WEEKDAYS:
            return today + timedelta(days=(WEEKDAYS[name] - today.weekday() - 1) % 7 + 1)
        relative = re.fullmatch(_RELATIVE, word)
        in_units = re.fullmatch(_IN_UNITS, word)
        if relative or in_units:
            if relative:
                sign, amount, unit = relative.groups()
                count = -int(amount) if sign == "-" else int(amount)
            else:
                assert in_units is not None
                count, unit = int(in_units.group(1)), in_units.group(2)[0]
            if unit in _UNIT_DAYS:
                return today + timedelta(days=count * _UNIT_DAYS[unit])
            return add_months(today, count if unit == "m" else 12 * count)
        day = _month_day(word, today)
        if day is not None:
            return day
    except OverflowError:
        raise ValueError(f"date out of range: {text!r}") from None
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ValueError(f"not a date: {text!r} ({_DATE_HELP})") from None


_TIME = (
    r"(?P<day>.+?)[ t](?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?P<ampm>am|pm|a|p)?\s*(?P<zone>z|utc|[+-]\d{2}(?::?\d{2})?)?")
_DATETIME_HELP = ("use YYYY-MM-DD HH:MM (a zone like +01:00 or Z is converted to local time), "
                  "or e.g. 'fri 17:00', 'tomorrow 9am'")


def _zone(text: str) -> tzinfo:
    if text in ("z", "utc"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a time zone offset: {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def to_local(value: datetime, local: tzinfo | None = None) -> datetime:
    """A naive local date-time: an aware `value` converted to `local` (default: this
    machine's zone); a naive one is taken as local already."""
    if value.tzinfo is None:
        return value
    return (value.astimezone(local) if local is not None else value.astimezone()).replace(
        tzinfo=None)


def parse_datetime(text: str, today: date, local: tzinfo | None = None) -> datetime:
    """A naive local date-time: ISO ("2026-12-01T09:30", "2026-12-01 09:30"), or any
    `parse_date` form followed by a time ("today 14:00", "fri 9:30", "tomorrow 9am",
    "dec-15 5:30pm"). A time zone ("2026-12-05T17:00+01:00", "…Z", "fri 17:00+01:00") is
    converted to the `local` zone (default: this machine's) and dropped, so every stored
    time is local wall-clock time. A bare date is midnight. Raises ValueError.
    """
    cleaned = " ".join(text.strip().split())
    try:
        value = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        value = None
    if value is not None:
        return to_local(value, local)
    match = re.fullmatch(_TIME, cleaned.lower())
    if match is None or (match["minute"] is None and match["ampm"] is None):
        raise ValueError(f"not a date-time: {text!r} ({_DATETIME_HELP})")
    day = parse_date(match["day"], today)
    hour = int(match["hour"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a date-time: {text!r} (hour {hour} with am/pm)")
        hour = hour % 12 + (12 if match["ampm"].startswith("p") else 0)
    try:
        value = datetime(day.year, day.month, day.day, hour, int(match["minute"] or 0),
                         int(match["second"] or 0))
        if match["zone"]:
            value = to_local(value.replace(tzinfo=_zone(match["zone"])), local)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a date-time: {text!r} ({exc})") from None
    return value


def parse_when(text: str, today: date, local: tzinfo | None = None) -> date | datetime:
    """What a date field accepts: a `parse_date` form gives a date; one with a time of day
    ("fri 17:00", "2026-12-05T17:00+01:00", "tomorrow 9am") gives a naive local date-time
    (see `parse_datetime`). Raises ValueError naming the text."""
    try:
        return parse_date(text, today)
    except ValueError as date_error:
        if not re.search(_HAS_TIME, text.lower()):
            raise date_error from None
    return parse_datetime(text, today, local)


_HAS_TIME = r"\d:\d|\d\s*(?:am|pm|a|p)$|\dt\d"


_DURATION = (
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|mins?|minutes?)?)?"
)


def parse_minutes(text: str) -> int:
    """Minutes from "90", "30m", "45min", "1h", "1h30", "1h30m", "1.5h", "2h 15m". Raises ValueError."""
    cleaned = text.strip().lower()
    match = re.fullmatch(_DURATION, cleaned)
    if not cleaned or match is None or not (match.group("hours") or match.group("minutes")):
        raise ValueError(f"not a duration: {text!r} (use minutes like 30m, or 1h, 1h30)")
    hours = float((match.group("hours") or "0").replace(",", "."))
    if hours > 10**9:
        raise ValueError(f"duration too long: {text!r}")
    return round(hours * 60) + int(match.group("minutes") or 0)
