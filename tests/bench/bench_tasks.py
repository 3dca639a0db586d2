"""Task command benchmarks on a generated 10,000-item vault: `solo list` (plain, filtered, sorted) and `solo next`, as whole processes.

Run on demand: `pytest -s tests/bench/bench_tasks.py -o addopts=''` (`SOLO_BENCH_ITEMS` sets
the size). Each command runs several times; the best wall time is printed beside bare
`python -c pass` and `solo search` (the cost every command pays to open and scan the vault).
Asserts nothing about time (numbers vary by machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from generate import generate_vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))
RUNS = 5


def best_of(argv: list[str], env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def test_task_command_benchmarks(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate_vault(root, COUNT)
    env = {**os.environ, "SOLO_TODAY": "2026-11-26"}
    solo = [sys.executable, "-m", "solo.tui", "--vault", str(root)]
    subprocess.run([sys.executable, "-m", "solo.tui", "init", str(root)], check=True,
                   capture_output=True, env=env)
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "solo search (open+scan floor)": [*solo, "search", "qqqqzz"],
        "solo list task": [*solo, "list", "task"],
        "solo list task +OVERDUE due.before:eow": [*solo, "list", "task", "+OVERDUE",
                                                   "due.before:eow"],
        "solo list task project:x +BLOCKED": [*solo, "list", "task", "project:x", "+BLOCKED"],
        "solo list task --sort due- --limit 20": [*solo, "list", "task", "--sort", "due-",
                                                  "--limit", "20"],
        "solo next": [*solo, "next"],
    }
    print(f"\nTask commands on {COUNT} items (best of {RUNS}, whole process):")
    for label, argv in cases.items():
        print(f"  {best_of(argv, env) * 1000:8.0f} ms  {label}")
