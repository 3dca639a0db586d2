"""The vault's domain model: kinds, per-kind field schemas, validation and coercion of typed text."""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from solo.core import clock
from solo.core.model.dates import as_date, as_datetime, parse_datetime, parse_minutes, parse_when
from solo.core.model.recur import parse_recurrence

if TYPE_CHECKING:
    from solo.core.model import markdown

# --- kinds -------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "task", "note", "goal", "skill", "learning", "achievement", "resource", "review", "focus",
    "block", "person", "post",
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
    "block": "blocks",
    "person": "people",
    "post": "posts",
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


def first_heading(body: str) -> str | None:
    """The text of the first level-1 ATX heading (`# Title`) outside fenced code, or None."""
    from solo.core.model import markdown  # (a command that ingests nothing needs no scanner)

    return markdown.first_heading(body)


def title_for(path: str, fields: Mapping[str, Any], body: str,
              scanned: markdown.Scanned | None = None) -> str:
    """The item's title: a non-blank `title` key, else the first `# heading`, else the file
    stem (`scanned`: the body's scan, when the caller has one)."""
    value = fields.get("title") if isinstance(fields, Mapping) else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    from solo.core.model import markdown

    heading = (scanned or markdown.scan(body)).first_heading() if isinstance(body, str) else None
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
BLOCK_TYPES: tuple[str, ...] = ("focus", "meeting", "admin", "break", "learning")
POST_CHANNELS: tuple[str, ...] = ("linkedin", "blog", "talk", "newsletter", "video", "other")
POST_STATUSES: tuple[str, ...] = ("idea", "draft", "scheduled", "published")
TIME_OF_DAY = r"([01]\d|2[0-3]):[0-5]\d|24:00"


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
    "recurrence" a rule string for `solo.core.model.recur`, "ref"/"refs" item references (file stem
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
        FieldSpec("wait", "date", doc="Hidden from default lists until this day (not the "
                  "`waiting` status, which says who it waits for)."),
        FieldSpec("until", "date", doc="Expires: hidden from default lists after this day."),
        FieldSpec("depends", "refs", doc="Tasks to finish first (ids or file stems); "
                  "+BLOCKED until they are done."),
    ),
    "note": (
        FieldSpec("date", "date", doc="Day the note is about (a meeting, a call): the day "
                  "a [[person]] it links was last in touch."),
    ),
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
        FieldSpec("focus_minutes", "minutes", doc="Focus time logged that week.", minimum=0),
        FieldSpec("hours_cap", "number", doc="The weekly cap on working hours.", minimum=0),
        FieldSpec("hours_worked", "number", doc="Hours actually worked that week.", minimum=0),
        FieldSpec("energy", "int", doc="Energy that week, 1–5.", minimum=1, maximum=5),
    ),
    "focus": (
        FieldSpec("task", "ref", doc="Task worked on (file stem or id)."),
        FieldSpec("start", "datetime", doc="Local start time."),
        FieldSpec("minutes", "minutes", doc="Length of the session in minutes.", minimum=0),
        FieldSpec("block", "ref", doc="The time block the session was started from."),
        FieldSpec("goal", "ref", doc="Goal the minutes count for when the task names none."),
    ),
    "block": (
        FieldSpec("date", "date", doc="Day of the block."),
        FieldSpec("start", "str", doc="Start time HH:MM.", pattern=TIME_OF_DAY),
        FieldSpec("end", "str", doc="End time HH:MM (after start).", pattern=TIME_OF_DAY),
        FieldSpec("type", "str", BLOCK_TYPES, "What the time is for (`kind` names the item "
                  "kind, so a block's own kind is `type`).", default="focus"),
        FieldSpec("task", "ref", doc="Task worked on in the block (file stem or id)."),
        _GOAL_REF,
    ),
    "person": (
        FieldSpec("organisation", "str", doc="Where they work."),
        FieldSpec("role", "str", doc="Their role."),
        FieldSpec("met", "str", doc="How and where you met."),
        FieldSpec("last_contact", "date", doc="Last contact you record by hand; notes that "
                  "link [[them]] move it on by themselves."),
        FieldSpec("cadence", "recurrence", doc='How often to catch up, e.g. "every 6 weeks".'),
        FieldSpec("links", "refs", doc="Notes and achievements about them."),
    ),
    "post": (
        FieldSpec("channel", "str", POST_CHANNELS, "Where it is published."),
        FieldSpec("status", "str", POST_STATUSES, "Pipeline status.", default="idea"),
        FieldSpec("publish", "date", doc="Day it is (or was) published."),
        FieldSpec("url", "str", doc="Link to the published post."),
        FieldSpec("views", "int", doc="Views or reads.", minimum=0),
        FieldSpec("reactions", "int", doc="Likes, reactions, claps.", minimum=0),
        FieldSpec("followers_gained", "int", doc="Followers it brought.", minimum=0),
        _GOAL_REF,
        _SKILL_REFS,
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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def brief_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_finite(value: int | float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def _check_range(spec: FieldSpec, value: int | float) -> str | None:
    if not _is_finite(value):
        return f"{spec.name} must be a finite number"
    low, high = spec.minimum, spec.maximum
    shown = brief_repr(value)
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
                return f"key result {name!r}: {key} must be a number, not {brief_repr(entry[key])}"
    return None


def _check(spec: FieldSpec, value: object) -> str | None:
    """The problem with `value` for `spec`, or None when it is fine."""
    kind = spec.type
    if kind in ("str", "ref"):
        if not isinstance(value, str):
            return f"{spec.name} must be text, not {brief_repr(value)}"
        if spec.choices and value not in spec.choices:
            return f"{spec.name} must be one of {', '.join(spec.choices)}, not {brief_repr(value)}"
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            return f"{spec.name} is not in the expected form ({spec.doc}): {brief_repr(value)}"
        return None
    if kind in ("int", "minutes"):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{spec.name} must be a whole number, not {brief_repr(value)}"
        return _check_range(spec, value)
    if kind == "number":
        if not _is_number(value):
            return f"{spec.name} must be a number, not {brief_repr(value)}"
        return _check_range(spec, value)  # type: ignore[arg-type]
    if kind == "bool":
        return None if isinstance(value, bool) else f"{spec.name} must be true or false, not {brief_repr(value)}"
    if kind == "bool_or_str":
        return None if isinstance(value, bool | str) else \
            f"{spec.name} must be true, false or a name, not {brief_repr(value)}"
    if kind == "date":
        return None if as_date(value) is not None else \
            f"{spec.name} must be a date (YYYY-MM-DD), not {brief_repr(value)}"
    if kind == "datetime":
        return None if as_datetime(value) is not None else \
            f"{spec.name} must be a local date-time (YYYY-MM-DDTHH:MM), not {brief_repr(value)}"
    if kind in ("list_of_str", "refs"):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"{spec.name} must be a list of text, not {brief_repr(value)}"
        return None
    if kind == "recurrence":
        if not isinstance(value, str):
            return f"{spec.name} must be a rule like \"every week\", not {brief_repr(value)}"
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
