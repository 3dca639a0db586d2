"""One checkbox task line: parse `- [ ] Pay rent 📅 2026-12-05` (Tasks emoji, Dataview, Logseq) and edit it in place.

Three conventions are read:

- the Obsidian Tasks plugin's emoji fields: 📅 due (also 📆 🗓), ⏳ scheduled (also ⌛),
  🛫 start, ✅ done, ➕ created, ❌ cancelled, 🔁 recurrence, 🏁 on completion, 🆔 id,
  ⛔ depends on (ids, comma-separated), priority 🔺 highest ⏫ high 🔼 medium 🔽 low
  ⏬ lowest, each emoji with or without its variation selector, in any order;
- Dataview inline fields, `[due:: 2026-12-05]` or `(due:: …)`, with the Tasks plugin's
  Dataview names (`completion` is the done date, `repeat` the rule, `dependsOn`, `id`);
- Logseq blocks, `- TODO text` (`DOING`, `LATER`, `NOW`, `DONE`, `CANCELED`, `WAITING`),
  `[#A]`–`[#C]` priorities, and a `SCHEDULED: <2026-12-05 Sat>` / `DEADLINE: <…>` line
  below the block (read by `planning`), whose `+1w` / `.+1w` repeaters are the rule.

Parsing never changes a byte: `render(parse(line)) == line`. Edits (`with_box`,
`with_field`, `with_priority`) change only the token they name and re-parse. A field whose
value does not parse (`📅 2026-13-45`) is not a field; it is reported in `problems`, and the
text stays in the title.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from solo.core.model import markdown

_LIST = r"(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<bullet>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+)"
_BOX_LINE = re.compile(_LIST + r"\[(?P<box>[^\]\n\r\[])\](?P<rest>[ \t].*|)$")
MARKERS: dict[str, str] = {
    "TODO": "inbox", "LATER": "inbox", "DOING": "next", "NOW": "next", "IN-PROGRESS": "next",
    "WAIT": "waiting", "WAITING": "waiting", "DONE": "done", "CANCELED": "cancelled",
    "CANCELLED": "cancelled",
}
_MARKER_LINE = re.compile(_LIST + r"(?P<marker>" + "|".join(
    sorted(MARKERS, key=len, reverse=True)) + r")(?P<rest>[ \t].*|)$")

BOX_STATUS: dict[str, str] = {" ": "inbox", "x": "done", "X": "done", "-": "cancelled",
                              "/": "next", ">": "someday", "<": "scheduled"}
"""Box symbols Solo knows; any other symbol (`[?]`, `[!]`…) is an open task, as in Tasks."""
STATUS_BOX: dict[str, str] = {"inbox": " ", "next": "/", "done": "x", "cancelled": "-",
                              "someday": ">", "scheduled": "<", "waiting": " "}
STATUS_MARKER: dict[str, str] = {"inbox": "TODO", "next": "DOING", "done": "DONE",
                                 "cancelled": "CANCELED", "waiting": "WAITING",
                                 "someday": "LATER", "scheduled": "TODO"}

DATE_EMOJI: dict[str, str] = {"📅": "due", "📆": "due", "🗓": "due", "⏳": "scheduled",
                              "⌛": "scheduled", "🛫": "start", "✅": "done", "➕": "created",
                              "❌": "cancelled"}
FIELD_EMOJI: dict[str, str] = {"due": "📅", "scheduled": "⏳", "start": "🛫", "done": "✅",
                               "created": "➕", "cancelled": "❌", "recur": "🔁",
                               "task_id": "🆔", "blocked_by": "⛔", "on_completion": "🏁"}
PRIORITY_EMOJI: dict[str, str] = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low",
                                  "⏬": "lowest"}
LEVEL_EMOJI: dict[str, str] = {level: emoji for emoji, level in PRIORITY_EMOJI.items()}
LEVEL_PRIORITY: dict[str, str] = {"highest": "high", "high": "high", "medium": "medium",
                                  "low": "low", "lowest": "low"}
LOGSEQ_PRIORITY: dict[str, str] = {"A": "high", "B": "medium", "C": "low"}
PRIORITY_LOGSEQ: dict[str, str] = {"high": "A", "medium": "B", "low": "C"}
DATAVIEW_KEYS: dict[str, str] = {"due": "due", "scheduled": "scheduled", "start": "start",
                                 "completion": "done", "created": "created",
                                 "cancelled": "cancelled", "repeat": "recur",
                                 "priority": "priority", "id": "task_id",
                                 "dependson": "blocked_by", "oncompletion": "on_completion"}
KEY_DATAVIEW: dict[str, str] = {"due": "due", "scheduled": "scheduled", "start": "start",
                                "done": "completion", "created": "created",
                                "cancelled": "cancelled", "recur": "repeat",
                                "priority": "priority", "task_id": "id",
                                "blocked_by": "dependsOn", "on_completion": "onCompletion"}
DATE_KEYS: tuple[str, ...] = ("due", "scheduled", "start", "done", "created", "cancelled")

_VS = "\ufe0f?"
_TOKEN = re.compile(
    r"(?P<date>" + "|".join(DATE_EMOJI) + ")" + _VS + r"[ \t]*(?P<datev>\d{4}-\d{2}-\d{2})"
    r"|(?P<prio>" + "|".join(PRIORITY_EMOJI) + ")" + _VS +
    r"|🔁" + _VS + r"[ \t]*(?P<recur>[a-zA-Z0-9, !]*[a-zA-Z0-9!])"
    r"|🏁" + _VS + r"[ \t]*(?P<oncomp>[a-zA-Z]+)"
    r"|🆔" + _VS + r"[ \t]*(?P<tid>[a-zA-Z0-9_-]+)"
    r"|⛔" + _VS + r"[ \t]*(?P<deps>[a-zA-Z0-9_-]+(?:[ \t]*,[ \t]*[a-zA-Z0-9_-]+)*)"
    r"|(?P<dvopen>[\[(])(?P<dvkey>[A-Za-z][\w-]*)::[ \t]*(?P<dvval>[^\[\]()\n]*?)[ \t]*"
    r"(?P<dvclose>[\])])"
    r"|(?<![^\s])\[#(?P<lsprio>[ABC])\](?![^\s])"
)
_BLOCK_ID = re.compile(r"[ \t]+\^[A-Za-z0-9-]+[ \t]*$")
_PLANNING = re.compile(r"(?P<key>SCHEDULED|DEADLINE):[ \t]*<(?P<date>\d{4}-\d{2}-\d{2})"
                       r"(?P<wday>[ \t]+[A-Za-z]{2,3})?(?P<time>[ \t]+\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?)?"
                       r"(?:[ \t]+(?P<rep>\.\+|\+\+|\+)(?P<n>\d+)(?P<unit>[hdwmy]))?>")
_PLANNING_LINE = re.compile(r"[ \t]*(?:" + _PLANNING.pattern + r"[ \t]*)+")
_REPEAT_UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Span:
    """Where one field's token sits in `LineTask.rest` (start, end) and what it holds."""

    key: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class LineTask:
    """One parsed task line. `rest` is everything after the box or marker, untouched."""

    indent: str
    bullet: str
    gap: str
    box: str | None
    marker: str | None
    rest: str
    fields: dict[str, str] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()
    title: str = ""
    tags: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def format(self) -> str:
        """"logseq" (a marker), "dataview" (Dataview fields, no emoji ones) or "tasks"."""
        if self.marker is not None:
            return "logseq"
        emoji = any(not _is_dataview(self.rest, s) for s in self.spans)
        return "dataview" if self.spans and not emoji else "tasks"

    @property
    def status(self) -> str:
        if self.marker is not None:
            return MARKERS[self.marker]
        return BOX_STATUS.get(self.box or " ", "inbox")

    @property
    def priority(self) -> str | None:
        return self.fields.get("priority")

    def span(self, key: str) -> Span | None:
        return next((s for s in self.spans if s.key == key), None)


def _is_dataview(rest: str, span: Span) -> bool:
    return rest[span.start] in "[("


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse(line: str) -> LineTask | None:
    """The task on this line (without its line ending), or None when it is not one.

    A task is a list item (`-`, `*`, `+`, `1.`, `1)`, indented or in a `>` quote) holding a
    one-character box `[ ]` or a Logseq marker, then text; an empty title is not a task."""
    match = _BOX_LINE.match(line)
    marker = None
    if match is None:
        match = _MARKER_LINE.match(line)
        if match is None:
            return None
        marker = match.group("marker")
    rest = match.group("rest")
    fields: dict[str, str] = {}
    spans: list[Span] = []
    problems: list[str] = []
    cut: list[tuple[int, int]] = []
    for token in _TOKEN.finditer(rest):
        key, value = _token_field(token)
        if key is None:
            continue
        if marker is None and token.group("lsprio"):
            continue  # `[#A]` is a Logseq priority only on a Logseq block
        if key in DATE_KEYS and not _valid_date(value):
            problems.append(f"{key} {value!r} is not a date (YYYY-MM-DD)")
            continue
        if key == "priority" and value not in LEVEL_PRIORITY:
            problems.append(f"priority {value!r} is not one of {', '.join(LEVEL_PRIORITY)}")
            continue
        if key in fields:
            continue  # the first one counts; a repeated token stays in the title
        fields[key] = LEVEL_PRIORITY[value] if key == "priority" else value
        if key == "priority":
            fields["priority_level"] = value
        spans.append(Span(key, token.start(), token.end(), value))
        cut.append((token.start(), token.end()))
    block = _BLOCK_ID.search(rest)
    if block:
        cut.append((block.start(), block.end()))
    title_text = rest
    for start, end in sorted(cut, reverse=True):
        title_text = title_text[:start] + " " + title_text[end:]
    title = _SPACES.sub(" ", title_text).strip()
    if not title:
        return None
    tags = tuple(tag.name for tag in markdown.tags(title)) if "#" in title else ()
    return LineTask(match.group("indent"), match.group("bullet"), match.group("gap"),
                    None if marker else match.group("box"), marker, rest, fields,
                    tuple(spans), title, tags, tuple(problems))


def _token_field(token: re.Match[str]) -> tuple[str | None, str]:
    if token.group("date"):
        return DATE_EMOJI[token.group("date")], token.group("datev")
    if token.group("prio"):
        return "priority", PRIORITY_EMOJI[token.group("prio")]
    if token.group("recur") is not None:
        return "recur", token.group("recur").strip()
    if token.group("oncomp"):
        return "on_completion", token.group("oncomp")
    if token.group("tid"):
        return "task_id", token.group("tid")
    if token.group("deps"):
        return "blocked_by", re.sub(r"[ \t]+", "", token.group("deps"))
    if token.group("lsprio"):
        return "priority", {"A": "high", "B": "medium", "C": "low"}[token.group("lsprio")]
    if token.group("dvkey"):
        if (token.group("dvopen"), token.group("dvclose")) not in (("[", "]"), ("(", ")")):
            return None, ""
        key = DATAVIEW_KEYS.get(token.group("dvkey").lower())
        value = token.group("dvval").strip()
        if key is None or not value:
            return None, ""
        return key, value.lower() if key == "priority" else value
    return None, ""


def render(task: LineTask) -> str:
    """The line again: unchanged for an unedited task."""
    head = f"[{task.box}]" if task.box is not None else task.marker or ""
    return f"{task.indent}{task.bullet}{task.gap}{head}{task.rest}"


def _reparse(task: LineTask, **changes: str | None) -> LineTask:
    again = parse(render(replace(task, **changes)))  # type: ignore[arg-type]
    if again is None:  # cannot happen: the title is kept
        raise ValueError("the edited line is no longer a task")
    return again


def with_status(task: LineTask, status: str) -> LineTask:
    """The task with its box (or Logseq marker) showing `status`."""
    if task.marker is not None:
        return _reparse(task, marker=STATUS_MARKER[status])
    return _reparse(task, box=STATUS_BOX[status])


def _token(task: LineTask, key: str, value: str) -> str:
    if task.format == "dataview":
        return f"[{KEY_DATAVIEW[key]}:: {value}]"
    if key == "priority":
        if task.marker is not None:
            return f"[#{PRIORITY_LOGSEQ[LEVEL_PRIORITY.get(value, value)]}]"
        return LEVEL_EMOJI[value]
    return f"{FIELD_EMOJI[key]} {value}"


def with_field(task: LineTask, key: str, value: str | None) -> LineTask:
    """The task with one field set (its token replaced where it is, else added at the end,
    before a `^block` id) or, with `value` None, removed with the space before it."""
    rest = task.rest
    span = task.span(key)
    if span is not None:
        if value is None:
            start = span.start
            while start > 0 and rest[start - 1] in " \t":
                start -= 1
            rest = rest[:start] + rest[span.end:]
        else:
            rest = rest[:span.start] + _token(task, key, value) + rest[span.end:]
    elif value is not None:
        if key == "priority" and task.marker is not None:
            rest = f" {_token(task, key, value)}" + rest
        else:
            block = _BLOCK_ID.search(rest)
            at = block.start() if block else len(rest.rstrip(" \t"))
            rest = rest[:at] + f" {_token(task, key, value)}" + rest[at:]
    return _reparse(task, rest=rest)


def with_priority(task: LineTask, priority: str | None) -> LineTask:
    """Set Solo's priority (high, medium, low) or remove it."""
    return with_field(task, "priority", priority)


# --- Logseq planning lines -------------------------------------------------------------------
@dataclass(frozen=True)
class Planning:
    """A Logseq `SCHEDULED: <…>` / `DEADLINE: <…>` line: its dates and repeat rule."""

    fields: dict[str, str]
    recur: str | None


def planning(line: str) -> Planning | None:
    """The planning line below a Logseq block, or None when `line` is not one."""
    if not _PLANNING_LINE.fullmatch(line):
        return None
    out: dict[str, str] = {}
    recur = None
    for match in _PLANNING.finditer(line):
        key = "due" if match.group("key") == "DEADLINE" else "scheduled"
        if not _valid_date(match.group("date")):
            return None
        out.setdefault(key, match.group("date"))
        if match.group("rep") and match.group("unit") in _REPEAT_UNITS and recur is None:
            n, unit = int(match.group("n")), _REPEAT_UNITS[match.group("unit")]
            recur = f"every {unit}" if n == 1 else f"every {n} {unit}s"
            if match.group("rep") == ".+":
                recur += " when done"
    return Planning(out, recur)


def with_planning_dates(line: str, dates: Mapping[str, dt.date]) -> str:
    """The planning line with its DEADLINE (`due`) / SCHEDULED dates moved, weekday names
    following; times and repeaters kept."""
    def moved(match: re.Match[str]) -> str:
        key = "due" if match.group("key") == "DEADLINE" else "scheduled"
        day = dates.get(key)
        if day is None:
            return match.group(0)
        text = match.group(0)
        start = match.start("date") - match.start()
        text = text[:start] + day.isoformat() + text[start + 10:]
        if match.group("wday"):
            wstart = match.start("wday") - match.start()
            old = match.group("wday")
            text = text[:wstart] + old[:len(old) - len(old.lstrip())] + day.strftime("%a") \
                + text[wstart + len(old):]
        return text

    return _PLANNING.sub(moved, line)


def planning_line(indent: str, key: str, day: dt.date) -> str:
    """A new Logseq planning line for a block indented by `indent`."""
    word = "DEADLINE" if key == "due" else "SCHEDULED"
    return f"{indent}  {word}: <{day.isoformat()} {day.strftime('%a')}>"


# --- Logseq page properties -----------------------------------------------------------------
_PROPERTY = re.compile(r"(?P<key>[A-Za-z][\w-]*)::[ \t]*(?P<value>.*)$")


def page_properties(body: str) -> dict[str, object]:
    """Logseq page properties: the `key:: value` lines that open a page (before its first
    block), as fields. `tags` and `alias` become lists (comma-separated, `[[…]]` unwrapped);
    other values stay text. Read only: Solo never writes them."""
    out: dict[str, object] = {}
    for raw in body.splitlines():
        match = _PROPERTY.match(raw.strip())
        if match is None:
            break
        key = match.group("key").lower()
        value = match.group("value").strip()
        if key in ("tags", "alias", "aliases"):
            parts = [p.strip().removeprefix("[[").removesuffix("]]").lstrip("#")
                     for p in value.split(",")]
            out["aliases" if key.startswith("alias") else "tags"] = [p for p in parts if p]
        else:
            out.setdefault(key, value)
    return out
