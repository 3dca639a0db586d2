"""The brag document: achievements under their goal, learning and certifications, Markdown/HTML/JSON."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

from support.career_helpers import goal, page, rows_of

from solo.core.career import brag
from solo.core.career import progress as career


def achievement(stem: str, date: str, goal_ref: str | None = None, **extra: str) -> dict[str, str]:
    keys = {"title": f'"Win {stem}"', "date": date, "impact": f'"Impact of {stem}"', **extra}
    if goal_ref:
        keys["goal"] = f'"{goal_ref}"'
    lines = [f"{k} = {v}" for k, v in keys.items()]
    return {f"achievements/{stem}.md": page("\n".join(lines))}


VAULT = {
    **goal("cert"), **goal("brand"),
    "skills/aws.md": page('title = "AWS"\nlevel = 3'),
    **achievement("lab", "2026-10-24", "cert", skills='["aws"]'),
    **achievement("exam", "2026-11-18", "cert"),
    **achievement("talk", "2026-10-15", "brand"),
    **achievement("solo", "2026-09-01"),
    **achievement("old", "2025-06-12", "cert"),
    **achievement("secret", "2026-11-01", "cert", private="true"),
    **achievement("xss", "2026-11-02", title='"<script>alert(1)</script> & co"'),
    "learning/dbt.md": page('title = "dbt Fundamentals"\nstatus = "done"\nfinished = 2026-10-09\n'
                            'provider = "dbt Labs"\nhours = 6\nskills = ["aws"]'),
    "learning/cert.md": page('title = "SAA"\nstatus = "done"\nfinished = 2026-06-01\n'
                             'certification = "AWS SAA"'),
    "learning/wip.md": page('title = "WIP"\nstatus = "in-progress"'),
}
SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 11, 26)


def test_achievements_grouped_under_their_goal(tmp_path: Path) -> None:
    doc = brag.brag_doc(rows_of(tmp_path, VAULT), SINCE, UNTIL)
    sections = {s.title: [a.item.stem for a in s.achievements] for s in doc.goals}
    assert sections == {"Goal cert": ["exam", "lab"], "Goal brand": ["talk"],
                        brag.OTHER: ["xss", "solo"]}
    assert [s.title for s in doc.goals] == ["Goal cert", "Goal brand", brag.OTHER]
    assert doc.goals[-1].goal is None  # goal-less last
    assert [f.item.stem for f in doc.learning] == ["dbt"]
    assert [f.certification for f in doc.certifications] == ["AWS SAA"]
    assert doc.skills["AWS"] == ["Win lab", "dbt Fundamentals"]


def test_private_items_only_when_asked(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, VAULT)
    with_private = brag.brag_doc(rows, SINCE, UNTIL, include_private=True)
    assert "secret" in [a.item.stem for s in with_private.goals for a in s.achievements]
    text = brag.to_markdown(brag.brag_doc(rows, SINCE, UNTIL))
    assert "Win secret" not in text


def test_markdown_lists_dates_and_impact(tmp_path: Path) -> None:
    text = brag.to_markdown(brag.brag_doc(rows_of(tmp_path, VAULT), SINCE, UNTIL))
    assert "# Brag document (2026-01-01 to 2026-11-26)" in text
    cert = text.index("## Goal cert")
    assert cert < text.index("**2026-11-18 — Win exam**") < text.index("## Goal brand")
    assert "Impact: Impact of lab" in text and "Skills: AWS" in text
    assert "2026-10-09 — dbt Fundamentals (dbt Labs, 6 h)" in text
    assert "Win old" not in text  # before --since


def test_html_is_one_escaped_self_contained_page(tmp_path: Path) -> None:
    page_text = brag.to_html(brag.brag_doc(rows_of(tmp_path, VAULT), SINCE, UNTIL))
    assert page_text.startswith("<!DOCTYPE html>") and "<style>" in page_text
    assert "<script>" not in page_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page_text
    assert "src=" not in page_text and "href=" not in page_text  # nothing external

    class Texts(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.h2: list[str] = []
            self._in_h2 = False

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self._in_h2 = tag == "h2"

        def handle_data(self, data: str) -> None:
            if self._in_h2:
                self.h2.append(data)
                self._in_h2 = False

    parser = Texts()
    parser.feed(page_text)
    assert parser.h2[:2] == ["Goal cert", "Goal brand"]


def test_json_and_empty_range(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, VAULT)
    data = json.loads(json.dumps(career.jsonable(brag.brag_doc(rows, SINCE, UNTIL))))
    assert data["goals"][0]["achievements"][0]["date"] == "2026-11-18"
    empty = brag.brag_doc(rows, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert empty.empty and "Nothing recorded" in brag.to_markdown(empty)
