"""Checkbox tasks at scale: `solo list task` and `solo next` on 10,000 notes holding ~5 checkbox tasks each.

Run on demand: `pytest -s tests/bench/bench_line_tasks.py -o addopts=''` (`SOLO_BENCH_NOTES`
sets the number of notes). Prints `solo init` time, the best of several whole-process runs
of each command, the first listing after the line-task table was emptied (every note read
again once) and the table's share of the index file. Asserts nothing about time.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

COUNT = int(os.environ.get("SOLO_BENCH_NOTES", "10000"))
RUNS = 3
TEMPLATES = ("- [ ] {w} {w} 📅 2026-12-{d:02d} #{t}", "* [x] {w} done ✅ 2026-11-{d:02d}",
             "1. [ ] {w} {w} ⏫ 🔁 every week ⏳ 2026-12-{d:02d}",
             "- [ ] {w} [due:: 2026-12-{d:02d}] [priority:: low]", "- TODO {w} {w} #{t}",
             "- [/] {w} in progress 🛫 2026-11-{d:02d}")
WORDS = ("garden", "invoice", "report", "call", "bank", "draft", "review", "plan", "email")


def note(rng: random.Random, index: int) -> str:
    lines = [f"# Note {index}", "", " ".join(rng.choices(WORDS, k=40)), ""]
    for _ in range(5):
        lines.append(rng.choice(TEMPLATES).format(w=rng.choice(WORDS), d=rng.randint(1, 28),
                                                  t=rng.choice(WORDS)))
    lines += ["", " ".join(rng.choices(WORDS, k=30)), ""]
    return "\n".join(lines)


def best_of(argv: list[str], env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def test_line_task_listing_at_scale(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    rng = random.Random(11)
    for index in range(COUNT):
        folder = root / "notes" / f"{index % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note-{index}.md").write_text(note(rng, index))
    env = {**os.environ, "SOLO_TODAY": "2026-11-26"}
    solo = [sys.executable, "-m", "solo.tui", "--vault", str(root)]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solo.tui", "init", str(root)], check=True,
                   capture_output=True, env=env)
    init_seconds = time.perf_counter() - start
    listed = subprocess.run([*solo, "list", "task", "--all"], check=True, capture_output=True,
                            env=env, text=True).stdout.count("\n")
    print(f"\n{COUNT} notes, {listed} checkbox tasks; solo init {init_seconds:.1f} s")
    cases = {
        "solo search (open+scan floor)": [*solo, "search", "qqqqzz"],
        "solo list task": [*solo, "list", "task"],
        "solo list task --json": [*solo, "list", "task", "--json"],
        "solo list task +garden due.before:eow": [*solo, "list", "task", "+garden",
                                                  "due.before:eow"],
        "solo next": [*solo, "next"],
    }
    for label, argv in cases.items():
        print(f"  {best_of(argv, env) * 1000:8.0f} ms  {label}")
    index_path = root / ".solo" / "index.sqlite"
    with sqlite3.connect(index_path) as db:
        db.execute("DELETE FROM line_tasks")
    start = time.perf_counter()
    subprocess.run([*solo, "list", "task"], check=True, capture_output=True, env=env)
    print(f"  {(time.perf_counter() - start) * 1000:8.0f} ms  solo list task, table emptied "
          "(every note read once)")
    with sqlite3.connect(index_path) as db:
        pages = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'line_tasks%'"
                           ).fetchone()[0] if _has_dbstat(db) else None
    if pages:
        print(f"  line_tasks table and index: {pages / 1e6:.1f} MB of "
              f"{index_path.stat().st_size / 1e6:.1f} MB")


def _has_dbstat(db: sqlite3.Connection) -> bool:
    try:
        db.execute("SELECT 1 FROM dbstat LIMIT 1")
    except sqlite3.OperationalError:
        return False
    return True
