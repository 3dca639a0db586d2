"""The vault's domain model: kinds, per-kind field schemas, validation, text coercion, task completion, file names."""

from __future__ import annotations

import math
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal

from solo.core import clock
from solo.core.errors import SoloError
from solo.core.recur import add_months, next_after, next_date, parse_recurrence, step

# --- kinds -------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "task", "note", "goal", "skill", "learning", "achievement", "resource", "review", "focus",
)
DEFAULT_FOLDERS: dict[str, str] = {
    "task": "tasks",
    "note": "notes",
    "goal": "goals",
    "skill": "skills",
    "learning": "learning",
    "achievement": "achievements",
    "resource": "stack",
    "review": "reviews",
    "focus": "focus",
}
# Folder name (case-insensitive) → kind: the default folders, plus each kind's own name in
# singular and plural ("task/", "resources/") so hand-made vaults are read the obvious way.
FOLDER_KINDS: dict[str, str] = {
    **{f"{kind}s": kind for kind in KINDS},
    **{kind: kind for kind in KINDS},
    **{folder: kind for kind, folder in DEFAULT_FOLDERS.items()},
}


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


def kind_for(path: str, fields: Mapping[str, Any]) -> str:
    """The item's kind: a valid `kind` key, else the first folder of `path`, else "note".

    `path` is vault-relative and '/'-separated. An unknown `kind` value is ignored here (and
    reported by `validate`).
    """
    value = fields.get("kind") if isinstance(fields, Mapping) else None
    if isinstance(value, str) and value in KINDS:
        return value
    parts = _segments(path)
    if len(parts) > 1:
        return FOLDER_KINDS.get(parts[0].lower(), "note")
    return "note"


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")


def fenced_lines(body: str) -> list[bool]:
    """For each line of `body` (as `splitlines` cuts it), whether it belongs to fenced code."""
    flags: list[bool] = []
    fence: str | None = None
    for line in body.splitlines():
        opener = _FENCE.match(line)
        if fence is not None:
            flags.append(True)
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not line[opener.end():].strip():
                fence = None
            continue
        if opener:
            fence = opener.group(1)
        flags.append(fence is not None)
    return flags


def first_heading(body: str) -> str | None:
    """The text of the first level-1 ATX heading (`# Title`) outside fenced code, or None."""
    for line, fenced in zip(body.splitlines(), fenced_lines(body), strict=True):
        if fenced:
            continue
        match = _HEADING.fullmatch(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def title_for(path: str, fields: Mapping[str, Any], body: str) -> str:
    """The item's title: a non-blank `title` key, else the first `# heading`, else the file stem."""
    value = fields.get("title") if isinstance(fields, Mapping) else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    heading = first_heading(body) if isinstance(body, str) else None
    if heading:
        return heading
    parts = _segments(path)
    name = parts[-1] if parts else ""
    stem, ext = posixpath.splitext(name)
    if ext.lower() in (".md", ".markdown") and stem:
        return stem
    return name or "untitled"


# --- statuses and choices ------------------------------------------------------------------

TASK_STATUSES: tuple[str, ...] = (
    "inbox", "next", "waiting", "scheduled", "someday", "done", "cancelled",
)
OPEN_TASK_STATUSES: tuple[str, ...] = ("inbox", "next", "waiting", "scheduled", "someday")
CLOSED_TASK_STATUSES: tuple[str, ...] = ("done", "cancelled")
GOAL_STATUSES: tuple[str, ...] = ("active", "achieved", "paused", "dropped")
LEARNING_STATUSES: tuple[str, ...] = ("planned", "in-progress", "done", "dropped")
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
PRIORITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(PRIORITIES)}
RESOURCE_CATEGORIES: tuple[str, ...] = ("tool", "equipment", "subscription", "service")
RESOURCE_PERIODS: tuple[str, ...] = ("monthly", "yearly", "once")


def priority_rank(value: object) -> int:
    """Sort key for priorities: high 0, medium 1, low 2; missing or unknown 3 (sorts last)."""
    return PRIORITY_RANK.get(value, len(PRIORITIES)) if isinstance(value, str) else len(PRIORITIES)


# --- field schema --------------------------------------------------------------------------

FieldType = Literal[
    "str", "int", "number", "bool", "date", "datetime", "list_of_str", "ref", "refs",
    "key_results", "minutes", "recurrence", "bool_or_str",
]


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter field of a kind, for forms, `--set KEY=VALUE` parsing and validation.

    `type` is one of `FieldType`: "minutes" is an int count of minutes (text like "1h30"),
    "recurrence" a rule string for `solo.core.recur`, "ref"/"refs" item references (file stem
    or id), "key_results" a list of `{name, target, current}` tables. `minimum`/`maximum`
    bound numbers; `pattern` is a regular expression a str value must fully match.
    """

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    pattern: str | None = None


COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "str", doc="Title; defaults to the first # heading, then the file name."),
    FieldSpec("kind", "str", KINDS, doc="Item kind; defaults to the folder's kind."),
    FieldSpec("tags", "list_of_str", doc="Tags."),
    FieldSpec("private", "bool", doc="Never shown to the assistant."),
    FieldSpec("created", "date", doc="Day the item was created."),
)
_CURRENCY = FieldSpec("currency", "str", doc="ISO 4217 code, e.g. EUR.", pattern=r"[A-Z]{3}")
_COST = FieldSpec("cost", "number", doc="Cost, in `currency`.", minimum=0)
_GOAL_REF = FieldSpec("goal", "ref", doc="The goal this serves (file stem or id).")
_SKILL_REFS = FieldSpec("skills", "refs", doc="Skills involved (file stems or ids).")

KIND_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "task": (
        FieldSpec("status", "str", TASK_STATUSES, "GTD status.", default="inbox"),
        FieldSpec("due", "date", doc="Deadline."),
        FieldSpec("scheduled", "date", doc="Day to work on it."),
        FieldSpec("priority", "str", PRIORITIES, "Priority."),
        FieldSpec("project", "ref", doc="Project (file stem, id or name)."),
        _GOAL_REF,
        FieldSpec("estimate", "minutes", doc="Estimated effort in minutes (e.g. 30m, 1h30).",
                  minimum=0),
        FieldSpec("recur", "recurrence", doc='Repeat rule, e.g. "every week", "every 2 days".'),
        FieldSpec("done", "date", doc="Day it was completed."),
        FieldSpec("waiting_for", "str", doc="Who or what it waits for."),
    ),
    "note": (),
    "goal": (
        FieldSpec("target", "date", doc="Target date."),
        FieldSpec("status", "str", GOAL_STATUSES, "Goal status.", default="active"),
        FieldSpec("key_results", "key_results",
                  doc='Key results as "name=current/target; …" (e.g. "Labs=3/10").'),
        _SKILL_REFS,
    ),
    "skill": (
        FieldSpec("level", "int", doc="Current level, 1–5.", minimum=1, maximum=5),
        FieldSpec("target_level", "int", doc="Level aimed for, 1–5.", minimum=1, maximum=5),
        FieldSpec("category", "str", doc="Category, e.g. cloud, writing."),
    ),
    "learning": (
        FieldSpec("provider", "str", doc="Who provides it."),
        FieldSpec("url", "str", doc="Link to the course or programme."),
        FieldSpec("status", "str", LEARNING_STATUSES, "Learning status.", default="planned"),
        FieldSpec("hours", "number", doc="Hours of study.", minimum=0),
        _COST,
        _CURRENCY,
        FieldSpec("certification", "bool_or_str",
                  doc="Leads to a certification: yes/no or its name."),
        FieldSpec("due", "date", doc="Day to finish by."),
        FieldSpec("finished", "date", doc="Day it was finished."),
        _SKILL_REFS,
        _GOAL_REF,
    ),
    "achievement": (
        FieldSpec("date", "date", doc="Day it happened."),
        FieldSpec("impact", "str", doc="Impact, in a sentence."),
        _GOAL_REF,
        _SKILL_REFS,
    ),
    "resource": (
        FieldSpec("category", "str", RESOURCE_CATEGORIES, "What kind of resource."),
        _COST,
        _CURRENCY,
        FieldSpec("period", "str", RESOURCE_PERIODS, "How often the cost is paid."),
        FieldSpec("renews", "date", doc="Next renewal day."),
        FieldSpec("bought", "date", doc="Day it was bought (for period = once)."),
    ),
    "review": (
        FieldSpec("period", "str", doc='Period reviewed, e.g. "2026-W47".'),
        FieldSpec("date", "date", doc="Day of the review."),
    ),
    "focus": (
        FieldSpec("task", "ref", doc="Task worked on (file stem or id)."),
        FieldSpec("start", "datetime", doc="Local start time."),
        FieldSpec("minutes", "minutes", doc="Length of the session in minutes.", minimum=0),
    ),
}


def fields_for(kind: str) -> list[FieldSpec]:
    """The common fields then the kind's own fields; an unknown kind gets the common ones."""
    return [*COMMON_FIELDS, *KIND_FIELDS.get(kind, ())]


def field_spec(kind: str, name: str) -> FieldSpec | None:
    """The spec of field `name` for `kind`, or None when the model does not know the key."""
    return next((spec for spec in fields_for(kind) if spec.name == name), None)


# --- validation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with one field (`field` is "" for the front matter as a whole)."""

    field: str
    message: str


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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_finite(value: int | float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def _check_range(spec: FieldSpec, value: int | float) -> str | None:
    if not _is_finite(value):
        return f"{spec.name} must be a finite number"
    low, high = spec.minimum, spec.maximum
    shown = _show(value)
    if low is not None and high is not None and not low <= value <= high:
        return f"{spec.name} must be between {low:g} and {high:g}, not {shown}"
    if low is not None and value < low:
        return f"{spec.name} must be at least {low:g}, not {shown}"
    if high is not None and value > high:
        return f"{spec.name} must be at most {high:g}, not {shown}"
    return None


def _check_key_results(value: object) -> str | None:
    if not isinstance(value, list):
        return "key_results must be a list of tables {name, target, current}"
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, Mapping):
            return f"key result {number} must be a table {{name, target, current}}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            return f"key result {number} needs a name"
        if "target" not in entry:
            return f"key result {name!r} needs a target"
        for key in ("target", "current"):
            if key in entry and not (_is_number(entry[key]) and _is_finite(entry[key])):
                return f"key result {name!r}: {key} must be a number, not {_show(entry[key])}"
    return None


def _check(spec: FieldSpec, value: object) -> str | None:
    """The problem with `value` for `spec`, or None when it is fine."""
    kind = spec.type
    if kind in ("str", "ref"):
        if not isinstance(value, str):
            return f"{spec.name} must be text, not {_show(value)}"
        if spec.choices and value not in spec.choices:
            return f"{spec.name} must be one of {', '.join(spec.choices)}, not {_show(value)}"
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            return f"{spec.name} is not in the expected form ({spec.doc}): {_show(value)}"
        return None
    if kind in ("int", "minutes"):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{spec.name} must be a whole number, not {_show(value)}"
        return _check_range(spec, value)
    if kind == "number":
        if not _is_number(value):
            return f"{spec.name} must be a number, not {_show(value)}"
        return _check_range(spec, value)  # type: ignore[arg-type]
    if kind == "bool":
        return None if isinstance(value, bool) else f"{spec.name} must be true or false, not {_show(value)}"
    if kind == "bool_or_str":
        return None if isinstance(value, bool | str) else \
            f"{spec.name} must be true, false or a name, not {_show(value)}"
    if kind == "date":
        return None if as_date(value) is not None else \
            f"{spec.name} must be a date (YYYY-MM-DD), not {_show(value)}"
    if kind == "datetime":
        return None if as_datetime(value) is not None else \
            f"{spec.name} must be a local date-time (YYYY-MM-DDTHH:MM), not {_show(value)}"
    if kind in ("list_of_str", "refs"):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"{spec.name} must be a list of text, not {_show(value)}"
        return None
    if kind == "recurrence":
        if not isinstance(value, str):
            return f"{spec.name} must be a rule like \"every week\", not {_show(value)}"
        try:
            parse_recurrence(value)
        except ValueError as exc:
            return str(exc)
        return None
    if kind == "key_results":
        return _check_key_results(value)
    return None


def validate(kind: str, fields: Mapping[str, Any]) -> list[Problem]:
    """Problems with the known fields of an item of `kind`, in schema order; never raises.

    Unknown keys are not problems (they are kept as they are). Date fields also accept ISO
    date strings, as stored by the CRDT mirror.
    """
    if not isinstance(fields, Mapping):
        return [Problem("", "front matter must be a table of keys")]
    problems: list[Problem] = []
    for spec in fields_for(kind if kind in KINDS else "note"):
        try:
            if spec.name not in fields:
                continue
            message = _check(spec, fields[spec.name])
        except Exception as exc:  # noqa: BLE001 - hostile values must not break a listing
            message = f"{spec.name} could not be checked: {type(exc).__name__}"
        if message:
            problems.append(Problem(spec.name, message))
    return problems


# --- coercion of typed text ----------------------------------------------------------------

_WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"),
)
WEEKDAYS: dict[str, int] = {
    name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names
}

_RELATIVE = re.compile(r"([+-]?)(\d{1,4})\s*([dwmy])")
_IN_UNITS = re.compile(r"in\s+(\d{1,4})\s+(day|week|month|year)s?")
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
_MONTH_DAY = re.compile(r"(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_NAMED_MONTH_DAY = re.compile(r"(?P<a>[a-z]+|\d{1,2})[- ](?P<b>[a-z]+|\d{1,2})")


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
    match = _MONTH_DAY.fullmatch(word)
    if match:
        return _next_month_day(today, int(match["month"]), int(match["day"]), word)
    match = _NAMED_MONTH_DAY.fullmatch(word)
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
        relative = _RELATIVE.fullmatch(word)
        in_units = _IN_UNITS.fullmatch(word)
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


_TIME = re.compile(
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
    match = _TIME.fullmatch(cleaned.lower())
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
        if not _HAS_TIME.search(text.lower()):
            raise date_error from None
    return parse_datetime(text, today, local)


_HAS_TIME = re.compile(r"\d:\d|\d\s*(?:am|pm|a|p)$|\dt\d")


_DURATION = re.compile(
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|mins?|minutes?)?)?"
)


def parse_minutes(text: str) -> int:
    """Minutes from "90", "30m", "45min", "1h", "1h30", "1h30m", "1.5h", "2h 15m". Raises ValueError."""
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None or not (match.group("hours") or match.group("minutes")):
        raise ValueError(f"not a duration: {text!r} (use minutes like 30m, or 1h, 1h30)")
    hours = float((match.group("hours") or "0").replace(",", "."))
    if hours > 10**9:
        raise ValueError(f"duration too long: {text!r}")
    return round(hours * 60) + int(match.group("minutes") or 0)


_BOOL_WORDS = {
    "yes": True, "y": True, "true": True, "on": True, "1": True,
    "no": False, "n": False, "false": False, "off": False, "0": False,
}


def parse_bool(text: str) -> bool:
    """True for yes/y/true/on/1, False for no/n/false/off/0 (any case). Raises ValueError."""
    word = text.strip().lower()
    if word not in _BOOL_WORDS:
        raise ValueError(f"not yes or no: {text!r} (use yes/no or true/false)")
    return _BOOL_WORDS[word]


def _parse_number(text: str, name: str) -> int | float:
    cleaned = text.strip().replace("_", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        hint = " (use a dot for decimals)" if "," in cleaned else ""
        raise ValueError(f"{name} must be a number, not {text!r}{hint}")
    return value


def _clean_ref(text: str) -> str:
    ref = text.strip()
    if ref.startswith("[[") and ref.endswith("]]"):
        ref = ref[2:-2].split("|", 1)[0].strip()
    return ref


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_key_results(text: str) -> list[dict[str, Any]]:
    """Key results from "name=current/target; name=target" (current defaults to 0).

    Example: "Labs done=3/10; Pass exam=0/1". Raises ValueError.
    """
    results: list[dict[str, Any]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, amounts = part.rpartition("=")
        if not sep or not name.strip():
            raise ValueError(f"a key result is written name=current/target, not {part.strip()!r}")
        current, slash, target = amounts.partition("/")
        if not slash:
            current, target = "0", current
        results.append({
            "name": name.strip(),
            "target": _parse_number(target, "a key result's target"),
            "current": _parse_number(current, "a key result's current value"),
        })
    return results


def _choice(spec: FieldSpec, text: str) -> str:
    wanted = "-".join(text.strip().lower().replace("_", " ").split())
    for choice in spec.choices:
        if choice == wanted:
            return choice
    raise ValueError(f"{spec.name} must be one of {', '.join(spec.choices)}, not {text.strip()!r}")


def coerce_value(spec_or_name: FieldSpec | str, kind: str, text: str,
                 *, today: date | None = None) -> Any:
    """Turn the text typed in a form or in `--set KEY=VALUE` into the field's value.

    Dates accept `parse_date` forms relative to `today` (default: the system's today); lists
    and refs are comma-separated (`[[wikilink]]` brackets are dropped from refs); bools are
    yes/no/true/false; durations "30m", "1h30"; choices are matched case-insensitively;
    recurrences are normalised ("weekly" → "every week"); currencies upper-cased. An empty
    text gives "" for text fields, [] for lists, and a ValueError otherwise. A name the model
    does not know for `kind` gives the text back unchanged. The result is checked like
    `validate` would; any problem raises ValueError with a message naming the field.
    """
    if isinstance(spec_or_name, FieldSpec):
        spec: FieldSpec | None = spec_or_name
    else:
        spec = field_spec(kind, spec_or_name)
    if spec is None:
        return text
    value = _coerce(spec, text, clock.today() if today is None else today)
    problem = _check(spec, value)
    if problem:
        raise ValueError(problem)
    return value


def _coerce(spec: FieldSpec, text: str, today: date) -> Any:
    kind, stripped, name = spec.type, text.strip(), spec.name
    if kind in ("list_of_str", "refs"):
        items = _split_list(text)
        return [_clean_ref(item) for item in items] if kind == "refs" else items
    if kind in ("str", "ref"):
        if spec.choices and stripped:
            return _choice(spec, stripped)
        if spec.name == "currency":
            return stripped.upper()
        return _clean_ref(text) if kind == "ref" else stripped
    if not stripped:
        raise ValueError(f"{name} needs a value")
    try:
        if kind == "int":
            try:
                return int(stripped.replace("_", ""))
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {stripped!r}") from None
        if kind == "number":
            return _parse_number(stripped, name)
        if kind == "minutes":
            return parse_minutes(stripped)
        if kind == "bool":
            return parse_bool(stripped)
        if kind == "bool_or_str":
            return _BOOL_WORDS.get(stripped.lower(), stripped)
        if kind == "date":
            return parse_when(stripped, today)
        if kind == "datetime":
            return parse_datetime(stripped, today)
        if kind == "recurrence":
            return str(parse_recurrence(stripped))
        if kind == "key_results":
            return parse_key_results(stripped)
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if message.startswith(name) else f"{name}: {message}") from None
    return stripped


# --- tasks ---------------------------------------------------------------------------------


def is_open_task(fields: Mapping[str, Any]) -> bool:
    """True when the task's status is open (a missing status counts as inbox)."""
    return fields.get("status", "inbox") in OPEN_TASK_STATUSES


class CompletionRefused(SoloError, ValueError):
    """`done` on a task that is already finished (or cancelled, without force)."""


@dataclass(frozen=True)
class Completion:
    """What finishing a task does to its fields.

    `fields` are the task's fields afterwards, in the same file: a plain task is done; a
    repeating task stays open with its dates moved to the next occurrence and today added
    to its `completions`. `repeats` tells which of the two happened.
    """

    fields: dict[str, Any]
    repeats: bool


def completion_dates(fields: Mapping[str, Any]) -> list[date]:
    """Every day the task was finished: each entry of `completions`, plus `done` when done."""
    days: list[date] = []
    raw = fields.get("completions")
    for value in raw if isinstance(raw, list) else [raw]:
        day = as_date(value)
        if day is not None:
            days.append(day)
    done = as_date(fields.get("done"))
    if fields.get("status") == "done" and done is not None:
        days.append(done)
    return sorted(days)


def complete_task(fields: Mapping[str, Any], today: date, *, force: bool = False) -> Completion:
    """Finish a task once; a repeating task moves on to its next occurrence in place.

    A task already done is refused (its `done` date is history, not to be rewritten), and so
    is a cancelled task unless `force`. A plain task gets `status = "done"` and `done = today`.
    A task with `recur` keeps its file: `today` is appended to `completions`, `done` is
    dropped, the status goes back to its open status (else "next"), and `due`/`scheduled` move
    to the rule's first date after today — counted from the old date, or from today for rules
    that say "when done" — keeping the gap between the two dates; with neither set, `due`
    becomes the rule's next date after today. A repeating task already finished today is
    refused unless `force`. Other keys, unknown ones included, are kept. Raises
    CompletionRefused or ValueError (an invalid `recur`) before anything is changed.
    """
    status = fields.get("status")
    if status == "done":
        when = as_date(fields.get("done"))
        raise CompletionRefused("already done" + (f" on {when.isoformat()}" if when else ""))
    if status == "cancelled" and not force:
        raise CompletionRefused("is cancelled; use --force to mark it done anyway")
    rule_text = fields.get("recur")
    rule = None
    if rule_text not in (None, ""):
        if not isinstance(rule_text, str):
            raise ValueError(f"cannot repeat the task: recur must be a rule, not {_show(rule_text)}")
        try:
            rule = parse_recurrence(rule_text)
        except ValueError as exc:
            raise ValueError(f"cannot repeat the task: {exc}") from None
    if rule is None:
        return Completion({**fields, "status": "done", "done": today}, repeats=False)
    history = completion_dates({"completions": fields.get("completions")})
    if today in history and not force:
        upcoming = as_date(fields.get("due")) or as_date(fields.get("scheduled"))
        raise CompletionRefused("already done today" + (
            f"; next on {upcoming.isoformat()}" if upcoming else ""))
    following: dict[str, Any] = {k: v for k, v in fields.items() if k != "done"}
    following["status"] = status if status in OPEN_TASK_STATUSES else "next"
    dates = {key: as_date(fields.get(key)) for key in ("due", "scheduled")}
    anchor_key = "due" if dates["due"] is not None else "scheduled"
    anchor = dates[anchor_key]
    if anchor is None:
        following["due"] = next_date(rule, today)
    elif rule.from_completion:
        moved = next_date(rule, today)
        for key, old in dates.items():
            if old is not None:
                following[key] = old + (moved - anchor)
    else:
        moved, steps = next_after(rule, anchor, today)
        for key, old in dates.items():
            if old is not None:
                following[key] = moved if key == anchor_key else step(rule, old, steps)
    following["completions"] = [*history, today]
    return Completion(following, repeats=True)


_CHECKED_BOX = re.compile(r"(\s*(?:[-*+]|\d+[.)])\s+)\[[xX]\]")


def reset_checkboxes(body: str) -> str:
    """The body with every ticked `- [x]` list box unticked, outside fenced code."""
    lines = body.splitlines(keepends=True)
    inside = fenced_lines(body)
    return "".join(line if inside[i] else _CHECKED_BOX.sub(r"\1[ ]", line, count=1)
                   if _CHECKED_BOX.match(line) else line for i, line in enumerate(lines))


# --- file names ----------------------------------------------------------------------------

_SPECIAL_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i",
    "&": " and ", "@": " at ",
})
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
MAX_SLUG = 60


def slugify(title: str) -> str:
    """A file-name stem from a title: lowercase ASCII kebab-case, accents transliterated
    ("Réunion équipe" → "reunion-equipe"), at most 60 characters (cut at a hyphen when
    possible), never empty ("untitled"), never a reserved Windows name ("con" → "con-item"),
    never starting with "." or "-".
    """
    text = unicodedata.normalize("NFKD", str(title).translate(_SPECIAL_LETTERS))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1].rfind("-")
        slug = slug[:cut] if cut >= MAX_SLUG // 2 else slug[:MAX_SLUG]
        slug = slug.strip("-")
    if not slug:
        return "untitled"
    if slug in _RESERVED:
        return f"{slug}-item"
    return slug


MAX_NAME_TRIES = 10_000


def unique_path(folder: str, slug: str, exists: Callable[[str], bool]) -> str:
    """The first free vault-relative path "folder/slug.md", then "folder/slug-2.md", -3…

    `exists` is asked about each candidate path; `folder` may be "" for the vault root.
    Raises ValueError after 10,000 taken names.
    """
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    for number in range(1, MAX_NAME_TRIES + 1):
        candidate = f"{prefix}{slug}.md" if number == 1 else f"{prefix}{slug}-{number}.md"
        if not exists(candidate):
            return candidate
    raise ValueError(f"no free file name for {slug!r} in {folder or 'the vault root'!r}")
