"""People: last contact from the notes that link them, catch-ups due by cadence, and the month's days without human contact.

The rule for last contact, computed on read and never written into the person's file: the
latest of the person's own `last_contact` field and the date of every note that links
`[[Person]]` (by file stem or title), where a note's date is its `date` field, else the
`YYYY-MM-DD` its file name starts with (daily and meeting notes), else its `created` day.
Notes dated after today (a meeting planned ahead) do not count yet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from solo.core.career.progress import ItemRef, visible
from solo.core.config import Config, WorkConfig
from solo.core.engine.index import Row
from solo.core.model.dates import as_date
from solo.core.model.links import link_stem, stem_of, wikilinks
from solo.core.model.recur import next_date, parse_recurrence
from solo.core.planning.wellbeing import is_working_day

CONTACT_TAGS = ("meeting", "call", "1:1", "one-on-one", "coffee")
"""A note with one of these tags is a human interaction even when it links nobody."""
_DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def note_date(row: Row) -> dt.date | None:
    """A note's day: its `date` field, else the date its file name starts with, else `created`."""
    day = as_date(row.fields.get("date"))
    if day is not None:
        return day
    match = _DATED_NAME.match(stem_of(row.path))
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    return as_date(row.fields.get("created"))


class LinkCache:
    """Link targets (case-folded stems) of each note body, kept while the file's sha stays."""

    def __init__(self) -> None:
        self._links: dict[str, tuple[str, frozenset[str]]] = {}

    def links(self, row: Row, read_body: Callable[[Row], str | None]) -> frozenset[str]:
        known = self._links.get(row.path)
        if known is not None and known[0] == row.sha:
            return known[1]
        body = read_body(row)
        targets = frozenset(link_stem(t) for t in wikilinks(body)) if body else frozenset()
        self._links[row.path] = (row.sha, targets)
        return targets


@dataclass(frozen=True)
class Mention:
    """A note that links a person, and its day."""

    note: ItemRef
    day: dt.date


def _person_keys(person: Row) -> set[str]:
    return {stem_of(person.path).casefold(), person.title.casefold()}


def mentions(rows: Sequence[Row], read_body: Callable[[Row], str | None],
             cache: LinkCache | None = None) -> dict[str, list[Mention]]:
    """Person path → the dated notes linking them, newest first."""
    cache = cache or LinkCache()
    people = visible(rows, "person")
    by_key: dict[str, list[str]] = {}
    for person in people:
        for key in _person_keys(person):
            by_key.setdefault(key, []).append(person.path)
    out: dict[str, list[Mention]] = {}
    if not people:
        return out
    for note in rows:
        if note.kind != "note" or note.problem:
            continue
        day = note_date(note)
        if day is None:
            continue
        hit: set[str] = set()
        for target in cache.links(note, read_body):
            hit.update(by_key.get(target, ()))
        for path in hit:
            out.setdefault(path, []).append(Mention(ItemRef.of(note), day))
    for found in out.values():
        found.sort(key=lambda m: m.day, reverse=True)
    return out


@dataclass(frozen=True)
class Contact:
    """A person, when you were last in touch, and when a catch-up is due by their cadence."""

    person: ItemRef
    organisation: str
    role: str
    cadence: str | None
    last_contact: dt.date | None
    source: str
    """"field", a note's path, or "" when never in touch"""
    due: dt.date | None
    overdue_days: int
    notes: list[Mention] = field(default_factory=list)

    @property
    def is_due(self) -> bool:
        return self.due is not None and self.overdue_days >= 0


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def contacts(rows: Sequence[Row], today: dt.date, found: dict[str, list[Mention]]) -> list[Contact]:
    """Every person with their last contact (the module's rule) and catch-up date; the most
    overdue first, then the ones due soonest, then the ones without a cadence by name.

    A person with a cadence and no contact ever is due today."""
    out = []
    for person in visible(rows, "person"):
        notes = [m for m in found.get(person.path, []) if m.day <= today]
        manual = as_date(person.fields.get("last_contact"))
        last, source = manual, "field" if manual else ""
        if notes and (last is None or notes[0].day > last):
            last, source = notes[0].day, notes[0].note.path
        rule_text = person.fields.get("cadence")
        due: dt.date | None = None
        cadence = None
        if isinstance(rule_text, str) and rule_text.strip():
            try:
                rule = parse_recurrence(rule_text)
                cadence = str(rule)
                due = next_date(rule, last) if last else today
            except ValueError:
                cadence = None
        overdue = (today - due).days if due else -1
        out.append(Contact(person=ItemRef.of(person), organisation=_text(
            person.fields.get("organisation")), role=_text(person.fields.get("role")),
            cadence=cadence, last_contact=last, source=source, due=due, overdue_days=overdue,
            notes=notes))
    return sorted(out, key=lambda c: (c.due is None, -c.overdue_days,
                                      c.person.title.lower()))


def due_contacts(people: Iterable[Contact]) -> list[Contact]:
    """The people whose catch-up day has come, most overdue first."""
    return [c for c in people if c.is_due]


@dataclass(frozen=True)
class ContactMonth:
    """One month's working days (up to today for the current one) and those with no human
    interaction logged."""

    month: dt.date
    """the first day of the month"""
    working_days: int
    without_contact: int
    days: list[dt.date]
    """the days without contact, oldest first"""
    partial: bool = False

    @property
    def label(self) -> str:
        return f"{self.month:%b}{' so far' if self.partial else ''} " \
               f"{self.without_contact}/{self.working_days}"


def contact_days(rows: Sequence[Row], found: dict[str, list[Mention]]) -> set[dt.date]:
    """Days with a human interaction: a note linking a person, a note tagged as a meeting or
    call, or a meeting block."""
    days = {m.day for notes in found.values() for m in notes}
    for row in visible(rows, "note"):
        if {t.lower() for t in row.tags} & set(CONTACT_TAGS):
            day = note_date(row)
            if day:
                days.add(day)
    for row in visible(rows, "block"):
        day = as_date(row.fields.get("date"))
        if day and row.fields.get("type") == "meeting":
            days.add(day)
    return days


def _month(with_contact: set[dt.date], first: dt.date, last: dt.date,
           config: WorkConfig | Config, partial: bool) -> ContactMonth:
    day, working, without = first, 0, []
    while day <= last:
        if is_working_day(day, config):
            working += 1
            if day not in with_contact:
                without.append(day)
        day += dt.timedelta(days=1)
    return ContactMonth(month=first, working_days=working, without_contact=len(without),
                        days=without, partial=partial)


def contact_trend(rows: Sequence[Row], found: dict[str, list[Mention]], today: dt.date,
                  config: WorkConfig | Config, months: int = 3) -> list[ContactMonth]:
    """The last `months` months, oldest first, this month (up to today) last: working days
    with no human interaction logged. A trend to notice, never a score."""
    with_contact = contact_days(rows, found)
    firsts = [today.replace(day=1)]
    while len(firsts) < months:
        firsts.insert(0, (firsts[0] - dt.timedelta(days=1)).replace(day=1))
    out = []
    for first in firsts:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        last = min(today, following - dt.timedelta(days=1))
        out.append(_month(with_contact, first, last, config, partial=last == today))
    return out


def contact_line(trend: Sequence[ContactMonth]) -> str:
    """The gentle line of the wellbeing report: working days with no meeting, call or note
    with someone, month by month."""
    return ("Contact — working days with no meeting, call or note with someone: "
            + " · ".join(m.label for m in trend))


def due_facts(rows: Sequence[Row], today: dt.date,
              read_body: Callable[[Row], str | None] | None) -> list[tuple[Row, str]]:
    """People due a catch-up as (row, one line) for the assistant's structured facts."""
    found = mentions(rows, read_body) if read_body is not None else {}
    by_path = {r.path: r for r in rows}
    out = []
    for c in due_contacts(contacts(rows, today, found)):
        last = f"last contact {c.last_contact}" if c.last_contact else "no contact recorded"
        out.append((by_path[c.person.path], f"catch-up due ({c.cadence}), {last}, "
                    f"{c.overdue_days} day(s) overdue"))
    return out
