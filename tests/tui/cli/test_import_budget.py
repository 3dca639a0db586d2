"""Import budget: `solo --help` and the everyday item commands load no assistant, sync or UI
(nor the modules of templates and daily notes, nor the round-trip TOML library of the config)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.solo_cli import solo_env

# Run the real entry point, then report every module that was loaded (even on SystemExit).
WRAPPER = """
import atexit, json, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
from solo.tui.cli import entry
sys.argv[0] = "solo"
entry()
"""

HEAVY = ("solo.core.assistant.answer", "solo.core.assistant.retrieval", "solo.core.assistant.embeddings", "ollama",
         "websockets", "textual", "solo.sync")
# Loaded only by the commands that use them: templates and daily notes, saving the config.
UNUSED_BY_ITEM_COMMANDS = (*HEAVY, "solo.core.planning.daily", "tomlkit")
# The parser alone needs no vault at all (nor `dataclasses`: the command table is named tuples).
NOT_FOR_HELP = (*HEAVY, "solo.core.vault", "automerge", "sqlite3", "solo.tui.cli.items",
                "dataclasses")
# An unchanged vault listed: no file is scanned, no document loaded, no link resolved.
UNUSED_BY_LIST = (*UNUSED_BY_ITEM_COMMANDS, "solo.core.model.markdown", "solo.core.model.links",
                  "solo.core.engine.crdt_limits", "solo.core.engine.crdt_encode",
                  "solo.core.career")


def loaded_by(*args: str, cwd: Path | None = None) -> tuple[int, set[str]]:
    """Run `solo ARGS` and return its exit code and the modules it imported."""
    out = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=cwd, env=solo_env(),
                         capture_output=True, text=True, timeout=60)
    line = next(line for line in out.stderr.splitlines() if line.startswith("MODULES "))
    return out.returncode, set(json.loads(line.removeprefix("MODULES ")))


def heavy(loaded: set[str], names: tuple[str, ...]) -> set[str]:
    return {m for m in loaded if any(m == n or m.startswith(n + ".") for n in names)}


def test_help_loads_only_the_parser() -> None:
    code, loaded = loaded_by("--help")
    assert code == 0
    assert heavy(loaded, NOT_FOR_HELP) == set()


def test_subcommand_help_loads_only_the_parser() -> None:
    code, loaded = loaded_by("ask", "--help")
    assert code == 0
    assert heavy(loaded, NOT_FOR_HELP) == set()


@pytest.mark.parametrize("args", [
    ("list",), ("list", "task", "--json"), ("show", "{id}"), ("search", "terraform"),
    ("add", "task", "Budget check", "--due", "2026-12-24"), ("done", "{id}"),
])
def test_item_commands_load_no_assistant_sync_or_ui(example_root: Path,
                                                   args: tuple[str, ...]) -> None:
    code, _ = loaded_by("init", str(example_root))
    assert code == 0
    task = next(example_root.glob("tasks/*.md"))
    argv = [a.replace("{id}", str(task.relative_to(example_root))) for a in args]
    code, loaded = loaded_by("--vault", str(example_root), *argv)
    assert code == 0
    assert heavy(loaded, UNUSED_BY_ITEM_COMMANDS) == set()


@pytest.mark.parametrize("args", [("list",), ("list", "--json"), ("list", "task", "status:next")])
def test_a_list_of_an_unchanged_vault_loads_no_scanner_documents_or_links(
        example_root: Path, args: tuple[str, ...]) -> None:
    code, _ = loaded_by("init", str(example_root))
    assert code == 0
    code, loaded = loaded_by("--vault", str(example_root), *args)
    assert code == 0
    assert heavy(loaded, UNUSED_BY_LIST) == set()
