"""Tests of `core/agenda`: today's agenda, task order, focus today and working hours."""

from __future__ import annotations

import datetime as dt

from solo.core.config import WorkConfig
from solo.core.planning import agenda
from solo.core.vault import Vault

TODAY = dt.date(2026, 11, 26)


def test_agenda_on_the_example_vault(example_vault: Vault) -> None:
    result = agenda.agenda(example_vault.rows("task"), TODAY)
    stems = {name: [r.path.split("/")[1][:-3] for r in rows] for name, rows in result.sections()}
    assert stems["Overdue"] == ["submit-expense-report-october", "review-pr-iceberg-partitioning",
                                "write-terraform-module-readmes"]
    assert stems["Due today"] == ["submit-cfp-cloud-nord"]
    assert set(stems["Scheduled today"]) == {"practice-exam-3", "log-working-hours"}
    assert "study-for-sa-pro" in stems["Next"]
    sessions = agenda.focus_sessions(example_vault.rows("focus"), TODAY)
    assert [r.path for r in sessions] == ["focus/2026-11-26-0800-sa-pro-dms.md"]
    assert agenda.minutes_of(sessions) == 50


def test_sort_tasks_by_due_or_priority(example_vault: Vault) -> None:
    rows = example_vault.rows("task", ["next"])
    by_due = agenda.sort_tasks(rows, "due")
    dues = [r.due or r.scheduled or "9999" for r in by_due]
    assert dues == sorted(dues)
    by_priority = agenda.sort_tasks(rows, "priority")
    ranks = [("high", "medium", "low", None).index(r.priority) for r in by_priority]
    assert ranks == sorted(ranks)


def test_work_status_inside_before_after_and_day_off() -> None:
    work = WorkConfig()
    assert agenda.work_status(work, dt.datetime(2026, 11, 26, 10, 30)) == agenda.WorkStatus(
        True, 450, "working · 7h30 left")
    assert agenda.work_status(work, dt.datetime(2026, 11, 26, 7, 0)).label == \
        "before hours — starts 09:00"
    after = agenda.work_status(work, dt.datetime(2026, 11, 26, 18, 0))
    assert not after.inside and after.label == "after hours — rest"
    assert agenda.work_status(work, dt.datetime(2026, 11, 28, 11, 0)).label == "day off — rest"


def test_scheduled_today_means_today_and_unreadable_tasks_come_first(
        example_vault: Vault) -> None:
    scheduled = {r.path: r.scheduled for r in example_vault.rows("task") if r.scheduled}
    result = agenda.agenda(example_vault.rows("task"), TODAY)
    assert all(str(scheduled[r.path])[:10] == TODAY.isoformat() for r in result.scheduled)
    assert all(str(scheduled[r.path])[:10] < TODAY.isoformat() for r in result.scheduled_earlier)
    later = agenda.agenda(example_vault.rows("task"), TODAY + dt.timedelta(days=3))
    assert not later.scheduled or all(str(scheduled[r.path])[:10] == "2026-11-29"
                                      for r in later.scheduled)
    assert {r.path for r in result.scheduled} <= {r.path for r in later.scheduled_earlier} | {
        r.path for r in later.overdue + later.due_today}
    path = example_vault.root / "tasks" / "practice-exam-3.md"
    path.write_text(path.read_text().replace("+++\n", "+++\n= broken\n", 1))
    example_vault.ingest(["tasks/practice-exam-3.md"])
    broken = agenda.agenda(example_vault.rows("task"), TODAY)
    assert broken.sections()[0][1][0].path == "tasks/practice-exam-3.md"
