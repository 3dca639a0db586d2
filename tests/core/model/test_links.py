"""Wikilinks in bodies (code excluded), references in fields, and resolving references to paths."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.links import (
    Resolver,
    Target,
    field_refs,
    find_wikilinks,
    stem_of,
    wikilinks,
)
from solo.core.model.markdown import WikiLink


@pytest.mark.parametrize(
    ("body", "targets"),
    [
        ("See [[cloud-architect]].", ["cloud-architect"]),
        ("[[target|an alias]]", ["target"]),
        ("[[target#Some heading]]", ["target"]),
        ("[[target#heading|alias]]", ["target"]),
        ("[[ spaced target ]]", ["spaced target"]),
        ("![[diagram.png]]", ["diagram.png"]),
        ("[[a]] and [[b]] then [[a]] again", ["a", "b"]),
        ("[[goals/cloud]]", ["goals/cloud"]),
        ("[[#same note heading]]", []),
        ("[[]] and [[ ]]", []),
        ("[[broken\nlink]]", []),
        ("[single] [[ok]] [[[odd]]]", ["ok", "odd"]),
        ("no links here", []),
        ("", []),
    ],
)
def test_wikilinks(body: str, targets: list[str]) -> None:
    assert wikilinks(body) == targets


def test_links_in_fenced_code_do_not_count() -> None:
    body = (
        "[[before]]\n"
        "```python\n"
        "x = '[[in-code]]'\n"
        "```\n"
        "[[between]]\n"
        "~~~\n"
        "[[in-tilde-code]]\n"
        "```\n"  # a backtick line does not close a tilde fence
        "[[still-code]]\n"
        "~~~\n"
        "  ````md\n"
        "[[in-long-fence]]\n"
        "```\n"
        "[[still-long-fence]]\n"
        "````\n"
        "[[after]]\n"
    )
    assert wikilinks(body) == ["before", "between", "after"]


def test_unclosed_fence_runs_to_the_end() -> None:
    assert wikilinks("[[a]]\n```\n[[b]]\n") == ["a"]


def test_backtick_line_with_backticks_in_info_is_not_a_fence() -> None:
    assert wikilinks("``` not `a fence` [[inline-after]]\n[[next]]") == ["inline-after", "next"]
    assert wikilinks("``` x`y\n[[next]]") == ["next"]


@pytest.mark.parametrize(
    ("body", "targets"),
    [
        ("Use `[[not-a-link]]` then [[real]]", ["real"]),
        ("Use ``code with ` and [[no]]`` then [[yes]]", ["yes"]),
        ("A lone ` backtick [[counts]]", ["counts"]),
        ("Span `across\nlines [[no]]` and [[yes]]", ["yes"]),
        ("Para `open\n\n[[new-paragraph]]` x", ["new-paragraph"]),
        ("``unmatched` [[counts]]", ["counts"]),
    ],
)
def test_links_in_inline_code_do_not_count(body: str, targets: list[str]) -> None:
    assert wikilinks(body) == targets


def test_find_wikilinks_gives_parts_and_offsets() -> None:
    body = "Go to [[plan#Q4|the plan]] and ![[pic.png]]"
    first, second = find_wikilinks(body)
    assert first == WikiLink("plan", "Q4", "the plan", 6, 26)
    assert body[first.start:first.end] == "[[plan#Q4|the plan]]"
    assert second.target == "pic.png" and second.embed and second.heading is None
    assert body[second.start:second.end] == "![[pic.png]]"


def test_find_wikilinks_keeps_duplicates() -> None:
    assert [link.target for link in find_wikilinks("[[a]] [[a]]")] == ["a", "a"]


@given(st.text(max_size=200))
def test_wikilinks_never_raise_and_targets_are_clean(body: str) -> None:
    for link in find_wikilinks(body):
        assert link.target and link.target == link.target.strip()
        assert not any(char in link.target for char in "[]|#\n")
        assert body[link.start:link.end].endswith("]]")


@given(st.lists(st.text(alphabet="abcxyz-", min_size=1, max_size=6), max_size=5))
def test_every_written_link_is_found_in_order(targets: list[str]) -> None:
    body = "\n".join(f"line {i} [[{target}]] text" for i, target in enumerate(targets))
    assert wikilinks(body) == list(dict.fromkeys(targets))


def test_field_refs() -> None:
    fields = {"goal": " cloud ", "skills": ["aws", 3, "", "k8s"], "project": "", "title": "x"}
    assert field_refs("learning", fields) == [("skills", "aws"), ("skills", "k8s"),
                                              ("goal", "cloud")]
    assert field_refs("task", {"goal": "g", "project": "p", "skills": ["ignored"]}) == [
        ("project", "p"), ("goal", "g")]
    assert field_refs("focus", {"task": "write-report"}) == [("task", "write-report")]
    assert field_refs("note", {"goal": "g"}) == []
    assert field_refs("goal", {"skills": "not-a-list"}) == []


PATHS = ["goals/Cloud-Architect.md", "notes/cloud-architect.md", "skills/aws.md",
         "tasks/c#.md", "notes/plan.md"]
RESOLVER = Resolver(Target(p) for p in PATHS)


def test_stem_of() -> None:
    assert stem_of("goals/Cloud-Architect.md") == "Cloud-Architect"
    assert stem_of("v1.2 notes.md") == "v1.2 notes"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("aws", "skills/aws.md"),
        ("AWS", "skills/aws.md"),
        ("  aws.md ", "skills/aws.md"),
        ("[[aws]]", "skills/aws.md"),
        ("[[aws#Heading|alias]]", "skills/aws.md"),
        ("c#", "tasks/c#.md"),  # a bare ref keeps its '#'
        ("cloud-architect", "goals/Cloud-Architect.md"),  # a tie: then sorted order
        ("notes/cloud-architect", "notes/cloud-architect.md"),  # a path narrows it
        ("NOTES/Cloud-Architect.md", "notes/cloud-architect.md"),
        ("other/cloud-architect", None),
        ("missing", None),
        ("", None),
        ("[[]]", None),
        (None, None),
    ],
)
def test_references_a_field_or_command_may_hold(ref: str, expected: str | None) -> None:
    assert RESOLVER.resolve(ref) == expected


def test_a_shared_name_lists_every_candidate_and_the_tie() -> None:
    resolver = Resolver(Target(p) for p in ["b/x.md", "a/x.md", "a/deep/x.md"])
    assert resolver.candidates("X") == ["a/x.md", "b/x.md", "a/deep/x.md"]
    assert resolver.nearest("X") == ["a/x.md", "b/x.md"]  # as near: only sort order differs
    assert resolver.nearest("x", "a/deep/note.md") == ["a/deep/x.md"]
    assert Resolver(Target(p) for p in ["x.md", "a/x.md"]).nearest("x") == ["x.md"]
    assert resolver.nearest("nothing") == []
