"""Layout defects of issue 11: the side pane's bottom border, review titles at 80 columns."""

from __future__ import annotations

import pytest
from support.tui_helpers import settle
from textual.widgets import Input

from solo.core.engine.index import Row
from solo.tui.screens.reviews import review_label
from solo.tui.widgets.footer import SoloFooter
from solo.tui.widgets.item_list import ItemList
from solo.tui.widgets.side_pane import SidePane

pytestmark = pytest.mark.anyio


def review(title: str, period: str) -> Row:
    return Row("reviews/r.md", None, "review", title, None, None, None, None, [],
               {"period": period}, False, 0, 0, "", None)


def test_review_label_does_not_repeat_the_week() -> None:
    assert review_label(review("Weekly review 2026-W53", "2026-W53")) == "Weekly review 2026-W53"
    assert review_label(review("Rough week", "2026-W53")) == "W53 Rough week"
    assert review_label(review("Plain", "")) == "Plain"


async def test_side_pane_ends_above_the_footer_at_80x24(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.register_side_pane(lambda: Input(id="probe"), "f9")
        await pilot.press("f9")
        await settle(pilot)
        pane, footer = app.screen.query_one(SidePane), app.screen.query_one(SoloFooter)
        assert footer.region.y == 23
        assert pane.region.bottom == footer.region.y  # the pane's last row (border) shows


async def test_reviews_list_shows_each_week_once_at_80_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        lines = [str(entry.cells[0]) for entry in items.entries]
        assert lines and all(line.count("W4") == 1 for line in lines)
