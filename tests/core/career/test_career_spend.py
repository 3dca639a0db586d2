"""Spend: monthly run rate, months and years by category and currency, one-offs, learning, renewals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.career_helpers import TODAY, page, rows_of

from solo.core.career import spend


def resource(stem: str, category: str, cost: float, currency: str, period: str,
             **extra: str) -> dict[str, str]:
    lines = [f'title = "{stem}"', f'category = "{category}"', f"cost = {cost}",
             f'currency = "{currency}"', f'period = "{period}"']
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return {f"stack/{stem}.md": page("\n".join(lines))}


def test_acceptance_12_monthly_and_120_yearly_make_22_a_month(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**resource("canva", "subscription", 12, "EUR", "monthly"),
                              **resource("blog", "subscription", 120, "EUR", "yearly")})
    report = spend.spend_report(rows, TODAY)
    assert report.recurring_total == {"EUR": pytest.approx(22.0)}
    assert report.recurring == {"EUR": {"subscription": pytest.approx(22.0)}}
    assert report.months[-1].label == "2026-11"
    assert report.months[-1].total == {"EUR": pytest.approx(22.0)}


def test_currencies_are_never_added_together(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**resource("copilot", "subscription", 10, "USD", "monthly"),
                              **resource("gpt", "subscription", 23, "EUR", "monthly"),
                              **resource("lab", "service", 20, "USD", "monthly")})
    report = spend.spend_report(rows, TODAY)
    assert report.recurring_total == {"EUR": 23.0, "USD": 30.0}
    assert report.recurring["USD"] == {"service": 20.0, "subscription": 10.0}


def test_once_counts_in_its_month_bought_else_created(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        **resource("desk", "equipment", 489, "EUR", "once", bought="2026-02-14",
                   created="2026-03-01"),
        **resource("chair", "equipment", 300, "EUR", "once", created="2026-05-20"),
        **resource("leap", "equipment", 29, "EUR", "once", bought="2024-02-29"),
    })
    report = spend.spend_report(rows, TODAY)
    months = {p.label: p.total for p in report.months}
    assert months["2026-02"] == {"EUR": 489.0} and months["2026-05"] == {"EUR": 300.0}
    assert months["2026-03"] == {}
    assert report.recurring == {}  # one-offs are not a monthly cost
    years = {p.label: p.by_category for p in report.years}
    assert years["2024"] == {"EUR": {"equipment": 29.0}}
    assert years["2026"] == {"EUR": {"equipment": 789.0}}


def test_recurring_counts_from_its_start_month_and_until_ended(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        **resource("new", "subscription", 10, "EUR", "monthly", created="2026-09-15"),
        **resource("old", "tool", 5, "EUR", "monthly", created="2026-01-01", ended="2026-03-31"),
    })
    report = spend.spend_report(rows, TODAY)
    months = {p.label: p.total for p in report.months}
    assert months["2026-08"] == {} and months["2026-09"] == {"EUR": 10.0}
    assert months["2026-03"] == {"EUR": 5.0} and months["2026-04"] == {}
    assert report.recurring_total == {"EUR": 10.0}
    assert {p.label: p.total for p in report.years}["2026"] == {"EUR": 15.0 + 30.0}


def test_learning_costs_count_once_when_paid_and_planned_not_at_all(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        "learning/exam.md": page('title = "Exam"\nstatus = "in-progress"\ncost = 300\n'
                                 'currency = "USD"\ncreated = 2026-09-01\nbought = 2026-11-10'),
        "learning/workshop.md": page('title = "Workshop"\nstatus = "planned"\ncost = 450\n'
                                     'currency = "EUR"\ncreated = 2026-11-02'),
    })
    report = spend.spend_report(rows, TODAY)
    months = {p.label: p.by_category for p in report.months}
    assert months["2026-11"] == {"USD": {"learning": 300.0}}
    assert months["2026-09"] == {}


def test_years_run_up_to_this_month_only(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, resource("s", "subscription", 10, "EUR", "monthly",
                                      created="2025-11-05"))
    years = {p.label: p.total for p in spend.spend_report(rows, TODAY).years}
    assert years == {"2025": {"EUR": 20.0}, "2026": {"EUR": 110.0}}  # Nov–Dec, Jan–Nov


def test_renewals_within_30_days_rolled_forward(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {
        **resource("soon", "subscription", 10, "USD", "monthly", renews="2026-12-03"),
        **resource("past", "subscription", 5, "EUR", "monthly", renews="2026-10-31"),
        **resource("yearly", "service", 15, "EUR", "yearly", renews="2025-12-11"),
        **resource("far", "subscription", 120, "EUR", "yearly", renews="2027-03-02"),
        **resource("edge", "tool", 1, "EUR", "monthly", renews="2026-12-26"),
        **resource("beyond", "tool", 1, "EUR", "monthly", renews="2026-12-27"),
        **resource("thing", "equipment", 500, "EUR", "once", renews="2026-11-01"),
    })
    found = [(r.item.stem, r.date, r.days) for r in spend.renewals(rows, TODAY)]
    assert found == [("past", dt.date(2026, 11, 30), 4), ("soon", dt.date(2026, 12, 3), 7),
                     ("yearly", dt.date(2026, 12, 11), 15), ("edge", dt.date(2026, 12, 26), 30)]


def test_month_end_renewals_clamp_in_leap_years(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, resource("x", "subscription", 1, "EUR", "monthly",
                                      renews="2028-01-31"))
    row = rows[0]
    assert spend.next_renewal(row, dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert spend.next_renewal(row, dt.date(2028, 3, 1)) == dt.date(2028, 3, 31)


def test_spend_series_per_currency_for_12_months(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**resource("a", "subscription", 12, "EUR", "monthly"),
                              **resource("b", "service", 20, "USD", "monthly",
                                         created="2026-06-01")})
    series = spend.spend_series(rows, TODAY)
    assert set(series) == {"EUR", "USD"}
    assert len(series["EUR"]) == 12 and series["EUR"][0] == ("2025-12", 12.0)
    assert series["USD"][5] == ("2026-05", 0.0) and series["USD"][6] == ("2026-06", 20.0)


def test_example_vault_monthly_run_rate(example_vault) -> None:  # type: ignore[no-untyped-def]
    report = spend.spend_report(example_vault.rows(), TODAY)
    assert report.recurring_total == {"EUR": pytest.approx(46.25), "USD": pytest.approx(30.0)}
    assert [r.item.stem for r in report.renewals] == \
        ["aws-lab-account", "github-copilot", "chatgpt-plus", "domain-name", "canva-pro"]
