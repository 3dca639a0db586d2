"""Time blocks: spans, a day's plan with overlaps and off-hours blocks, free slots, planned vs focused, ICS events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.career_helpers import TODAY, goal, page, rows_of, session, task

from solo.core.config import WorkConfig
from solo.core.planning import blocks, taskwarrior

WORK = WorkConfig()  # 09:00–18:00, Monday to Friday


def block(name: str, day: str, start: str, end: str, **extra: str) -> dict[str, str]:
    lines = [f'title = "{name}"', f"date = {day}", f'start = "{start}"', f'end = "{end}"']
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return {f"blocks/{name}.md": page("\n".join(lines))}


@given(st.integers(0, 24 * 60 - 1), st.integers(1, 24 * 60))
def test_a_span_reads_back_what_hhmm_writes(start: int, length: int) -> None:
    end = min(start + length, 24 * 60)
    assert blocks.parse_span(f"{blocks.hhmm(start)}-{blocks.hhmm(end)}") == (start, end)


@pytest.mark.parametrize("text", ["9-10", "10:00-09:00", "09:00-09:00", "09:60-10:00",
                                  "25:00-26:00", "09:00", "a-b"])
def test_a_bad_span_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError):
        blocks.parse_span(text)


def test_day_plan_marks_overlaps_and_blocks_outside_working_hours(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        **block("early", "2026-11-26", "08:00", "09:00"),
        **block("review", "2026-11-26", "09:30", "11:00"),
        **block("sync", "2026-11-26", "10:30", "11:30", type='"meeting"'),
        **block("late", "2026-11-26", "17:30", "18:30"),
        **block("tomorrow", "2026-11-27", "09:00", "10:00"),
    })
    plan = blocks.day_plan(rows, TODAY, WORK)
    by = {b.item.stem: b for b in plan.blocks}
    assert [b.item.stem for b in plan.blocks] == ["early", "review", "sync", "late"]
    assert by["review"].overlaps == ["sync"] and by["sync"].overlaps == ["review"]
    assert by["early"].outside_hours and by["late"].outside_hours
    assert not by["review"].outside_hours and not by["early"].overlaps
    assert by["sync"].type == "meeting" and by["review"].type == "focus"
    assert plan.planned == 60 + 90 + 60 + 60


def test_every_block_on_a_day_off_is_outside_working_hours(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, block("sat", "2026-11-28", "10:00", "11:00"))
    plan = blocks.day_plan(rows, dt.date(2026, 11, 28), WORK)
    assert not plan.working_day and plan.blocks[0].outside_hours


def test_a_block_that_ends_before_it_starts_is_reported_not_shown(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, block("bad", "2026-11-26", "11:00", "10:00"))
    plan = blocks.day_plan(rows, TODAY, WORK)
    assert plan.blocks == []
    assert plan.problems == ["blocks/bad.md: end (10:00) is not after start (11:00)"]


def test_a_block_on_a_task_serves_the_task_s_goal(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**goal("cert"), **task("study", "next", "cert"),
                              **block("b", "2026-11-26", "09:00", "10:00", task='"study"')})
    (only,) = blocks.day_plan(rows, TODAY, WORK).blocks
    assert only.task == "study" and only.goal == "cert"


def test_free_slot_skips_blocks_and_starts_in_working_hours(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**block("a", "2026-11-26", "09:00", "10:00"),
                              **block("b", "2026-11-26", "10:30", "12:00")})
    plan = blocks.day_plan(rows, TODAY, WORK)
    assert blocks.free_slot(plan, 30) == 10 * 60
    assert blocks.free_slot(plan, 45) == 12 * 60
    assert blocks.free_slot(plan, 30, after=13 * 60) == 13 * 60


def test_task_minutes_come_from_the_estimate(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**task("a", "next", estimate="90"), **task("b", "next")})
    by = {r.path: r for r in rows}
    assert blocks.task_minutes(by["tasks/a.md"]) == 90
    assert blocks.task_minutes(by["tasks/b.md"]) == blocks.DEFAULT_MINUTES


def test_planned_vs_focused_per_goal_leaves_breaks_out(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        **goal("cert"), **task("study", "next", "cert"),
        **block("b1", "2026-11-24", "09:00", "11:00", task='"study"'),
        **block("b2", "2026-11-25", "09:00", "10:00", goal='"cert"'),
        **block("lunch", "2026-11-25", "12:00", "13:00", type='"break"'),
        **block("next-week", "2026-12-01", "09:00", "10:00", goal='"cert"'),
        **session("s1", "study", "2026-11-24T09:00:00", 50),
    })
    (cert,) = blocks.planned_vs_focused(rows, dt.date(2026, 11, 23), {"cert": 50}, {})
    assert (cert.goal, cert.planned, cert.focused) == ("cert", 180, 50)


def test_blocks_become_vevents_in_the_ics_export(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**block("Deep work, part 1", "2026-11-26", "09:00", "10:30"),
                              **block("secret", "2026-11-26", "11:00", "12:00",
                                      private="true")})
    events = blocks.calendar_events(rows)
    assert [e.title for e in events] == ["Deep work, part 1"]
    text = taskwarrior.to_ics([], dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC), events=events)
    assert "BEGIN:VEVENT" in text and "DTSTART:20261126T090000" in text
    assert "DTEND:20261126T103000" in text and "SUMMARY:Deep work\\, part 1" in text
    assert "CATEGORIES:focus" in text and text.endswith("END:VCALENDAR\r\n")
