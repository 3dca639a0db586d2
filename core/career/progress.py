"""Career computations over index rows: references, goal progress and risk, chart series.

Everything here is a pure function of `Row`s (from `Vault.rows()`) and a `today`; nothing
reads or writes files. The skills matrix and the learning plan live in `core.skills`; reports
elsewhere (`brag`, `spend`, `focus`, `wellbeing`, `review`) build on the helpers at the top
of this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from solo.core.career.posts import counted_current
from solo.core.engine.index import Row
from solo.core.model.dates import as_date
from solo.core.model.links import Resolver, Target
from solo.core.model.markdown import normalize_aliases

AT_RISK_DAYS = 30
"""A goal whose target date is this close (or closer) is checked for risk."""
LOW_PROGRESS = 0.5
"""Near its target date, a goal below this share done is at risk whatever the elapsed time."""
INACTIVE_GOAL_STATUSES = ("achieved", "paused", "dropped")


# --- small shared helpers ---------------------------------------------------------------------
def stem(row: Row) -> str:
    """The file stem of a row: what references (`goal = "…"`) name."""
    return PurePosixPath(row.path).stem


def clean_ref(value: object) -> str:
    """A reference as written (`"x"`, `"[[x]]"`, `"x.md"`), normalised for matching."""
    if not isinstance(value, str):
        return ""
    ref = value.strip()
    if ref.startswith("[[") and ref.endswith("]]"):
        ref = ref[2:-2].split("|", 1)[0].strip()
    return ref.removesuffix(".md").strip().lower()


def ref_list(value: object) -> list[str]:
    """A `refs` field (a list, or a single string) as cleaned references."""
    values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [r for r in (clean_ref(v) for v in values) if r]


def number(value: object) -> float | None:
    """A finite int/float (never a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def date_of(row: Row, *keys: str) -> dt.date | None:
    """The first of `keys` in the row's fields that holds a date."""
    for key in keys:
        day = as_date(row.fields.get(key))
        if day is not None:
            return day
    return None


class Refs:
    """Resolves references to rows: an id (or a unique id prefix of 4 or more), else a path,
    partial path, file name, alias or title by `links.Resolver` (the link index's rules).
    With `kind`, the best candidate of that kind."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)
        self._by_path = {row.path: row for row in self.rows}
        self._by_id: dict[str, Row] = {}
        for row in self.rows:
            for key in ((row.doc_id or "").lower(), row.short_id.lower()):
                if key:
                    self._by_id.setdefault(key, row)
        self._resolver = Resolver(
            Target(row.path, tuple(normalize_aliases(row.fields.get("aliases"))), row.title)
            for row in self.rows)
        self._found: dict[str, list[Row]] = {}

    def _candidates(self, ref: object) -> list[Row]:
        key = clean_ref(ref)
        if not key:
            return []
        if key not in self._found:
            row = self._by_id.get(key)
            found = [row] if row is not None else [
                self._by_path[p] for p in self._resolver.candidates(key)]
            if not found and len(key) >= 4:
                matches = [r for r in self.rows if r.doc_id and r.doc_id.lower().startswith(key)]
                found = matches if len(matches) == 1 else []
            self._found[key] = found
        return self._found[key]

    def get(self, ref: object, kind: str | None = None) -> Row | None:
        return next((row for row in self._candidates(ref) if kind is None or row.kind == kind),
                    None)

    def key(self, ref: object, kind: str | None = None) -> str:
        """The stem of the item `ref` names, or the cleaned reference when it names nothing."""
        row = self.get(ref, kind)
        return stem(row) if row else clean_ref(ref)

    def points_to(self, ref: object, target: Row) -> bool:
        row = self.get(ref)
        return row is not None and row.path == target.path


@dataclass(frozen=True)
class ItemRef:
    """A short, JSON-friendly pointer to an item."""

    id: str
    stem: str
    path: str
    title: str
    kind: str

    @classmethod
    def of(cls, row: Row) -> ItemRef:
        return cls(id=row.short_id, stem=stem(row), path=row.path, title=row.title, kind=row.kind)


def jsonable(value: Any) -> Any:
    """Dataclasses, dates, tuples and dicts made JSON-ready (dates as ISO strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def visible(rows: Iterable[Row], kind: str | None = None) -> list[Row]:
    """Rows of `kind` (all kinds when None) without a front-matter problem."""
    return [r for r in rows if (kind is None or r.kind == kind) and not r.problem]


# --- goals ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyResult:
    """One key result and its share done (0–1)."""

    name: str
    target: float
    current: float
    progress: float


def key_result_progress(target: float, current: float) -> float:
    """Share done of one key result, 0–1.

    target > 0 (or < 0): `current / target` clamped to 0–1 (a negative target such as a
    "-30 %" cost cut works the same way). target == 0 reads as "bring it down to zero"
    (open incidents, unpaid invoices): done when current ≤ 0, else not started.
    """
    if target == 0:
        return 1.0 if current <= 0 else 0.0
    return min(max(current / target, 0.0), 1.0)


def key_results(goal: Row, posts: Sequence[Row] = (), today: dt.date | None = None,
                refs: Refs | None = None) -> list[KeyResult]:
    """The goal's well-formed key results (entries without a numeric target are skipped); one
    with `counts = "posts"` (or followers, views, reactions) counts the goal's published
    `posts` instead of its `current` (`solo.core.career.posts`)."""
    out = []
    entries = goal.fields.get("key_results")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        target = number(entry.get("target"))
        if target is None:
            continue
        current = number(entry.get("current")) or 0.0
        if "counts" in entry and today is not None:
            counted = counted_current(entry, posts, today, lambda ref: refs is not None
                                      and refs.points_to(ref, goal))
            current = current if counted is None else counted
        out.append(KeyResult(name=str(entry.get("name") or "key result"), target=target,
                             current=current, progress=key_result_progress(target, current)))
    return out


@dataclass(frozen=True)
class GoalProgress:
    """A goal's progress and flags on a given day.

    `method` says where `progress` comes from: "key_results", "tasks" (share of linked tasks
    done, cancelled ones left out), "status" (an achieved goal counts as 1) or "none" (no key
    results and no linked tasks: 0). `elapsed` is the share of the time from `created` to
    `target` already gone (None without both dates).
    """

    goal: ItemRef
    status: str
    target: dt.date | None
    days_left: int | None
    progress: float
    method: str
    key_results: list[KeyResult]
    tasks_done: int
    tasks_total: int
    elapsed: float | None
    behind: bool
    overdue: bool
    at_risk: bool
    reasons: list[str] = field(default_factory=list)


def linked(rows: Iterable[Row], refs: Refs, target: Row, kind: str, key: str) -> list[Row]:
    """Rows of `kind` whose `key` field (a ref or a list of refs) names `target`."""
    out = []
    for row in rows:
        if row.kind != kind or row.problem:
            continue
        value = row.fields.get(key)
        if any(refs.points_to(ref, target) for ref in ref_list(value)):
            out.append(row)
    return out


def links_by_target(rows: Iterable[Row], refs: Refs, kind: str, key: str) -> dict[str, list[Row]]:
    """Target path → rows of `kind` whose `key` names it (one pass over the rows)."""
    out: dict[str, list[Row]] = {}
    for row in rows:
        if row.kind != kind or row.problem:
            continue
        for ref in ref_list(row.fields.get(key)):
            target = refs.get(ref)
            if target is not None:
                out.setdefault(target.path, []).append(row)
    return out


def goal_progress(goal: Row, rows: Sequence[Row], today: dt.date, refs: Refs | None = None,
                  linked_tasks: Sequence[Row] | None = None,
                  posts: Sequence[Row] | None = None) -> GoalProgress:
    """Progress of one goal; `rows` are the vault's rows (tasks are looked up in them unless
    `linked_tasks` already lists the goal's tasks, posts unless `posts` lists them)."""
    refs = refs or Refs(rows)
    status = str(goal.fields.get("status") or "active")
    if posts is None:
        posts = [r for r in rows if r.kind == "post"]
    krs = key_results(goal, posts, today, refs)
    if linked_tasks is None:
        linked_tasks = linked(rows, refs, goal, "task", "goal")
    tasks = [t for t in linked_tasks if t.status != "cancelled"]
    done = sum(1 for t in tasks if t.status == "done")
    if status == "achieved":
        progress, method = 1.0, "status"
    elif krs:
        progress, method = sum(k.progress for k in krs) / len(krs), "key_results"
    elif tasks:
        progress, method = done / len(tasks), "tasks"
    else:
        progress, method = 0.0, "none"
    target = date_of(goal, "target")
    created = date_of(goal, "created")
    days_left = (target - today).days if target else None
    elapsed = None
    if target and created and target > created:
        elapsed = min(max((today - created).days / (target - created).days, 0.0), 1.0)
    active = status not in INACTIVE_GOAL_STATUSES
    behind = active and elapsed is not None and progress < elapsed
    overdue = active and days_left is not None and days_left < 0 and progress < 1
    reasons = []
    if overdue:
        reasons.append(f"target date {target} passed {-days_left} day(s) ago")  # type: ignore[operator]
    at_risk = False
    if active and not overdue and days_left is not None and days_left <= AT_RISK_DAYS \
            and progress < 1:
        if behind:
            at_risk = True
            reasons.append(f"{progress:.0%} done with {elapsed:.0%} of the time gone, "
                           f"{days_left} day(s) left")
        elif progress < LOW_PROGRESS:
            at_risk = True
            reasons.append(f"only {progress:.0%} done, {days_left} day(s) left")
    return GoalProgress(goal=ItemRef.of(goal), status=status, target=target, days_left=days_left,
                        progress=progress, method=method, key_results=krs, tasks_done=done,
                        tasks_total=len(tasks), elapsed=elapsed, behind=behind, overdue=overdue,
                        at_risk=at_risk, reasons=reasons)


def goals_progress(rows: Sequence[Row], today: dt.date, include_inactive: bool = True,
                   refs: Refs | None = None) -> list[GoalProgress]:
    """Every goal's progress, ordered by target date (none last), then title; `refs`: the
    references of these same rows, when the caller has them already."""
    refs = refs or Refs(rows)
    tasks = links_by_target(rows, refs, "task", "goal")
    posts = [r for r in rows if r.kind == "post"]
    out = [goal_progress(g, rows, today, refs, tasks.get(g.path, []), posts)
           for g in visible(rows, "goal")]
    if not include_inactive:
        out = [g for g in out if g.status not in INACTIVE_GOAL_STATUSES]
    return sorted(out, key=lambda g: (g.target or dt.date.max, g.goal.title.lower()))


def goal_details(vault_rows: Sequence[Row], goal_row: Row, today: dt.date) -> dict[str, Any]:
    """Everything about one goal for `solo show --json`: progress (0–1), flags, key results,
    and the linked tasks, achievements, learning and skills (private items included: this is
    the user's own view)."""
    refs = Refs(vault_rows)
    gp = goal_progress(goal_row, vault_rows, today, refs)

    def brief(row: Row, *keys: str) -> dict[str, Any]:
        out = jsonable(ItemRef.of(row))
        out["status"] = row.status
        for key in keys:
            if key in row.fields:
                out[key] = row.fields[key]
        return out

    tasks = linked(vault_rows, refs, goal_row, "task", "goal")
    achievements = sorted(linked(vault_rows, refs, goal_row, "achievement", "goal"),
                          key=lambda r: str(r.fields.get("date") or ""))
    learning = linked(vault_rows, refs, goal_row, "learning", "goal")
    skills = []
    for ref in ref_list(goal_row.fields.get("skills")):
        row = refs.get(ref, "skill")
        if row is None:
            skills.append({"stem": ref, "title": ref, "missing": True})
        else:
            skills.append(brief(row, "level", "target_level", "category"))
    return {
        **jsonable(gp),
        "progress": round(gp.progress, 4),
        "tasks": [brief(t, "due", "scheduled", "done", "priority") for t in tasks],
        "achievements": [brief(a, "date", "impact") for a in achievements],
        "learning": [brief(entry, "hours", "cost", "currency", "due", "finished",
                           "certification") for entry in learning],
        "skills": skills,
    }


# --- chart series for the Career screen ---------------------------------------------------------
def progress_series(rows: Sequence[Row], today: dt.date) -> list[tuple[str, float]]:
    """(goal title, progress 0–1) for each active goal, ordered by target date."""
    return [(g.goal.title, g.progress) for g in goals_progress(rows, today, include_inactive=False)]
