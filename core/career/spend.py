"""What the one-person company spends: the stack (tools, equipment, subscriptions, services) and learning, per month and year, by category and currency, and renewals due soon.

Money in different currencies is never added together: every total is a mapping
currency → amount. Monthly costs count every month; yearly costs one twelfth a month;
one-off costs (`period = "once"`, and paid learning) in the month they were paid (`bought`,
else `created`). A resource counts from the month it was bought or created (always, without
either) until the month of an `ended` date if it has one. Planned learning is not spent yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from solo.core.career.progress import (
    ItemRef,
    currency_of,
    date_of,
    learning_paid_on,
    number,
    visible,
)
from solo.core.engine.index import Row
from solo.core.model.recur import add_months

RENEWAL_DAYS = 30
LEARNING = "learning"
Month = tuple[int, int]
Money = dict[str, float]
"""currency → amount"""


def month_key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def month_of(day: dt.date) -> Month:
    return (day.year, day.month)


def shift(month: Month, by: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + by
    return (index // 12, index % 12 + 1)


@dataclass(frozen=True)
class Cost:
    """One item's cost and how it is paid (`period`: monthly, yearly or once)."""

    item: ItemRef
    category: str
    amount: float
    currency: str
    period: str
    since: Month | None
    until: Month | None
    paid: Month | None

    def in_month(self, month: Month) -> float:
        """What this item costs in `month`."""
        if self.period == "once":
            return self.amount if self.paid == month else 0.0
        if (self.since and month < self.since) or (self.until and month > self.until):
            return 0.0
        return self.amount if self.period == "monthly" else self.amount / 12


def costs(rows: Sequence[Row]) -> list[Cost]:
    """Every stack item with a cost, and every learning item already paid for."""
    out = []
    for row in visible(rows):
        amount = number(row.fields.get("cost"))
        if not amount or amount < 0:
            continue
        if row.kind == "resource":
            period = row.fields.get("period")
            period = period if period in ("monthly", "yearly", "once") else "once"
            category = row.fields.get("category")
            start, ended = date_of(row, "bought", "created"), date_of(row, "ended")
            out.append(Cost(item=ItemRef.of(row),
                            category=category if isinstance(category, str) else "other",
                            amount=amount, currency=currency_of(row), period=period,
                            since=month_of(start) if start else None,
                            until=month_of(ended) if ended else None,
                            paid=month_of(start) if start else None))
        elif row.kind == "learning" and row.status in ("in-progress", "done", "dropped"):
            paid = learning_paid_on(row)
            out.append(Cost(item=ItemRef.of(row), category=LEARNING, amount=amount,
                            currency=currency_of(row), period="once", since=None, until=None,
                            paid=month_of(paid) if paid else None))
    return out


def _add(table: dict[str, dict[str, float]], currency: str, category: str, amount: float) -> None:
    if amount:
        per = table.setdefault(currency, {})
        per[category] = per.get(category, 0.0) + amount


def _totals(table: dict[str, dict[str, float]]) -> Money:
    return {cur: sum(per.values()) for cur, per in sorted(table.items())}


@dataclass(frozen=True)
class Period:
    """Spend in one month ("2026-11") or year ("2026"): currency → category → amount, and
    currency → total."""

    label: str
    by_category: dict[str, dict[str, float]]
    total: Money


@dataclass(frozen=True)
class Renewal:
    """A recurring cost that renews soon."""

    item: ItemRef
    date: dt.date
    days: int
    amount: float
    currency: str
    period: str


@dataclass(frozen=True)
class SpendReport:
    """The stack's running cost today, the last months and years, and renewals due soon.

    `recurring` is the monthly run rate of the stack (monthly + yearly / 12) by currency and
    category; `months` the last 12 months (oldest first, current last, one-offs and learning
    included); `years` each year from the first cost to this one, up to this month.
    """

    today: dt.date
    recurring: dict[str, dict[str, float]]
    recurring_total: Money
    months: list[Period]
    years: list[Period]
    renewals: list[Renewal]


def period_spend(all_costs: Sequence[Cost], months: Sequence[Month], label: str) -> Period:
    table: dict[str, dict[str, float]] = {}
    for cost in all_costs:
        for month in months:
            _add(table, cost.currency, cost.category, cost.in_month(month))
    table = {cur: dict(sorted(per.items())) for cur, per in sorted(table.items())}
    return Period(label=label, by_category=table, total=_totals(table))


def next_renewal(row: Row, today: dt.date) -> dt.date | None:
    """The next renewal on or after `today`: `renews`, rolled forward by the period when it
    is past (a monthly subscription that renewed on the 3rd renews next month on the 3rd)."""
    renews = date_of(row, "renews")
    period = row.fields.get("period")
    if renews is None or period not in ("monthly", "yearly"):
        return renews if renews and renews >= today else None
    step = 1 if period == "monthly" else 12
    first, count = renews, 0
    while renews < today:  # from the first date each time: Jan 31 → Feb 28 → Mar 31
        count += step
        renews = add_months(first, count)
    return renews


def renewals(rows: Sequence[Row], today: dt.date, days: int = RENEWAL_DAYS) -> list[Renewal]:
    """Stack items renewing within `days` days of `today` (today included), soonest first."""
    out = []
    for row in visible(rows, "resource"):
        if date_of(row, "ended"):
            continue
        when = next_renewal(row, today)
        amount = number(row.fields.get("cost"))
        if when is None or (when - today).days > days:
            continue
        period = row.fields.get("period")
        out.append(Renewal(item=ItemRef.of(row), date=when, days=(when - today).days,
                           amount=amount or 0.0, currency=currency_of(row),
                           period=period if isinstance(period, str) else ""))
    return sorted(out, key=lambda r: (r.date, r.item.title.lower()))


def spend_report(rows: Sequence[Row], today: dt.date, months: int = 12) -> SpendReport:
    """The full spend report on `today`."""
    all_costs = costs(rows)
    this = month_of(today)
    recurring: dict[str, dict[str, float]] = {}
    for cost in all_costs:
        if cost.period != "once":
            _add(recurring, cost.currency, cost.category, cost.in_month(this))
    recurring = {cur: dict(sorted(per.items())) for cur, per in sorted(recurring.items())}
    month_list = [shift(this, -n) for n in range(months - 1, -1, -1)]
    starts = [m for c in all_costs for m in (c.since, c.paid) if m]
    first_year = min((m[0] for m in starts), default=today.year)
    years = [period_spend(all_costs, [(y, m) for m in range(1, 13) if (y, m) <= this], str(y))
             for y in range(first_year, today.year + 1)]
    return SpendReport(
        today=today, recurring=recurring, recurring_total=_totals(recurring),
        months=[period_spend(all_costs, [m], month_key(m)) for m in month_list],
        years=[y for y in years if y.total], renewals=renewals(rows, today))


def spend_series(rows: Sequence[Row], today: dt.date,
                 months: int = 12) -> dict[str, list[tuple[str, float]]]:
    """For the Career chart: currency → [("YYYY-MM", amount)] for the last `months` months,
    oldest first, every month present."""
    report = spend_report(rows, today, months)
    currencies = sorted({c for p in report.months for c in p.total})
    return {cur: [(p.label, round(p.total.get(cur, 0.0), 2)) for p in report.months]
            for cur in currencies}
