"""Issue 9 item 8: doctor and init report what Solo did not understand; doctor exits 1 on a problem."""

from __future__ import annotations

import os
from pathlib import Path

from support.solo_cli import run_solo

from solo.core.vault import Vault


def _messy(root: Path) -> None:
    (root / "notes" / "deep").mkdir(parents=True)
    (root / "notes" / "ok.md").write_text("links to [[Target]] and ![[pic.png]]\n")
    (root / "notes" / "Target.md").write_text("here\n")
    (root / "notes" / "pic.png").write_bytes(b"\x89PNG\r\n")
    (root / "notes" / "dangling.md").write_text("see [[Nowhere at all]] and [[Target]]\n")
    (root / "notes" / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\nwords\n")
    (root / "notes" / "big.md").write_bytes(b"x" * (1024 * 1024 + 1))
    (root / "notes" / "binary.md").write_bytes(b"text\x00more")
    os.symlink(root / "notes" / "ok.md", root / "notes" / "link.md")
    (root / "notes" / "deep" / "Target.md").write_text("another file named Target\n")
    (root / "goals").mkdir()
    (root / "goals" / "g.md").write_text(  # a TOML array of tables is not a wikilink
        '+++\ntitle = "G"\n[[key_results]]\nname = "KR"\n+++\nbody [[Target]]\n')


def test_doctor_lists_what_it_did_not_understand_and_exits_1(tmp_path: Path) -> None:
    root = tmp_path / "v"
    root.mkdir()
    _messy(root)
    Vault.init(root).close()
    r = run_solo("--vault", str(root), "doctor")
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "notes/dangling.md: unresolved link(s): [[Nowhere at all]]" in out
    assert "notes/ok.md: unresolved" not in out  # the attachment and the note both resolve
    assert "key_results" not in out
    assert "notes/bad-yaml.md" in out and "YAML" in out
    assert "notes/big.md" in out and "limit" in out
    assert "notes/binary.md" in out and "binary" in out
    assert "notes/link.md" in out and "symbolic link" in out
    assert "notes/Target.md, notes/deep/Target.md: several files share the name" in out
    fixed = tmp_path / "w"
    fixed.mkdir()
    (fixed / "a.md").write_text("[[b]]\n")
    (fixed / "b.md").write_text("fine\n")
    Vault.init(fixed).close()
    r = run_solo("--vault", str(fixed), "doctor")
    assert r.returncode == 0 and "0 finding(s)" in r.stdout, r.stdout


def test_init_on_an_existing_folder_prints_a_summary(tmp_path: Path) -> None:
    root = tmp_path / "v"
    root.mkdir()
    _messy(root)
    r = run_solo("init", str(root))
    assert r.returncode == 0, r.stderr
    assert "Solo did not understand" in r.stdout
    assert "[[Nowhere at all]]" in r.stdout and "several files share the name" in r.stdout
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal
    empty = run_solo("init", str(tmp_path / "new"))
    assert "did not understand" not in empty.stdout


def test_the_progress_bar_draws_only_on_a_terminal() -> None:
    import io

    from solo.tui.cli.progress import ProgressBar

    quiet = io.StringIO()
    bar = ProgressBar("ingesting", quiet)
    bar(5, 10)
    bar.close()
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    bar = ProgressBar("ingesting", loud, force=True)
    bar(10, 10)
    bar.close()
    assert "10/10" in loud.getvalue()


def _link_findings(vault: Vault) -> list[str]:
    return [f for f in vault.doctor() if "link(s)" in f or "share the name" in f]


def test_doctor_reads_unresolved_links_from_the_link_index(tmp_path: Path) -> None:
    """The same lines whether links.sqlite is current, missing or garbage (it is rebuilt)."""
    root = tmp_path / "v"
    root.mkdir()
    _messy(root)
    (root / "notes" / "table.md").write_text(
        "| a | b |\n|---|---|\n| [[Target\\|shown]] | [[Gone\\|x]] |\n"
        "```\n[[in code]]\n```\n![[missing.png]] [md](nowhere.md)\n")
    expected = [
        "notes/dangling.md: unresolved link(s): [[Nowhere at all]]",
        "notes/table.md: unresolved link(s): [[Gone]], [[missing.png]]",
        "notes/Target.md, notes/deep/Target.md: several files share the name 'Target'; "
        "[[Target]] links pick the nearest",
    ]
    vault = Vault.init(root)
    vault.scan()
    assert _link_findings(vault) == expected
    assert [link.src for link in vault.links.unresolved() if link.style == "md"] == [
        "notes/table.md"]  # the index knows Markdown links too; doctor lists wikilinks
    vault.close()
    links_db = root / ".solo" / "links.sqlite"
    for side in ("", "-wal", "-shm"):
        links_db.with_name(links_db.name + side).unlink(missing_ok=True)
    vault = Vault(root)
    assert _link_findings(vault) == expected
    vault.close()
    links_db.write_bytes(b"not a database at all" * 100)
    vault = Vault(root)
    findings = vault.doctor()
    assert any("links.sqlite" in f and "quarantine" in f for f in findings), findings
    assert [f for f in findings if "link(s)" in f or "share the name" in f] == expected
    vault.close()
