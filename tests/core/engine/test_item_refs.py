"""`Items.resolve` names an item the way a `[[link]]` does (the link index's `Resolver`):
partial path, file name in any case with or without `.md`, alias, title; a name several
files share in equally few folders is refused with the candidates, never picked by sort order."""

from __future__ import annotations

import pytest

from solo.core.vault import Vault, VaultError


def put(vault: Vault, rel: str, text: str) -> None:
    path = vault.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def refs_vault(vault: Vault) -> Vault:
    put(vault, "work/Plan.md", "# Work plan\n")
    put(vault, "home/plan.md", "# Home plan\n")
    put(vault, "Archive/Plugins/Canvas.md", "# Old canvas\n")
    put(vault, "Plugins/Canvas.md", "# Canvas\n")
    put(vault, "notes/Meeting notes.md",
        '---\ntitle: "Weekly sync"\naliases: [My Alias, 周会]\n---\nAgenda\n')
    put(vault, "Budget.md", "# Budget\n")
    put(vault, "finance/deep/Budget.md", "# Old budget\n")
    put(vault, "assets/photo.png", "not really a png")
    vault.scan()
    return vault


def test_a_name_two_folders_share_is_refused_with_both_candidates(refs_vault: Vault) -> None:
    with pytest.raises(VaultError, match="names several files") as info:
        refs_vault.resolve("plan")
    message = str(info.value)
    for path in ("home/plan.md", "work/Plan.md"):
        row = refs_vault.index.by_path(path)
        assert row is not None and f"{row.short_id} {path}" in message
    assert "use a path or an id" in message


def test_the_file_in_fewest_folders_wins_a_shared_name(refs_vault: Vault) -> None:
    # Obsidian's shortest path with no linking note: the top folder's Budget.md.
    assert refs_vault.resolve("budget").path == "Budget.md"
    assert refs_vault.resolve("Canvas").path == "Plugins/Canvas.md"


@pytest.mark.parametrize(
    ("ref", "path"),
    [
        ("work/plan", "work/Plan.md"),                      # a partial path narrows a name
        ("home/plan.md", "home/plan.md"),                   # the exact path
        ("HOME/PLAN.MD", "home/plan.md"),                   # paths compare case-insensitively
        ("Archive/Plugins/Canvas", "Archive/Plugins/Canvas.md"),
        ("plugins/canvas", "Plugins/Canvas.md"),
        ("meeting notes", "notes/Meeting notes.md"),        # the file name, any case
        ("Meeting Notes.md", "notes/Meeting notes.md"),     # with its `.md`
        ("My Alias", "notes/Meeting notes.md"),             # an alias
        ("周会", "notes/Meeting notes.md"),
        ("weekly sync", "notes/Meeting notes.md"),          # the title
        ("[[My Alias|shown]]", "notes/Meeting notes.md"),   # as a link is written
        ("photo.png", "assets/photo.png"),                  # an attachment by its full name
    ],
)
def test_a_reference_resolves_as_a_link_would(refs_vault: Vault, ref: str, path: str) -> None:
    assert refs_vault.resolve(ref).path == path
    assert refs_vault.read(ref).path == path


def test_ids_and_paths_come_before_names(refs_vault: Vault) -> None:
    row = refs_vault.index.by_path("work/Plan.md")
    assert row is not None
    assert refs_vault.resolve(row.short_id).path == "work/Plan.md"
    assert refs_vault.resolve("work/Plan").path == "work/Plan.md"
    with pytest.raises(VaultError, match="no item"):
        refs_vault.resolve("other/plan")


def test_a_new_file_and_a_new_alias_are_found_at_once(refs_vault: Vault) -> None:
    put(refs_vault, "Plan.md", "---\naliases: [Roadmap]\n---\n")
    refs_vault.scan()
    assert refs_vault.resolve("plan").path == "Plan.md"  # now one file is nearest
    assert refs_vault.resolve("roadmap").path == "Plan.md"

