"""The one Markdown scanner: fences, code spans, headings, wikilinks, local links, tags."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from solo.core.model import markdown
from solo.core.model.markdown import item_tags, normalize_aliases, normalize_tags

BODY = (
    "# 計画 Title\n"
    "Intro #project and #nested/area, not #123 or a#b or https://x.org/#frag.\n"
    "| Name | Link |\n"
    "|------|------|\n"
    "| one  | [[Plugins/Canvas\\|the canvas]] |\n"
    "- item\n"
    "  ```python\n"
    "  x = '[[in-code]] #in-code'\n"
    "  ```\n"
    "~~~md\n"
    "## not a heading [[fake]]\n"
    "~~~\n"
    "## Section ##\n"
    "See [[Note#Heading]], [[Note#^abc123|block]], ![[diagram.png]] and `[[span]] #span`.\n"
    "A [doc](sub%20dir/My%20Doc.md#part), ![img](img.png), [web](https://example.com), "
    "[[link #notatag]] [t #nolink](x.md).\n"
)


def test_lines_mark_code_and_headings() -> None:
    lines = markdown.lines(BODY)
    assert [ln.text for ln in lines if ln.in_code][0] == "  ```python"
    assert [(h.level, h.text) for h in markdown.headings(BODY)] == [(1, "計画 Title"),
                                                                    (2, "Section")]
    assert markdown.first_heading(BODY) == "計画 Title"
    assert markdown.first_heading("```\n# code\n```\n## two\n# One #") == "One"


def test_wikilinks_in_tables_with_headings_blocks_and_embeds() -> None:
    found = markdown.wikilinks(BODY)
    assert [(w.target, w.heading, w.block, w.alias, w.embed) for w in found] == [
        ("Plugins/Canvas", None, None, "the canvas", False),
        ("Note", "Heading", None, None, False),
        ("Note", None, "abc123", "block", False),
        ("diagram.png", None, None, None, True),
        ("link", "notatag", None, None, False),
    ]


def test_local_markdown_links_are_decoded_and_urls_skipped() -> None:
    found = markdown.md_links(BODY)
    assert [(m.target, m.fragment, m.embed) for m in found] == [
        ("sub dir/My Doc.md", "part", False), ("img.png", None, True), ("x.md", None, False)]


def test_tags_skip_code_links_numbers_urls_and_headings() -> None:
    assert [t.name for t in markdown.tags(BODY)] == ["project", "nested/area"]
    assert [t.name for t in markdown.tags("#top\n# Heading\n#日本語 (#in-parens)")] == [
        "top", "日本語", "in-parens"]


def test_item_tags_merge_front_matter_and_body() -> None:
    assert item_tags(["#Work", "plan"], "text #work #new") == ["Work", "plan", "new"]
    assert item_tags("a, #b c", "") == ["a", "b", "c"]
    assert item_tags(None, "#x") == ["x"]
    assert normalize_tags([None, 3, "x y"]) == ["3", "x", "y"]
    assert normalize_aliases("One") == ["One"]
    assert normalize_aliases(["A", None, "", "a"]) == ["A"]


@given(st.text(max_size=300))
def test_scanners_never_raise_and_agree_on_code(body: str) -> None:
    code = markdown.code_spans(body)
    for start, end in code:
        assert 0 <= start <= end <= len(body)
    for tag in markdown.tags(body):
        assert tag.name and not tag.name.replace("/", "").isdigit()
        assert not any(s <= tag.start < e for s, e in code)
    for link in markdown.wikilinks(body):
        assert body[link.start:link.end].endswith("]]")
    markdown.md_links(body)
    for line in markdown.lines(body):
        assert "\n" not in line.text and body[line.start:line.start + len(line.text)] == line.text


@given(st.lists(st.from_regex(r"[a-z][a-z0-9_/-]{0,8}[a-z]", fullmatch=True), max_size=5))
def test_every_written_tag_is_found_outside_code(names: list[str]) -> None:
    body = " ".join(f"#{n}" for n in names) + "\n```\n#hidden\n```\n"
    assert [t.name for t in markdown.tags(body)] == [n.strip("/") for n in names]
