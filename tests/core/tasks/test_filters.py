"""Taskwarrior-style filters over index rows: tags, attributes, date modifiers, virtual tags, words, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from support.rows import task_row

from solo.core.engine.index import Row
from solo.core.planning.filters import Context, FilterError, parse_filter, parse_sort, sort_rows

THURSDAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 12, 0)

ROWS: list[Row] = [
    task_row("Pay rent", status="next", due=dt.date(2026, 11, 25), tags=["home"],
             priority="high"),
    task_row("Call bank", status="inbox", due=dt.date(2026, 11, 26), tags=["Home", "phone"],
             project="finance"),
    task_row("Send invoice", status="next", due=dt.datetime(2026, 11, 26, 9, 0),
             project="finance.billing", priority="low"),
    task_row("Write report", status="scheduled", scheduled=dt.date(2026, 11, 28),
             due=dt.date(2026, 11, 29), depends=["pay-rent"], goal="grow"),
    task_row("Old thing", status="done", done=dt.date(2026, 11, 1)),
    task_row("Later idea", status="someday", wait=dt.date(2026, 12, 10)),
    task_row("Hear back", status="waiting", due=dt.date(2026, 12, 3)),
    task_row("Grow", kind="goal", status="active"),
    task_row("Reading list", kind="note"),
]


def titles(terms: list[str], *, include_closed: bool = False) -> list[str]:
    flt = parse_filter(terms, THURSDAY, include_closed=include_closed)
    ctx = Context.at(THURSDAY, ROWS, NOW)
    return [r.title for r in flt.apply(ROWS, ctx)]


def test_default_shows_open_tasks_and_other_kinds_but_hides_waiting_until() -> None:
    assert titles([]) == ["Pay rent", "Call bank", "Send invoice", "Write report",
                          "Hear back", "Grow", "Reading list"]
    assert "Old thing" in titles([], include_closed=True)
    assert "Later idea" in titles([], include_closed=True)


def test_tags_are_case_insensitive_and_can_be_excluded() -> None:
    assert titles(["+home"]) == ["Pay rent", "Call bank"]
    assert titles(["+home", "-phone"]) == ["Pay rent"]
    assert titles(["+#phone"]) == ["Call bank"]


def test_attributes() -> None:
    assert titles(["project:finance"]) == ["Call bank", "Send invoice"]  # x and x.y
    assert titles(["project:finance.billing"]) == ["Send invoice"]
    assert titles(["project.not:finance", "kind:task"]) == ["Pay rent", "Write report",
                                                             "Hear back"]
    assert titles(["priority:high"]) == ["Pay rent"]
    assert titles(["pri:L"]) == ["Send invoice"]
    assert titles(["goal:grow"]) == ["Write report"]
    assert titles(["goal:Grow"]) == ["Write report"]  # by the goal's title too


def test_status_lists_and_closed_statuses_named_explicitly() -> None:
    assert titles(["status:next,waiting"]) == ["Pay rent", "Send invoice", "Hear back"]
    assert titles(["status:done"]) == ["Old thing"]


def test_dates() -> None:
    assert titles(["due.before:eow", "kind:task"]) == ["Pay rent", "Call bank",
                                                       "Send invoice"]
    assert titles(["due.by:eow"]) == ["Pay rent", "Call bank", "Send invoice", "Write report"]
    assert titles(["due.after:2026-11-29"]) == ["Hear back"]
    assert titles(["due:today"]) == ["Call bank", "Send invoice"]
    # against a time, a day without one counts as its midnight (as in Taskwarrior)
    assert titles(["due.before:today 10:00"]) == ["Pay rent", "Call bank", "Send invoice"]
    assert titles(["due.after:today 8:00"]) == ["Send invoice", "Write report", "Hear back"]
    assert titles(["scheduled:sat"]) == ["Write report"]
    assert titles(["due:", "kind:task"]) == []
    assert titles(["due.none:"]) == ["Grow", "Reading list"]
    assert titles(["scheduled.any:"]) == ["Write report"]


def test_virtual_tags() -> None:
    assert titles(["+OVERDUE"]) == ["Pay rent", "Send invoice"]  # 9:00 today has passed
    assert titles(["+TODAY"]) == ["Call bank", "Send invoice"]
    assert titles(["+WEEK"]) == ["Pay rent", "Call bank", "Send invoice", "Write report"]
    assert titles(["+BLOCKED"]) == ["Write report"]
    assert titles(["+BLOCKING"]) == ["Pay rent"]
    assert titles(["+READY"]) == ["Pay rent", "Call bank", "Send invoice"]
    assert titles(["+WAITING"]) == ["Later idea", "Hear back"]
    assert titles(["-OVERDUE", "kind:task"]) == ["Call bank", "Write report", "Hear back"]


def test_words_match_the_title() -> None:
    assert titles(["REPORT"]) == ["Write report"]
    assert titles(["pay", "rent"]) == ["Pay rent"]
    assert titles(["+home", "bank"]) == ["Call bank"]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("prjoect:x", "unknown filter attribute 'prjoect' in 'prjoect:x' (did you mean project?)"),
        ("due.befor:eow", "unknown modifier 'befor' in 'due.befor:eow' (did you mean before?)"),
        ("status:bogus", "unknown status 'bogus'; valid: inbox, next, waiting"),
        ("status:nxt", "did you mean next?"),
        ("priority:urgent", "unknown priority 'urgent' in 'priority:urgent'; valid: high"),
        ("due:whenever", "filter term 'due:whenever': due: not a date: 'whenever'"),
        ("+OVERDEU", "no virtual tag OVERDEU (did you mean OVERDUE?)"),
        ("project.before:x", "applies to dates only"),
        ("+", None),
    ],
)
def test_bad_terms_name_the_term(term: str, message: str | None) -> None:
    if message is None:  # a lone "+" is a title word, not an error
        assert titles([term]) == []
        return
    with pytest.raises(FilterError) as err:
        parse_filter([term], THURSDAY)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_sorting() -> None:
    rows = [r for r in ROWS if r.kind == "task"]
    assert [r.title for r in sort_rows(rows, *parse_sort("due"))][:3] == [
        "Pay rent", "Call bank", "Send invoice"]
    assert [r.title for r in sort_rows(rows, *parse_sort("due-"))][0] == "Hear back"
    by_priority = [r.title for r in sort_rows(rows, *parse_sort("priority-"))]
    assert by_priority[:2] == ["Pay rent", "Send invoice"]
    with pytest.raises(FilterError, match="unknown sort key 'deu' \\(did you mean due\\?\\)"):
        parse_sort("deu")
