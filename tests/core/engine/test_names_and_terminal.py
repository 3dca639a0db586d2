"""Issue 12 findings 11 and 13: names that never sync are named at once; peers' text cannot drive the terminal."""

from __future__ import annotations

import json
import os
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.solo_cli import run_solo

from solo.core.engine.fsutil import temp_name
from solo.core.engine.paths import UnsafePath, check_relative_path, safe_name
from solo.core.engine.sweep import sweep_temp_files
from solo.core.terminal import clean, clean_line, has_controls
from solo.core.vault import Vault

NEVER_SYNC = {
    "colon": "Meeting 10:30.md",
    "tab": "a\tb.md",
    "newline": "a\nb.md",
    "backslash": "a\\b.md",
    "nfd": unicodedata.normalize("NFD", "café.md"),
    "reserved": "CON.md",
    "long": "x" * 210 + ".md",
    "bidi": "invoice\u202egnp.md",
    "tilde": "~draft.md",
}


@pytest.mark.parametrize("case", sorted(NEVER_SYNC))
def test_a_local_name_peers_refuse_is_named_at_once_with_a_safe_name(tmp_path: Path,
                                                                       case: str) -> None:
    name = NEVER_SYNC[case]
    vault = Vault.init(tmp_path / "v")
    (vault.root / "notes").mkdir()
    path = vault.root / "notes" / name
    path.write_text("my words\n")
    report = vault.scan()
    rel = f"notes/{name}"
    problem = report.problems.get(rel)
    assert problem is not None and "cannot sync" in problem, report.problems
    suggestion = safe_name(rel)
    check_relative_path(suggestion)
    assert repr(suggestion) in problem
    assert path.read_text() == "my words\n"  # the file itself untouched
    assert any(rel in f and "cannot sync" in f for f in vault.doctor())
    path.write_text("more words\n")
    results = vault.ingest([rel])  # what the watcher calls
    assert "cannot sync" in (results.get(rel) or "")
    vault.close()


def test_incoming_bidi_and_tilde_segments_are_refused() -> None:
    for bad in ("a\u202eb.md", "x/\u2066y.md", "~/notes.md", "~root/x.md", "a/~b.md"):
        with pytest.raises(UnsafePath):
            check_relative_path(bad)
    assert check_relative_path("notes/a~b.md") == "notes/a~b.md"


@given(st.text(min_size=1, max_size=300))
def test_safe_name_always_gives_a_name_that_syncs(name: str) -> None:
    check_relative_path(safe_name(name))


@given(st.text())
def test_clean_leaves_no_control_and_keeps_printable_text(text: str) -> None:
    out = clean(text)
    assert not has_controls(out)
    assert "\x1b" not in clean_line(text) and "\n" not in clean_line(text)
    if not has_controls(text):
        assert out == text


HOSTILE_TITLE = "Pay \x1b]0;pwned\x07rent \x1b[2J\u202eevil"
HOSTILE_BODY = "line \x1b[31mred\x1b[0m\n\u202egnp.exe\nend\n"


def test_list_show_search_print_peer_text_without_escapes_and_json_stays_exact(
        tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "tasks").mkdir(parents=True)
    text = f'+++\ntitle = "{HOSTILE_TITLE}"\nstatus = "next"\n+++\n{HOSTILE_BODY}'
    (root / "tasks" / "pay.md").write_text(text.replace("\x1b", "\\u001b").replace(
        "\x07", "\\u0007").replace("\u202e", "\\u202e", 1))
    # the body keeps the raw controls
    (root / "tasks" / "pay.md").write_text(
        (root / "tasks" / "pay.md").read_text().split("+++\n", 2)[0] + "+++\n"
        + (root / "tasks" / "pay.md").read_text().split("+++\n", 2)[1] + "+++\n" + HOSTILE_BODY)
    assert run_solo("init", str(root)).returncode == 0
    for command in (["list"], ["show", "tasks/pay.md"], ["search", "red"]):
        r = run_solo("--vault", str(root), *command)
        assert r.returncode == 0, r.stderr
        assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "\x07" not in r.stdout, \
            (command, r.stdout)
    r = run_solo("--vault", str(root), "show", "tasks/pay.md", "--json")
    shown = json.loads(r.stdout)
    assert shown["title"] == HOSTILE_TITLE and shown["body"] == HOSTILE_BODY


def test_dead_runs_temp_files_are_swept_but_not_a_live_one(tmp_path: Path) -> None:
    vault = Vault.init(tmp_path / "v")
    (vault.root / "notes").mkdir()
    keep = vault.root / "notes" / "a.md"
    keep.write_text("x\n")
    old = temp_name(keep)
    old.write_text("half written by a killed run")
    stale = time.time() - 3600
    os.utime(old, (stale, stale))
    fresh = temp_name(keep)
    fresh.write_text("being written right now")
    foreign = vault.root / "notes" / ".a.md.swp"
    foreign.write_text("an editor's")
    os.utime(foreign, (stale, stale))
    store_tmp = temp_name(vault.solo_dir / "store" / "snap")
    store_tmp.write_text("old")
    os.utime(store_tmp, (stale, stale))
    removed = sweep_temp_files(vault.root, vault.lock)
    assert removed == sorted([vault.mirror.rel(old), os.path.relpath(store_tmp, vault.root)])
    assert fresh.exists() and foreign.exists() and keep.exists()
    vault.close()
    old.write_text("again")
    os.utime(old, (stale, stale))
    r = run_solo("--vault", str(vault.root), "doctor")
    assert not old.exists() and fresh.exists(), r.stdout + r.stderr
