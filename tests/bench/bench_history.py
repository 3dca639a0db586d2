"""Cost of undo, log and the journal: `solo undo` on an item with a long history, `solo log` of it.

Run on demand: `pytest -s tests/bench/bench_history.py -o addopts=''`. Prints timings;
asserts nothing about time. Target: undo and log of a 100-change item well under 0.5 s.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from solo.core.engine import history
from solo.core.vault import Vault

CHANGES = int(os.environ.get("SOLO_BENCH_CHANGES", "100"))
BODY = "A line of a task's notes, long enough to look real.\n" * 40  # about 2 KB


def test_undo_and_log_of_a_long_history(tmp_path: Path) -> None:
    vault = Vault.init(tmp_path / "v")
    item = vault.create("task", "Busy task", {"priority": "low"}, BODY)
    started = time.perf_counter()
    for n in range(CHANGES):
        vault.update(item.path, {"estimate": n + 1}, body=BODY + f"step {n}\n")
    per_update = (time.perf_counter() - started) / CHANGES
    started = time.perf_counter()
    _, entries = history.log(vault, item.path)
    log_seconds = time.perf_counter() - started
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        history.undo(vault)
        timings.append(time.perf_counter() - started)
    journal = (vault.solo_dir / "undo.jsonl").stat().st_size
    print(f"\n{CHANGES} journalled updates of a 2 KB task: {per_update * 1000:.1f} ms each")
    print(f"solo log over {len(entries)} changes: {log_seconds * 1000:.0f} ms")
    print(f"undo: median {sorted(timings)[5] * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms")
    print(f"journal: {journal} bytes ({journal / (CHANGES + 11):.0f} per line)")
    vault.close()
