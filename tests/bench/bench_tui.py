"""TUI benchmark on a generated 10,000-item vault: first paint, usable Today and Tasks lists, live edit, RSS.

Run on demand: `pytest -s tests/bench/bench_tui.py -o addopts=''` (set SOLO_BENCH_ITEMS to
change the size, SOLO_BENCH_VAULT to reuse an already generated and ingested vault).
Prints numbers; asserts nothing about time (numbers vary by machine).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from generate import generate_vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))

_RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from solo.tui.app import SoloApp

marks = {}


def mark(name):
    marks.setdefault(name, round((time.perf_counter() - t0) * 1000, 1))


class BenchApp(SoloApp):
    def on_mount(self):
        mark("app_mounted")
        super().on_mount()

    def on_scan_finished(self, message):
        mark("scan_finished")

    def on_items_refreshed(self, message):
        mark(message.screen_name)
        if message.screen_name == "today":
            self.action_goto("tasks")
        elif message.screen_name == "tasks" and "live_sent" not in marks:
            self.call_later(self.edit_elsewhere)
        elif "live.md" in " ".join(message.paths):
            marks["live_ms"] = round((time.perf_counter() - self.sent) * 1000, 1)
            self.exit(0)

    def edit_elsewhere(self):
        if self.watcher is None:
            self.set_timer(0.05, self.edit_elsewhere)
            return
        marks["live_sent"] = 1
        self.sent = time.perf_counter()
        (self.vault.root / "tasks" / "live.md").write_text(
            '+++\ntitle = "Live"\nstatus = "next"\n+++\n')


app = BenchApp(Path(sys.argv[1]))
app.run(headless=True, size=(120, 40))
marks["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(marks))
"""

_INGEST = r"""
import sys, time
from pathlib import Path
from solo.core.vault import Vault
t0 = time.perf_counter()
vault = Vault.init(Path(sys.argv[1]))
vault.scan()
vault.close()
print(time.perf_counter() - t0)
"""


def run_once(root: Path) -> dict[str, float]:
    (root / "tasks" / "live.md").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", _RUN, str(root)], check=True,
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tui_benchmarks(tmp_path: Path) -> None:
    root = Path(os.environ.get("SOLO_BENCH_VAULT", tmp_path / "vault"))
    lines = [f"items: {COUNT}"]
    if not (root / ".solo").is_dir():
        generate_vault(root, COUNT)
        seconds = float(subprocess.run([sys.executable, "-c", _INGEST, str(root)], check=True,
                                       capture_output=True, text=True).stdout)
        lines.append(f"first ingest of the generated vault (not the TUI): {seconds:.1f} s")
    runs = [run_once(root) for _ in range(3)]
    for key, label in (("app_mounted", "app mounted (process start, imports included)"),
                       ("today", "first paint with content: Today list usable"),
                       ("tasks", "Tasks list usable (after pressing 2)"),
                       ("scan_finished", "background scan finished"),
                       ("live_ms", "external edit → visible in the Tasks list (watcher incl.)")):
        values = [r[key] for r in runs if key in r]
        if values:
            lines.append(f"{label}: median {statistics.median(values):.0f} ms "
                         f"(runs: {', '.join(f'{v:.0f}' for v in values)})")
    lines.append(f"peak RSS: {max(r['rss_mb'] for r in runs):.0f} MB")
    lines.append("raw marks (ms since process start): " + json.dumps(runs))
    print("\n" + "\n".join(lines))
