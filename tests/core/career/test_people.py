"""People: a note's date, last contact from the notes that link a person, catch-ups due by cadence, the month's contact trend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.career_helpers import TODAY, make_vault, page

from solo.core.career import people
from solo.core.config import WorkConfig
from solo.core.engine.index import Row
from solo.core.vault import Vault


def person(stem: str, title: str, **extra: str) -> dict[str, str]:
    lines = [f'title = "{title}"'] + [f"{k} = {v}" for k, v in extra.items()]
    return {f"people/{stem}.md": page("\n".join(lines), f"# {title}\n")}


def load(tmp_path: Path, files: dict[str, str]) -> tuple[list[Row], dict[str, list[people.Mention]]]:
    root = make_vault(tmp_path / "v", files)
    with Vault(root) as vault:
        rows = vault.rows()
        return rows, people.mentions(rows, lambda row: vault.read(row).body)


def contact(tmp_path: Path, files: dict[str, str], path: str) -> people.Contact:
    rows, found = load(tmp_path, files)
    return next(c for c in people.contacts(rows, TODAY, found) if c.person.path == path)


def test_a_note_s_date_is_its_date_field_then_its_file_name_then_created(tmp_path: Path) -> None:
    rows, _ = load(tmp_path, {
        "notes/2026-11-10-call.md": page('date = 2026-11-12\ncreated = 2026-11-01'),
        "notes/2026-11-10-sync.md": page("created = 2026-11-01"),
        "notes/chat.md": page("created = 2026-11-01"),
        "notes/undated.md": "# nothing\n",
    })
    days = {r.path: people.note_date(r) for r in rows}
    assert days == {"notes/2026-11-10-call.md": dt.date(2026, 11, 12),
                    "notes/2026-11-10-sync.md": dt.date(2026, 11, 10),
                    "notes/chat.md": dt.date(2026, 11, 1), "notes/undated.md": None}


def test_a_meeting_note_linking_a_person_moves_their_last_contact(tmp_path: Path) -> None:
    files = {**person("sophie-lambert", "Sophie Lambert", cadence='"every 2 weeks"',
                      last_contact="2026-10-01"),
             "notes/2026-11-17-one-on-one.md": page('tags = ["meeting"]',
                                                    "1:1 with [[Sophie Lambert]]."),
             "notes/2026-11-03-sync.md": page("", "With [[sophie-lambert|Sophie]].")}
    found = contact(tmp_path, files, "people/sophie-lambert.md")
    assert found.last_contact == dt.date(2026, 11, 17)
    assert found.source == "notes/2026-11-17-one-on-one.md"
    assert found.due == dt.date(2026, 12, 1) and not found.is_due
    assert [m.note.path for m in found.notes] == ["notes/2026-11-17-one-on-one.md",
                                                  "notes/2026-11-03-sync.md"]


def test_the_person_s_own_last_contact_wins_when_it_is_later(tmp_path: Path) -> None:
    files = {**person("ana", "Ana", last_contact="2026-11-20"),
             "notes/2026-11-02-lunch.md": page("", "Lunch with [[Ana]].")}
    found = contact(tmp_path, files, "people/ana.md")
    assert (found.last_contact, found.source) == (dt.date(2026, 11, 20), "field")


def test_a_note_dated_after_today_does_not_count_yet(tmp_path: Path) -> None:
    files = {**person("ana", "Ana", cadence='"every month"'),
             "notes/2026-12-03-review.md": page("", "Prep with [[Ana]].")}
    found = contact(tmp_path, files, "people/ana.md")
    assert found.last_contact is None and found.due == TODAY and found.is_due


def test_people_are_due_by_cadence_most_overdue_first(tmp_path: Path) -> None:
    rows, found = load(tmp_path, {
        **person("a", "Antoine", cadence='"every month"', last_contact="2026-10-08"),
        **person("n", "Nadia", cadence='"every 6 weeks"', last_contact="2026-09-30"),
        **person("s", "Sam", cadence='"every 6 weeks"', last_contact="2026-11-20"),
        **person("m", "Marc", last_contact="2026-01-01"),
    })
    listed = people.contacts(rows, TODAY, found)
    due = people.due_contacts(listed)
    assert [(c.person.title, c.overdue_days) for c in due] == [("Antoine", 18), ("Nadia", 15)]
    assert [c.person.title for c in listed][-1] == "Marc"  # no cadence: never due


def test_a_bad_cadence_is_no_cadence_not_a_crash(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", person("x", "X", cadence='"now and then"'))
    with Vault(root) as vault:
        rows = vault.rows()
    assert rows[0].problem is None or "cadence" in rows[0].problem
    assert all(not c.is_due for c in people.contacts(rows, TODAY, {}))


def test_contact_trend_counts_working_days_without_anyone(tmp_path: Path) -> None:
    rows, found = load(tmp_path, {
        **person("ana", "Ana"),
        "notes/2026-11-03-lunch.md": page("", "Lunch with [[Ana]]."),
        "notes/2026-11-05-call.md": page('tags = ["call"]', "Call with the bank."),
        "blocks/sync.md": page('date = 2026-11-10\nstart = "10:00"\nend = "11:00"\n'
                               'type = "meeting"'),
        "notes/2026-11-07-weekend.md": page("", "Brunch with [[Ana]]."),  # a Saturday
    })
    trend = people.contact_trend(rows, found, TODAY, WorkConfig(), months=2)
    october, november = trend
    assert (november.working_days, november.without_contact) == (19, 16)
    assert november.partial and not october.partial and october.without_contact == 22
    assert dt.date(2026, 11, 3) not in november.days and dt.date(2026, 11, 4) in november.days
    assert people.contact_line(trend).endswith("Oct 22/22 · Nov so far 16/19")
