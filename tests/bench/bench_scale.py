"""Scale benchmarks side by side at 10,000 notes (and 30,000 on demand): init, CLI, doctor, search, storage, RSS.

Run on demand: `make bench`, or `pytest -s tests/bench/bench_scale.py -o addopts=''`.
`SOLO_BENCH_SCALE=10000,30000` picks the sizes (default: `SOLO_BENCH_ITEMS` or 10000);
`SOLO_BENCH_FRONT=yaml` writes YAML front matter; `SOLO_BENCH_PARTS=init` stops after init.
Every figure is printed, with how it grows from one size to the next; nothing about time is
asserted (numbers vary by machine). Each process's CPU time and peak RSS come from `wait4`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from generate import VOCABULARY, generate_vault

from solo.core.vault import Vault

SIZES = [int(s) for s in (os.environ.get("SOLO_BENCH_SCALE") or os.environ.get(
    "SOLO_BENCH_ITEMS") or "10000").split(",") if s.strip()]
FRONT = os.environ.get("SOLO_BENCH_FRONT", "toml")  # the generated heads: "toml" or "yaml"
INIT_ONLY = os.environ.get("SOLO_BENCH_PARTS") == "init"  # stop after init and the floors
RUNS = 5
SAMPLE = 500  # notes built with the bare bindings (Python, JS), for the per-note floor
INTEROP = Path(__file__).resolve().parents[1] / "interop"
# `solo` as its console script runs it, reporting its peak RSS (VmHWM: ru_maxrss would count
# the memory of the forked benchmark process the command was started from).
SOLO = [sys.executable, "-c",
        "import atexit, sys\n"
        "def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    print('VmHWM', status.split('VmHWM:')[1].split()[0], file=sys.stderr)\n"
        "atexit.register(peak)\n"
        "sys.argv = ['solo', *sys.argv[1:]]\n"
        "from solo.tui.cli import entry\n"
        "entry()\n"]

_PY_FLOOR = r"""
import json, sys, time
import automerge.core as am
texts = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
for text in texts:
    doc = am.Document()
    with doc.transaction() as tx:
        obj = tx.put_object(am.ROOT, "body", am.ObjType.Text)
        insert, kind = tx.insert, am.ScalarType.Str
        for i, ch in enumerate(text):
            insert(obj, i, kind, ch)
    doc.save()
print(json.dumps({"ms_per_note": (time.perf_counter() - t0) / len(texts) * 1000}))
"""

_JS_FLOOR = r"""
import * as A from "@automerge/automerge";
import { readFileSync } from "node:fs";
const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const t0 = performance.now();
for (const text of texts) {
  let doc = A.init();
  doc = A.change(doc, (d) => { d.body = ""; A.splice(d, ["body"], 0, 0, text); });
  A.save(doc);
}
console.log(JSON.stringify({ ms_per_note: (performance.now() - t0) / texts.length }));
"""


def timed(argv: list[str], env: dict[str, str] | None = None,
          cwd: Path | None = None) -> dict[str, float | str]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process (reaped with wait4), and
    its output."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                             cwd=cwd)
    assert child.stdout is not None and child.stderr is not None
    out = child.stdout.read()
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv}: exit {child.returncode}: {err.decode()[-800:]}")
    peaks = [line.split()[1] for line in err.decode().splitlines() if line.startswith("VmHWM ")]
    rss = int(peaks[-1]) / 1024 if peaks else usage.ru_maxrss / 1024
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": rss,
            "out": out.decode()}


def best(argv: list[str], env: dict[str, str], runs: int = RUNS) -> dict[str, float]:
    results = [timed(argv, env) for _ in range(runs)]
    return {"wall": min(float(r["wall"]) for r in results),
            "median": statistics.median(float(r["wall"]) for r in results),
            "rss_mb": max(float(r["rss_mb"]) for r in results)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def search_timings(vault: Vault, rng: random.Random) -> dict[str, float]:
    """p50/p95 of 100 in-process searches for words in nearly every note and typical words."""
    out: dict[str, float] = {}
    for label, low, high in (("worst", 0, 5), ("typical", 5, 3000)):
        timings = []
        for _ in range(100):
            text = " ".join(VOCABULARY[rng.randint(low, high)] for _ in range(rng.choice((1, 2))))
            t0 = time.perf_counter()
            vault.search(text, 20)
            timings.append(time.perf_counter() - t0)
        out[f"search {label} p50 ms"] = percentile(timings, 0.5) * 1000
        out[f"search {label} p95 ms"] = percentile(timings, 0.95) * 1000
    return out


def measure(tmp: Path, count: int) -> dict[str, float]:
    root = tmp / f"vault{count}"
    raw = generate_vault(root, count, front=FRONT)
    figures: dict[str, float] = {"notes": count, "text_mb": raw / 1e6}
    env = dict(os.environ, SOLO_VAULT=str(root), SOLO_TODAY="2026-11-26")

    cat = timed(["sh", "-c", f"find {root} -name '*.md' -print0 | xargs -0 cat > /dev/null"])
    figures["cat_ms_per_note"] = float(cat["wall"]) / count * 1000

    init = timed(SOLO + ["init", str(root)], env)  # (workers: their CPU is in `cpu`)
    figures["init_s"] = float(init["wall"])
    figures["init_ms_per_note"] = float(init["wall"]) / count * 1000
    figures["init_cpu_ms_per_note"] = float(init["cpu"]) / count * 1000
    figures["init_rss_mb"] = float(init["rss_mb"])
    solo_dir = root / ".solo"
    figures["solo_dir_ratio"] = tree_bytes(solo_dir) / raw
    figures["store_ratio"] = tree_bytes(solo_dir / "store") / raw
    figures["index_ratio"] = sum(tree_bytes(p) if p.is_dir() else p.stat().st_size
                                 for p in solo_dir.glob("index.sqlite*")) / raw

    # The floor: the same notes built with the bare bindings, in memory, one core.
    rng = random.Random(5)
    sample = rng.sample(sorted(root.rglob("*.md")), min(SAMPLE, count))
    texts = tmp / "texts.json"
    texts.write_text(json.dumps([p.read_text() for p in sample]))
    py = timed([sys.executable, "-c", _PY_FLOOR, str(texts)])
    figures["python_binding_ms_per_note"] = json.loads(str(py["out"]))["ms_per_note"]
    node = shutil.which("node")
    if node and (INTEROP / "node_modules" / "@automerge" / "automerge").is_dir():
        script = INTEROP / ".bench_floor.mjs"
        script.write_text(_JS_FLOOR)
        try:
            js = timed([node, str(script), str(texts)], cwd=INTEROP)
            figures["js_ms_per_note"] = json.loads(str(js["out"]).strip().splitlines()[-1])[
                "ms_per_note"]
        finally:
            script.unlink(missing_ok=True)

    if INIT_ONLY:
        shutil.rmtree(root)
        return figures

    # Whole commands against bare Python start.
    bare = best([sys.executable, "-c", "pass"], env)
    figures["python_start_ms"] = bare["wall"] * 1000
    with Vault(root) as vault:
        tasks = vault.rows("task", ["next"])
        ids = [r.short_id for r in tasks[:RUNS + 1]]
        t0 = time.perf_counter()
        vault.scan()
        figures["stat_pass_ms"] = (time.perf_counter() - t0) * 1000
    common = VOCABULARY[0]
    commands = {"--help": ["--help"], "list": ["list"], "list --json": ["list", "--json"],
                "show": ["show", ids[0]], "search (word in every note)": ["search", common],
                "add": ["add", "task", "Bench task"]}
    for label, argv in commands.items():
        result = best(SOLO + argv, env)
        figures[f"cli {label} ms over python"] = (result["wall"] - bare["wall"]) * 1000
        figures[f"cli {label} rss_mb"] = result["rss_mb"]
    done = [timed(SOLO + ["done", ids[1 + i]], env) for i in range(RUNS)]
    figures["cli done ms over python"] = (min(float(d["wall"]) for d in done)
                                          - bare["wall"]) * 1000
    figures["cli done rss_mb"] = max(float(d["rss_mb"]) for d in done)

    # Doctor on the clean vault (stat and hash against the index), against `cat` of every file.
    doctor = timed(SOLO + ["doctor"], env)
    figures["doctor_s"] = float(doctor["wall"])
    figures["doctor_vs_cat"] = float(doctor["wall"]) / float(cat["wall"])
    figures["doctor_rss_mb"] = float(doctor["rss_mb"])

    # Search in process: words in nearly every note (the worst case) and typical words.
    with Vault(root) as vault:
        figures.update(search_timings(vault, rng))
    shutil.rmtree(root)
    return figures


def test_scale(tmp_path: Path) -> None:
    results = []
    for count in SIZES:  # each size's figures as soon as they are in (30,000 takes a while)
        results.append(measure(tmp_path, count))
        print("\n" + json.dumps(results[-1], indent=1), flush=True)
    keys = list(results[0])
    width = max(len(k) for k in keys)
    lines = ["", f"scale benchmark ({FRONT} front matter): "
             + ", ".join(f"{r['notes']:.0f} notes" for r in results)]
    for key in keys:
        cells = [f"{r.get(key, float('nan')):10.2f}" for r in results]
        growth = ""
        if len(results) > 1 and results[0].get(key):
            growth = f"   x{results[-1].get(key, 0) / results[0][key]:.2f}"
        lines.append(f"{key:{width}}  " + "  ".join(cells) + growth)
    first = results[0]
    if "js_ms_per_note" in first:
        lines.append(f"init per note vs bare Python binding: "
                     f"{first['init_ms_per_note'] / first['python_binding_ms_per_note']:.2f}x; "
                     f"vs JS @automerge/automerge: "
                     f"{first['init_ms_per_note'] / first['js_ms_per_note']:.2f}x; "
                     f"vs cat: {first['init_ms_per_note'] / first['cat_ms_per_note']:.0f}x")
    print("\n".join(lines))
