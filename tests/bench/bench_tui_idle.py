"""TUI idle CPU on a generated 10,000-item vault, after a `grep -r` of the whole vault.

Run on demand: `pytest -s tests/bench/bench_tui_idle.py -o addopts=''` (SOLO_BENCH_ITEMS sets
the size, SOLO_BENCH_VAULT reuses a generated and ingested vault, SOLO_BENCH_IDLE_SECONDS the
window, 60 by default). The app runs headless with watcher and start-up scan on, as users run
it; once its scan finished and its watcher is up, the whole vault is read with `grep -r`, then
the app's CPU time over the window is printed beside a `sleep` process's over the same window
(the floor). Prints numbers; asserts nothing about time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench_links import generate as generate_yaml_vault
from bench_tui import _INGEST
from generate import generate_vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))
YAML = os.environ.get("SOLO_BENCH_FORMAT", "toml") == "yaml"
"""SOLO_BENCH_FORMAT=yaml: an Obsidian-style vault (YAML properties, links, checkbox tasks)."""


def make_vault(root: Path) -> None:
    if YAML:
        generate_yaml_vault(root, COUNT)
    else:
        generate_vault(root, COUNT)
SECONDS = float(os.environ.get("SOLO_BENCH_IDLE_SECONDS", "60"))

_RUN = r"""
import sys
from pathlib import Path
from solo.tui.app import SoloApp


class IdleApp(SoloApp):
    def on_scan_finished(self, message):
        self.set_timer(0.05, self.ready)

    def ready(self):
        if self.watcher is None:
            self.set_timer(0.05, self.ready)
            return
        Path(sys.argv[2]).write_text("ready")


IdleApp(Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_tui_idle_cpu(tmp_path: Path) -> None:
    root = Path(os.environ.get("SOLO_BENCH_VAULT", tmp_path / "vault"))
    if not (root / ".solo").is_dir():
        make_vault(root)
        subprocess.run([sys.executable, "-c", _INGEST, str(root)], check=True,
                       capture_output=True)
    ready = tmp_path / "ready"
    app = subprocess.Popen([sys.executable, "-c", _RUN, str(root), str(ready)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists():  # a benchmark: polling a file is fine here
            assert app.poll() is None, "the app exited"
            assert time.monotonic() < deadline, "the app did not get ready"
            time.sleep(0.1)
        started = time.perf_counter()
        subprocess.run(["grep", "-r", "-q", "no-such-text-anywhere", str(root)], check=False)
        grep_s = time.perf_counter() - started
        floor = subprocess.Popen(["sleep", str(SECONDS)])
        app_before, floor_before = cpu_seconds(app.pid), cpu_seconds(floor.pid)
        time.sleep(SECONDS)
        app_cpu, floor_cpu = cpu_seconds(app.pid) - app_before, cpu_seconds(floor.pid) - floor_before
        floor.wait()
    finally:
        app.terminate()
        app.wait(timeout=30)
    print(f"\nitems: {COUNT} ({'YAML' if YAML else 'TOML'}); grep -r of the vault: "
          f"{grep_s:.2f} s; window: {SECONDS:.0f} s")
    print(f"TUI idle CPU: {app_cpu:.2f} s ({app_cpu / SECONDS * 100:.2f} % of one core)")
    print(f"floor (sleep): {floor_cpu:.2f} s ({floor_cpu / SECONDS * 100:.2f} %)")
