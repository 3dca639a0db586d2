"""Daily notes, templates and notes made from unresolved links, on real vaults in tmp folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.config import DailyConfig, load_config
from solo.core.model import templates
from solo.core.planning import daily
from solo.core.vault import Vault

NOW = dt.datetime(2026, 12, 1, 9, 5)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    v = Vault.init(tmp_path / "v")
    yield v
    v.close()


def configure(vault: Vault, text: str) -> None:
    vault.config_path.write_text(text, encoding="utf-8")
    vault.config = load_config(vault.config_path)


@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_moment_tokens_agree_with_strftime(when: dt.datetime) -> None:
    assert templates.format_moment("YYYY-MM-DD", when) == when.date().isoformat()
    assert templates.format_moment("HH:mm:ss", when) == when.strftime("%H:%M:%S")
    assert templates.format_moment("dddd D MMMM", when) == \
        f"{when:%A} {when.day} {when:%B}"
    assert templates.format_moment("GGGG-[W]WW", when) == \
        f"{when.isocalendar()[0]:04d}-W{when.isocalendar()[1]:02d}"


def test_moment_keeps_bracketed_text_and_ordinals() -> None:
    day = dt.date(2026, 12, 3)
    assert templates.format_moment("[Day] Do [of] MMM, YY", day) == "Day 3rd of Dec, 26"
    assert templates.format_moment("h:mm A", dt.datetime(2026, 1, 1, 0, 7)) == "12:07 AM"


def test_expand_fills_date_time_title_and_formats() -> None:
    text = "# {{title}}\n{{date}} {{time}} {{ DATE:YYYY/MM }} {{time:H[h]mm}} {{other}}"
    assert templates.expand(text, title="Plan", now=NOW) == \
        "# Plan\n2026-12-01 09:05 2026/12 9h05 {{other}}"


def test_daily_path_defaults_match_obsidian_format() -> None:
    assert daily.daily_path(DailyConfig(), dt.date(2026, 12, 1)) == "notes/daily/2026-12-01.md"
    nested = DailyConfig(folder="journal/", format="YYYY/MM/YYYY-MM-DD ddd")
    assert daily.daily_path(nested, dt.date(2026, 12, 1)) == "journal/2026/12/2026-12-01 Tue.md"
    with pytest.raises(daily.DailyError, match="daily.folder / daily.format"):
        daily.daily_path(DailyConfig(folder="../out"), dt.date(2026, 12, 1))
    with pytest.raises(daily.DailyError):
        daily.daily_path(DailyConfig(format="[.hidden]"), dt.date(2026, 12, 1))


def test_open_daily_creates_once_and_never_rewrites(vault: Vault) -> None:
    note = daily.open_daily(vault, dt.date(2026, 12, 1), NOW)
    assert note == daily.NewNote("notes/daily/2026-12-01.md", True)
    path = vault.abs(note.path)
    assert path.read_text() == ""
    assert vault.resolve(note.path).kind == "note"
    path.write_text("my words\n")
    again = daily.open_daily(vault, dt.date(2026, 12, 1), NOW)
    assert again == daily.NewNote(note.path, False)
    assert path.read_text() == "my words\n"


def test_open_daily_uses_the_template_with_the_notes_day(vault: Vault) -> None:
    (vault.root / "templates").mkdir()
    (vault.root / "templates" / "day.md").write_text(
        "+++\ntags = [\"daily\"]\n+++\n# {{date:dddd D MMMM}}\n\n{{title}} at {{time}}\n")
    configure(vault, '[daily]\ntemplate = "templates/day"\n')
    note = daily.open_daily(vault, dt.date(2026, 11, 30), NOW)
    assert vault.abs(note.path).read_text() == \
        "+++\ntags = [\"daily\"]\n+++\n# Monday 30 November\n\n2026-11-30 at 09:05\n"
    assert vault.resolve(note.path).tags == ["daily"]


def test_open_daily_with_a_missing_template_names_the_setting_and_writes_nothing(
        vault: Vault) -> None:
    configure(vault, '[daily]\ntemplate = "templates/gone.md"\n')
    with pytest.raises(daily.DailyError, match=r"daily.template: template templates/gone.md"):
        daily.open_daily(vault, dt.date(2026, 12, 1), NOW)
    assert not (vault.root / "notes").exists()


def test_from_template_merges_fields_and_appends_the_body(vault: Vault) -> None:
    (vault.root / "templates").mkdir()
    (vault.root / "templates" / "meeting.md").write_text(
        "+++\nkind = \"task\"\ntags = [\"meeting\"]\n+++\n# {{title}}\n\nHeld {{date}}.\n")
    vault.scan()
    item = daily.from_template(vault, "meeting.md", "note", "Sync with Ana",
                               {"tags": ["ana"]}, NOW, body="Extra.")
    assert item.kind == "note" and item.path == "notes/sync-with-ana.md"
    assert item.fields["tags"] == ["ana"]
    assert item.body == "# Sync with Ana\n\nHeld 2026-12-01.\nExtra.\n"
    with pytest.raises(templates.TemplateError, match="no template 'nope'.*notes.templates"):
        daily.from_template(vault, "nope", "note", "X", {}, NOW)
    with pytest.raises(templates.TemplateError):
        daily.from_template(vault, "../escape", "note", "X", {}, NOW)


def test_link_note_path_follows_obsidian_placement() -> None:
    assert daily.link_note_path("Big Idea", "notes/work/a.md", "") == "notes/work/Big Idea.md"
    assert daily.link_note_path("Big Idea#Part", None, "") == "notes/Big Idea.md"
    assert daily.link_note_path("Big Idea", "notes/a.md", "inbox") == "inbox/Big Idea.md"
    assert daily.link_note_path("projects/Plan", "notes/a.md", "inbox") == "projects/Plan.md"
    assert daily.link_note_path("What? Now", "notes/a.md", "") == "notes/what-now.md"
    assert daily.link_note_path("a", "top.md", "") == "a.md"


def test_note_for_link_creates_a_note_that_resolves_and_keeps_existing_files(
        vault: Vault) -> None:
    made = daily.note_for_link(vault, "Big Idea", "tasks/t.md", dt.date(2026, 12, 1))
    assert made == daily.NewNote("tasks/Big Idea.md", True)
    row = vault.resolve("tasks/Big Idea.md")
    assert row.kind == "note" and row.title == "Big Idea"
    vault.abs(made.path).write_text("kept\n")
    assert daily.note_for_link(vault, "Big Idea", "tasks/t.md", dt.date(2026, 12, 1)).created \
        is False
    assert vault.abs(made.path).read_text() == "kept\n"


def test_heading_line_matches_like_obsidian() -> None:
    body = "intro\n```\n# not a heading\n```\n## Next   Steps\ntext\n"
    assert daily.heading_line(body, "next steps") == 4
    assert daily.heading_line(body, "not a heading") is None
