"""Vault core benchmarks on a generated 10,000-item vault: open, ingest, search, memory, storage.

Run on demand: `make bench` (or `pytest -s tests/bench/bench_vault.py -o addopts=''`).
Prints a table; asserts nothing about time (numbers vary by machine).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from generate import VOCABULARY, body_of_size, generate_vault

from solo.core.vault import Vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))

_PHASE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from solo.core.vault import Vault
root = sys.argv[1]
what = sys.argv[2]
if what == "init":
    vault = Vault.init(__import__("pathlib").Path(root))
else:
    vault = Vault(__import__("pathlib").Path(root))
report = vault.scan()
rows = vault.rows("task", ["next", "inbox"])
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "rows": len(rows), "added": len(report.added),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def phase(root: Path, what: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PHASE, str(root), what], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def test_vault_benchmarks(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    raw = generate_vault(root, COUNT)
    lines = [f"items: {COUNT}, raw text: {raw / 1e6:.1f} MB"]

    t0 = time.perf_counter()
    subprocess.run(f"find {root} -name '*.md' -print0 | xargs -0 cat > /dev/null", shell=True,
                   check=True)
    cat_seconds = time.perf_counter() - t0
    lines.append(f"floor: cat every file once (warm): {cat_seconds * 1000:.0f} ms")

    first = phase(root, "init")
    lines.append(f"first open (ingest all): {first['seconds']:.1f} s, "
                 f"peak RSS {first['rss_mb']:.0f} MB")
    warm = [phase(root, "open") for _ in range(5)]
    lines.append(f"open unchanged vault to a usable list (warm): median "
                 f"{statistics.median(w['seconds'] for w in warm) * 1000:.0f} ms, "
                 f"peak RSS {max(w['rss_mb'] for w in warm):.0f} MB")
    if drop_caches():
        cold = phase(root, "open")
        lines.append(f"open unchanged vault (cold cache): {cold['seconds'] * 1000:.0f} ms")
    else:
        lines.append("open (cold cache): not measurable here (cannot drop the page cache)")

    rng = random.Random(3)
    with Vault(root) as vault:
        for size in (5_000, 50_000, 500_000):
            item = vault.create("note", f"Bench note {size}", body=body_of_size(rng, size))
            path = vault.abs(item.path)
            timings = []
            for i in range(30):
                text = path.read_text()
                cut = rng.randrange(len(text) // 2, len(text))
                path.write_text(text[:cut] + f" edit{i} " + text[cut:])
                t0 = time.perf_counter()
                vault.ingest([item.path])
                timings.append(time.perf_counter() - t0)
            lines.append(f"ingest external edit, {size // 1000} KB note: "
                         f"p50 {percentile(timings, 0.5) * 1000:.1f} ms, "
                         f"p95 {percentile(timings, 0.95) * 1000:.1f} ms")
        # Queries like a person's: one or two words, from common to rare. Reported apart: words
        # in nearly every note (ranks 0-5), the worst case, where every match must be ranked.
        def query(low: int, high: int) -> str:
            return " ".join(VOCABULARY[rng.randint(low, high)] for _ in range(rng.choice((1, 2))))

        for label, low, high in (("typical words", 5, 3000), ("words in nearly every note", 0, 5)):
            timings = []
            for _ in range(100):
                text = query(low, high)
                t0 = time.perf_counter()
                vault.search(text, 20)
                timings.append(time.perf_counter() - t0)
            lines.append(f"search, {label}: p50 {percentile(timings, 0.5) * 1000:.1f} ms, "
                         f"p95 {percentile(timings, 0.95) * 1000:.1f} ms")
        for doc_id in list(vault.store.ids()):
            if vault.store.needs_compaction(doc_id):
                vault.store.compact(doc_id, vault.store.load(doc_id))
        vault.index.optimize()
    with Vault(root) as vault:  # reopened and closed: the index's write-ahead log is folded in
        store = vault.store.size_bytes()
    solo = root / ".solo"
    apparent = sum(p.stat().st_size for p in solo.rglob("*") if p.is_file())
    on_disk = sum(p.stat().st_blocks * 512 for p in solo.rglob("*") if p.is_file())
    lines.append(f".solo/store: {store / 1e6:.1f} MB ({store / raw:.2f}x raw text); .solo/ total: "
                 f"{apparent / 1e6:.1f} MB ({apparent / raw:.2f}x), {on_disk / 1e6:.1f} MB in "
                 f"disk blocks ({on_disk / raw:.2f}x)")
    print("\n" + "\n".join(lines))
