"""Focus sessions: midnight splits, ISO weeks across years, sums per day/task/goal/skill, the timer file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.career_helpers import TODAY, goal, page, rows_of, session, task

from solo.core.planning import focus

D = dt.datetime


def test_split_across_midnight() -> None:
    assert focus.split_by_day(D(2026, 11, 19, 23, 20), 95) == \
        [(dt.date(2026, 11, 19), 40), (dt.date(2026, 11, 20), 55)]


def test_split_across_two_midnights_and_year_end() -> None:
    assert focus.split_by_day(D(2026, 12, 31, 23, 0), 1500) == \
        [(dt.date(2026, 12, 31), 60), (dt.date(2027, 1, 1), 1440)]
    assert focus.split_by_day(D(2028, 2, 28, 23, 30), 1500) == \
        [(dt.date(2028, 2, 28), 30), (dt.date(2028, 2, 29), 1440), (dt.date(2028, 3, 1), 30)]


def test_split_edges() -> None:
    assert focus.split_by_day(D(2026, 1, 1, 10, 0), 0) == [(dt.date(2026, 1, 1), 0)]
    assert focus.split_by_day(D(2026, 1, 1, 23, 0), 60) == [(dt.date(2026, 1, 1), 60)]
    # 30 seconds before midnight: the whole minute counts on the next day
    assert focus.split_by_day(D(2026, 1, 1, 23, 59, 30), 2) == [(dt.date(2026, 1, 2), 2)]


@given(st.datetimes(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
       st.integers(min_value=0, max_value=5000))
def test_split_parts_add_up_and_fit_in_a_day(start: dt.datetime, minutes: int) -> None:
    parts = focus.split_by_day(start, minutes)
    assert sum(m for _, m in parts) == minutes
    assert all(0 <= m <= 1440 for _, m in parts)
    days = [d for d, _ in parts]
    assert days == sorted(set(days)) and days[0] >= start.date()


@pytest.mark.parametrize(("day", "week"), [
    (dt.date(2026, 11, 26), "2026-W48"),
    (dt.date(2026, 12, 28), "2026-W53"),   # 2026 has 53 ISO weeks (1 Jan 2026 is a Thursday)
    (dt.date(2027, 1, 3), "2026-W53"),
    (dt.date(2027, 1, 4), "2027-W01"),
    (dt.date(2021, 1, 3), "2020-W53"),
    (dt.date(2024, 12, 30), "2025-W01"),
])
def test_iso_week(day: dt.date, week: str) -> None:
    assert focus.iso_week(day) == week


def test_parse_iso_week() -> None:
    assert focus.parse_iso_week("2026-W53") == dt.date(2026, 12, 28)
    assert focus.parse_iso_week("2027-W01") == dt.date(2027, 1, 4)
    assert focus.parse_iso_week("2026w48") == dt.date(2026, 11, 23)
    with pytest.raises(ValueError, match="no ISO week 53"):
        focus.parse_iso_week("2025-W53")
    with pytest.raises(ValueError, match="not an ISO week"):
        focus.parse_iso_week("2026-48")
    assert focus.last_weeks(dt.date(2027, 1, 6), 3) == \
        [dt.date(2026, 12, 21), dt.date(2026, 12, 28), dt.date(2027, 1, 4)]


VAULT = {
    **goal("cert", skills='["aws", "terraform"]'),
    "skills/aws.md": page('title = "AWS"\nlevel = 3\ntarget_level = 5'),
    **task("study", "next", "cert"),
    **task("chore", "next"),
    **session("s1", "study", "2026-11-23T08:00:00", 50),
    **session("s2", "[[study]]", "2026-11-24T23:30:00", 60),
    **session("s3", "chore", "2026-11-25T10:00:00", 20),
    **session("s4", "gone-task", "2026-11-01T10:00:00", 15),
    "focus/bad.md": page('kind = "focus"\ntask = "study"\nminutes = 30'),  # no start: skipped
}


def test_time_report_per_day_task_goal_skill(tmp_path: Path) -> None:
    report = focus.time_report(rows_of(tmp_path, VAULT), dt.date(2026, 11, 23), TODAY)
    assert report.total == 130 and report.sessions == 3
    assert report.per_day == {dt.date(2026, 11, 23): 50, dt.date(2026, 11, 24): 30,
                              dt.date(2026, 11, 25): 50}
    assert report.per_task == {"study": 110, "chore": 20}
    assert report.per_goal == {"cert": 110, focus.NO_GOAL: 20}
    assert report.per_skill == {"aws": 110, "terraform": 110}
    assert report.titles["aws"] == "AWS" and report.titles["terraform"] == "terraform"
    assert report.per_week == {"2026-W48": 130}


def test_time_report_range_cuts_sessions_at_midnight(tmp_path: Path) -> None:
    report = focus.time_report(rows_of(tmp_path, VAULT), dt.date(2026, 11, 25),
                               dt.date(2026, 11, 25))
    assert report.per_task == {"study": 30, "chore": 20}  # the after-midnight half only
    everything = focus.time_report(rows_of(tmp_path / "all", VAULT))
    assert everything.total == 145 and everything.per_task["gone-task"] == 15


def test_goal_minutes_series_has_every_week(tmp_path: Path) -> None:
    series = focus.goal_minutes_series(rows_of(tmp_path, VAULT), TODAY, weeks=8)
    cert = series["Goal cert"]
    assert [w for w, _ in cert] == [f"2026-W{n}" for n in range(41, 49)]
    assert cert[-1] == ("2026-W48", 110) and cert[0] == ("2026-W41", 0)
    assert series[focus.NO_GOAL][-3] == ("2026-W46", 0)
    assert series[focus.NO_GOAL][-4] == ("2026-W45", 0)
    assert dict(series[focus.NO_GOAL])["2026-W44"] == 15  # 2026-11-01 is a Sunday of W44


def test_timer_file_round_trip(tmp_path: Path) -> None:
    assert focus.running_timer(tmp_path) is None
    timer = focus.start_timer(tmp_path, "study", "Study", D(2026, 11, 26, 9, 0, 12, 5))
    assert timer.start == D(2026, 11, 26, 9, 0, 12)
    assert focus.running_timer(tmp_path) == timer
    with pytest.raises(focus.TimerError, match="already running"):
        focus.start_timer(tmp_path, "other", "Other", D(2026, 11, 26, 10, 0))
    assert timer.elapsed_minutes(D(2026, 11, 26, 9, 50, 11)) == 49
    focus.clear_timer(tmp_path)
    assert focus.running_timer(tmp_path) is None
    (tmp_path / focus.RUNNING_FILE).write_text("task = 3\n")
    with pytest.raises(focus.TimerError):
        focus.running_timer(tmp_path)
