"""Right to disconnect: working time, today's budget, the week against its cap, trends, quiet nudges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.career_helpers import TODAY, page, rows_of, session, task

from solo.core.config import Config, WorkConfig
from solo.core.planning import wellbeing

D = dt.datetime
WORK = WorkConfig(start="09:00", end="18:00", days=["mon", "tue", "wed", "thu", "fri"],
                  daily_cap_minutes=120, weekly_cap_minutes=300)


def test_is_working_time() -> None:
    assert wellbeing.is_working_time(D(2026, 11, 26, 9, 0), WORK)       # Thursday, at start
    assert wellbeing.is_working_time(D(2026, 11, 26, 17, 59), WORK)
    assert not wellbeing.is_working_time(D(2026, 11, 26, 18, 0), WORK)  # end is exclusive
    assert not wellbeing.is_working_time(D(2026, 11, 26, 8, 59), WORK)
    assert not wellbeing.is_working_time(D(2026, 11, 28, 10, 0), WORK)  # Saturday
    assert wellbeing.is_working_time(D(2026, 11, 26, 10, 0), Config(work=WORK))


def test_overnight_hours_belong_to_the_day_they_start() -> None:
    night = WorkConfig(start="22:00", end="06:00", days=["fri"])
    assert wellbeing.is_working_time(D(2026, 11, 27, 23, 0), night)     # Friday night
    assert wellbeing.is_working_time(D(2026, 11, 28, 5, 0), night)      # ... into Saturday
    assert not wellbeing.is_working_time(D(2026, 11, 27, 5, 0), night)  # Thursday's night
    assert not wellbeing.is_working_time(D(2026, 11, 28, 12, 0), night)


def test_unknown_day_names_are_ignored() -> None:
    assert wellbeing.working_days(WorkConfig(days=["Mon", "funday", "sunday"])) == {0, 6}


VAULT = {
    **task("t", "next"),
    **session("a", "t", "2026-11-26T09:00:00", 90),
    **session("b", "t", "2026-11-23T09:00:00", 200),
    **session("c", "t", "2026-11-16T09:00:00", 100),
    **session("d", "t", "2026-11-01T23:00:00", 120),  # Sunday of W44 → 60 in W44, 60 in W45
    "reviews/2026-w46.md": page('period = "2026-W46"\nhours_worked = 41.5'),
}


def test_day_budget_hours_left_today(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, VAULT)
    budget = wellbeing.day_budget(rows, D(2026, 11, 26, 17, 0), WORK)
    assert (budget.logged, budget.cap_left, budget.window_left, budget.left) == (90, 30, 60, 30)
    assert not budget.over_cap and budget.working_time
    late = wellbeing.day_budget(rows, D(2026, 11, 26, 20, 0), WORK)
    assert (late.window_left, late.left, late.working_time) == (0, 0, False)


def test_week_status_over_the_cap(tmp_path: Path) -> None:
    week = wellbeing.week_status(rows_of(tmp_path, VAULT), WORK, TODAY)
    assert (week.week, week.logged, week.reported, week.minutes) == ("2026-W48", 290, None, 290)
    assert not week.over_cap
    tight = WorkConfig(weekly_cap_minutes=240)
    week = wellbeing.week_status(rows_of(tmp_path / "2", VAULT), tight, TODAY)
    assert week.over_cap and week.over_by == 50


def test_trend_uses_reviews_hours_worked_when_recorded(tmp_path: Path) -> None:
    trend = wellbeing.weekly_trend(rows_of(tmp_path, VAULT), WORK, TODAY, weeks=5)
    assert [t.week for t in trend] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47",
                                       "2026-W48"]
    assert [t.logged for t in trend] == [60, 60, 0, 100, 290]
    assert trend[2].reported == 2490 and trend[2].minutes == 2490 and trend[2].over_cap
    assert [t.over_cap for t in trend] == [False, False, True, False, False]
    assert wellbeing.weeks_over_in_a_row(trend) == 0


def test_weeks_over_in_a_row_skips_an_unfinished_week() -> None:
    def load(minutes: int) -> wellbeing.WeekLoad:
        return wellbeing.WeekLoad(week="w", monday=TODAY, logged=minutes, reported=None,
                                  minutes=minutes, cap=100, over_cap=minutes > 100,
                                  over_by=max(minutes - 100, 0))
    assert wellbeing.weeks_over_in_a_row([load(50), load(120), load(130), load(10)]) == 2
    assert wellbeing.weeks_over_in_a_row([load(120), load(130), load(110)]) == 3
    assert wellbeing.weeks_over_in_a_row([load(120), load(90), load(10)]) == 0


def test_nudges_are_silent_after_hours(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**VAULT, **session("e", "t", "2026-11-26T11:00:00", 60)})
    during = wellbeing.nudges(rows, WORK, D(2026, 11, 26, 15, 0))
    assert any("daily cap" in n for n in during)
    assert wellbeing.nudges(rows, WORK, D(2026, 11, 26, 21, 0)) == []
    assert wellbeing.nudges(rows, WORK, D(2026, 11, 28, 15, 0)) == []  # Saturday
