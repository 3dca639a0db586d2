"""Date words (`eow`, `dec-15`, `fri 17:00`, zones…) as `parse_date`, `parse_datetime` and `parse_when` read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.dates import WEEKDAYS, parse_date, parse_datetime, parse_when
from solo.core.model.kinds import coerce_value, validate

THURSDAY = date(2026, 11, 26)
SUNDAY = date(2026, 11, 29)
PARIS_WINTER = timezone(timedelta(hours=1))
days = st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31))


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("eow", THURSDAY, date(2026, 11, 29)),
        ("eow", SUNDAY, SUNDAY),  # the week ends today
        ("eocw", THURSDAY, date(2026, 11, 29)),
        ("sow", THURSDAY, date(2026, 11, 30)),
        ("sow", date(2026, 11, 30), date(2026, 12, 7)),  # on a Monday: next Monday
        ("next-week", THURSDAY, date(2026, 11, 30)),
        ("socw", THURSDAY, date(2026, 11, 23)),
        ("eoww", THURSDAY, date(2026, 11, 27)),
        ("eoww", SUNDAY, date(2026, 12, 4)),
        ("eom", THURSDAY, date(2026, 11, 30)),
        ("eom", date(2028, 2, 3), date(2028, 2, 29)),
        ("som", THURSDAY, date(2026, 12, 1)),
        ("som", date(2026, 12, 31), date(2027, 1, 1)),
        ("socm", THURSDAY, date(2026, 11, 1)),
        ("eoy", THURSDAY, date(2026, 12, 31)),
        ("soy", THURSDAY, date(2027, 1, 1)),
        ("socy", THURSDAY, date(2026, 1, 1)),
        ("12-15", THURSDAY, date(2026, 12, 15)),
        ("11-26", THURSDAY, THURSDAY),  # today counts
        ("11-25", THURSDAY, date(2027, 11, 25)),
        ("dec-15", THURSDAY, date(2026, 12, 15)),
        ("15-dec", THURSDAY, date(2026, 12, 15)),
        ("December 15", THURSDAY, date(2026, 12, 15)),
        ("jan-3", THURSDAY, date(2027, 1, 3)),
        ("feb-29", THURSDAY, date(2028, 2, 29)),
        ("+3d", THURSDAY, date(2026, 11, 29)),
        ("-1m", THURSDAY, date(2026, 10, 26)),
        ("fri", THURSDAY, date(2026, 11, 27)),
        ("2026-12-01", THURSDAY, date(2026, 12, 1)),
    ],
)
def test_date_words(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize("text", ["13-01", "feb-30", "dec-0", "foo-12", "eowk", "next-weeks"])
def test_bad_date_words_name_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text, THURSDAY)


@given(days, st.sampled_from(sorted(WEEKDAYS)))
def test_a_weekday_is_one_to_seven_days_ahead_on_that_weekday(today: date, name: str) -> None:
    day = parse_date(name, today)
    assert 1 <= (day - today).days <= 7
    assert day.weekday() == WEEKDAYS[name]


@given(days, st.integers(min_value=0, max_value=9999))
def test_plus_n_days_round_trips(today: date, n: int) -> None:
    day = parse_date(f"+{n}d", today)
    assert (day - today).days == n
    assert parse_date(f"-{n}d", day) == today


@given(days)
def test_week_and_month_bounds(today: date) -> None:
    eow, sow = parse_date("eow", today), parse_date("sow", today)
    assert eow.weekday() == 6 and 0 <= (eow - today).days <= 6
    assert sow.weekday() == 0 and sow == eow + timedelta(days=1)
    eom, som = parse_date("eom", today), parse_date("som", today)
    assert eom.month == today.month and som == eom + timedelta(days=1) and som.day == 1
    assert parse_date("eoy", today) == date(today.year, 12, 31)


@given(days, st.integers(1, 12), st.integers(1, 28))
def test_month_day_is_the_next_such_day(today: date, month: int, day: int) -> None:
    found = parse_date(f"{month}-{day}", today)
    assert (found.month, found.day) == (month, day)
    assert 0 <= (found - today).days <= 366
    assert parse_date(found.strftime("%b-%d"), today) == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05T17:00", datetime(2026, 12, 5, 17, 0)),
        ("2026-12-05T17:00+01:00", datetime(2026, 12, 5, 17, 0)),  # local is +01:00 here
        ("2026-12-05T17:00Z", datetime(2026, 12, 5, 18, 0)),
        ("2026-12-05T17:00-05:00", datetime(2026, 12, 5, 23, 0)),
        ("fri 17:00", datetime(2026, 11, 27, 17, 0)),
        ("fri 17:00+00:00", datetime(2026, 11, 27, 18, 0)),
        ("tomorrow 9am", datetime(2026, 11, 27, 9, 0)),
        ("tomorrow 12am", datetime(2026, 11, 27, 0, 0)),
        ("today 12pm", datetime(2026, 11, 26, 12, 0)),
        ("dec-15 5:30pm", datetime(2026, 12, 15, 17, 30)),
        ("eow 18:00", datetime(2026, 11, 29, 18, 0)),
    ],
)
def test_times_of_day_and_zones(text: str, expected: datetime) -> None:
    assert parse_datetime(text, THURSDAY, PARIS_WINTER) == expected


def test_a_zone_is_converted_to_the_machine_zone_by_default() -> None:
    aware = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    assert parse_datetime("2026-12-05T17:00Z", THURSDAY) == aware.astimezone().replace(tzinfo=None)


def test_parse_when_gives_a_date_or_a_local_datetime() -> None:
    assert parse_when("eow", THURSDAY) == date(2026, 11, 29)
    assert parse_when("fri 17:00", THURSDAY) == datetime(2026, 11, 27, 17, 0)
    with pytest.raises(ValueError, match="not a date: 'someday'"):
        parse_when("someday", THURSDAY)
    with pytest.raises(ValueError, match="date-time"):
        parse_when("fri 25:00", THURSDAY)


def test_date_fields_take_date_words_and_times() -> None:
    assert coerce_value("due", "task", "eom", today=THURSDAY) == date(2026, 11, 30)
    due = coerce_value("due", "task", "tomorrow 9am", today=THURSDAY)
    assert due == datetime(2026, 11, 27, 9, 0)
    assert validate("task", {"due": due}) == []
    assert validate("task", {"due": "2026-11-27T09:00:00"}) == []  # as the index holds it
    with pytest.raises(ValueError, match="^due: not a date"):
        coerce_value("due", "task", "whenever", today=THURSDAY)


@given(st.text(max_size=24), days)
def test_parse_when_only_raises_value_error(text: str, today: date) -> None:
    try:
        parse_when(text, today, PARIS_WINTER)
    except ValueError:
        pass
