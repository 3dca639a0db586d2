"""Pilot tests: every screen shows the example vault's content and the keys move between them."""

from __future__ import annotations

import datetime as dt

import pytest
from support.tui_helpers import open_screen, settle, wait_for
from textual.widgets import Input, Static

from solo.core.vault import Vault
from solo.tui.screens.career import CareerScreen
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.reviews import ReviewsScreen
from solo.tui.screens.tasks import TasksScreen, tab_line
from solo.tui.screens.today import TodayScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


def keys_of(screen: object) -> list[str | None]:
    return [e.key for e in screen.query_one(ItemList).entries]  # type: ignore[attr-defined]


async def test_today_shows_agenda_focus_and_hours(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        keys = keys_of(screen)
        assert "tasks/submit-cfp-cloud-nord.md" in keys
        assert keys.index("tasks/write-terraform-module-readmes.md") < keys.index(
            "tasks/submit-cfp-cloud-nord.md") < keys.index("tasks/practice-exam-3.md")
        assert "tasks/practice-exam-2.md" not in keys  # done
        assert "focus/2026-11-26-0800-sa-pro-dms.md" in keys
        summary = str(screen.query_one("#today-summary").render())
        assert "Thursday 26 November 2026" in summary and "7h30 left" in summary
        assert "focus 50/480" in summary


async def test_today_shows_the_week_against_the_cap_and_a_trend(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        week = str(app.screen.query_one("#today-week").render())
        assert "This week: 5h40 of 40h" in week and "last 8 weeks ▁▁▁▁▇▇█▂" in week
        assert "over your weekly cap" not in week


@pytest.mark.parametrize(("now", "nags"), [(dt.datetime(2026, 11, 26, 10, 30), True),
                                           (dt.datetime(2026, 11, 26, 20, 0), False)])
async def test_today_warns_over_the_weekly_cap_and_nags_only_in_working_hours(
        make_app, tui_root, now: dt.datetime, nags: bool) -> None:
    vault = Vault(tui_root)
    vault.config.work.weekly_cap_minutes = 240
    vault.save_config()
    vault.close()
    app = make_app(now=now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        week = str(app.screen.query_one("#today-week").render())
        assert "This week: 5h40 of 4h" in week and "over your weekly cap by 1h40" in week
        assert ("over the 4 h weekly cap" in week) is nags


async def test_number_keys_and_sidebar_switch_screens(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, kind in (("2", TasksScreen), ("3", NotesScreen), ("4", CareerScreen),
                          ("5", ReviewsScreen), ("1", TodayScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind)
        await pilot.click("Sidebar", offset=(2, 3))  # "3 Notes"
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)


async def test_tasks_lists_filters_and_sort(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_screen(pilot, "2", TasksScreen)
        assert screen.list_name == "next" and len(keys_of(screen)) == 8
        assert keys_of(screen)[0] == "tasks/submit-expense-report-october.md"  # by due
        await pilot.press("right")
        await settle(pilot)
        assert screen.list_name == "waiting"
        assert set(keys_of(screen)) == {"tasks/exam-fee-preapproval.md",
                                        "tasks/maison-verde-s3-access.md",
                                        "tasks/guest-post-journal-du-data.md"}
        await pilot.press("left", "o")
        await settle(pilot)
        assert screen.sort_by == "priority"
        priorities = [screen.rows_by_path[k].priority for k in keys_of(screen)]
        assert priorities.index("high") < priorities.index("medium")
        await pilot.press("t")
        await pilot.press(*"brand", "enter")
        await settle(pilot)
        assert keys_of(screen) and all("brand" in screen.rows_by_path[k].tags
                                       for k in keys_of(screen))
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one(Input).value = "personal-brand"
        await pilot.press("enter")
        await settle(pilot)
        assert "tasks/submit-cfp-cloud-nord.md" in keys_of(screen)
        assert all(screen.rows_by_path[k].fields.get("goal") == "personal-brand"
                   for k in keys_of(screen))
        await pilot.press("P")
        await settle(pilot)
        app.screen.query_one(Input).value = "nothing"
        await pilot.press("enter")
        await settle(pilot)
        assert keys_of(screen) == []


async def test_tasks_tab_line_keeps_the_filters_at_80_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "2", TasksScreen)
        await pilot.press("t", *"brand", "enter")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one(Input).value = "personal-brand"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.counts != {})
        await settle(pilot)
        tabs = screen.query_one("#tasks-tabs", Static)
        shown = str(tabs.render())
        assert len(shown) <= tabs.content_region.width
        assert shown.startswith(" next ")  # the other lists make way for the filters
        assert shown.endswith("tag:brand goal:personal-brand by due")
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        shown = str(tabs.render())
        assert " wai " in shown and shown.endswith("tag:brand by due")  # room again: shortened


def test_tab_line_shrinks_the_other_lists_before_the_filters() -> None:
    counts = {"inbox": 3, "next": 12, "waiting": 0, "scheduled": 4, "someday": 7, "done": 1234}
    extra = ["tag:work", "project:solo", "by due"]
    wide = tab_line("next", counts, extra, 140).plain
    assert "waiting 0" in wide and wide.endswith("tag:work project:solo by due")
    for width in range(40, 140):
        line = tab_line("next", counts, extra, width)
        assert line.cell_len <= width, width
        assert line.plain.endswith("tag:work project:solo by due")
        assert "next 12" in line.plain


async def test_notes_screen_opens_a_note_with_backlinks(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.open_item("notes/sa-pro-study-plan.md")
        await settle(pilot)
        assert screen.editor.text.startswith("# SAP-C02 study plan")
        backlinks = {r.path for r in screen.backlinks}
        assert "tasks/study-for-sa-pro.md" in backlinks
        assert "goals/cloud-certification.md" in backlinks


async def test_career_shows_goal_progress_and_sections(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        entries = app.screen.query_one(ItemList).entries
        text = [" ".join(str(c) for c in e.cells) for e in entries]
        headers = [t for t, e in zip(text, entries, strict=True) if e.key is None]
        assert headers[0] == "Goals" and "Stack" in headers[-1]
        terraform = next(t for t in text if "portfolio of open-source" in t)
        # KRs 1/4, 0/4, 6/50 → mean(0.25, 0, 0.12) ≈ 12%, and at risk
        assert "12%" in terraform and "⚠" in terraform
        assert any("86/120" in t for t in text)
        assert any("GitHub Copilot" in t and "10 USD monthly" in t for t in text)
        assert headers.index("Time per goal (last 8 weeks)") == 1
        assert any("Deliver the lakehouse" in t and "▁▁▁▁▁▅█▅  7h40" in t for t in headers)
        assert any("EUR" in t and "46.25/month recurring" in t for t in headers)
        assert any("AWS architecture" in t and "●●●○○ gap 2" in t for t in text)


async def test_reviews_list_and_viewer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert keys_of(screen) == ["reviews/2026-w47.md", "reviews/2026-w46.md",
                                   "reviews/2026-w45.md"]
        assert "47.5 hours worked" in screen.query_one("#review-body")._markdown
        await pilot.press("down")
        await settle(pilot)
        assert "2026-W46" in screen.query_one("#review-body")._markdown
