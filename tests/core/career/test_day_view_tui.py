"""Today's day view and people line, and the Career content and network sections, in real Textual pilots (watcher on) and snapshots."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from support.tui_helpers import settle, wait_for
from textual.pilot import Pilot
from textual.widgets import Static

from solo.core.planning import focus
from solo.tui.app import SoloApp
from solo.tui.widgets.day_view import DayView
from solo.tui.widgets.item_list import ItemList

SIZES = pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])




def day_text(app: SoloApp) -> str:
    return str(app.screen.query_one("#day-view-text", Static).render())


def people_line(app: SoloApp) -> str:
    return str(app.screen.query_one("#today-people", Static).render())


def front(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++")[1])


@pytest.mark.anyio
async def test_day_view_shows_blocks_and_follows_a_block_written_elsewhere(
        make_app: Callable[..., SoloApp], tui_root: Path) -> None:
    app = make_app(watch=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None)
        await settle(pilot)
        text = day_text(app)
        assert " 14 █ Practice exam #3 ⚠" in text and "☾" in text
        assert " 09 █ :30 Review" in text
        assert "▸10" in text  # the current hour
        (tui_root / "blocks" / "late-call.md").write_text(
            '+++\ntitle = "Call with Nadia"\ndate = 2026-11-26\nstart = "16:30"\n'
            'end = "17:00"\ntype = "meeting"\n+++\n', encoding="utf-8")
        await wait_for(pilot, lambda: "Call with" in day_text(app))


@pytest.mark.anyio
async def test_b_blocks_time_for_the_highlighted_task_from_its_estimate(
        make_app: Callable[..., SoloApp], tui_root: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        while items.current_key != "tasks/submit-cfp-cloud-nord.md":
            await pilot.press("down")
        await pilot.press("b")
        await wait_for(pilot, lambda: any((tui_root / "blocks").glob("*submit-talk*")))
        (made,) = (tui_root / "blocks").glob("*submit-talk*")
        estimate = front(tui_root / "tasks" / "submit-cfp-cloud-nord.md").get("estimate", 60)
        fields = front(made)
        start = dt.datetime.strptime(str(fields["start"]), "%H:%M")
        end = dt.datetime.strptime(str(fields["end"]), "%H:%M")
        assert fields["task"] == "submit-cfp-cloud-nord" and fields["type"] == "focus"
        assert (end - start).seconds // 60 == estimate
        assert start.time() >= dt.time(10, 30)  # never in the past of the day


@pytest.mark.anyio
async def test_f_on_a_task_with_a_block_counts_the_session_for_that_block(
        make_app: Callable[..., SoloApp], tui_root: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        while items.current_key != "tasks/review-pr-iceberg-partitioning.md":
            await pilot.press("down")
        await pilot.press("f")
        await settle(pilot)
    timer = focus.running_timer(tui_root / ".solo")
    assert timer is not None and timer.block == "2026-11-26-0930-review-thomas-s-partitioning-pr"
    assert timer.goal == "lakehouse-migration"


@pytest.mark.anyio
async def test_two_most_overdue_people_in_working_hours_none_after(
        make_app: Callable[..., SoloApp]) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        line = people_line(app)
        assert "Antoine Girard (18 d late)" in line and "Nadia Benali (15 d late)" in line
    evening = make_app(now=dt.datetime(2026, 11, 26, 20, 0))
    async with evening.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert people_line(evening) == ""
        assert evening.screen.query_one(DayView).plan is not None


@pytest.mark.anyio
async def test_career_lists_the_pipeline_the_month_s_posts_and_the_network(
        make_app: Callable[..., SoloApp]) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        entries = app.screen.query_one(ItemList).entries
        keys = [e.key for e in entries]
        texts = [str(e.cells[0]) for e in entries]
        followers = next(e for e in entries if "LinkedIn followers" in str(e.cells[0]))
    assert any(t.startswith("Content pipeline (2 idea, 2 draft, 1 scheduled") for t in texts)
    assert "Published in November (2)" in texts
    assert keys.index("posts/orders-cutover-three-numbers.md") < keys.index(
        "posts/five-iceberg-pitfalls.md")
    assert keys.index("people/antoine-girard.md") < keys.index("people/marc-petit.md")
    assert str(followers.cells[1]) == "1840/3000"  # counted from the posts, not written


@SIZES
def test_today_with_the_day_view(snap_compare, make_app, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@SIZES
def test_career_content_and_network(snap_compare, make_app, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        items = pilot.app.screen.query_one(ItemList)
        while items.current_key != "posts/orders-cutover-three-numbers.md":
            await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
