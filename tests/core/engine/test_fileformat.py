"""File format: lossless split/render and minimal front matter edits (property-based)."""

from __future__ import annotations

import datetime as dt
import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.model.fileformat import render, split, with_fields

bodies = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
line_endings = st.sampled_from(["\n", "\r\n"])
keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
scalars = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.one_of(scalars, st.lists(st.text(max_size=8, alphabet="abcxyz é"), max_size=4))
metas = st.dictionaries(keys, values, max_size=6)


@given(bodies)
def test_any_text_splits_back_to_itself(text: str) -> None:
    parsed = split(text)
    assert parsed.head + parsed.body == text


@given(metas, bodies, line_endings)
def test_what_solo_writes_parses_back_to_the_same_data(meta: dict, body: str, eol: str) -> None:
    head = with_fields("", meta)
    if eol == "\r\n":
        head = head.replace("\n", "\r\n")
    parsed = split(head + body)
    if meta:
        assert parsed.problem is None
        assert parsed.fields == meta
        assert parsed.body == body
    assert render(parsed.head, parsed.body, parsed.meta) == head + body


@given(metas, metas, bodies)
@settings(max_examples=150)
def test_with_fields_changes_only_what_it_is_told(before: dict, changes: dict, body: str) -> None:
    head = "+++\n# my comment\n" + with_fields("", before)[4:] if before else ""
    removed = [k for k in before if k not in changes][:1]
    new_head = with_fields(head, changes, removed)
    expected = {k: v for k, v in before.items() if k not in removed}
    expected.update(changes)
    parsed = split(new_head + body)
    assert parsed.fields == expected
    assert parsed.body == body


def test_comments_and_layout_survive_an_unrelated_field_change() -> None:
    head = '+++\n# keep me\ntitle   =   "Plan"  # inline\nstatus = "next"\n\n[extra]\na = 1\n+++\n'
    new = with_fields(head, {"status": "done"})
    assert new == '+++\n# keep me\ntitle   =   "Plan"  # inline\nstatus = "done"\n\n[extra]\na = 1\n+++\n'


def test_malformed_front_matter_is_body_and_flagged() -> None:
    text = "+++\ntitle = \n+++\nhello\n"
    parsed = split(text)
    assert parsed.head == "" and parsed.body == text
    assert parsed.problem and "TOML" in parsed.problem


def test_unclosed_front_matter_is_flagged() -> None:
    parsed = split("+++\ntitle = 'x'\nno end\n")
    assert parsed.problem and "never closed" in parsed.problem


def test_plus_lines_in_body_and_crlf_and_no_final_newline() -> None:
    text = '+++\r\ntitle = "x"\r\n+++\r\nline\r\n+++\r\nmore +++ text'
    parsed = split(text)
    assert parsed.fields == {"title": "x"}
    assert parsed.body == "line\r\n+++\r\nmore +++ text"
    assert render(parsed.head, parsed.body, parsed.meta) == text


def test_render_rebuilds_a_head_that_a_merge_left_inconsistent() -> None:
    head = '+++\ntitle = "x"\nstatus = "donewaiting"\n+++\n'
    out = render(head, "b", {"title": "x", "status": "waiting", "due": "2026-12-01"})
    parsed = split(out)
    assert parsed.fields == {"title": "x", "status": "waiting", "due": dt.date(2026, 12, 1)}
    assert tomllib.loads(out.split("+++\n")[1])
