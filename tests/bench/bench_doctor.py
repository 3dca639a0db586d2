"""`solo doctor` on a clean generated vault against the floor of reading every file (`cat`).

Run on demand: `pytest -s tests/bench/bench_doctor.py -o addopts=''` (SOLO_BENCH_NOTES sets the
size, default 10,000). Prints the numbers; asserts nothing about time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from generate import generate_vault

from solo.core.vault import Vault


def test_doctor_on_a_clean_vault(tmp_path: Path) -> None:
    count = int(os.environ.get("SOLO_BENCH_NOTES", "10000"))
    root = tmp_path / "v"
    generate_vault(root, count)
    vault = Vault.init(root)
    vault.scan()
    vault.close()
    files = [str(p) for p in root.rglob("*.md")]
    start = time.perf_counter()
    for n in range(0, len(files), 1000):
        subprocess.run(["cat", *files[n:n + 1000]], stdout=subprocess.DEVNULL, check=True)
    floor = time.perf_counter() - start
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "solo.tui", "--vault", str(root), "doctor"],
                       capture_output=True, text=True)
    took = time.perf_counter() - start
    print(f"\ndoctor, clean vault of {count} notes: {took:.2f} s (exit {r.returncode}); "
          f"cat of every file {floor:.3f} s; ratio {took / floor:.1f}x")
    print(r.stdout.splitlines()[-1] if r.stdout else r.stderr[-300:])
