"""Resolving references like Obsidian: name, partial path, alias, title; nearest then shortest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.links import Reference, Resolver, Target, parse_reference

TARGETS = [
    Target("a/Index.md"), Target("b/c/Index.md"), Target("Index.md"),
    Target("Plugins/Canvas.md"), Target("Archive/Plugins/Canvas.md"),
    Target("notes/Meeting notes.md", aliases=("Weekly", "周会")),
    Target("notes/deep/x/Plan.md", title="Quarterly plan"), Target("Plan.md"),
    Target("assets/diagram.png"),
]
R = Resolver(TARGETS)


@pytest.mark.parametrize(
    ("ref", "source", "expected"),
    [
        ("Index", "a/Note.md", "a/Index.md"),                 # same folder
        ("Index", "b/c/d/Note.md", "b/c/Index.md"),           # closest common ancestor
        ("Index", "z/Note.md", "Index.md"),                   # else the shortest path
        ("/Index", "a/Note.md", "Index.md"),                  # a leading / is the top folder
        ("index.MD", "b/c/Note.md", "b/c/Index.md"),
        ("Plugins/Canvas", "x.md", "Plugins/Canvas.md"),      # a full path wins
        ("Archive/Plugins/Canvas", None, "Archive/Plugins/Canvas.md"),
        ("plugins/canvas", "Archive/y.md", "Plugins/Canvas.md"),
        ("[[Weekly|this week]]", None, "notes/Meeting notes.md"),
        ("周会", None, "notes/Meeting notes.md"),
        ("Quarterly plan", None, "notes/deep/x/Plan.md"),
        ("Plan", "notes/deep/x/other.md", "notes/deep/x/Plan.md"),
        ("Plan", None, "Plan.md"),
        ("diagram.png", None, "assets/diagram.png"),
        ("../Index", "b/c/d/Note.md", "b/c/Index.md"),
        ("Nothing", None, None),
        ("", None, None),
    ],
)
def test_resolves_like_obsidian(ref: str, source: str | None, expected: str | None) -> None:
    assert R.resolve(ref, source) == expected


def test_fragments_are_returned_apart() -> None:
    assert parse_reference("[[Note#Heading\\|text]]") == Reference("Note", "Heading", None)
    assert parse_reference("Note.md#^abc") == Reference("Note", None, "abc")
    assert parse_reference("c#") == Reference("c#")
    assert R.resolve("[[Plan#Goals]]", None) == "Plan.md"


folders = st.lists(st.sampled_from(["a", "b", "c", "日記"]), max_size=3)


@given(st.lists(folders, min_size=1, max_size=6, unique_by=tuple), folders)
def test_a_shared_name_resolves_to_the_nearest_then_shortest(dirs: list[list[str]],
                                                              source_dir: list[str]) -> None:
    paths = ["/".join([*d, "Same.md"]) for d in dirs]
    resolver = Resolver(Target(p) for p in paths)
    source = "/".join([*source_dir, "From.md"])
    chosen = resolver.resolve("same", source)
    assert chosen in paths
    if "/".join([*source_dir, "Same.md"]) in paths:
        assert chosen == "/".join([*source_dir, "Same.md"])

    def common(p: str) -> int:
        n = 0
        for x, y in zip(source_dir, p.split("/")[:-1], strict=False):
            if x != y:
                break
            n += 1
        return n
    assert common(chosen) == max(common(p) for p in paths)
    for path in paths:  # every file is reachable by its own full path
        assert resolver.resolve("/" + path.removesuffix(".md"), source) == path
