"""Taskwarrior interchange: read `task export` JSON into Solo task fields, write Solo tasks back as Taskwarrior JSON, and as an iCalendar (RFC 5545) file.

The Taskwarrior JSON format (taskwarrior.org/docs/design/task): one object per task, as a
JSON array or one object per line; dates are UTC `YYYYMMDDTHHMMSSZ`; `status` is pending,
waiting, completed, deleted or recurring; `priority` H/M/L; `depends` a list of UUIDs (a
comma-separated string before Taskwarrior 2.6); `annotations` a list of {entry,
description}; any other key is a user-defined attribute (UDA).

Mapping to Solo (pure functions here; the CLI does the vault writes):

    uuid          kept as `uuid` (the key that makes a second import change nothing)
    description   title
    status        pending → inbox (next with tag `next`), waiting → waiting, completed →
                  done, deleted → cancelled, recurring → the repeating task itself
    priority      H/M/L → high/medium/low
    tags, project the same
    due, scheduled, wait, until   local date-times (UTC converted to the local zone); a
                  local midnight becomes a plain day
    entry, end    created, done
    annotations   body lines `- YYYY-MM-DD HH:MM: text` (local time)
    depends       `depends`: the Solo ids of the imported tasks (resolved by the CLI)
    recur         daily, weekly, 2w, 3days, monthly, quarterly, yearly, weekdays… → Solo
                  rules ("every 2 weeks"); hours, minutes and odd units are reported
    parent, imask children of a recurring task fold into it: their completions become
                  the repeating task's `completions`; pending children give its next due
    id, urgency, modified, mask   derived by Taskwarrior: dropped
    anything else kept as a key (one named like a Solo field gets a `tw_` prefix)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid as uuid_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from solo.core.errors import SoloError
from solo.core.model import dates
from solo.core.model import kinds as model
from solo.core.model.recur import Recurrence, parse_recurrence

TW_DATE_FIELDS: dict[str, str] = {"due": "due", "scheduled": "scheduled", "wait": "wait",
                                  "until": "until", "entry": "created", "end": "done"}
TW_PRIORITY: dict[str, str] = {"H": "high", "M": "medium", "L": "low"}
SOLO_PRIORITY: dict[str, str] = {v: k for k, v in TW_PRIORITY.items()}
TW_STATUS: dict[str, str] = {"pending": "inbox", "waiting": "waiting", "completed": "done",
                             "deleted": "cancelled", "recurring": "inbox"}
DROPPED: frozenset[str] = frozenset({"id", "urgency", "modified", "mask", "imask", "parent"})
HANDLED: frozenset[str] = frozenset({"uuid", "description", "status", "priority", "tags",
                                     "project", "annotations", "depends", "recur",
                                     *TW_DATE_FIELDS})
SOLO_NAMESPACE = uuid_module.UUID("5e1f0a57-0000-4000-8000-736f6c6f7477")


class TaskwarriorError(SoloError, ValueError):
    """Input that is not Taskwarrior export JSON; the message says where."""


@dataclass
class Imported:
    """One Taskwarrior task as Solo fields: `depends` still holds Taskwarrior UUIDs."""

    uuid: str
    title: str
    fields: dict[str, Any]
    annotations: list[str] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_export(text: str) -> list[dict[str, Any]]:
    """The task objects of `task export` output: a JSON array, or one object per line."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise TaskwarriorError(f"not Taskwarrior JSON: line {exc.lineno}: {exc.msg}") from None
        tasks = data
    else:
        tasks = []
        for number, line in enumerate(stripped.splitlines(), 1):
            line = line.strip().rstrip(",")
            if not line:
                continue
            try:
                tasks.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise TaskwarriorError(f"not Taskwarrior JSON: line {number}: {exc.msg}") from None
    for number, task in enumerate(tasks, 1):
        if not isinstance(task, dict):
            raise TaskwarriorError(f"task {number} is not a JSON object")
        if not isinstance(task.get("uuid"), str) or not task["uuid"].strip():
            raise TaskwarriorError(f"task {number} has no uuid")
    return tasks


_TW_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def parse_tw_date(text: object) -> dt.datetime:
    """An aware UTC date-time from `20261205T170000Z` (ISO 8601 with a zone is accepted too)."""
    if not isinstance(text, str):
        raise ValueError(f"not a Taskwarrior date: {text!r}")
    match = _TW_DATE.fullmatch(text.strip())
    try:
        if match:
            year, month, day, hour, minute, second = map(int, match.groups())
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a Taskwarrior date: {text!r} (expected YYYYMMDDTHHMMSSZ)") from None
    if value.tzinfo is None:
        raise ValueError(f"not a Taskwarrior date: {text!r} (no time zone)")
    return value.astimezone(dt.UTC)


def local_value(moment: dt.datetime, local: dt.tzinfo | None = None) -> dt.date | dt.datetime:
    """`moment` as local time; a local midnight is the plain day (how `due:fri` is stored)."""
    value = dates.to_local(moment, local)
    return value.date() if value.time() == dt.time() else value


def tw_date(value: dt.date | dt.datetime, local: dt.tzinfo | None = None) -> str:
    """A Solo day (local midnight) or naive local date-time as Taskwarrior's UTC form."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    aware = value.replace(tzinfo=local) if local is not None and value.tzinfo is None \
        else value if value.tzinfo is not None else value.astimezone()
    return aware.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


_DURATION = re.compile(r"(?P<n>\d+)?\s*(?P<unit>[a-z]+)")
_UNITS: dict[str, tuple[str, int]] = {
    **{u: ("day", 1) for u in ("d", "day", "days")},
    **{u: ("week", 1) for u in ("w", "wk", "wks", "week", "weeks")},
    **{u: ("month", 1) for u in ("mo", "mos", "mth", "mths", "mnths", "month", "months")},
    **{u: ("month", 3) for u in ("q", "qtr", "qtrs", "qrtrs", "quarter", "quarters")},
    **{u: ("year", 1) for u in ("y", "yr", "yrs", "year", "years")},
}
_ADVERBS: dict[str, tuple[str, int]] = {
    "daily": ("day", 1), "weekly": ("week", 1), "sennight": ("week", 1),
    "biweekly": ("week", 2), "fortnight": ("week", 2), "monthly": ("month", 1),
    "bimonthly": ("month", 2), "quarterly": ("month", 3), "semiannual": ("month", 6),
    "annual": ("year", 1), "yearly": ("year", 1), "biannual": ("year", 2),
    "biyearly": ("year", 2), "weekdays": ("weekday", 1),
}
_ISO = re.compile(r"p(?P<n>\d+)(?P<unit>[dwmy])")


def map_recur(text: object) -> Recurrence:
    """A Solo rule for a Taskwarrior `recur` duration. Raises ValueError when there is none."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"recur {text!r} is not a duration")
    word = text.strip().lower()
    unit_count: tuple[str, int] | None = None
    count = 1
    if word in _ADVERBS:
        unit_count = _ADVERBS[word]
    elif match := _ISO.fullmatch(word):
        count = int(match["n"])
        unit_count = {"d": ("day", 1), "w": ("week", 1), "m": ("month", 1),
                      "y": ("year", 1)}[match["unit"]]
    elif match := _DURATION.fullmatch(word):
        count = int(match["n"] or 1)
        unit_count = _UNITS.get(match["unit"]) or (
            _ADVERBS.get(match["unit"]) if match["n"] is None else None)
    if unit_count is None:
        raise ValueError(f"recur {text!r} has no Solo rule (Solo repeats by days, weeks, "
                         "months, years or weekdays)")
    unit, factor = unit_count
    try:
        return parse_recurrence(f"every {count * factor} {unit}s")
    except ValueError as exc:
        raise ValueError(f"recur {text!r}: {exc}") from None


def solo_recur(rule: str) -> str | None:
    """A Taskwarrior duration for a Solo rule ("every 2 weeks" → "2weeks"), or None for
    rules Taskwarrior cannot say ("… when done")."""
    parsed = parse_recurrence(rule)
    if parsed.from_completion:
        return None
    if parsed.unit == "weekday":
        return "weekdays" if parsed.interval == 1 else None
    if parsed.interval == 1:
        return {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}[parsed.unit]
    return f"{parsed.interval}{parsed.unit}s"


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def annotation_line(when: dt.datetime | None, text: str) -> str:
    """A dated body line, `- 2026-11-26 09:30: text`: how Solo writes an annotation."""
    stamp = when.strftime("%Y-%m-%d %H:%M") if when is not None else "undated"
    return f"- {stamp}: {' '.join(text.split())}"


def _annotation_line(entry: object, text: str, local: dt.tzinfo | None) -> str:
    try:
        when: dt.datetime | None = dates.to_local(parse_tw_date(entry), local)
    except ValueError:
        when = None
    return annotation_line(when, text)


def convert(task: Mapping[str, Any], local: dt.tzinfo | None = None) -> Imported:
    """One Taskwarrior task as Solo fields (dependencies left as UUIDs). Never raises:
    what cannot be mapped goes into `problems` and, when it is data, into a kept key."""
    tw_uuid = str(task["uuid"]).strip().lower()
    title = " ".join(str(task.get("description") or "").split()) or f"Taskwarrior task {tw_uuid[:8]}"
    out = Imported(uuid=tw_uuid, title=title, fields={"uuid": tw_uuid})
    fields = out.fields
    status = str(task.get("status") or "pending")
    tags = [str(t) for t in _as_list(task.get("tags"))]
    if status not in TW_STATUS:
        out.problems.append(f"status {status!r} unknown; imported as inbox")
    fields["status"] = TW_STATUS.get(status, "inbox")
    if status == "pending" and "next" in tags:
        fields["status"] = "next"
    priority = task.get("priority")
    if priority:
        if priority in TW_PRIORITY:
            fields["priority"] = TW_PRIORITY[priority]
        else:
            out.problems.append(f"priority {priority!r} is not H, M or L; kept as tw_priority")
            fields["tw_priority"] = str(priority)
    if tags:
        fields["tags"] = tags
    if task.get("project"):
        fields["project"] = str(task["project"])
    for key, solo_key in TW_DATE_FIELDS.items():
        if key in task:
            try:
                fields[solo_key] = local_value(parse_tw_date(task[key]), local)
            except ValueError as exc:
                out.problems.append(f"{key}: {exc}; kept as tw_{key}")
                fields[f"tw_{key}"] = str(task[key])
    if task.get("recur"):
        try:
            fields["recur"] = str(map_recur(task["recur"]))
        except ValueError as exc:
            out.problems.append(f"{exc}; kept as tw_recur")
            fields["tw_recur"] = str(task["recur"])
    for note in task.get("annotations") or []:
        if isinstance(note, Mapping) and str(note.get("description") or "").strip():
            out.annotations.append(_annotation_line(note.get("entry"), str(note["description"]),
                                                    local))
    out.depends = [d.lower() for d in _as_list(task.get("depends"))]
    for key, value in task.items():
        if key in HANDLED or key in DROPPED:
            continue
        name = f"tw_{key}" if model.field_spec("task", key) is not None or key == "completions" \
            else key
        if isinstance(value, dict | list) or value is None:
            value = json.dumps(value, ensure_ascii=False)
        fields[name] = value
    return out


def fold_recurring(tasks: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]],
                                                                   dict[str, list[Mapping[str, Any]]]]:
    """Split out the children of recurring tasks in the export: (tasks to import, parent
    uuid → its children). Children of a parent not in the export are imported as they are."""
    parents = {str(t["uuid"]).lower() for t in tasks if t.get("status") == "recurring"}
    kept: list[Mapping[str, Any]] = []
    children: dict[str, list[Mapping[str, Any]]] = {}
    for task in tasks:
        parent = str(task.get("parent") or "").lower()
        if parent in parents:
            children.setdefault(parent, []).append(task)
        else:
            kept.append(task)
    return kept, children


def apply_children(item: Imported, children: Iterable[Mapping[str, Any]],
                   local: dt.tzinfo | None = None) -> None:
    """A repeating task takes its children's completion days and its next pending due."""
    done: list[dt.date] = []
    pending: list[dt.date | dt.datetime] = []
    for child in children:
        try:
            if child.get("status") == "completed" and child.get("end"):
                done.append(dates.to_local(parse_tw_date(child["end"]), local).date())
            elif child.get("status") in ("pending", "waiting") and child.get("due"):
                pending.append(local_value(parse_tw_date(child["due"]), local))
        except ValueError as exc:
            item.problems.append(f"recurrence instance: {exc}")
    if done:
        item.fields["completions"] = sorted(set(done))
    if pending:
        item.fields["due"] = min(pending, key=lambda v: (v if isinstance(v, dt.datetime)
                                                         else dt.datetime.combine(v, dt.time())))


def body_with_annotations(body: str, lines: Sequence[str]) -> str:
    """`body` with each annotation line not already in it appended, in order (after a
    blank line when the body ends in prose)."""
    present = set(body.splitlines())
    missing = [line for line in lines if line not in present]
    if not missing:
        return body
    if body and not body.endswith("\n"):
        body += "\n"
    last = body.splitlines()[-1] if body.strip() else ""
    if last.strip() and not _ANNOTATION_LINE.match(last):
        body += "\n"
    return body + "".join(f"{line}\n" for line in missing)


# --- export ---------------------------------------------------------------------------------

def task_uuid(fields: Mapping[str, Any], doc_id: str) -> str:
    """The task's Taskwarrior UUID: its `uuid` key, else one derived from its document id."""
    value = fields.get("uuid")
    if isinstance(value, str):
        try:
            return str(uuid_module.UUID(value))
        except ValueError:
            pass
    return str(uuid_module.uuid5(SOLO_NAMESPACE, doc_id))


_ANNOTATION_LINE = re.compile(r"^\s*[-*]\s+(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?\s*:\s*(.+)$")


def annotations_of(body: str) -> list[tuple[dt.datetime, str]]:
    """Dated body lines (`- 2026-11-26 09:30: text`) as (local time, text)."""
    out = []
    for line in body.splitlines():
        match = _ANNOTATION_LINE.match(line)
        if match:
            try:
                when = dt.datetime.fromisoformat(f"{match[1]}T{match[2] or '00:00'}")
            except ValueError:
                continue
            out.append((when, match[3].strip()))
    return out


def to_taskwarrior(title: str, fields: Mapping[str, Any], body: str, doc_id: str,
                   depends: Sequence[str], today: dt.date,
                   local: dt.tzinfo | None = None) -> dict[str, Any]:
    """One Solo task as a Taskwarrior task object (`depends` already as UUIDs)."""
    from solo.core.planning.filters import when_of

    status = str(fields.get("status") or "inbox")
    out: dict[str, Any] = {"uuid": task_uuid(fields, doc_id), "description": title}
    created = when_of(fields.get("created"))
    out["entry"] = tw_date(created or today, local)
    for solo_key, key in (("due", "due"), ("scheduled", "scheduled"), ("wait", "wait"),
                          ("until", "until")):
        value = when_of(fields.get(solo_key))
        if value is not None:
            out[key] = tw_date(value, local)
    if status == "done":
        out["status"] = "completed"
        out["end"] = tw_date(when_of(fields.get("done")) or today, local)
    elif status == "cancelled":
        out["status"] = "deleted"
        out["end"] = tw_date(when_of(fields.get("done")) or today, local)
    elif "wait" in out and (when_of(fields.get("wait")) or today) > today:
        out["status"] = "waiting"
    else:
        out["status"] = "pending"
    rule = fields.get("recur")
    if isinstance(rule, str) and rule.strip():
        try:
            duration = solo_recur(rule)
        except ValueError:
            duration = None
        if duration:
            out["recur"] = duration
        else:
            out["solo_recur"] = rule
    if fields.get("priority") in SOLO_PRIORITY:
        out["priority"] = SOLO_PRIORITY[fields["priority"]]
    tags = [str(t) for t in fields.get("tags") or [] if str(t).strip()]
    if status == "next" and "next" not in tags:
        tags.append("next")
    if tags:
        out["tags"] = tags
    if isinstance(fields.get("project"), str) and fields["project"].strip():
        out["project"] = fields["project"].strip()
    notes = annotations_of(body)
    if notes:
        out["annotations"] = [{"entry": tw_date(when, local), "description": text}
                              for when, text in notes]
    if depends:
        out["depends"] = list(depends)
    skip = {"title", "kind", "status", "due", "scheduled", "wait", "until", "created", "done",
            "recur", "priority", "tags", "project", "uuid", "depends", "completions"}
    for key, value in fields.items():
        if key in skip:
            continue
        name = key[3:] if key.startswith("tw_") else key
        out[name] = value if isinstance(value, str | int | float) and \
            not isinstance(value, bool) else json.dumps(value, default=str, ensure_ascii=False)
    return out


# --- iCalendar --------------------------------------------------------------------------------

def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


@dataclass(frozen=True)
class CalendarTask:
    """What a VTODO needs from a task."""

    uid: str
    title: str
    due: dt.date | dt.datetime
    status: str
    priority: str | None = None
    tags: tuple[str, ...] = ()
    created: dt.date | dt.datetime | None = None
    done: dt.date | dt.datetime | None = None
    description: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """What a VEVENT needs from a time block (local, floating times)."""

    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    category: str = ""
    description: str = ""


ICS_PRIORITY: dict[str, int] = {"high": 1, "medium": 5, "low": 9}


def _ics_time(value: dt.date | dt.datetime, local: dt.tzinfo | None) -> str:
    if isinstance(value, dt.datetime):
        return ":" + tw_date(value, local)
    return ";VALUE=DATE:" + value.strftime("%Y%m%d")


def to_ics(tasks: Iterable[CalendarTask], stamp: dt.datetime, local: dt.tzinfo | None = None,
           name: str = "Solo tasks", events: Iterable[CalendarEvent] = ()) -> str:
    """An iCalendar file with one VTODO per task and one VEVENT per time block (in local
    "floating" time, as planned): CRLF line endings, folded, escaped."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Solo//Solo tasks//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{ics_escape(name)}"]
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    status_map = {"done": "COMPLETED", "cancelled": "CANCELLED"}
    for task in tasks:
        lines += ["BEGIN:VTODO", f"UID:{task.uid}", f"DTSTAMP:{dtstamp}",
                  f"SUMMARY:{ics_escape(task.title)}", "DUE" + _ics_time(task.due, local),
                  f"STATUS:{status_map.get(task.status, 'NEEDS-ACTION')}"]
        if task.created is not None:
            created = task.created if isinstance(task.created, dt.datetime) else \
                dt.datetime.combine(task.created, dt.time())
            lines.append(f"CREATED:{tw_date(created, local)}")
        if task.status == "done" and task.done is not None:
            done = task.done if isinstance(task.done, dt.datetime) else \
                dt.datetime.combine(task.done, dt.time())
            lines.append(f"COMPLETED:{tw_date(done, local)}")
        if task.priority in ("high", "medium", "low"):
            lines.append(f"PRIORITY:{ICS_PRIORITY[task.priority]}")
        if task.tags:
            lines.append("CATEGORIES:" + ",".join(ics_escape(t) for t in task.tags))
        if task.description:
            lines.append(f"DESCRIPTION:{ics_escape(task.description)}")
        lines.append("END:VTODO")
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{dtstamp}",
                  f"SUMMARY:{ics_escape(event.title)}",
                  f"DTSTART:{event.start:%Y%m%dT%H%M%S}", f"DTEND:{event.end:%Y%m%dT%H%M%S}"]
        if event.category:
            lines.append(f"CATEGORIES:{ics_escape(event.category)}")
        if event.description:
            lines.append(f"DESCRIPTION:{ics_escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
