"""Idle CPU of `solo watch` while other programs read the whole vault (`grep -r`, `cat`).

Run on demand: `make bench` (or `pytest -s tests/bench/bench_idle.py -o addopts=''`).
Prints CPU time as a share of one core, side by side with a floor process that does nothing
(`sleep`) measured over the same window; asserts nothing about time.
Target: under 1% of a core after the reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench_links import generate as generate_yaml_vault
from generate import generate_vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))
YAML = os.environ.get("SOLO_BENCH_FORMAT", "toml") == "yaml"
"""SOLO_BENCH_FORMAT=yaml: an Obsidian-style vault (YAML properties, links, checkbox tasks)."""


def make_vault(root: Path) -> None:
    if YAML:
        generate_yaml_vault(root, COUNT)
    else:
        generate_vault(root, COUNT)
WINDOW = float(os.environ.get("SOLO_BENCH_IDLE_SECONDS", "30"))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def test_idle_cpu_of_solo_watch_after_reads(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    make_vault(root)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solo.tui", "init", str(root)], check=True,
                   capture_output=True)
    init_seconds = time.perf_counter() - t0
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLO_")}
    watch = subprocess.Popen([sys.executable, "-m", "solo.tui", "--vault", str(root), "watch"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    floor = subprocess.Popen(["sleep", str(WINDOW * 3 + 60)])
    try:
        assert watch.stdout is not None
        for line in watch.stdout:
            if line.startswith("Watching"):
                break
        before = cpu_seconds(watch.pid), cpu_seconds(floor.pid)
        start = t0 = time.perf_counter()
        subprocess.run(["grep", "-r", "-c", "the", str(root)], capture_output=True)
        subprocess.run(f"find {root} -name '*.md' -print0 | xargs -0 cat > /dev/null",
                       shell=True, check=True)
        read_seconds = time.perf_counter() - t0
        time.sleep(WINDOW)  # a benchmark window, not a wait for an event
        elapsed = time.perf_counter() - start
        after = cpu_seconds(watch.pid), cpu_seconds(floor.pid)
    finally:
        watch.terminate()
        floor.terminate()
        output = watch.communicate(timeout=30)[0]
        floor.wait()
    ingested = output.count("ingested:")
    watch_share = (after[0] - before[0]) / elapsed
    floor_share = (after[1] - before[1]) / elapsed
    print(f"\nitems: {COUNT} ({'YAML' if YAML else 'TOML'}); solo init {init_seconds:.1f} s; "
          "grep -r + cat of every file "
          f"{read_seconds:.2f} s")
    print(f"CPU over {elapsed:.0f} s from the reads on: solo watch {watch_share * 100:.2f}% "
          f"of a core, floor (sleep) {floor_share * 100:.2f}%; `ingested:` lines: {ingested}")
