"""Task urgency: a documented score after Taskwarrior's urgency polynomial, with coefficients from `[urgency]` in the config.

The score is a sum of terms, each a coefficient times a factor between 0 and 1 (or a count
factor), as in Taskwarrior (taskwarrior.org/docs/urgency):

    next        15.0  tag `next`, or Solo's GTD status `next` (Taskwarrior: tag only)
    due         12.0  due proximity: 1.0 from 7 days overdue, falling linearly to 0.2 at
                      14 days ahead, 0.2 beyond (Taskwarrior's ramp); 0 with no due date
    blocking     8.0  an open task depends on this one
    priority_high 6.0, priority_medium 3.9, priority_low 1.8
    scheduled    5.0  scheduled today or earlier (Taskwarrior: scheduled before now)
    goal_at_risk 4.0  Solo only: the task's `goal` is at risk or overdue (see core/career)
    age          2.0  age / age_max days since `created` (capped at 1.0)
    annotations  0.0  Solo counts dated body lines (`- 2026-11-26: …`) as annotations,
                      with Taskwarrior's factors 0.8 for one, 0.9 for two, 1.0 for more;
                      off by default (Taskwarrior: 1.0) because it reads every open
                      task's file — set it to turn it on
    tags         1.0  has tags (the same 0.8/0.9/1.0 factors)
    project      1.0  has a project
    waiting     -3.0  status waiting, or a `wait` date after today
    blocked     -5.0  depends on an open task
    someday     -6.0  Solo only: status someday (Taskwarrior has no such status)
    age_max    365    days at which the age term reaches its full weight (not a weight)

Differences from Taskwarrior: Solo's `next` status counts as the `+next` tag; annotations
are off by default; "active"
(started) has no Solo counterpart and is left out; goals at risk raise urgency and
someday lowers it; scheduled compares days, not instants; per-tag and per-project
coefficients (`urgency.user.tag.X`) are not supported yet. Closed tasks score 0.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solo.core.engine.index import Row
from solo.core.errors import SoloError
from solo.core.planning.filters import Context, day_of, is_open, waiting, when_of

DEFAULT_COEFFICIENTS: dict[str, float] = {
    "next": 15.0,
    "due": 12.0,
    "blocking": 8.0,
    "priority_high": 6.0,
    "priority_medium": 3.9,
    "priority_low": 1.8,
    "scheduled": 5.0,
    "goal_at_risk": 4.0,
    "age": 2.0,
    "annotations": 0.0,
    "tags": 1.0,
    "project": 1.0,
    "waiting": -3.0,
    "blocked": -5.0,
    "someday": -6.0,
    "age_max": 365.0,
}


class UrgencyConfigError(SoloError, ValueError):
    """An `[urgency]` key that is unknown or not a number."""


def coefficients(overrides: Mapping[str, object] | None = None) -> dict[str, float]:
    """The default coefficients with `overrides` (the config's `[urgency]` table) applied.

    Raises UrgencyConfigError naming a key that is unknown (with the closest valid one) or
    whose value is not a number, and for an `age_max` that is not positive.
    """
    out = dict(DEFAULT_COEFFICIENTS)
    for key, value in (overrides or {}).items():
        if key not in out:
            close = difflib.get_close_matches(key, list(out), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UrgencyConfigError(f"urgency.{key} is not an urgency coefficient{hint}; "
                                     f"valid: {', '.join(out)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UrgencyConfigError(f"urgency.{key} must be a number, not {value!r}")
        out[key] = float(value)
    if out["age_max"] <= 0:
        raise UrgencyConfigError("urgency.age_max must be a positive number of days")
    return out


def due_factor(due: dt.date | dt.datetime | None, now: dt.datetime) -> float:
    """Taskwarrior's due ramp: 1.0 at 7+ days overdue, 0.2 at 14+ days ahead, linear between."""
    if due is None:
        return 0.0
    moment = due if isinstance(due, dt.datetime) else dt.datetime.combine(due, dt.time())
    days_overdue = (now - moment).total_seconds() / 86400
    if days_overdue >= 7.0:
        return 1.0
    if days_overdue >= -14.0:
        return (days_overdue + 14.0) * 0.8 / 21.0 + 0.2
    return 0.2


def _count_factor(count: int) -> float:
    return 0.0 if count <= 0 else 0.8 if count == 1 else 0.9 if count == 2 else 1.0


def annotation_count(body: str) -> int:
    """Dated lines (`- 2026-11-26 09:30: text`, as `solo annotate` and the importer write them)."""
    from solo.core.planning.taskwarrior import annotations_of

    return len(annotations_of(body))


@dataclass(frozen=True)
class Score:
    """A task's urgency and the terms it is made of (name → contribution), largest first."""

    total: float
    terms: tuple[tuple[str, float], ...]


def score(row: Row, ctx: Context, coeffs: Mapping[str, float],
          goals_at_risk: frozenset[str] = frozenset(), annotations: int = 0) -> Score:
    """The urgency of one task; `goals_at_risk` holds paths of goals at risk or overdue."""
    if not is_open(row):
        return Score(0.0, ())
    terms: dict[str, float] = {}

    def add(name: str, factor: float, key: str | None = None) -> None:
        value = coeffs[key or name] * factor
        if value:
            terms[name] = round(terms.get(name, 0.0) + value, 6)

    tags = {t.lstrip("#").casefold() for t in row.tags}
    if "next" in tags or row.status == "next":
        add("next", 1.0)
    add("due", due_factor(when_of(row.fields.get("due")), ctx.now))
    if ctx.blocking(row):
        add("blocking", 1.0)
    if row.priority in ("high", "medium", "low"):
        add("priority", 1.0, f"priority_{row.priority}")
    scheduled = day_of(row.fields.get("scheduled"))
    if scheduled is not None and scheduled <= ctx.today:
        add("scheduled", 1.0)
    goal = row.fields.get("goal")
    if goal and goals_at_risk:
        target = ctx.refs().get(goal, "goal")
        if target is not None and target.path in goals_at_risk:
            add("goal_at_risk", 1.0)
    created = day_of(row.fields.get("created"))
    if created is not None:
        add("age", min(max((ctx.today - created).days, 0) / coeffs["age_max"], 1.0))
    add("annotations", _count_factor(annotations))
    add("tags", _count_factor(len(tags)))
    if row.fields.get("project"):
        add("project", 1.0)
    if waiting(row, ctx.today):
        add("waiting", 1.0)
    if ctx.blocked(row):
        add("blocked", 1.0)
    if row.status == "someday":
        add("someday", 1.0)
    ordered = tuple(sorted(terms.items(), key=lambda kv: -abs(kv[1])))
    return Score(round(sum(terms.values()), 4), ordered)


def rank(rows: Sequence[Row], ctx: Context, coeffs: Mapping[str, float],
         goals_at_risk: frozenset[str] = frozenset(),
         annotations: Mapping[str, int] | None = None) -> list[tuple[Row, Score]]:
    """Open tasks of `rows` with their scores, most urgent first (ties: due, then path)."""
    counts = annotations or {}
    scored = [(row, score(row, ctx, coeffs, goals_at_risk, counts.get(row.path, 0)))
              for row in rows if is_open(row)]
    scored.sort(key=lambda pair: pair[0].path)
    scored.sort(key=lambda pair: -pair[1].total)
    return scored
