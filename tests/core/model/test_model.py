"""The domain model: kinds, titles, field schemas, validation, coercion, task completion, file names."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model import kinds as model
from solo.core.model.completion import (
    CompletionRefused,
    complete_task,
    completion_dates,
    reset_checkboxes,
)
from solo.core.model.dates import parse_date, parse_datetime, parse_minutes
from solo.core.model.kinds import (
    DEFAULT_FOLDERS,
    KINDS,
    OPEN_TASK_STATUSES,
    PRIORITIES,
    TASK_STATUSES,
    FieldSpec,
    Problem,
    coerce_value,
    field_spec,
    fields_for,
    kind_for,
    priority_rank,
    title_for,
    validate,
)
from solo.core.model.naming import slugify, unique_path
from solo.core.model.recur import next_date, parse_recurrence

THURSDAY = date(2026, 11, 26)


# --- kinds and titles ---------------------------------------------------------------------


def test_kinds_and_default_folders() -> None:
    assert set(KINDS) == {"task", "note", "goal", "skill", "learning", "achievement",
                          "resource", "review", "focus", "block", "person", "post"}
    assert set(DEFAULT_FOLDERS) == set(KINDS)
    assert DEFAULT_FOLDERS["resource"] == "stack"
    assert DEFAULT_FOLDERS["task"] == "tasks"
    assert DEFAULT_FOLDERS["focus"] == "focus"


@pytest.mark.parametrize(
    ("path", "fields", "expected"),
    [
        ("tasks/write-report.md", {}, "task"),
        ("stack/laptop.md", {}, "resource"),
        ("goals/cloud.md", {}, "goal"),
        ("focus/2026-11-26-0930.md", {}, "focus"),
        ("notes/x.md", {"kind": "task"}, "task"),  # the key beats the folder
        ("tasks/x.md", {"kind": "bogus"}, "task"),  # unknown kind falls back to the folder
        ("x.md", {"kind": "bogus"}, "note"),
        ("x.md", {"kind": 3}, "note"),
        ("x.md", {}, "note"),  # file at the root
        ("tasks.md", {}, "note"),  # a file named like a folder is not in it
        ("Tasks/x.md", {}, "task"),  # folder match ignores case
        ("resources/x.md", {}, "resource"),
        ("task/x.md", {}, "task"),
        ("./tasks/x.md", {}, "task"),
        ("projects/tasks/x.md", {}, "note"),  # only the first folder counts
        ("stack/sub/dir/x.md", {}, "resource"),
        ("", {}, "note"),
    ],
)
def test_kind_for(path: str, fields: dict, expected: str) -> None:
    assert kind_for(path, fields) == expected


@pytest.mark.parametrize(
    ("path", "fields", "body", "expected"),
    [
        ("notes/a.md", {"title": "From key"}, "# From heading", "From key"),
        ("notes/a.md", {"title": "  padded  "}, "", "padded"),
        ("notes/a.md", {"title": "   "}, "# From heading\n", "From heading"),
        ("notes/a.md", {"title": 42}, "# From heading\n", "From heading"),
        ("notes/a.md", {}, "intro\n\n# First  \n# Second", "First"),
        ("notes/a.md", {}, "## Sub\n# Top", "Top"),
        ("notes/a.md", {}, "# Closing hashes ##", "Closing hashes"),
        ("notes/a.md", {}, "# C#", "C#"),
        ("notes/a.md", {}, "#hashtag line\n", "a"),  # not a heading without a space
        ("notes/a.md", {}, "    # indented code\n", "a"),
        ("notes/a.md", {}, "```bash\n# comment\n```\n# Real", "Real"),
        ("notes/a.md", {}, "~~~\n# comment\n~~~~\n", "a"),
        ("notes/a.md", {}, "````\n```\n# still code\n````\n# After", "After"),
        ("notes/a.md", {}, "#\n# \n", "a"),
        ("notes/My Trip.md", {}, "", "My Trip"),
        ("v1.2 notes.md", {}, "", "v1.2 notes"),
        ("notes/readme.MARKDOWN", {}, "", "readme"),
        ("notes/data.txt", {}, "", "data.txt"),
        ("", {}, "", "untitled"),
    ],
)
def test_title_for(path: str, fields: dict, body: str, expected: str) -> None:
    assert title_for(path, fields, body) == expected


# --- schema -------------------------------------------------------------------------------


def test_fields_for_lists_common_then_kind_fields() -> None:
    names = [spec.name for spec in fields_for("task")]
    assert names[:5] == ["title", "kind", "tags", "private", "created"]
    assert {"status", "due", "scheduled", "priority", "project", "goal", "estimate", "recur",
            "done", "waiting_for"} <= set(names)
    assert [spec.name for spec in fields_for("note")] == [*names[:5], "date"]
    assert [spec.name for spec in fields_for("no-such-kind")] == names[:5]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("goal", {"target", "status", "key_results", "skills"}),
        ("skill", {"level", "target_level", "category"}),
        ("learning", {"provider", "url", "status", "hours", "cost", "currency",
                      "certification", "due", "finished", "skills", "goal"}),
        ("achievement", {"date", "impact", "goal", "skills"}),
        ("resource", {"category", "cost", "currency", "period", "renews", "bought"}),
        ("review", {"period", "date"}),
        ("focus", {"task", "start", "minutes"}),
    ],
)
def test_kind_fields(kind: str, expected: set[str]) -> None:
    assert expected <= {spec.name for spec in fields_for(kind)}


def test_every_spec_is_well_formed() -> None:
    types = {"str", "int", "number", "bool", "date", "datetime", "list_of_str", "ref", "refs",
             "key_results", "minutes", "recurrence", "bool_or_str"}
    for kind in KINDS:
        names = [spec.name for spec in fields_for(kind)]
        assert len(names) == len(set(names)), kind
        for spec in fields_for(kind):
            assert spec.type in types
            assert spec.doc, (kind, spec.name)
            if spec.default is not None:
                assert not model._check(spec, spec.default)


def test_same_name_differs_per_kind() -> None:
    assert field_spec("task", "status").choices == TASK_STATUSES
    assert field_spec("goal", "status").choices == ("active", "achieved", "paused", "dropped")
    assert field_spec("resource", "period").choices == ("monthly", "yearly", "once")
    assert field_spec("review", "period").choices == ()
    assert field_spec("task", "nope") is None
    assert field_spec("task", "status").default == "inbox"


def test_statuses_and_priorities() -> None:
    assert TASK_STATUSES == ("inbox", "next", "waiting", "scheduled", "someday", "done",
                             "cancelled")
    assert set(OPEN_TASK_STATUSES) == set(TASK_STATUSES) - {"done", "cancelled"}
    assert PRIORITIES == ("high", "medium", "low")
    ranked = sorted(["low", None, "high", "bogus", "medium", 3], key=priority_rank)
    assert ranked[:3] == ["high", "medium", "low"]
    assert priority_rank(None) == priority_rank("bogus") == priority_rank([]) == 3


# --- validation ---------------------------------------------------------------------------


def _fields(problems: list[Problem]) -> list[str]:
    return [problem.field for problem in problems]


def test_valid_items_have_no_problems() -> None:
    assert validate("task", {
        "kind": "task", "title": "Renew", "status": "next", "due": date(2026, 12, 1),
        "scheduled": "2026-11-30", "priority": "high", "tags": ["cloud"], "goal": "cloud",
        "estimate": 30, "recur": "every 2 weeks", "private": False, "project": "x",
        "waiting_for": "Bob", "done": datetime(2026, 11, 1, 9, 0), "created": date(2026, 1, 1),
        "custom": object(),
    }) == []
    assert validate("goal", {
        "target": date(2027, 6, 30), "status": "active", "skills": ["aws", "k8s"],
        "key_results": [{"name": "Labs", "target": 10, "current": 3.5}, {"name": "Exam",
                                                                         "target": 1}],
    }) == []
    assert validate("skill", {"level": 1, "target_level": 5, "category": "cloud"}) == []
    assert validate("learning", {
        "provider": "AWS", "url": "https://aws.example", "status": "in-progress", "hours": 12.5,
        "cost": 0, "currency": "EUR", "certification": "SAA-C03", "finished": date(2026, 1, 2),
    }) == []
    assert validate("learning", {"certification": True}) == []
    assert validate("resource", {"category": "subscription", "cost": 9.99, "currency": "USD",
                                 "period": "monthly", "renews": date(2026, 12, 1)}) == []
    assert validate("review", {"period": "2026-W47", "date": date(2026, 11, 23)}) == []
    assert validate("focus", {"task": "write-report", "start": datetime(2026, 11, 26, 9, 30),
                              "minutes": 25, "kind": "focus"}) == []
    assert validate("focus", {"start": "2026-11-26T09:30:00"}) == []


@pytest.mark.parametrize(
    ("kind", "fields", "field", "words"),
    [
        ("task", {"status": "doing"}, "status", "inbox"),
        ("task", {"priority": "urgent"}, "priority", "high"),
        ("task", {"priority": 1}, "priority", "text"),
        ("task", {"due": "soon"}, "due", "date"),
        ("task", {"due": "2026-02-30"}, "due", "date"),
        ("task", {"due": 20261201}, "due", "date"),
        ("task", {"estimate": -5}, "estimate", "at least 0"),
        ("task", {"estimate": 1.5}, "estimate", "whole"),
        ("task", {"estimate": True}, "estimate", "whole"),
        ("task", {"recur": "every blue moon"}, "recur", "recurrence"),
        ("task", {"recur": 7}, "recur", "every week"),
        ("task", {"tags": "work"}, "tags", "list"),
        ("task", {"tags": ["ok", 3]}, "tags", "list"),
        ("task", {"private": "yes"}, "private", "true or false"),
        ("task", {"kind": "bogus"}, "kind", "one of"),
        ("task", {"title": ["x"]}, "title", "text"),
        ("goal", {"status": "next"}, "status", "active"),
        ("goal", {"key_results": {"name": "x"}}, "key_results", "list"),
        ("goal", {"key_results": ["x"]}, "key_results", "table"),
        ("goal", {"key_results": [{"target": 1}]}, "key_results", "name"),
        ("goal", {"key_results": [{"name": "Labs"}]}, "key_results", "target"),
        ("goal", {"key_results": [{"name": "Labs", "target": "ten"}]}, "key_results", "number"),
        ("goal", {"key_results": [{"name": "L", "target": 1, "current": True}]}, "key_results",
         "current"),
        ("goal", {"key_results": [{"name": "L", "target": math.nan}]}, "key_results", "number"),
        ("goal", {"skills": ["a", None]}, "skills", "list"),
        ("skill", {"level": 0}, "level", "between 1 and 5"),
        ("skill", {"level": 6}, "level", "between 1 and 5"),
        ("skill", {"target_level": 10**400}, "target_level", "between 1 and 5"),
        ("skill", {"level": "3"}, "level", "whole"),
        ("learning", {"cost": -1}, "cost", "at least 0"),
        ("learning", {"hours": math.inf}, "hours", "finite"),
        ("learning", {"hours": math.nan}, "hours", "finite"),
        ("learning", {"currency": "euro"}, "currency", "ISO"),
        ("learning", {"status": "started"}, "status", "in-progress"),
        ("learning", {"certification": 3}, "certification", "name"),
        ("resource", {"period": "weekly"}, "period", "monthly"),
        ("resource", {"category": "gadget"}, "category", "tool"),
        ("resource", {"cost": "9.99"}, "cost", "number"),
        ("focus", {"start": date(2026, 11, 26)}, "start", "date-time"),
        ("focus", {"start": "2026-11-26"}, "start", "date-time"),
        ("focus", {"minutes": -1}, "minutes", "at least 0"),
    ],
)
def test_validate_reports_problems(kind: str, fields: dict, field: str, words: str) -> None:
    problems = validate(kind, fields)
    assert _fields(problems) == [field]
    assert words in problems[0].message
    assert field in problems[0].message or field == "key_results"


def test_validate_reports_every_bad_field_and_keeps_unknown_keys_silent() -> None:
    problems = validate("task", {"status": "x", "due": "y", "whatever": [1, {2: 3}], 5: "z"})
    assert _fields(problems) == ["status", "due"]


def test_validate_of_unknown_kind_checks_common_fields() -> None:
    assert _fields(validate("bogus", {"tags": 1, "status": "anything"})) == ["tags"]


def test_validate_odd_front_matter() -> None:
    assert _fields(validate("task", ["not", "a", "table"])) == [""]  # type: ignore[arg-type]


class _Hostile:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no comparing me")

    def __repr__(self) -> str:
        raise RuntimeError("no showing me")

    __hash__ = object.__hash__


def test_validate_survives_hostile_values() -> None:
    problems = validate("task", {"status": _Hostile(), "priority": _Hostile(), "due": "x"})
    assert _fields(problems) == ["status", "due", "priority"]  # schema order
    assert "could not be checked" in problems[0].message


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.dates() | st.datetimes() | st.binary(max_size=5),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(sorted({spec.name for kind in KINDS for spec in fields_for(kind)}
                              | {"custom", ""}))


@given(st.sampled_from([*KINDS, "bogus"]), st.dictionaries(KEYS, VALUES, max_size=8))
def test_validate_never_raises(kind: str, fields: dict) -> None:
    problems = validate(kind, fields)
    assert all(isinstance(p, Problem) and p.field in fields and p.message for p in problems)


# --- parsing typed text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        (" 2028-02-29 ", date(2028, 2, 29)),
        ("today", THURSDAY),
        ("Tomorrow", date(2026, 11, 27)),
        ("yesterday", date(2026, 11, 25)),
        ("fri", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("next fri", date(2026, 11, 27)),
        ("thu", date(2026, 12, 3)),  # today is Thursday: the next one is a week away
        ("wed", date(2026, 12, 2)),
        ("mon", date(2026, 11, 30)),
        ("SUNDAY", date(2026, 11, 29)),
        ("+3d", date(2026, 11, 29)),
        ("+2w", date(2026, 12, 10)),
        ("-1w", date(2026, 11, 19)),
        ("+0d", THURSDAY),
        ("+1m", date(2026, 12, 26)),
        ("+1y", date(2027, 11, 26)),
        ("10d", date(2026, 12, 6)),
        ("in 3 days", date(2026, 11, 29)),
        ("in 1 week", date(2026, 12, 3)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, THURSDAY) == expected


def test_relative_months_clamp_at_month_end() -> None:
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_date("+1m", date(2028, 1, 31)) == date(2028, 2, 29)
    assert parse_date("+1y", date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize("text", ["", "  ", "notadate", "2026-02-30", "2026-13-01", "fr",
                                  "next", "+3x", "in days", "+99999d", "+9999y"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text, THURSDAY)


@given(st.text(max_size=20), st.dates())
def test_parse_date_only_raises_value_error(text: str, today: date) -> None:
    try:
        parse_date(text, today)
    except ValueError:
        pass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T09:30", datetime(2026, 12, 1, 9, 30)),
        ("2026-12-01 09:30:15", datetime(2026, 12, 1, 9, 30, 15)),
        ("2026-12-01", datetime(2026, 12, 1)),
        ("today 14:00", datetime(2026, 11, 26, 14, 0)),
        ("fri 9:05", datetime(2026, 11, 27, 9, 5)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    assert parse_datetime(text, THURSDAY) == expected


@pytest.mark.parametrize("text", ["soon", "today 25:00", "today 9", "13pm today", "9:30"])
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text, THURSDAY)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90", 90), ("30m", 30), ("45min", 45), ("45 minutes", 45), ("1h", 60), ("1h30", 90),
     ("1h30m", 90), ("1.5h", 90), ("1,5h", 90), ("2h 15m", 135), ("2 hours", 120), ("0", 0)],
)
def test_parse_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "h", "m", "soon", "-5m", "1h-30", "9" * 400 + "h"])
def test_parse_minutes_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_minutes(text)


# --- coerce_value -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "text", "expected"),
    [
        ("task", "due", "2026-12-01", date(2026, 12, 1)),
        ("task", "due", "fri", date(2026, 11, 27)),
        ("task", "scheduled", "+2w", date(2026, 12, 10)),
        ("task", "status", " Someday ", "someday"),
        ("task", "priority", "HIGH", "high"),
        ("task", "estimate", "1h30", 90),
        ("task", "estimate", "25", 25),
        ("task", "recur", "weekly", "every week"),
        ("task", "recur", "Every 2 Days", "every 2 days"),
        ("task", "tags", "work, cloud ,,career", ["work", "cloud", "career"]),
        ("task", "tags", "", []),
        ("task", "goal", "[[cloud-architect]]", "cloud-architect"),
        ("task", "title", "  Write report ", "Write report"),
        ("task", "waiting_for", "", ""),
        ("task", "private", "yes", True),
        ("task", "private", "False", False),
        ("task", "created", "today", THURSDAY),
        ("learning", "status", "in progress", "in-progress"),
        ("learning", "hours", "12.5", 12.5),
        ("learning", "cost", "1_200", 1200),
        ("learning", "currency", "eur", "EUR"),
        ("learning", "certification", "no", False),
        ("learning", "certification", "AWS SAA", "AWS SAA"),
        ("learning", "skills", "aws, [[k8s|Kubernetes]]", ["aws", "k8s"]),
        ("skill", "level", "3", 3),
        ("goal", "key_results", "Labs=3/10; Exam=1",
         [{"name": "Labs", "target": 10, "current": 3}, {"name": "Exam", "target": 1,
                                                         "current": 0}]),
        ("goal", "key_results", "Revenue k€=2.5/12.5",
         [{"name": "Revenue k€", "target": 12.5, "current": 2.5}]),
        ("focus", "start", "today 09:30", datetime(2026, 11, 26, 9, 30)),
        ("focus", "minutes", "25m", 25),
        ("resource", "period", "Yearly", "yearly"),
        ("task", "custom_key", " kept as typed ", " kept as typed "),  # unknown: unchanged
    ],
)
def test_coerce_value(kind: str, name: str, text: str, expected: object) -> None:
    value = coerce_value(name, kind, text, today=THURSDAY)
    assert value == expected
    assert type(value) is type(expected)
    spec = field_spec(kind, name)
    if spec is not None:
        assert validate(kind, {name: value}) == []
        assert coerce_value(spec, kind, text, today=THURSDAY) == expected


@pytest.mark.parametrize(
    ("kind", "name", "text", "words"),
    [
        ("task", "due", "notadate", "due"),
        ("task", "due", "", "due needs a value"),
        ("task", "status", "doing", "status must be one of"),
        ("task", "status", "", "status must be one of"),
        ("task", "priority", "urgent", "priority"),
        ("task", "estimate", "a while", "estimate"),
        ("task", "recur", "every blue moon", "recur"),
        ("task", "private", "maybe", "private"),
        ("skill", "level", "7", "level must be between 1 and 5"),
        ("skill", "level", "2.5", "level must be a whole number"),
        ("learning", "cost", "-3", "cost must be at least 0"),
        ("learning", "cost", "12,50", "dot for decimals"),
        ("learning", "cost", "nan", "cost"),
        ("learning", "currency", "euros", "currency"),
        ("goal", "key_results", "Labs", "name=current/target"),
        ("goal", "key_results", "=3/10", "name=current/target"),
        ("goal", "key_results", "Labs=three/10", "number"),
        ("focus", "start", "soon", "start"),
    ],
)
def test_coerce_value_errors_name_the_field(kind: str, name: str, text: str, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        coerce_value(name, kind, text, today=THURSDAY)


def test_coerce_defaults_today_to_the_system_day() -> None:
    assert coerce_value("due", "task", "today") == date.today()


@given(st.sampled_from([(kind, spec) for kind in KINDS for spec in fields_for(kind)]),
       st.text(max_size=25))
def test_coerce_only_raises_value_error_and_gives_valid_values(
        pair: tuple[str, FieldSpec], text: str) -> None:
    kind, spec = pair
    try:
        value = coerce_value(spec, kind, text, today=THURSDAY)
    except ValueError as exc:
        assert str(exc)
        return
    assert validate(kind, {spec.name: value}) == []


# --- complete_task ------------------------------------------------------------------------


def test_complete_plain_task() -> None:
    fields = {"title": "Write", "status": "next", "due": date(2026, 11, 20), "x-custom": [1]}
    completion = complete_task(fields, THURSDAY)
    assert not completion.repeats
    assert completion.fields == {"title": "Write", "status": "done", "done": THURSDAY,
                                 "due": date(2026, 11, 20), "x-custom": [1]}
    assert fields["status"] == "next"  # the input is not changed


def test_complete_recurring_task_moves_due_and_keeps_its_identity() -> None:
    fields = {"title": "Invoice", "status": "next", "due": date(2026, 1, 31),
              "recur": "every month", "priority": "high", "tags": ["admin"], "x-custom": "kept",
              "done": date(2025, 12, 31), "id": "abc"}
    completion = complete_task(fields, date(2026, 1, 30))
    assert completion.repeats
    assert completion.fields == {"title": "Invoice", "status": "next", "due": date(2026, 2, 28),
                                 "recur": "every month", "priority": "high", "tags": ["admin"],
                                 "x-custom": "kept", "id": "abc",
                                 "completions": [date(2026, 1, 30)]}


def test_complete_recurring_task_keeps_the_gap_between_its_dates() -> None:
    fields = {"status": "scheduled", "due": date(2026, 11, 27), "scheduled": "2026-11-25",
              "recur": "every weekday", "created": date(2026, 1, 1)}
    following = complete_task(fields, THURSDAY).fields
    assert following["status"] == "scheduled"
    assert following["due"] == date(2026, 11, 30)  # Friday → Monday
    assert following["scheduled"] == date(2026, 11, 26)
    assert following["created"] == date(2026, 1, 1)  # the same task: created once


def test_complete_recurring_task_without_dates_counts_from_today() -> None:
    following = complete_task({"recur": "every 2 weeks"}, THURSDAY).fields
    assert following == {"recur": "every 2 weeks", "status": "next", "due": date(2026, 12, 10),
                         "completions": [THURSDAY]}


def test_late_completion_comes_back_after_today() -> None:
    fields = {"scheduled": date(2026, 11, 27), "recur": "every weekday"}
    assert complete_task(fields, date(2026, 12, 1)).fields["scheduled"] == date(2026, 12, 2)


def test_when_done_rule_counts_from_the_completion_day() -> None:
    fields = {"due": date(2026, 11, 1), "recur": "every 3 days when done"}
    assert complete_task(fields, THURSDAY).fields["due"] == THURSDAY + timedelta(days=3)


def test_completions_accumulate_and_count() -> None:
    fields: dict[str, object] = {"due": date(2026, 11, 20), "recur": "weekly",
                                 "completions": [date(2026, 11, 13)]}
    following = complete_task(fields, date(2026, 11, 20)).fields
    assert following["completions"] == [date(2026, 11, 13), date(2026, 11, 20)]
    assert completion_dates(following) == [date(2026, 11, 13), date(2026, 11, 20)]
    assert completion_dates({"status": "done", "done": "2026-11-02"}) == [date(2026, 11, 2)]


@pytest.mark.parametrize("status", [None, "bogus", "waiting"])
def test_next_occurrence_status(status: str | None) -> None:
    fields = {"recur": "daily", "due": THURSDAY}
    if status is not None:
        fields["status"] = status
    following = complete_task(fields, THURSDAY).fields
    assert following["status"] == ("waiting" if status == "waiting" else "next")


def test_done_and_cancelled_tasks_are_refused() -> None:
    with pytest.raises(CompletionRefused, match="already done on 2026-10-01"):
        complete_task({"status": "done", "done": date(2026, 10, 1)}, THURSDAY)
    with pytest.raises(CompletionRefused, match="already done"):
        complete_task({"status": "done", "recur": "daily"}, THURSDAY)
    with pytest.raises(CompletionRefused, match="cancelled"):
        complete_task({"status": "cancelled"}, THURSDAY)
    assert complete_task({"status": "cancelled"}, THURSDAY, force=True).fields["status"] == "done"
    with pytest.raises(CompletionRefused, match="already done today"):
        complete_task({"recur": "daily", "completions": [THURSDAY]}, THURSDAY)


def test_complete_recurring_with_unparseable_due_counts_from_today() -> None:
    following = complete_task({"recur": "every day", "due": "whenever"}, THURSDAY).fields
    assert following["due"] == date(2026, 11, 27)


def test_complete_with_empty_recur_is_not_recurring() -> None:
    assert not complete_task({"recur": ""}, THURSDAY).repeats


@pytest.mark.parametrize("recur", ["every blue moon", 3])
def test_complete_with_bad_recur_raises(recur: object) -> None:
    with pytest.raises(ValueError, match="cannot repeat"):
        complete_task({"recur": recur}, THURSDAY)


def test_leap_day_yearly_task() -> None:
    following = complete_task({"recur": "every year", "due": date(2028, 2, 29)}, THURSDAY).fields
    assert following["due"] == date(2029, 2, 28)


RULES = st.builds(
    lambda unit, n, when_done: f"every {n} {unit}s" + (" when done" if when_done else ""),
    st.sampled_from(["day", "week", "month", "year", "weekday"]), st.integers(1, 40),
    st.booleans())


@given(rule=RULES, due=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       today=st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_next_occurrence_is_always_after_today_and_on_the_rule(rule: str, due: date,
                                                               today: date) -> None:
    following = complete_task({"due": due, "recur": rule}, today).fields
    new_due = following["due"]
    assert new_due > today and new_due > due or rule.endswith("when done") and new_due > today
    parsed = parse_recurrence(rule)
    origin = today if parsed.from_completion else due
    walked = origin
    while walked < new_due:  # the new date is reached by whole steps of the rule
        walked = next_date(parsed, walked)
    assert walked == new_due


def test_reset_checkboxes_outside_fences_only() -> None:
    body = "- [x] a\n  * [X] nested\n1. [x] numbered\n- [ ] open\n~~~\n- [x] code\n~~~\n"
    assert reset_checkboxes(body) == ("- [ ] a\n  * [ ] nested\n1. [ ] numbered\n- [ ] open\n"
                                      "~~~\n- [x] code\n~~~\n")


# --- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Réunion équipe", "reunion-equipe"),
        ("Write the Q4 report!", "write-the-q4-report"),
        ("  --Hello,   World--  ", "hello-world"),
        ("Straße & Œuvre", "strasse-and-oeuvre"),
        ("Ærø Łódź", "aero-lodz"),
        ("ﬁnal", "final"),
        ("", "untitled"),
        ("!!!", "untitled"),
        ("会议", "untitled"),
        (".hidden", "hidden"),
        ("con", "con-item"),
        ("CON", "con-item"),
        ("lpt1", "lpt1-item"),
        ("console", "console"),
        ("C#", "c"),
        ("café.md", "cafe-md"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_long_titles_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 60 and slug.endswith("word") and not slug.endswith("-")
    assert len(slugify("x" * 100)) == 60


@given(st.text(max_size=120))
def test_slugify_properties(title: str) -> None:
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert 0 < len(slug) <= 60
    assert slug not in {"con", "prn", "aux", "nul", "com1", "lpt1"}
    assert slugify(slug) == slug


def test_unique_path() -> None:
    taken = {"tasks/report.md", "tasks/report-2.md"}
    assert unique_path("tasks", "report", taken.__contains__) == "tasks/report-3.md"
    assert unique_path("tasks/", "other", taken.__contains__) == "tasks/other.md"
    assert unique_path("", "report", taken.__contains__) == "report.md"
    asked: list[str] = []
    unique_path("stack", "laptop", lambda p: asked.append(p) or False)
    assert asked == ["stack/laptop.md"]


def test_unique_path_gives_up_eventually() -> None:
    with pytest.raises(ValueError, match="no free file name"):
        unique_path("tasks", "x", lambda _p: True)
