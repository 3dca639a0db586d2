"""Quick-add lines: tokens become task fields, everything else stays in the title."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.quickadd import QuickAdd, parse_quickadd

THURSDAY = date(2026, 11, 26)


def parse(line: str) -> QuickAdd:
    return parse_quickadd(line, THURSDAY)


def test_full_example() -> None:
    result = parse("Write report due:fri #work !high +client-x goal:cloud-cert "
                   "sched:tomorrow est:30m ~someday")
    assert result == QuickAdd("Write report", {
        "due": date(2026, 11, 27),
        "tags": ["work"],
        "priority": "high",
        "project": "client-x",
        "goal": "cloud-cert",
        "scheduled": date(2026, 11, 27),
        "estimate": 30,
        "status": "someday",
    })


def test_plain_line_has_no_fields() -> None:
    assert parse("  Call   the   bank  ") == QuickAdd("Call the bank", {})


def test_tokens_anywhere_in_the_line() -> None:
    result = parse("#admin Pay !low rent due:2026-12-01 now")
    assert result.title == "Pay rent now"
    assert result.fields == {"tags": ["admin"], "priority": "low", "due": date(2026, 12, 1)}


@pytest.mark.parametrize(
    ("token", "field", "value"),
    [
        ("due:today", "due", THURSDAY),
        ("due:+3d", "due", date(2026, 11, 29)),
        ("DUE:Fri", "due", date(2026, 11, 27)),
        ("sched:mon", "scheduled", date(2026, 11, 30)),
        ("scheduled:2026-12-24", "scheduled", date(2026, 12, 24)),
        ("!high", "priority", "high"),
        ("!HIGH", "priority", "high"),
        ("!medium", "priority", "medium"),
        ("!med", "priority", "medium"),
        ("!low", "priority", "low"),
        ("!1", "priority", "high"),
        ("!2", "priority", "medium"),
        ("!3", "priority", "low"),
        ("!h", "priority", "high"),
        ("+client-x", "project", "client-x"),
        ("+Site.v2", "project", "Site.v2"),
        ("project:website", "project", "website"),
        ("goal:cloud-cert", "goal", "cloud-cert"),
        ("est:30m", "estimate", 30),
        ("est:1h", "estimate", 60),
        ("est:1h30", "estimate", 90),
        ("estimate:45", "estimate", 45),
        ("~next", "status", "next"),
        ("~Waiting", "status", "waiting"),
        ("~someday", "status", "someday"),
        ('recur:"every week"', "recur", "every week"),
        ("recur:daily", "recur", "every day"),
        ('recur:"every 3 weeks"', "recur", "every 3 weeks"),
        ("every:week", "recur", "every week"),
        ("every:weekday", "recur", "every weekday"),
        ("every:2weeks", "recur", "every 2 weeks"),
        ("every:2-days", "recur", "every 2 days"),
        ("every:other-month", "recur", "every 2 months"),
    ],
)
def test_single_tokens(token: str, field: str, value: object) -> None:
    result = parse(f"Task {token}")
    assert result.title == "Task"
    assert result.fields == {field: value}


def test_tags_accumulate_without_duplicates() -> None:
    result = parse("Plan #work #cloud #work #2026-goals #réunion #a/b")
    assert result.fields["tags"] == ["work", "cloud", "2026-goals", "réunion", "a/b"]
    assert result.title == "Plan"


def test_later_token_wins() -> None:
    result = parse("Ship !low due:mon !high due:fri")
    assert result.fields == {"priority": "high", "due": date(2026, 11, 27)}


@pytest.mark.parametrize(
    "line",
    [
        "Email bob@example.com",
        "Learn C# basics",
        "Fix bug #123",
        "Fix issue#12",
        "Read http://example.com/a#b",
        "Meet at 10:30",
        "Give +1 to Ana",
        "Learn C++",
        "It is due: soon",
        "Say hi! ~5 minutes",
        "!important thing",
        "~unknown status",
        "Re:meeting notes",
        "Use a # sign",
        "Price 12€ + tax",
        "Wrap ## heading",
    ],
)
def test_unrecognised_text_survives(line: str) -> None:
    result = parse(line)
    assert result.title == line
    assert result.fields == {}


def test_quoted_parts_are_literal() -> None:
    result = parse('"#1 priority: due:fri" list #work')
    assert result.title == "#1 priority: due:fri list"
    assert result.fields == {"tags": ["work"]}


def test_quoted_single_tokens_and_empty_quotes() -> None:
    assert parse('Tag "#notatag" "!high" ""').title == "Tag #notatag !high"
    assert parse('Tag "#notatag"').fields == {}


def test_stray_quotes_are_ordinary_characters() -> None:
    assert parse('Buy 12" monitor').title == 'Buy 12" monitor'
    assert parse('Say "hello').title == 'Say "hello'
    assert parse('Ask about "quoted"text later').title == 'Ask about "quoted"text later'


def test_unknown_key_with_quoted_value_is_kept_as_typed() -> None:
    assert parse('Note say:"hi   there" now').title == 'Note say:"hi   there" now'


def test_quoted_value_for_known_key() -> None:
    result = parse('Essay goal:"cloud cert" due:"next fri"')
    assert result.fields == {"goal": "cloud cert", "due": date(2026, 11, 27)}
    assert result.title == "Essay"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Report due:notadate", "due"),
        ("Report due:2026-02-30", "due"),
        ("Report sched:someday", "scheduled"),
        ("Report est:a-while", "estimate"),
        ('Report recur:"every blue moon"', "recur"),
        ("Report every:fortnight", "recur"),
        ("#work !high", "title"),
        ("", "title"),
        ("   ", "title"),
        ('""', "title"),
    ],
)
def test_errors_are_value_errors_with_a_clear_message(line: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse(line)


def test_relative_dates_use_the_given_today() -> None:
    assert parse_quickadd("x due:tomorrow", date(2028, 2, 28)).fields["due"] == date(2028, 2, 29)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéÀ0123456789-'.,?", min_size=1, max_size=8)
TOKENS = st.sampled_from([
    "due:fri", "sched:tomorrow", "#work", "#a-b", "!high", "!2", "+client", "goal:g",
    "est:1h", "~next", 'recur:"every 2 days"', "every:month", "project:p", "due:+2w",
])


@given(st.lists(st.tuples(WORDS, st.lists(TOKENS, max_size=2)), min_size=1, max_size=8))
def test_plain_words_survive_in_order(parts: list[tuple[str, list[str]]]) -> None:
    line = " ".join(" ".join([word, *tokens]) for word, tokens in parts)
    result = parse(line)
    assert result.title == " ".join(word for word, _ in parts)


@given(st.text(max_size=60))
def test_parse_only_raises_value_error(line: str) -> None:
    try:
        result = parse(line)
    except ValueError as exc:
        assert str(exc)
        return
    assert result.title.strip() == result.title and result.title


@given(st.lists(st.sampled_from([
    "due:", "due:x", "#", "#1", "#a", "!", "!x", "!1", "+", "+a", "~", "~next", '"', '""',
    'recur:"', "every:", "est:", "est:9h", ":", "a:b", "C#", "x@y", "word",
]), max_size=8))
def test_parse_token_soup_only_raises_value_error(tokens: list[str]) -> None:
    try:
        parse(" ".join(tokens))
    except ValueError:
        pass
