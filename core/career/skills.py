"""Skills and learning over index rows: the skills matrix (level, target, evidence, which goals
need each skill), skill gaps, and the learning plan (hours and money per year).

Pure functions of `Row`s and a `today`, like `core.career`, whose reference helpers they use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from solo.core.career.progress import (
    INACTIVE_GOAL_STATUSES,
    ItemRef,
    Refs,
    date_of,
    number,
    ref_list,
    stem,
    visible,
)
from solo.core.engine.index import Row


# --- skills -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """An achievement or finished learning item that names a skill."""

    item: ItemRef
    date: dt.date | None
    detail: str


@dataclass(frozen=True)
class SkillStatus:
    """A skill's level against its target, the evidence behind it and the goals needing it.

    `missing` is true for a skill a goal names that has no skill file; `gap` is
    `target_level - level` (0 when on target or unknown).
    """

    skill: ItemRef
    category: str | None
    level: int | None
    target_level: int | None
    gap: int
    evidence: list[Evidence]
    goals: list[ItemRef]
    missing: bool = False

    @property
    def blocks_goals(self) -> bool:
        return self.gap > 0 and bool(self.goals)


def _level(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def skills_matrix(rows: Sequence[Row], today: dt.date | None = None) -> list[SkillStatus]:
    """One entry per skill (and per skill an active goal names without a file), biggest
    gap first. Evidence: achievements and finished learning whose `skills` name the skill;
    learning finished after `today` (when given) is not evidence yet."""
    refs = Refs(rows)
    evidence: dict[str, list[Evidence]] = {}
    for row in visible(rows):
        if row.kind == "achievement":
            when, detail = date_of(row, "date"), str(row.fields.get("impact") or "")
        elif row.kind == "learning" and row.status == "done":
            when = date_of(row, "finished")
            if today and when and when > today:
                continue
            cert = row.fields.get("certification")
            detail = f"certification: {cert}" if isinstance(cert, str) and cert else "finished"
        else:
            continue
        for ref in ref_list(row.fields.get("skills")):
            evidence.setdefault(refs.key(ref, "skill"), []).append(
                Evidence(item=ItemRef.of(row), date=when, detail=detail))
    needed_by: dict[str, list[ItemRef]] = {}
    for goal in visible(rows, "goal"):
        if str(goal.fields.get("status") or "active") in INACTIVE_GOAL_STATUSES:
            continue
        for ref in ref_list(goal.fields.get("skills")):
            needed_by.setdefault(refs.key(ref, "skill"), []).append(ItemRef.of(goal))
    out = []
    seen = set()
    for row in visible(rows, "skill"):
        key = stem(row)
        seen.add(key)
        level, target = _level(row.fields.get("level")), _level(row.fields.get("target_level"))
        gap = max(target - level, 0) if level is not None and target is not None else 0
        category = row.fields.get("category")
        out.append(SkillStatus(
            skill=ItemRef.of(row), category=category if isinstance(category, str) else None,
            level=level, target_level=target, gap=gap,
            evidence=sorted(evidence.get(key, []), key=lambda e: e.date or dt.date.min),
            goals=needed_by.get(key, [])))
    for key, goals in needed_by.items():
        if key not in seen:
            out.append(SkillStatus(skill=ItemRef(id="", stem=key, path="", title=key, kind="skill"),
                                   category=None, level=None, target_level=None, gap=0,
                                   evidence=evidence.get(key, []), goals=goals, missing=True))
    return sorted(out, key=lambda s: (-s.gap, not s.goals, s.skill.title.lower()))


def skill_gaps(rows: Sequence[Row]) -> list[SkillStatus]:
    """Skills below target that an active goal depends on (and skills goals name without a
    file), biggest gap first."""
    return [s for s in skills_matrix(rows) if s.blocks_goals or s.missing]


# --- learning ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LearningEntry:
    """One course or certification in the learning plan."""

    item: ItemRef
    status: str
    provider: str | None
    hours: float | None
    cost: float | None
    currency: str | None
    certification: str | None
    due: dt.date | None
    finished: dt.date | None
    overdue: bool
    goal: str | None
    skills: list[str]


@dataclass(frozen=True)
class YearInvestment:
    """Hours and money put into learning in one year (money per currency, never summed across)."""

    year: int
    hours: float
    cost: dict[str, float]


@dataclass(frozen=True)
class LearningPlan:
    """Courses and certifications by status, and what was invested per year."""

    in_progress: list[LearningEntry]
    planned: list[LearningEntry]
    finished: list[LearningEntry]
    dropped: list[LearningEntry]
    per_year: list[YearInvestment]
    planned_cost: dict[str, float]


DEFAULT_CURRENCY = "EUR"


def currency_of(row: Row) -> str:
    value = row.fields.get("currency")
    return value.upper() if isinstance(value, str) and value.strip() else DEFAULT_CURRENCY


def learning_paid_on(row: Row) -> dt.date | None:
    """The day a learning item's cost was paid: `bought`, else `created`, else `finished`."""
    return date_of(row, "bought", "created", "finished")


def _certification(value: object) -> str | None:
    if value is True:
        return "yes"
    return value if isinstance(value, str) and value.strip() else None


def learning_plan(rows: Sequence[Row], today: dt.date) -> LearningPlan:
    """The learning plan on `today`.

    Invested per year: hours of finished items in the year of `finished` (else `created`);
    money of every item already paid for — finished, in progress or dropped, not planned —
    in the year it was paid (`learning_paid_on`). Planned costs are summed apart.
    """
    refs = Refs(rows)
    groups: dict[str, list[LearningEntry]] = {"in-progress": [], "planned": [], "done": [],
                                              "dropped": []}
    hours: dict[int, float] = {}
    money: dict[int, dict[str, float]] = {}
    planned_cost: dict[str, float] = {}
    for row in visible(rows, "learning"):
        status = row.status if row.status in groups else "planned"
        due, finished = date_of(row, "due"), date_of(row, "finished")
        cost, hrs = number(row.fields.get("cost")), number(row.fields.get("hours"))
        provider = row.fields.get("provider")
        goal = row.fields.get("goal")
        groups[status].append(LearningEntry(
            item=ItemRef.of(row), status=status,
            provider=provider if isinstance(provider, str) else None, hours=hrs, cost=cost,
            currency=currency_of(row) if cost is not None else None,
            certification=_certification(row.fields.get("certification")), due=due,
            finished=finished,
            overdue=bool(due and due < today and status in ("planned", "in-progress")),
            goal=refs.key(goal, "goal") if isinstance(goal, str) else None,
            skills=[refs.key(s, "skill") for s in ref_list(row.fields.get("skills"))]))
        if status == "done" and hrs:
            year_day = finished or date_of(row, "created")
            if year_day:
                hours[year_day.year] = hours.get(year_day.year, 0.0) + hrs
        if cost:
            if status == "planned":
                planned_cost[currency_of(row)] = planned_cost.get(currency_of(row), 0.0) + cost
            else:
                paid = learning_paid_on(row)
                if paid:
                    per = money.setdefault(paid.year, {})
                    per[currency_of(row)] = per.get(currency_of(row), 0.0) + cost

    def upcoming(entry: LearningEntry) -> dt.date:
        return entry.due or dt.date.max

    def recent(entry: LearningEntry) -> dt.date:
        return entry.finished or dt.date.min

    years = sorted(set(hours) | set(money))
    return LearningPlan(
        in_progress=sorted(groups["in-progress"], key=upcoming),
        planned=sorted(groups["planned"], key=upcoming),
        finished=sorted(groups["done"], key=recent, reverse=True), dropped=groups["dropped"],
        per_year=[YearInvestment(year=y, hours=hours.get(y, 0.0),
                                 cost=dict(sorted(money.get(y, {}).items()))) for y in years],
        planned_cost=dict(sorted(planned_cost.items())))


def skill_gap_series(rows: Sequence[Row]) -> list[tuple[str, int, int]]:
    """(skill title, level, target level) for each skill with both levels, biggest gap first."""
    return [(s.skill.title, s.level, s.target_level) for s in skills_matrix(rows)
            if s.level is not None and s.target_level is not None]
