"""Structured answers from index rows: what is due, overdue, in progress, waiting, renewing, and
how goals progress — found by status and dates relative to today, not by matching words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from solo.core.assistant.chunks import describe_fields, is_private
from solo.core.assistant.retrieval import Passage
from solo.core.career import people, posts
from solo.core.engine.index import Row
from solo.core.engine.linetasks import LINE_KEYS, is_line_task
from solo.core.planning import blocks

OPEN_TASK = ("inbox", "next", "waiting", "scheduled")
CLOSED = {"done", "cancelled", "dropped", "achieved", "finished"}
MAX_FACTS = 12

_OVERDUE = re.compile(r"\b(overdue|late|past[- ]due|missed|behind)\b")
_DUE = re.compile(r"\b(due|deadlines?|upcoming|agenda|scheduled|to ?do)\b|\bon my plate\b")
_IN_PROGRESS = re.compile(r"\bin[- ]progress\b|\bworking on\b|\bongoing\b|\bcurrently\b|\bstarted\b")
_WAITING = re.compile(r"\bwait(ing)?\b|\bblocked\b|\bblockers?\b|\bpending\b|\bwho owes\b")
_GOALS = re.compile(r"\bgoals?\b|\bprogress\b|\bon track\b|\bat risk\b|\bkey results?\b|\bkrs?\b")
_RENEW = re.compile(r"\brenew(s|al|als|ing)?\b|\bsubscriptions?\b")
_PLAN = re.compile(r"\b(time )?blocks?\b|\bmy day\b|\bplanned\b|\bcalendar\b|\bschedule\b")
_PEOPLE = re.compile(r"\bcatch[- ]?ups?\b|\bnetwork\b|\bpeople\b|\bwho should i\b|\bget in touch\b|"
                     r"\bkeep in touch\b|\bcontacts?\b")
_POSTS = re.compile(r"\bposts?\b|\bcontent\b|\barticles?\b|\bpublish(ed|ing)?\b|\blinkedin\b")
_AGENDA = re.compile(r"\b(what|anything|tasks?|plan|do i have)\b")
_TODAY = re.compile(r"\btoday\b|\btonight\b")
_TOMORROW = re.compile(r"\btomorrow\b")
_THIS_WEEK = re.compile(r"\bthis week\b")
_NEXT_WEEK = re.compile(r"\bnext week\b")
_THIS_MONTH = re.compile(r"\bthis month\b")


@dataclass(frozen=True)
class Intent:
    """Which structured lists a question asks for, and the date window for "due"."""

    overdue: bool = False
    due: tuple[dt.date, dt.date] | None = None
    in_progress: bool = False
    waiting: bool = False
    goals: bool = False
    renewals: bool = False
    plan: bool = False
    people: bool = False
    posts: bool = False

    @property
    def any(self) -> bool:
        return bool(self.overdue or self.due or self.in_progress or self.waiting or self.goals
                    or self.renewals or self.plan or self.people or self.posts)


def detect(question: str, today: dt.date) -> Intent:
    """Read the structured part of a question (English keywords)."""
    q = question.lower()
    window: tuple[dt.date, dt.date] | None = None
    if _TODAY.search(q):
        window = (today, today)
    elif _TOMORROW.search(q):
        window = (today + dt.timedelta(days=1),) * 2
    elif _THIS_WEEK.search(q):
        window = (today, today + dt.timedelta(days=6 - today.weekday()))
    elif _NEXT_WEEK.search(q):
        start = today + dt.timedelta(days=7 - today.weekday())
        window = (start, start + dt.timedelta(days=6))
    elif _THIS_MONTH.search(q):
        first_next = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        window = (today, first_next - dt.timedelta(days=1))
    due_word = _DUE.search(q) is not None
    overdue = _OVERDUE.search(q) is not None
    if window is None and due_word:
        window = (today, today + dt.timedelta(days=7))
        overdue = True  # "what is due?" without a window: what is late belongs in the answer
    elif window is not None and not (due_word or overdue or _AGENDA.search(q)):
        window = None
    return Intent(overdue=overdue, due=window,
                  in_progress=_IN_PROGRESS.search(q) is not None,
                  waiting=_WAITING.search(q) is not None, goals=_GOALS.search(q) is not None,
                  renewals=_RENEW.search(q) is not None, plan=_PLAN.search(q) is not None,
                  people=_PEOPLE.search(q) is not None, posts=_POSTS.search(q) is not None)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _open(row: Row) -> bool:
    if row.kind == "task":
        return (row.status or "inbox") in OPEN_TASK
    return (row.status or "") not in CLOSED


def _passage(row: Row, note: str) -> Passage:
    if is_line_task(row):  # a checkbox task: say where it is, not its bookkeeping keys
        fields = {k: v for k, v in row.fields.items() if k not in LINE_KEYS}
        return Passage(path=row.path, title=row.title,
                       heading=f"{note} (checkbox task, line {row.fields['line']})", text="",
                       facts=describe_fields(dataclasses.replace(row, fields=fields)),
                       origin="fact")
    return Passage(path=row.path, title=row.title, heading=note, text="",
                   facts=describe_fields(row), origin="fact")


RowSource = Iterable[Row] | Callable[[str, Sequence[str] | None], list[Row]]


def structured(rows: RowSource, question: str, today: dt.date,
               private_folders: Iterable[str] = (),
               rank: Callable[[Row], float] | None = None,
               read_body: Callable[[Row], str | None] | None = None) -> list[Passage]:
    """Items the question asks about by status or date, as passages (private ones never).

    `rows` is every row, or `vault.rows`-like `fetch(kind, statuses)` so that only the kinds
    a question needs are read from the index (`Assistant.retrieve` adds the checkbox tasks of
    notes to the tasks).
    """
    intent = detect(question, today)
    if not intent.any:
        return []
    folders = list(private_folders)
    if callable(rows):
        fetch = rows
    else:
        everything = list(rows)

        def fetch(kind: str, statuses: Sequence[str] | None) -> list[Row]:
            return [r for r in everything if r.kind == kind
                    and (statuses is None or r.status in statuses)]

    def visible(kind: str, statuses: Sequence[str] | None = None) -> list[Row]:
        return [r for r in fetch(kind, statuses) if not is_private(r, folders)]

    found: dict[tuple[str, str], Passage] = {}

    def add(row: Row, note: str) -> None:
        key = (row.path, row.short_id)  # several checkbox tasks may share a note
        if key not in found:
            found[key] = _passage(row, note)

    dated: list[Row] = []
    if intent.overdue or intent.due:
        dated = visible("task", OPEN_TASK) + [r for r in visible("learning") if _open(r)]
    if intent.overdue:
        for row in sorted(dated, key=lambda r: r.due or ""):
            due = _date(row.due)
            if due and due < today:
                add(row, f"overdue since {due.isoformat()} ({(today - due).days} days)")
    if intent.due:
        start, end = intent.due
        for row in sorted(dated, key=lambda r: (r.due or r.scheduled or "")):
            due, scheduled = _date(row.due), _date(row.scheduled)
            if due and start <= due <= end:
                add(row, f"due {due.isoformat()}")
            elif scheduled and start <= scheduled <= end:
                add(row, f"scheduled {scheduled.isoformat()}")
    if intent.waiting:
        for row in visible("task", ["waiting"]):
            who = row.fields.get("waiting_for")
            add(row, f"waiting for {who}" if who else "waiting")
    if intent.in_progress:
        for row in visible("learning", ["in-progress"]) + visible("task", ["next"]):
            add(row, "in progress" if row.status == "in-progress" else "next action")
    if intent.goals:
        goals = [r for r in visible("goal") if (r.status or "active") == "active"]
        if rank is not None:
            goals.sort(key=rank, reverse=True)
        post_rows = visible("post")  # key results that count posts
        for row in goals:
            add(row, goal_progress(posts.counted_fields(row, post_rows, today), today))
    if intent.renewals:
        for row in sorted(visible("resource"), key=lambda r: str(r.fields.get("renews") or "")):
            renews = _date(row.fields.get("renews"))
            if renews and today <= renews <= today + dt.timedelta(30):
                add(row, f"renews {renews.isoformat()}")
    if intent.plan:  # the day asked about (default today): blocks, their tasks and goals
        day = intent.due[0] if intent.due else today
        for row, note in blocks.day_facts(visible("block") + visible("task") + visible("goal"),
                                          day):
            add(row, note)
    if intent.people:
        for row, note in people.due_facts(visible("person") + visible("note"), today, read_body):
            add(row, note)
    if intent.posts:
        for row, note in posts.pipeline_facts(visible("post"), today):
            add(row, note)
    return list(found.values())[:MAX_FACTS]


def goal_progress(fields: Mapping[str, object], today: dt.date) -> str:
    """Key results as done/target with a percentage, and the days left to the target date."""
    parts = []
    results = fields.get("key_results")
    if isinstance(results, list):
        ratios = []
        for kr in results:
            if not isinstance(kr, Mapping):
                continue
            current, target = kr.get("current"), kr.get("target")
            if isinstance(current, int | float) and isinstance(target, int | float) and target:
                ratios.append(min(current / target, 1.0))
        if ratios:
            parts.append(f"{round(100 * sum(ratios) / len(ratios))}% of key results")
    target = _date(fields.get("target"))
    if target:
        days = (target - today).days
        parts.append(f"target {target.isoformat()} "
                     + (f"in {days} days" if days >= 0 else f"passed {-days} days ago"))
    return "goal progress: " + ", ".join(parts) if parts else "goal"
