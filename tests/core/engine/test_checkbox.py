"""The one-line task parser: Tasks emoji fields in any order, Dataview fields, Logseq markers, lossless round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model import checkbox
from solo.core.model.checkbox import parse, render

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄé日記 ", min_size=1, max_size=20).filter(
    lambda s: s.strip() and s.strip()[0] != " ")
DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
DATE_KEYS = ("due", "scheduled", "start", "done", "created", "cancelled")
EMOJI = {"due": "📅", "scheduled": "⏳", "start": "🛫", "done": "✅", "created": "➕",
         "cancelled": "❌"}


@st.composite
def task_lines(draw: st.DrawFn) -> tuple[str, str, dict[str, str], str]:
    title = " ".join(draw(WORDS).split())
    fields: dict[str, str] = {}
    tokens: list[str] = []
    for key in draw(st.lists(st.sampled_from(DATE_KEYS), unique=True)):
        day = draw(DAYS).isoformat()
        fields[key] = day
        tokens.append(f"{EMOJI[key]} {day}")
    level = draw(st.sampled_from([None, *checkbox.LEVEL_EMOJI]))
    if level:
        fields["priority"] = checkbox.LEVEL_PRIORITY[level]
        tokens.append(checkbox.LEVEL_EMOJI[level] + draw(st.sampled_from(["", "\ufe0f"])))
    if draw(st.booleans()):
        fields["recur"] = draw(st.sampled_from(["every week", "every 2 days when done",
                                                "every weekday", "every month"]))
        tokens.append(f"🔁 {fields['recur']}")
    if draw(st.booleans()):
        fields["task_id"] = draw(st.from_regex(r"[a-z0-9]{3,8}", fullmatch=True))
        tokens.append(f"🆔 {fields['task_id']}")
    tokens = draw(st.permutations(tokens))
    bullet = draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "12) "]))
    indent = draw(st.sampled_from(["", "  ", "\t", "> "]))
    box = draw(st.sampled_from([" ", "x", "/", "-"]))
    line = f"{indent}{bullet}[{box}] {title}" + "".join(f" {t}" for t in tokens)
    return line, title, fields, box


@given(task_lines())
def test_emoji_fields_in_any_order_parse_and_render_back(case: tuple[str, str, dict, str]) -> None:
    line, title, fields, box = case
    task = parse(line)
    assert task is not None
    assert render(task) == line
    assert task.title == title
    assert {k: v for k, v in task.fields.items() if k != "priority_level"} == fields
    assert task.status == checkbox.BOX_STATUS[box]


@given(st.text(max_size=80))
def test_any_text_parses_without_raising_and_a_task_renders_back(text: str) -> None:
    line = text.replace("\n", " ")
    for candidate in (line, f"- [ ] {line}", f"- TODO {line}"):
        task = parse(candidate)
        if task is not None:
            assert render(task) == candidate
            assert task.title


@given(task_lines(), DAYS)
def test_setting_a_field_changes_only_its_token(case: tuple[str, str, dict, str],
                                                day: dt.date) -> None:
    line, title, fields, _box = case
    task = parse(line)
    assert task is not None
    moved = checkbox.with_field(task, "due", day.isoformat())
    assert moved.title == title and moved.fields["due"] == day.isoformat()
    assert {k: v for k, v in moved.fields.items() if k not in ("due", "priority_level")} == \
        {k: v for k, v in fields.items() if k != "due"}
    if "due" in fields:  # replaced in place: the rest of the line is untouched
        assert render(moved) == line.replace(f"📅 {fields['due']}", f"📅 {day.isoformat()}")
    removed = checkbox.with_field(moved, "due", None)
    assert "due" not in removed.fields and removed.title == title


def test_formats_statuses_and_tags() -> None:
    task = parse("- [ ] Pay rent 📅 2026-12-05 ⏫ #home 🔁 every month ^rent")
    assert task is not None and task.format == "tasks" and task.tags == ("home",)
    assert task.title == "Pay rent #home" and task.fields["priority"] == "high"
    dv = parse("1) [/] Write it [due:: 2026-12-05] (priority:: lowest) [owner:: me]")
    assert dv is not None and dv.format == "dataview" and dv.status == "next"
    assert dv.fields == {"due": "2026-12-05", "priority": "low", "priority_level": "lowest"}
    assert dv.title == "Write it [owner:: me]"  # an unknown field stays the user's text
    logseq = parse("- LATER [#B] Call mum")
    assert logseq is not None and logseq.format == "logseq" and logseq.status == "inbox"
    assert logseq.fields["priority"] == "medium" and logseq.title == "Call mum"
    assert parse("- [ ] [#A] not logseq").title == "[#A] not logseq"  # type: ignore[union-attr]
    for line, status in [("- [x] a", "done"), ("- [X] a", "done"), ("- [-] a", "cancelled"),
                         ("- [>] a", "someday"), ("- [?] a", "inbox"), ("- DONE a", "done"),
                         ("- CANCELED a", "cancelled"), ("- NOW a", "next")]:
        assert parse(line).status == status, line  # type: ignore[union-attr]


@pytest.mark.parametrize("line", ["- item", "- [ ]", "- [ ]   ", "[ ] no bullet", "-[ ] tight",
                                  "- [xx] two", "- TODOS are not markers", "TODO no bullet",
                                  "- [ ] 📅 2026-12-05"])
def test_not_tasks(line: str) -> None:
    assert parse(line) is None


def test_a_bad_date_is_reported_and_kept_in_the_title() -> None:
    task = parse("- [ ] Renew 📅 2026-02-30")
    assert task is not None and "due" not in task.fields
    assert task.title == "Renew 📅 2026-02-30"
    assert task.problems == ("due '2026-02-30' is not a date (YYYY-MM-DD)",)


def test_edits_of_status_priority_and_logseq_markers() -> None:
    task = parse("- [ ] Call 🔼 📅 2026-12-05")
    assert task is not None
    assert render(checkbox.with_priority(task, "low")) == "- [ ] Call 🔽 📅 2026-12-05"
    assert render(checkbox.with_priority(task, None)) == "- [ ] Call 📅 2026-12-05"
    assert render(checkbox.with_status(task, "done")) == "- [x] Call 🔼 📅 2026-12-05"
    blocked = parse("- [ ] Plain ^blk")
    assert blocked is not None
    assert render(checkbox.with_field(blocked, "due", "2026-12-01")) == \
        "- [ ] Plain 📅 2026-12-01 ^blk"
    dataview = parse("- [ ] Plain [due:: 2026-12-01]")
    assert dataview is not None
    assert render(checkbox.with_priority(dataview, "high")) == \
        "- [ ] Plain [due:: 2026-12-01] [priority:: high]"
    logseq = parse("  - TODO Call")
    assert logseq is not None
    assert render(checkbox.with_priority(logseq, "high")) == "  - TODO [#A] Call"
    assert render(checkbox.with_status(logseq, "done")) == "  - DONE Call"


def test_logseq_planning_lines_and_page_properties() -> None:
    plan = checkbox.planning("  SCHEDULED: <2026-12-05 Sat .+1w> DEADLINE: <2026-12-09 Wed>")
    assert plan is not None and plan.recur == "every week when done"
    assert plan.fields == {"scheduled": "2026-12-05", "due": "2026-12-09"}
    assert checkbox.planning("  DEADLINE: <2026-12-05 Sat +2m>").recur == "every 2 months"  # type: ignore[union-attr]
    assert checkbox.planning("just text") is None
    assert checkbox.with_planning_dates("  SCHEDULED: <2026-12-05 Sat 09:00 .+1w>",
                                        {"scheduled": dt.date(2026, 12, 8)}) == \
        "  SCHEDULED: <2026-12-08 Tue 09:00 .+1w>"
    props = checkbox.page_properties("title:: Chores\ntags:: home, [[weekly]]\nalias:: Work\n\n"
                                     "- TODO x\nlate:: no\n")
    assert props == {"title": "Chores", "tags": ["home", "weekly"], "aliases": ["Work"]}
