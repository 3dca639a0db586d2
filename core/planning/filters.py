"""Task filters in the Taskwarrior idiom (`+tag project:x due.before:eow +OVERDUE words`) over index rows, and sorting.

A filter is a list of terms, all of which must hold:

    +tag / -tag              has / lacks the tag (case-insensitive; `#` optional)
    +OVERDUE +TODAY +WEEK    virtual tags (upper case; `-OVERDUE` negates):
    +BLOCKED +READY            OVERDUE due before today (or before now, for a due time);
    +WAITING +BLOCKING         TODAY due today; TOMORROW due tomorrow; WEEK due this
    +TOMORROW +DUE             Monday–Sunday week; DUE due within 7 days (overdue too);
    +SCHEDULED +ACTIVE         BLOCKED depends on an open task; BLOCKING an open task
                               depends on it; READY open, not blocked, not waiting,
                               scheduled today or earlier (or not at all); WAITING status
                               waiting or a `wait` date after today; SCHEDULED has a
                               scheduled date; ACTIVE status next.
    project:x                the project is x or below it (x.y), as a name or a reference
    goal:x  status:a,b  priority:high  kind:task  tag:x
    due:DATE                 due that day; also scheduled:, wait:, created:, done:
    due.before:DATE          strictly before; .after strictly after; .by on or before
    due:  /  due.none:       no due date; due.any: has one
    project.not:x            anything but x (any attribute)
    any other word           found in the title, case-insensitively

Dates take every `dates.parse_when` form (`eow`, `fri 17:00`, `+3d`…); a day compares
by day, a time by time (a stored day without a time then counts as its midnight). Without `--all` or
a `status:` term, only open tasks show (and items of other kinds), and a task waiting
until a later day (`wait`) stays hidden until that day, and one past its `until` day
(expired) stays hidden too. A bad term raises FilterError
naming the term and the closest valid attribute or value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from solo.core.engine.index import Row
from solo.core.errors import SoloError
from solo.core.model import completion, dates
from solo.core.model import kinds as model

if TYPE_CHECKING:
    from solo.core.career.progress import Refs


class FilterError(SoloError, ValueError):
    """A filter term that does not parse; the message names the term."""


DATE_ATTRIBUTES: tuple[str, ...] = ("due", "scheduled", "wait", "created", "done", "until")
TEXT_ATTRIBUTES: tuple[str, ...] = ("project", "goal", "status", "priority", "kind", "tag",
                                    "title", "recur", "uuid")
ATTRIBUTES: tuple[str, ...] = (*DATE_ATTRIBUTES, *TEXT_ATTRIBUTES)
ALIASES: dict[str, str] = {"pro": "project", "proj": "project", "pri": "priority",
                           "sched": "scheduled", "tags": "tag", "description": "title",
                           "desc": "title", "until": "until", "entry": "created",
                           "end": "done"}
MODIFIERS: tuple[str, ...] = ("is", "before", "after", "by", "not", "none", "any",
                              "below", "above", "under", "over")
VIRTUAL_TAGS: tuple[str, ...] = ("OVERDUE", "TODAY", "TOMORROW", "WEEK", "DUE", "BLOCKED",
                                 "BLOCKING", "READY", "WAITING", "SCHEDULED", "ACTIVE")
PRIORITY_WORDS: dict[str, str] = {"h": "high", "m": "medium", "l": "low",
                                  **{p: p for p in model.PRIORITIES}}
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Context:
    """What terms are judged against: the day, the time, and the vault's task graph."""

    today: dt.date
    now: dt.datetime
    rows: Sequence[Row] = ()
    _graph: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(cls, today: dt.date, rows: Sequence[Row] = (), now: dt.datetime | None = None
           ) -> Context:
        when = now or dt.datetime.combine(today, dt.datetime.now().time())
        return cls(today=today, now=when, rows=rows)

    def refs(self) -> Refs:
        if "refs" not in self._graph:
            from solo.core.career.progress import Refs  # (a plain list needs no references)

            self._graph["refs"] = Refs(self.rows)
        return self._graph["refs"]

    def _deps(self) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """(keys of tasks blocked by an open task, keys of open tasks blocking one)."""
        if "deps" not in self._graph:
            from solo.core.career.progress import ref_list

            refs = self.refs()
            blocked: set[tuple[str, str]] = set()
            blocking: set[tuple[str, str]] = set()
            for row in self.rows:
                if row.kind != "task" or not is_open(row):
                    continue
                for ref in ref_list(row.fields.get("depends")):
                    target = refs.get(ref, "task")
                    if target is not None and row_key(target) != row_key(row) \
                            and is_open(target):
                        blocked.add(row_key(row))
                        blocking.add(row_key(target))
            self._graph["deps"] = (blocked, blocking)
        return self._graph["deps"]

    def blocked(self, row: Row) -> bool:
        return row_key(row) in self._deps()[0]

    def blocking(self, row: Row) -> bool:
        return row_key(row) in self._deps()[1]


def row_key(row: Row) -> tuple[str, str]:
    """What tells rows apart: the path, and the id (several checkbox tasks share a path)."""
    return row.path, row.short_id


def is_open(row: Row) -> bool:
    """An open task (a missing status counts as inbox)."""
    return row.kind == "task" and completion.is_open_task(row.fields)


def when_of(value: object) -> dt.date | dt.datetime | None:
    """A stored date field as a date, or a naive local date-time when it holds a time."""
    if isinstance(value, dt.datetime):
        return dates.to_local(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            return dates.to_local(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return dates.as_date(value)


def day_of(value: object) -> dt.date | None:
    found = when_of(value)
    return found.date() if isinstance(found, dt.datetime) else found


def waiting(row: Row, today: dt.date) -> bool:
    """Status waiting, or a `wait` date after today."""
    wait = day_of(row.fields.get("wait"))
    return row.status == "waiting" or (wait is not None and wait > today)


def hidden(row: Row, today: dt.date) -> bool:
    """Hidden from default lists: a closed task, one whose `wait` date is still ahead, or
    one expired (its `until` day is past)."""
    if row.kind != "task":
        return False
    if not is_open(row):
        return True
    wait, until = day_of(row.fields.get("wait")), day_of(row.fields.get("until"))
    return (wait is not None and wait > today) or (until is not None and until < today)


def _virtual(name: str, row: Row, ctx: Context) -> bool:
    due = when_of(row.fields.get("due"))
    due_day = due.date() if isinstance(due, dt.datetime) else due
    today = ctx.today
    if name == "OVERDUE":
        if not is_open(row) or due is None:
            return False
        return due < ctx.now if isinstance(due, dt.datetime) else due < today
    if name == "TODAY":
        return due_day == today
    if name == "TOMORROW":
        return due_day == today + dt.timedelta(days=1)
    if name == "WEEK":
        start = today - dt.timedelta(days=today.weekday())
        return due_day is not None and start <= due_day <= start + dt.timedelta(days=6)
    if name == "DUE":
        return is_open(row) and due_day is not None and \
            due_day <= today + dt.timedelta(days=DUE_SOON_DAYS)
    if name == "BLOCKED":
        return ctx.blocked(row)
    if name == "BLOCKING":
        return ctx.blocking(row)
    if name == "WAITING":
        return row.kind == "task" and waiting(row, today)
    if name == "SCHEDULED":
        return day_of(row.fields.get("scheduled")) is not None
    if name == "ACTIVE":
        return is_open(row) and row.status == "next"
    assert name == "READY"
    scheduled = day_of(row.fields.get("scheduled"))
    return (is_open(row) and not waiting(row, today) and not ctx.blocked(row)
            and (scheduled is None or scheduled <= today))


Test = Callable[[Row, Context], bool]


@dataclass(frozen=True)
class Term:
    """One parsed filter term: its text and the test it stands for."""

    text: str
    test: Test
    names_status: bool = False
    needs_graph: bool = False
    """True when the term looks at other rows (dependencies, project and goal references)."""

    def __call__(self, row: Row, ctx: Context) -> bool:
        return self.test(row, ctx)


@dataclass(frozen=True)
class Filter:
    """All terms must hold; `include_closed` lifts the default "open tasks only"."""

    terms: tuple[Term, ...] = ()
    include_closed: bool = False

    def matches(self, row: Row, ctx: Context) -> bool:
        if self.hides_closed and hidden(row, ctx.today):
            return False
        return all(term(row, ctx) for term in self.terms)

    @property
    def hides_closed(self) -> bool:
        """Whether closed (and waiting, expired) tasks are left out: no `--all`, no status
        term, no `+WAITING`."""
        return not self.include_closed and not any(t.names_status for t in self.terms) \
            and not self._asks_waiting()

    def _asks_waiting(self) -> bool:
        return any(t.text.upper() == "+WAITING" for t in self.terms)

    @property
    def needs_graph(self) -> bool:
        """Whether the context must hold every row of the vault, not only those filtered."""
        return any(t.needs_graph for t in self.terms)

    def apply(self, rows: Iterable[Row], ctx: Context) -> list[Row]:
        """The rows `matches` keeps, with what does not depend on the row decided once."""
        today, terms = ctx.today, self.terms
        if not self.hides_closed:
            return [row for row in rows if all(term(row, ctx) for term in terms)]
        if not terms:
            return [row for row in rows if row.kind != "task" or not hidden(row, today)]
        return [row for row in rows if (row.kind != "task" or not hidden(row, today))
                and all(term(row, ctx) for term in terms)]


def _closest(word: str, choices: Iterable[str]) -> str:
    import difflib  # (only for a term that does not parse)

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {found[0]}?)" if found else ""


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def tag_key(name: str) -> str:
    """What two spellings of a tag share when they are the same tag (`#Work` = `work`)."""
    return name.lstrip("#").casefold()


def has_tag(row: Row, name: str) -> bool:
    """Whether `row` carries the tag `name`, in any case, with or without `#`: the one tag
    match of filters, `--tag` and the TUI (each keeps showing the spelling it found)."""
    wanted = tag_key(name)
    return any(tag_key(t) == wanted for t in row.tags)


def _tag_term(text: str) -> Term:
    sign, name = text[0], text[1:].lstrip("#")
    if not name:
        raise FilterError(f"filter term {text!r}: a tag name is needed after {sign!r}")
    if name.isupper() and name not in VIRTUAL_TAGS and len(name) > 1:
        hint = _closest(name, VIRTUAL_TAGS)
        if hint:
            raise FilterError(f"filter term {text!r}: no virtual tag {name}{hint}")
    if name in VIRTUAL_TAGS:
        def test(row: Row, ctx: Context) -> bool:
            return _virtual(name, row, ctx)
    else:
        def test(row: Row, ctx: Context) -> bool:
            return has_tag(row, name)
    graph = name in ("BLOCKED", "BLOCKING", "READY")
    if sign == "-":
        return Term(text, lambda row, ctx: not test(row, ctx), needs_graph=graph)
    return Term(text, test, needs_graph=graph)


def _date_value(term: str, attribute: str, value: str, today: dt.date
                ) -> dt.date | dt.datetime:
    try:
        return dates.parse_when(value, today)
    except ValueError as exc:
        raise FilterError(f"filter term {term!r}: {attribute}: {exc}") from None


def _title_has(words: str) -> Callable[[Row, Context], bool]:
    """A test for rows whose title holds `words` (case- and accent-folded like the terms)."""
    def test(row: Row, ctx: Context) -> bool:
        return words in _norm(row.title)
    return test


def _compare(found: dt.date | dt.datetime, wanted: dt.date | dt.datetime) -> int:
    """-1, 0, 1: `found` against `wanted`, by day when `wanted` is a day."""
    if isinstance(wanted, dt.datetime):
        left: Any = found if isinstance(found, dt.datetime) else dt.datetime.combine(found, dt.time())
        right: Any = wanted
    else:
        left = found.date() if isinstance(found, dt.datetime) else found
        right = wanted
    return (left > right) - (left < right)


_DATE_TESTS: dict[str, Callable[[int], bool]] = {
    "is": lambda c: c == 0, "before": lambda c: c < 0, "below": lambda c: c < 0,
    "under": lambda c: c < 0, "after": lambda c: c > 0, "above": lambda c: c > 0,
    "over": lambda c: c > 0, "by": lambda c: c <= 0, "not": lambda c: c != 0,
}


def _values(row: Row, attribute: str) -> list[str]:
    if attribute == "tag":
        return [t.lstrip("#") for t in row.tags]
    if attribute == "title":
        return [row.title]
    if attribute == "kind":
        return [row.kind]
    if attribute == "status":
        return [row.status or ("inbox" if row.kind == "task" else "")]
    value = row.fields.get(attribute)
    if attribute in ("project", "goal"):
        from solo.core.career.progress import ref_list

        return ref_list(value)
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _text_matcher(attribute: str, wanted: list[str], ctx_refs: bool
                  ) -> Callable[[Row, Context], bool]:
    if attribute == "tag":
        return lambda row, ctx: any(has_tag(row, w) for w in wanted)
    keys = [_norm(w) for w in wanted]

    def test(row: Row, ctx: Context) -> bool:
        values = _values(row, attribute)
        if attribute == "title":
            return any(k in _norm(v) for v in values for k in keys)
        found = {_norm(v) for v in values}
        if ctx_refs:
            refs = ctx.refs()
            for value in values:
                target = refs.get(value)
                if target is not None:
                    found.update({_norm(target.title), _norm(refs.key(value))})
        for key in keys:
            for value in found:
                if value == key or (attribute == "project" and value.startswith(key + ".")):
                    return True
        return False
    return test


def _check_choices(term: str, attribute: str, wanted: list[str]) -> list[str]:
    if attribute == "status":
        valid = tuple(dict.fromkeys((*model.TASK_STATUSES, *model.GOAL_STATUSES,
                                     *model.LEARNING_STATUSES)))
        for value in wanted:
            if value.lower() not in valid:
                raise FilterError(
                    f"unknown status {value!r}{_closest(value.lower(), valid)}; valid: "
                    f"{', '.join(model.TASK_STATUSES)} (tasks), {', '.join(model.GOAL_STATUSES)}"
                    f" (goals), {', '.join(model.LEARNING_STATUSES[:2])} (learning)")
        return [w.lower() for w in wanted]
    if attribute == "priority":
        out = []
        for value in wanted:
            if value.lower() not in PRIORITY_WORDS:
                raise FilterError(f"unknown priority {value!r} in {term!r}; valid: "
                                  f"{', '.join(model.PRIORITIES)} (or H, M, L)")
            out.append(PRIORITY_WORDS[value.lower()])
        return out
    if attribute == "kind":
        for value in wanted:
            if value.lower() not in model.KINDS:
                raise FilterError(f"unknown kind {value!r} in {term!r}; valid: "
                                  f"{', '.join(model.KINDS)}{_closest(value, model.KINDS)}")
    return wanted


def _attribute_term(text: str, today: dt.date) -> Term:
    key, _, value = text.partition(":")
    name, _, modifier = key.lower().partition(".")
    attribute = ALIASES.get(name, name)
    if attribute not in ATTRIBUTES:
        raise FilterError(f"unknown filter attribute {name!r} in {text!r}"
                          f"{_closest(name, (*ATTRIBUTES, *ALIASES))}; valid: "
                          f"{', '.join(ATTRIBUTES)}")
    modifier = modifier or "is"
    if modifier not in MODIFIERS:
        raise FilterError(f"unknown modifier {modifier!r} in {text!r}"
                          f"{_closest(modifier, MODIFIERS)}; valid: {', '.join(MODIFIERS)}")
    value = value.strip()
    if modifier in ("none", "any") or not value:
        if value and modifier in ("none", "any"):
            raise FilterError(f"filter term {text!r}: {attribute}.{modifier} takes no value")
        want_any = modifier == "any" or (not value and modifier == "not")

        def present(row: Row, ctx: Context) -> bool:
            return bool(_values(row, attribute))
        return Term(text, (lambda row, ctx: present(row, ctx)) if want_any
                    else (lambda row, ctx: not present(row, ctx)))
    if attribute in DATE_ATTRIBUTES:
        wanted_date = _date_value(text, attribute, value, today)
        check = _DATE_TESTS.get(modifier)
        if check is None:
            raise FilterError(f"filter term {text!r}: {modifier!r} does not apply to dates; "
                              f"use before, after, by, is or not")

        def date_test(row: Row, ctx: Context) -> bool:
            found = when_of(row.fields.get(attribute))
            return found is not None and check(_compare(found, wanted_date))
        return Term(text, date_test)
    if modifier not in ("is", "not"):
        raise FilterError(f"filter term {text!r}: {modifier!r} applies to dates only; "
                          f"use {attribute}:x or {attribute}.not:x")
    wanted = _check_choices(text, attribute, [v for v in value.split(",") if v.strip()])
    matcher = _text_matcher(attribute, wanted, attribute in ("project", "goal"))
    names_status = attribute == "status" and modifier == "is"
    graph = attribute in ("project", "goal")
    if modifier == "not":
        return Term(text, lambda row, ctx: not matcher(row, ctx), needs_graph=graph)
    return Term(text, matcher, names_status=names_status, needs_graph=graph)


def parse_filter(terms: Sequence[str], today: dt.date, *, include_closed: bool = False
                 ) -> Filter:
    """A Filter from command-line terms (see the module docstring). Raises FilterError."""
    parsed: list[Term] = []
    for raw in terms:
        text = raw.strip()
        if not text:
            continue
        if text[0] in "+-" and len(text) > 1 and not text[1].isdigit() and " " not in text:
            parsed.append(_tag_term(text))
        elif ":" in text and text.split(":", 1)[0].replace(".", "").replace("_", "").isalnum():
            parsed.append(_attribute_term(text, today))
        else:
            parsed.append(Term(text, _title_has(_norm(text))))
    return Filter(tuple(parsed), include_closed)


# --- sorting -------------------------------------------------------------------------------

SORT_KEYS: tuple[str, ...] = ("due", "scheduled", "priority", "title", "created", "status",
                              "project", "path", "kind", "urgency", "wait", "done")


def parse_sort(text: str) -> tuple[str, bool]:
    """`KEY`, `KEY+` (ascending) or `KEY-` (descending) → (key, descending)."""
    key, descending = text.strip().lower(), False
    if key.endswith(("-", "+")):
        key, descending = key[:-1], key.endswith("-")
    if key not in SORT_KEYS:
        raise FilterError(f"unknown sort key {key!r}{_closest(key, SORT_KEYS)}; valid: "
                          f"{', '.join(SORT_KEYS)}")
    return key, descending


def sort_rows(rows: Sequence[Row], key: str, descending: bool = False,
              scores: dict[tuple[str, str], float] | None = None) -> list[Row]:
    """Rows ordered by `key` (missing values last either way; ties by path). Priorities
    order low < medium < high, as in Taskwarrior: `priority-` puts high first; `urgency`
    reads `scores` (`row_key` → score)."""
    def value(row: Row) -> Any:
        if key == "urgency":
            return (scores or {}).get(row_key(row))
        if key == "priority":
            rank = model.priority_rank(row.priority)
            return None if rank == len(model.PRIORITIES) else -rank  # high sorts first
        if key in DATE_ATTRIBUTES or key in ("wait",):
            found = when_of(row.fields.get(key))
            if found is None:
                return None
            return found if isinstance(found, dt.datetime) else dt.datetime.combine(found, dt.time())
        if key == "title":
            return row.title.casefold()
        if key == "path":
            return row.path
        values = _values(row, key)
        return _norm(values[0]) if values else None

    present = [(value(r), r) for r in rows]
    have = [(v, r) for v, r in present if v is not None]
    missing = [r for v, r in present if v is None]
    have.sort(key=lambda pair: pair[1].path)
    have.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in have] + sorted(missing, key=lambda r: r.path)
