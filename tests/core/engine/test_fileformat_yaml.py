"""YAML (`---`) front matter: same field map as TOML, byte-exact rendering, minimal key edits."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.model.fileformat import dump_head, render, split, style_of, to_json, with_fields

bodies = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
scalars = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.one_of(scalars, st.lists(st.text(max_size=8, alphabet="abcxyz é#/"), max_size=4))
metas = st.dictionaries(keys, values, max_size=6)
eols = st.sampled_from(["\n", "\r\n"])


@given(metas, bodies, eols)
@settings(max_examples=150)
def test_yaml_solo_writes_parses_back_and_renders_byte_for_byte(meta: dict, body: str,
                                                                eol: str) -> None:
    head = with_fields("", meta, style="yaml").replace("\n", eol)
    parsed = split(head + body)
    if meta:
        assert style_of(parsed.head) == "yaml"
        assert parsed.problem is None
        assert parsed.fields == meta
        assert parsed.body == body
    assert render(parsed.head, parsed.body, parsed.meta) == head + body


@given(metas, metas, bodies)
@settings(max_examples=150)
def test_yaml_edit_changes_only_the_keys_it_is_told(before: dict, changes: dict,
                                                    body: str) -> None:
    head = "---\n# a comment Solo must keep\n" + with_fields("", before, style="yaml")[4:] \
        if before else "---\n# a comment Solo must keep\n---\n"
    removed = [k for k in before if k not in changes][:1]
    new_head = with_fields(head, changes, removed)
    expected = {k: v for k, v in before.items() if k not in removed}
    expected.update(changes)
    parsed = split(new_head + body)
    assert style_of(new_head) == "yaml"
    assert parsed.fields == expected and parsed.body == body
    assert "# a comment Solo must keep\n" in new_head
    untouched = [k for k in before if k not in changes and k not in removed]
    old_lines = set(head.splitlines())
    for key in untouched:
        assert any(line.startswith(f"{key}:") for line in new_head.splitlines() if line in old_lines)


HANDWRITTEN = (
    "---\n"
    "# Obsidian properties, written by hand\n"
    "title: 'Quarterly plan'   # single quotes\n"
    'tags: [work, "#planning", nested/area]\n'
    "aliases:\n"
    "- QP\n"
    "- The plan\n"
    "due: 2025-03-31\n"
    "reviewed: 2025-01-02 10:30:00+02:00\n"
    "rating: ~\n"
    "empty:\n"
    "cssclasses:\n"
    "  - wide\n"
    "extra:\n"
    "  nested: {a: 1, b: [x, y]}\n"
    "---\n"
    "# Body\n\ntext\n"
)


def test_handwritten_yaml_is_fields_and_renders_back_exactly() -> None:
    parsed = split(HANDWRITTEN)
    assert parsed.problem is None
    assert parsed.fields["due"] == dt.date(2025, 3, 31)
    assert parsed.fields["tags"] == ["work", "#planning", "nested/area"]
    assert parsed.fields["aliases"] == ["QP", "The plan"]
    assert parsed.fields["rating"] is None and parsed.fields["empty"] is None
    assert parsed.meta["reviewed"] == "2025-01-02T10:30:00+02:00"
    assert parsed.meta["extra"] == {"nested": {"a": 1, "b": ["x", "y"]}}
    assert render(parsed.head, parsed.body, parsed.meta) == HANDWRITTEN


def test_editing_one_yaml_key_changes_only_its_lines() -> None:
    parsed = split(HANDWRITTEN)
    head = with_fields(parsed.head, {"due": dt.date(2025, 4, 30), "status": "next"}, ["empty"])
    old, new = parsed.head.splitlines(), head.splitlines()
    assert [ln for ln in old if ln not in new] == ["due: 2025-03-31", "empty:"]
    assert [ln for ln in new if ln not in old] == ["due: 2025-04-30", "status: next"]
    assert split(head).fields["due"] == dt.date(2025, 4, 30)


def test_a_merge_that_changed_meta_rebuilds_only_changed_yaml_keys() -> None:
    parsed = split(HANDWRITTEN)
    meta = dict(parsed.meta, rating=4)
    del meta["cssclasses"]
    text = render(parsed.head, parsed.body, meta)
    assert text.startswith("---\n# Obsidian properties") and "rating: 4\n" in text
    assert "cssclasses" not in text and "title: 'Quarterly plan'   # single quotes\n" in text
    assert split(text).meta == meta


def test_quoted_keys_fall_back_to_a_round_trip_edit_that_keeps_comments() -> None:
    head = '---\n# keep\n"odd key": 1\nother: 2 # inline\n---\n'
    new = with_fields(head, {"odd key": 5})
    assert split(new).fields == {"odd key": 5, "other": 2}
    assert "# keep" in new and "# inline" in new


def test_bad_yaml_is_body_and_flagged_and_unclosed_dashes_are_a_rule() -> None:
    text = "---\ntitle: [unclosed\n---\nbody\n"
    parsed = split(text)
    assert parsed.head == "" and parsed.body == text and "not valid YAML" in (parsed.problem or "")
    assert split("---\njust a sentence\n---\n").problem
    assert split("---\n\nA note after a rule\n") == split("---\n\nA note after a rule\n")
    assert split("---\n\nA note after a rule\n").problem is None
    assert split("--- \ntitle: x\n---\n").head == ""  # the first line must be exactly ---


def test_empty_yaml_block_and_dots_closer() -> None:
    for text in ("---\n---\nbody", "---\ntitle: x\n...\nbody"):
        parsed = split(text)
        assert parsed.problem is None and parsed.body == "body"
        assert render(parsed.head, parsed.body, parsed.meta) == text


def test_fresh_yaml_head_lists_as_obsidian_writes_them() -> None:
    head = dump_head(to_json({"tags": ["a", "b"], "due": dt.date(2025, 1, 1)}), style="yaml")
    assert head == "---\ndue: 2025-01-01\ntags:\n  - a\n  - b\n---\n"


def test_an_alias_bomb_is_refused_at_once_and_kept_byte_for_byte() -> None:
    """A kilobyte of anchors and aliases stands for 387 million values: reading them out
    took 3.7 GB and never finished. It is a problem, not a hang."""
    lines = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join([*lines, "---", "body", ""])
    parsed = split(text)
    assert parsed.problem is not None and "over 20,000 values" in parsed.problem
    assert parsed.head + parsed.body == text
