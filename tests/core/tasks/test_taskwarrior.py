"""Taskwarrior interchange: dates, recurrences, UDAs, the iCalendar writer, and `solo import`/`solo export` on real vaults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.solo_cli import run_solo, solo_env

from solo.core.planning import taskwarrior as tw

DATA = Path(__file__).parent / "data" / "task-export.json"
CET = dt.timezone(dt.timedelta(hours=1))
ENV = solo_env(SOLO_TODAY="2026-11-26", SOLO_NOW="2026-11-26T12:00", TZ="CET-1")


def test_dates_are_utc_converted_to_local_and_midnight_is_a_day() -> None:
    moment = tw.parse_tw_date("20261205T170000Z")
    assert moment == dt.datetime(2026, 12, 5, 17, tzinfo=dt.UTC)
    assert tw.local_value(moment, CET) == dt.datetime(2026, 12, 5, 18, 0)
    assert tw.local_value(tw.parse_tw_date("20261204T230000Z"), CET) == dt.date(2026, 12, 5)
    assert tw.tw_date(dt.date(2026, 12, 5), CET) == "20261204T230000Z"
    assert tw.tw_date(dt.datetime(2026, 12, 5, 18, 0), CET) == "20261205T170000Z"
    with pytest.raises(ValueError, match="YYYYMMDDTHHMMSSZ"):
        tw.parse_tw_date("next tuesday")


@given(st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 1, 1)))
def test_local_times_round_trip_through_taskwarrior_dates(local: dt.datetime) -> None:
    local = local.replace(microsecond=0)
    back = tw.local_value(tw.parse_tw_date(tw.tw_date(local, CET)), CET)
    assert back == (local.date() if local.time() == dt.time() else local)


@pytest.mark.parametrize(
    ("recur", "rule"),
    [("daily", "every day"), ("weekly", "every week"), ("2w", "every 2 weeks"),
     ("3days", "every 3 days"), ("biweekly", "every 2 weeks"), ("monthly", "every month"),
     ("quarterly", "every 3 months"), ("2q", "every 6 months"), ("yearly", "every year"),
     ("annual", "every year"), ("weekdays", "every weekday"), ("P1W", "every week"),
     ("10mo", "every 10 months")],
)
def test_recurrences_map_to_solo_rules(recur: str, rule: str) -> None:
    assert str(tw.map_recur(recur)) == rule


@pytest.mark.parametrize("recur", ["4h", "30min", "PT1H", "fortnightly-ish", ""])
def test_unmappable_recurrences_raise(recur: str) -> None:
    with pytest.raises(ValueError, match="recur"):
        tw.map_recur(recur)


def test_solo_rules_back_to_taskwarrior() -> None:
    assert tw.solo_recur("every week") == "weekly"
    assert tw.solo_recur("every 3 days") == "3days"
    assert tw.solo_recur("every weekday") == "weekdays"
    assert tw.solo_recur("every week when done") is None
    assert str(tw.map_recur(tw.solo_recur("every 2 months") or "")) == "every 2 months"


def test_convert_keeps_udas_and_reports_what_it_cannot_map() -> None:
    tasks = tw.parse_export(DATA.read_text())
    item = tw.convert(tasks[0], CET)
    assert item.title == "Send the Q4 invoice to Northwind"
    assert item.fields["status"] == "next" and item.fields["priority"] == "high"
    assert item.fields["client"] == "Northwind" and "urgency" not in item.fields
    assert item.annotations[0] == "- 2026-11-10 10:30: Hours are in the timesheet, tab November"
    budget = tw.convert(tasks[-1], CET)
    assert budget.fields["tw_estimate"] == "3h"  # a Solo field name: kept apart
    assert budget.fields["recur"] == "every 2 weeks"
    backup = tw.convert(tasks[-2], CET)
    assert backup.fields["tw_recur"] == "4h" and "no Solo rule" in backup.problems[0]


def test_export_lines_and_errors() -> None:
    lines = "\n".join(json.dumps(t) for t in json.loads(DATA.read_text()))  # json.array=off
    assert len(tw.parse_export(lines)) == 11
    with pytest.raises(tw.TaskwarriorError, match="line 1"):
        tw.parse_export("{not json")
    with pytest.raises(tw.TaskwarriorError, match="task 1 has no uuid"):
        tw.parse_export('[{"description": "x"}]')


def test_ics_escapes_and_folds_at_75_octets() -> None:
    assert tw.ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "é" * 60
    folded = tw.ics_fold(long)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == long
    text = tw.to_ics([tw.CalendarTask(uid="u1@solo", title="Pay, now; please", status="inbox",
                                      due=dt.date(2026, 12, 5), priority="high",
                                      tags=("home", "a,b"))],
                     dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith(
        "END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "SUMMARY:Pay\\, now\\; please\r\n" in text
    assert "DUE;VALUE=DATE:20261205\r\n" in text and "PRIORITY:1\r\n" in text
    assert "CATEGORIES:home,a\\,b\r\n" in text and "DTSTAMP:20261126T120000Z\r\n" in text


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    assert run_solo("init", str(root), env=ENV).returncode == 0
    r = run_solo("--vault", str(root), "import", "taskwarrior", str(DATA), env=ENV)
    assert r.returncode == 0, r.stderr
    assert "8 created, 0 updated, 0 unchanged" in r.stdout
    assert "recur '4h' has no Solo rule" in r.stdout and "3 recurrence instance(s) folded" in r.stdout
    return root


def tasks_by_uuid(root: Path) -> dict[str, dict]:
    r = run_solo("--vault", str(root), "list", "task", "--all", "--json", env=ENV)
    return {t["uuid"]: t for t in json.loads(r.stdout)}


def test_import_maps_fields_and_twice_changes_nothing(imported: Path) -> None:
    before = {p: p.read_bytes() for p in (imported / "tasks").iterdir()}
    r = run_solo("--vault", str(imported), "import", "taskwarrior", "-", input=DATA.read_text(),
                 env=ENV)
    assert r.returncode == 0 and "0 created, 0 updated, 8 unchanged" in r.stdout, r.stdout
    assert {p: p.read_bytes() for p in (imported / "tasks").iterdir()} == before
    tasks = tasks_by_uuid(imported)
    invoice = tasks["8f3c2a10-4b7e-4d2a-9c51-0e6f1a2b3c4d"]
    assert invoice["due"] == "2026-12-05T18:00:00" and invoice["created"] == "2026-11-02T09:15:00"
    assert invoice["project"] == "clients.northwind" and invoice["tags"] == ["billing", "next"]
    review = tasks["1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"]
    assert review["scheduled"] == "2026-11-26" and review["depends"] == [invoice["id"]]
    domain = tasks["aa11bb22-cc33-4d44-8e55-ff6677889900"]
    assert domain["status"] == "waiting" and domain["wait"] == "2026-12-08"
    assert domain["depends"] == [invoice["id"], review["id"]]  # the comma-string form
    assert tasks["b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e"]["status"] == "done"
    assert tasks["b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e"]["done"] == "2026-09-15T17:10:00"
    assert tasks["c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"]["status"] == "cancelled"
    plants = tasks["d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"]
    assert plants["recur"] == "every week" and plants["due"] == "2026-10-28"
    assert plants["completions"] == ["2026-10-13", "2026-10-21"]
    body = (imported / invoice["path"]).read_text()
    assert "- 2026-11-20 10:45: Ask Dana which PO number to quote\n" in body
    listed = run_solo("--vault", str(imported), "list", "+BLOCKED", "--json", env=ENV)
    assert [t["title"] for t in json.loads(listed.stdout)] == ["Review pull request for the "
                                                               "ingest pipeline"]


def test_a_changed_export_updates_in_place(imported: Path) -> None:
    data = json.loads(DATA.read_text())
    data[0]["priority"] = "L"
    data[0]["annotations"].append({"entry": "20261125T100000Z", "description": "Sent!"})
    r = run_solo("--vault", str(imported), "import", "taskwarrior", "-", input=json.dumps(data),
                 env=ENV)
    assert "0 created, 1 updated, 7 unchanged" in r.stdout, r.stdout
    task = tasks_by_uuid(imported)["8f3c2a10-4b7e-4d2a-9c51-0e6f1a2b3c4d"]
    assert task["priority"] == "low"
    assert (imported / task["path"]).read_text().endswith("- 2026-11-25 11:00: Sent!\n")


def test_export_taskwarrior_round_trips(imported: Path, tmp_path: Path) -> None:
    r = run_solo("--vault", str(imported), "export", "--format", "taskwarrior", env=ENV)
    assert r.returncode == 0, r.stderr
    exported = {t["uuid"]: t for t in json.loads(r.stdout)}
    invoice = exported["8f3c2a10-4b7e-4d2a-9c51-0e6f1a2b3c4d"]
    assert invoice["due"] == "20261205T170000Z" and invoice["priority"] == "H"
    assert invoice["annotations"][1] == {"entry": "20261120T094500Z",
                                         "description": "Ask Dana which PO number to quote"}
    assert invoice["client"] == "Northwind" and invoice["status"] == "pending"
    assert exported["1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"]["depends"] == [invoice["uuid"]]
    assert exported["b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e"]["status"] == "completed"
    assert exported["c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"]["status"] == "deleted"
    assert exported["aa11bb22-cc33-4d44-8e55-ff6677889900"]["status"] == "waiting"
    assert exported["3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"]["estimate"] == "3h"
    other = tmp_path / "other"
    run_solo("init", str(other), env=ENV)
    r = run_solo("--vault", str(other), "import", "taskwarrior", "-", input=r.stdout, env=ENV)
    assert "8 created" in r.stdout, r.stdout
    again = tasks_by_uuid(other)
    assert {u: t["title"] for u, t in again.items()} == {
        u: t["title"] for u, t in tasks_by_uuid(imported).items()}


def test_export_ics_and_json(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.ics"
    r = run_solo("--vault", str(imported), "export", "--format", "ics", "-o", str(out), "+office",
                 env=ENV)
    assert r.returncode == 0, r.stderr
    text = out.read_bytes().decode()
    assert text.count("BEGIN:VTODO") == 1 and "SUMMARY:Water the office plants\r\n" in text
    assert "DUE;VALUE=DATE:20261028\r\n" in text
    r = run_solo("--vault", str(imported), "export", "status:done", env=ENV)
    assert [t["title"] for t in json.loads(r.stdout)] == ["Book the accountant meeting"]


def test_bad_import_input_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root), env=ENV)
    r = run_solo("--vault", str(root), "import", "taskwarrior", "-", input="[{oops", env=ENV)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not Taskwarrior JSON" in r.stderr
    r = run_solo("--vault", str(root), "import", "taskwarrior", str(tmp_path / "nope.json"),
                 env=ENV)
    assert r.returncode == 1 and "cannot read" in r.stderr
