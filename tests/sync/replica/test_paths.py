"""Paths from a peer are untrusted: nothing outside the vault, nothing hidden, nothing mangled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solo.core.engine.paths import UnsafePath, check_relative_path, conflict_name, resolve_inside

BAD = [
    "/etc/passwd.md", "../outside.md", "notes/../../x.md", "notes/./x.md", ".solo/store/x.md",
    "notes/.hidden.md", "", "notes//x.md", "C:/x.md", "notes/x.md~", "notes/con.md",
    "notes/aux.note.md", "notes/x\x00.md", "notes/x\n.md", "notes/x.md ", "notes/x.md.",
    "notes\\x.md", "notes/x?.md", "e\u0301te.md", "a" * 300 + ".md", "notes/" * 100 + "x.md",
    "notes/lpt1.md", " notes/x.md",
]


@pytest.mark.parametrize("path", BAD)
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePath):
        check_relative_path(path)


@pytest.mark.parametrize("value", [None, 3, ["a.md"], {"p": "a.md"}, b"a.md"])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(UnsafePath):
        check_relative_path(value)


@pytest.mark.parametrize("path", ["notes/x.md", "tasks/2026/Q4 plan.md", "été/café.md",
                                  "a-b_c/d (conflict 123).md", "日本/メモ.markdown"])
def test_good_paths_pass(path: str) -> None:
    assert check_relative_path(path) == path


def test_symlinked_folder_inside_the_vault_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    vault = tmp_path / "vault"
    vault.mkdir()
    os.symlink(outside, vault / "notes")
    with pytest.raises(UnsafePath, match="symbolic link"):
        resolve_inside(vault, "notes/x.md")
    os.symlink(outside / "f.md", vault / "f.md")
    with pytest.raises(UnsafePath, match="symbolic link"):
        resolve_inside(vault, "f.md")


def test_conflict_name_is_a_visible_sibling() -> None:
    assert conflict_name("notes/plan.md", "abc123") == "notes/plan (conflict abc123).md"
    check_relative_path(conflict_name("notes/plan.md", "abc123"))
