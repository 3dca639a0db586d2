"""Note templates as Obsidian's Templates plugin reads them: `{{date}}`, `{{time}}`, `{{title}}`."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable

from solo.core.errors import VaultError

DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "HH:mm"

_TOKEN = re.compile(r"\[[^\]]*\]|YYYY|YY|Q|MMMM|MMM|MM|M|Do|DDDD|DD|D|dddd|ddd|dd|d|E|WW|W"
                    r"|GGGG|HH|H|hh|h|mm|m|ss|s|A|a")
_PLACEHOLDER = re.compile(r"\{\{\s*(date|time|title)\s*(?::([^}]*))?\}\}", re.IGNORECASE)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class TemplateError(VaultError):
    """A template that cannot be found or read, or a format that makes no file name."""


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _hour12(hour: int) -> int:
    return hour % 12 or 12


_FIELDS: dict[str, Callable[[dt.datetime], str]] = {
    "YYYY": lambda t: f"{t.year:04d}",
    "YY": lambda t: f"{t.year % 100:02d}",
    "Q": lambda t: str((t.month - 1) // 3 + 1),
    "MMMM": lambda t: _MONTHS[t.month - 1],
    "MMM": lambda t: _MONTHS[t.month - 1][:3],
    "MM": lambda t: f"{t.month:02d}",
    "M": lambda t: str(t.month),
    "Do": lambda t: _ordinal(t.day),
    "DDDD": lambda t: f"{t.timetuple().tm_yday:03d}",
    "DD": lambda t: f"{t.day:02d}",
    "D": lambda t: str(t.day),
    "dddd": lambda t: _DAYS[t.weekday()],
    "ddd": lambda t: _DAYS[t.weekday()][:3],
    "dd": lambda t: _DAYS[t.weekday()][:2],
    "d": lambda t: str((t.weekday() + 1) % 7),
    "E": lambda t: str(t.isoweekday()),
    "WW": lambda t: f"{t.isocalendar()[1]:02d}",
    "W": lambda t: str(t.isocalendar()[1]),
    "GGGG": lambda t: f"{t.isocalendar()[0]:04d}",
    "HH": lambda t: f"{t.hour:02d}",
    "H": lambda t: str(t.hour),
    "hh": lambda t: f"{_hour12(t.hour):02d}",
    "h": lambda t: str(_hour12(t.hour)),
    "mm": lambda t: f"{t.minute:02d}",
    "m": lambda t: str(t.minute),
    "ss": lambda t: f"{t.second:02d}",
    "s": lambda t: str(t.second),
    "A": lambda t: "AM" if t.hour < 12 else "PM",
    "a": lambda t: "am" if t.hour < 12 else "pm",
}


def format_moment(pattern: str, when: dt.datetime | dt.date) -> str:
    """`when` written with Moment.js tokens, as Obsidian writes dates ("YYYY-MM-DD",
    "dddd D MMMM", "[Week] WW"); text in [brackets] and other characters are kept as they are."""
    moment = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        return token[1:-1] if token.startswith("[") else _FIELDS[token](moment)

    return _TOKEN.sub(one, pattern)


def expand(text: str, *, title: str, now: dt.datetime) -> str:
    """A template's text with `{{title}}`, `{{date}}`, `{{time}}` and `{{date:FORMAT}}` /
    `{{time:FORMAT}}` filled in (Obsidian's defaults: dates "YYYY-MM-DD", times "HH:mm")."""

    def one(match: re.Match[str]) -> str:
        name, pattern = match.group(1).lower(), match.group(2)
        if name == "title":
            return title
        default = DATE_FORMAT if name == "date" else TIME_FORMAT
        return format_moment(pattern.strip() if pattern and pattern.strip() else default, now)

    return _PLACEHOLDER.sub(one, text)


def template_path(folder: str, name: str, exists: Callable[[str], bool]) -> str:
    """The vault-relative path of the template `name` in `folder` ("meeting", "meeting.md" or
    a path inside the folder); TemplateError naming the folder when there is none."""
    clean = name.strip().removesuffix(".md")
    if not clean or clean.startswith("/") or ".." in clean.split("/"):
        raise TemplateError(f"template {name!r}: give a name inside {folder or 'the vault'}/")
    base = folder.strip("/")
    candidate = posixpath.join(base, clean + ".md") if base else clean + ".md"
    if not exists(candidate):
        raise TemplateError(f"no template {name!r}: {candidate} does not exist "
                            f"(templates live in {base or 'the vault root'}/; "
                            "the folder is notes.templates in the config)")
    return candidate
