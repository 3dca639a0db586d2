"""Recurrence rules: parsing, canonical text and next dates (month ends, leap years, weekdays)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.recur import Recurrence, add_months, next_date, parse_recurrence

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize(
    ("text", "unit", "interval"),
    [
        ("every day", "day", 1),
        ("every week", "week", 1),
        ("every month", "month", 1),
        ("every year", "year", 1),
        ("every weekday", "weekday", 1),
        ("every 2 days", "day", 2),
        ("every 3 weeks", "week", 3),
        ("every 6 months", "month", 6),
        ("every 10 years", "year", 10),
        ("every 1 day", "day", 1),
        ("every 2 weekdays", "weekday", 2),
        ("every other week", "week", 2),
        ("daily", "day", 1),
        ("weekly", "week", 1),
        ("monthly", "month", 1),
        ("yearly", "year", 1),
        ("annually", "year", 1),
        ("weekdays", "weekday", 1),
        ("  Every   2   Weeks ", "week", 2),
        ("WEEKLY", "week", 1),
    ],
)
def test_parse_accepts_documented_forms(text: str, unit: str, interval: int) -> None:
    assert parse_recurrence(text) == Recurrence(unit, interval)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "every", "every 0 days", "every -1 days", "every 2", "every fortnight",
     "every weeks", "sometimes", "every 1001 days", "every 2.5 weeks", "biweekly",
     "every day please", "every 2 days 3"],
)
def test_parse_rejects_bad_rules_with_value_error(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_recurrence(text)
    assert str(info.value)  # a message, not a bare exception


def test_parse_error_names_the_rule_and_gives_examples() -> None:
    with pytest.raises(ValueError, match="fortnightly.*every week"):
        parse_recurrence("fortnightly")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(ValueError):
        parse_recurrence(7)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "text"),
    [(Recurrence("day"), "every day"), (Recurrence("week", 3), "every 3 weeks"),
     (Recurrence("weekday"), "every weekday"), (Recurrence("month", 2), "every 2 months")],
)
def test_canonical_text_round_trips(rule: Recurrence, text: str) -> None:
    assert str(rule) == text
    assert parse_recurrence(str(rule)) == rule


def test_recurrence_rejects_bad_values() -> None:
    with pytest.raises(ValueError):
        Recurrence("day", 0)
    with pytest.raises(ValueError):
        Recurrence("fortnight")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("every day", date(2026, 12, 31), date(2027, 1, 1)),
        ("every 2 days", date(2028, 2, 28), date(2028, 3, 1)),  # leap year: Feb 29 exists
        ("every week", date(2026, 12, 28), date(2027, 1, 4)),
        ("every 3 weeks", date(2026, 1, 1), date(2026, 1, 22)),
        ("every month", date(2026, 1, 31), date(2026, 2, 28)),
        ("every month", date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        ("every month", date(2026, 3, 31), date(2026, 4, 30)),
        ("every month", date(2026, 12, 15), date(2027, 1, 15)),
        ("every 2 months", date(2026, 12, 31), date(2027, 2, 28)),
        ("every 12 months", date(2026, 5, 5), date(2027, 5, 5)),
        ("every 13 months", date(2026, 12, 1), date(2028, 1, 1)),
        ("every year", date(2028, 2, 29), date(2029, 2, 28)),
        ("every 4 years", date(2028, 2, 29), date(2032, 2, 29)),
        ("every year", date(2026, 7, 14), date(2027, 7, 14)),
        ("every 100 years", date(2000, 2, 29), date(2100, 2, 28)),  # 2100 is not a leap year
    ],
)
def test_next_date_examples(rule: str, start: date, expected: date) -> None:
    assert next_date(rule, start) == expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Monday → Tuesday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday → Monday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday → Monday
        (date(2026, 11, 29), 1, date(2026, 11, 30)),  # Sunday → Monday
        (date(2026, 11, 26), 2, date(2026, 11, 30)),  # Thursday + 2 → Monday
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 → next Monday
        (date(2026, 11, 28), 5, date(2026, 12, 4)),  # Saturday + 5 → Friday
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # Sunday + 5 → Friday
        (date(2026, 11, 27), 6, date(2026, 12, 7)),  # Friday + 6 → Monday after next
    ],
)
def test_next_weekday(start: date, count: int, expected: date) -> None:
    assert next_date(Recurrence("weekday", count), start) == expected


def test_next_date_accepts_rule_objects_and_rejects_bad_text() -> None:
    assert next_date(Recurrence("week", 2), date(2026, 1, 1)) == date(2026, 1, 15)
    with pytest.raises(ValueError):
        next_date("every blue moon", date(2026, 1, 1))


def test_next_date_out_of_range_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="out of range"):
        next_date("every day", date.max)
    with pytest.raises(ValueError, match="out of range"):
        next_date("every year", date(9999, 6, 1))
    with pytest.raises(ValueError, match="out of range"):
        next_date("every weekday", date(9999, 12, 31))


def test_add_months_negative_and_clamped() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 1, 15), 0) == date(2026, 1, 15)
    with pytest.raises(ValueError):
        add_months(date(1, 1, 1), -1)


RULES = st.builds(
    Recurrence,
    st.sampled_from(["day", "week", "month", "year", "weekday"]),
    st.integers(min_value=1, max_value=30),
)


@given(RULES, DATES)
def test_next_date_is_always_later(rule: Recurrence, start: date) -> None:
    assert next_date(rule, start) > start


@given(RULES, DATES)
def test_next_date_of_text_rule_matches_object(rule: Recurrence, start: date) -> None:
    assert next_date(str(rule), start) == next_date(rule, start)


@given(st.integers(min_value=1, max_value=40), DATES)
def test_months_keep_day_of_month_when_possible(months: int, start: date) -> None:
    result = next_date(Recurrence("month", months), start)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@given(st.integers(min_value=1, max_value=10), DATES)
def test_years_keep_month_and_day_when_possible(years: int, start: date) -> None:
    result = next_date(Recurrence("year", years), start)
    assert (result.year, result.month) == (start.year + years, start.month)
    assert result.day == start.day or (start.month, start.day, result.day) == (2, 29, 28)


@given(st.integers(min_value=1, max_value=30), DATES)
def test_weekday_rule_lands_on_a_weekday_after_n_working_days(count: int, start: date) -> None:
    result = next_date(Recurrence("weekday", count), start)
    assert result.weekday() < 5
    days = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    assert sum(1 for day in days if day.weekday() < 5) == count


@given(st.text(max_size=30))
def test_parse_only_raises_value_error(text: str) -> None:
    try:
        rule = parse_recurrence(text)
    except ValueError:
        return
    assert parse_recurrence(str(rule)) == rule
