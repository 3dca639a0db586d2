"""Daily habits on the 10,000-item vault: Upcoming, the tags pane's counts, ctrl+d's note.

Run on demand: `make bench` (or `pytest -s tests/bench/bench_daily.py -o addopts=''`).
Prints milliseconds; asserts nothing about time. Target: each under 100 ms (one frame of
waiting the user notices).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from generate import generate_vault

from solo.core.planning import daily
from solo.core.planning.upcoming import upcoming
from solo.core.vault import Vault
from solo.tui.screens.tags import tag_counts

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def test_daily_habits_timings(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate_vault(root, COUNT)
    vault = Vault.init(root)
    vault.scan()
    today = dt.date(2026, 11, 26)
    t0 = time.perf_counter()
    tasks = vault.rows("task")
    read_ms = ms(t0)
    t0 = time.perf_counter()
    result = upcoming(tasks, today)
    upcoming_ms = ms(t0)
    t0 = time.perf_counter()
    rows = vault.rows()
    counts = tag_counts(rows)
    tags_ms = ms(t0)
    t0 = time.perf_counter()
    note = daily.open_daily(vault, today, dt.datetime(2026, 11, 26, 9, 0))
    create_ms = ms(t0)
    t0 = time.perf_counter()
    daily.open_daily(vault, today, dt.datetime(2026, 11, 26, 9, 0))
    again_ms = ms(t0)
    vault.close()
    shown = sum(len(found) for found in result.days.values())
    print(f"\n{COUNT} items, {len(tasks)} tasks: rows('task') {read_ms:.1f} ms, "
          f"upcoming {upcoming_ms:.1f} ms ({shown} entries, {len(result.overdue)} overdue); "
          f"tags over {len(rows)} rows {tags_ms:.1f} ms ({len(counts)} tags); "
          f"daily note created {create_ms:.1f} ms ({note.path}), opened again {again_ms:.2f} ms")
