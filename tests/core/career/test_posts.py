"""Posts: the pipeline, this month's published posts, key results that count posts or followers, and posts in the brag document."""

from __future__ import annotations

from pathlib import Path

from support.career_helpers import TODAY, page, rows_of

from solo.core.career import brag, posts
from solo.core.career import progress as career

KRS = ('[{ name = "Articles", target = 12, counts = "posts", channel = "blog" },\n'
       ' { name = "Followers", target = 3000, counts = "followers", base = 1000 },\n'
       ' { name = "Talks", target = 3, current = 2 }]')


def post(stem: str, status: str, channel: str = "blog", publish: str | None = None,
         **extra: str) -> dict[str, str]:
    lines = [f'title = "Post {stem}"', f'status = "{status}"', f'channel = "{channel}"',
             'goal = "brand"']
    lines += [f"publish = {publish}"] if publish else []
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return {f"posts/{stem}.md": page("\n".join(lines))}


def files() -> dict[str, str]:
    return {
        "goals/brand.md": page(f'title = "Brand"\nkey_results = {KRS}'),
        **post("a", "published", publish="2026-11-10", views="1200", followers_gained="40",
               reactions="30", url='"https://example.org/a"'),
        **post("b", "published", publish="2026-06-01", followers_gained="10"),
        **post("c", "published", channel="linkedin", publish="2026-11-20",
               followers_gained="5"),
        **post("future", "published", publish="2026-12-20", followers_gained="999"),
        **post("d", "draft", publish="2026-12-04"),
        **post("e", "idea"),
    }


def test_key_results_count_published_posts_linked_to_the_goal(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, files())
    (gp,) = career.goals_progress(rows, TODAY)
    by = {k.name: k.current for k in gp.key_results}
    assert by == {"Articles": 2, "Followers": 1000 + 40 + 10 + 5, "Talks": 2}
    assert gp.method == "key_results"


def test_a_post_for_another_goal_or_unpublished_counts_for_nothing(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**files(), "posts/other.md": page(
        'title = "Other"\nstatus = "published"\nchannel = "blog"\npublish = 2026-11-01\n'
        'goal = "someone-else"')})
    (gp,) = [g for g in career.goals_progress(rows, TODAY) if g.goal.stem == "brand"]
    assert {k.name: k.current for k in gp.key_results}["Articles"] == 2


def test_pipeline_and_this_month_s_published(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, files())
    flow = posts.pipeline(rows)
    assert list(flow) == ["idea", "draft", "scheduled", "published"]
    assert [p.title for p in flow["draft"]] == ["Post d"]
    assert [p.title for p in posts.month_published(rows, TODAY)] == ["Post c", "Post a"]


def test_brag_document_lists_published_posts_with_their_metrics(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, files())
    doc = brag.brag_doc(rows, since=None, until=TODAY)
    assert [p.title for p in doc.posts] == ["Post c", "Post a", "Post b"]
    text = brag.to_markdown(doc)
    assert ("- 2026-11-10 — Post a (blog): 1200 views · 30 reactions · +40 followers "
            "<https://example.org/a>") in text
    assert "Post future" not in text and "Post d" not in text
    assert '<a href="https://example.org/a">' in brag.to_html(doc)


def test_the_assistant_s_goal_facts_use_the_counted_key_results(tmp_path: Path) -> None:
    from solo.core.assistant import facts

    rows = rows_of(tmp_path, files())
    (goal_row,) = [r for r in rows if r.kind == "goal"]
    counted = posts.counted_fields(goal_row, rows, TODAY)
    assert [kr["current"] for kr in counted["key_results"]] == [2, 1055, 2]
    (passage,) = [p for p in facts.structured(rows, "how are my goals?", TODAY)
                  if p.path == "goals/brand.md"]
    assert passage.heading == "goal progress: 40% of key results"
