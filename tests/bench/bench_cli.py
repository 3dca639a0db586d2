"""CLI benchmark: `solo list/show/add/done/search` as whole processes against `python3 -c pass`.

Run on demand: `make bench`, or `pytest -s tests/bench/bench_cli.py -o addopts=''`, or
`.venv/bin/python tests/bench/bench_cli.py`. On a generated vault of `SOLO_BENCH_ITEMS` notes
(default 10,000; `SOLO_BENCH_VAULT=DIR` copies an initialised vault instead of making one).

Each command runs in turn with bare Python start (`python -c pass`, same interpreter), pair
by pair, so a drift in the machine's speed moves both; the figures are medians over the
pairs: wall and CPU time over bare Python, and the ratio. Also printed: the stat pass alone
(the walk over the vault, the index's stamps, and a whole `scan` with nothing changed)
against a bare `os.scandir` walk of the same tree, search in process (p50/p95, a word in
nearly every note and typical words), `solo --help`'s import time from `-X importtime`, and
the recall of the 48 questions when every search is ranked from the index's statistics.
Nothing about time is asserted (numbers vary by machine and load).
"""

from __future__ import annotations

import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from bench_scale import search_timings  # noqa: E402
from generate import VOCABULARY, generate_vault  # noqa: E402

from solo.core.vault import Vault  # noqa: E402

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))
PAIRS = int(os.environ.get("SOLO_BENCH_RUNS", "7"))
SOLO = [sys.executable, "-c", "import sys; sys.argv[0] = 'solo'\n"
        "from solo.tui.cli import entry\nentry()"]
FLOOR = [sys.executable, "-c", "pass"]
# A bare walk of the same tree: the least a stat pass can cost in Python.
_BARE_WALK = r"""
import os, sys, time
t0 = time.perf_counter()
stack, n = [sys.argv[1]], 0
while stack:
    for entry in os.scandir(stack.pop()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            stack.append(entry.path)
        else:
            entry.stat(follow_symlinks=False)
            n += 1
print((time.perf_counter() - t0) * 1000, n)
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, from wait4) of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv[3:]}: exit {os.waitstatus_to_exitcode(status)}: "
                           f"{err.decode()[-600:]}")
    return wall, usage.ru_utime + usage.ru_stime


def paired(argv: list[str], env: dict[str, str], pairs: int = PAIRS,
           vary: list[list[str]] | None = None) -> dict[str, float]:
    """The command and bare Python in turn (`vary`: a different argv for each pair, for
    commands that change what they act on, such as `done`)."""
    run(FLOOR, env)
    run(vary[0] if vary else argv, env)  # warm: page cache, bytecode
    over, cpu_over, ratios, walls = [], [], [], []
    for number in range(pairs):
        floor_wall, floor_cpu = run(FLOOR, env)
        wall, cpu = run(vary[number + 1] if vary else argv, env)
        over.append(wall - floor_wall)
        cpu_over.append(cpu - floor_cpu)
        ratios.append(wall / floor_wall)
        walls.append(wall)
    return {"wall_ms": statistics.median(walls) * 1000,
            "over_ms": statistics.median(over) * 1000,
            "cpu_over_ms": statistics.median(cpu_over) * 1000,
            "ratio": statistics.median(ratios)}


def import_ms(argv: list[str], env: dict[str, str]) -> float:
    """The sum of every module's own import time (`-X importtime`) for `solo ARGV`."""
    out = subprocess.run([sys.executable, "-X", "importtime", *SOLO[1:], *argv], env=env,
                         capture_output=True, text=True, check=True)
    return sum(int(m.group(1)) for m in re.finditer(r"import time:\s+(\d+) \|",
                                                    out.stderr)) / 1000


def make_vault(tmp: Path) -> Path:
    root = tmp / "vault"
    kept = os.environ.get("SOLO_BENCH_VAULT")
    if kept:
        shutil.copytree(kept, root, symlinks=True)
        return root
    generate_vault(root, COUNT)
    env = dict(os.environ, SOLO_TODAY="2026-11-26")
    subprocess.run([*SOLO, "init", str(root)], env=env, check=True, capture_output=True)
    return root


def stat_pass(root: Path, env: dict[str, str]) -> dict[str, float]:
    """The pass every command makes to notice edits, alone, against a bare walk."""
    bare = [float(subprocess.run([sys.executable, "-c", _BARE_WALK, str(root)], env=env,
                                 capture_output=True, text=True, check=True
                                 ).stdout.split()[0]) for _ in range(5)]
    walk, stats, scan = [], [], []
    with Vault(root) as vault:
        for _ in range(5):
            t0 = time.perf_counter()
            files = dict(vault.mirror.walk())
            t1 = time.perf_counter()
            vault.index.stamps()  # what the scan's first look reads
            t2 = time.perf_counter()
            vault.scan()
            t3 = time.perf_counter()
            walk.append(t1 - t0)
            stats.append(t2 - t1)
            scan.append(t3 - t2)
    return {"files": len(files), "bare_walk_ms": statistics.median(bare),
            "walk_ms": statistics.median(walk) * 1000,
            "index_stats_ms": statistics.median(stats) * 1000,
            "scan_unchanged_ms": statistics.median(scan) * 1000}


def search_in_process(root: Path) -> dict[str, float]:
    rng = random.Random(5)
    with Vault(root) as vault:
        vault.search(VOCABULARY[0], 20)  # (the first search reads the row lengths once)
        return search_timings(vault, rng)


def search_recall(tmp: Path) -> str:
    """The 48 questions of `retrieval_questions.toml` through `Index.search` (any word, top
    5) on examples/vault, every query ranked by SQLite's `ORDER BY rank` and then every
    query by `core.ranking.top` (what words in nearly every note get): recall@5 and MRR."""
    import tomllib

    from solo.core.assistant.retrieval import query_terms
    from solo.core.engine import index as index_module

    root = tmp / "example"
    shutil.copytree(HERE.parents[1] / "examples" / "vault", root)
    env = dict(os.environ, SOLO_TODAY="2026-11-26")
    subprocess.run([*SOLO, "init", str(root)], env=env, check=True, capture_output=True)
    questions = tomllib.loads((HERE / "retrieval_questions.toml").read_text())["question"]
    scores, bound = [], index_module.RANK_BOUND
    with Vault(root) as vault:
        for forced in (10**9, -1):
            index_module.RANK_BOUND = forced
            found, reciprocal = 0, 0.0
            for question in questions:
                text = " ".join(query_terms(question["q"]))
                paths = [h.row.path for h in vault.index.search(text, 5, any_term=True)]
                rank = next((i + 1 for i, p in enumerate(paths) if p in question["files"]), 0)
                found += rank > 0
                reciprocal += 1 / rank if rank else 0.0
            scores.append((found / len(questions), reciprocal / len(questions)))
    index_module.RANK_BOUND = bound
    (sql_recall, sql_mrr), (top_recall, top_mrr) = scores
    return (f"  search recall, {len(questions)} questions (examples/vault, any word, top 5): "
            f"ORDER BY rank recall@5 {sql_recall:.3f} MRR {sql_mrr:.3f}; "
            f"core.ranking.top recall@5 {top_recall:.3f} MRR {top_mrr:.3f}")


def measure(tmp: Path) -> list[str]:
    package = Path(sys.modules["solo.core"].__file__ or "").resolve().parents[1]
    for part in ("core", "sync", "tui"):  # as an installed package has them: compiled once
        compileall.compile_dir(package / part, quiet=1)
    root = make_vault(tmp)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SOLO_VAULT=str(root), SOLO_TODAY="2026-11-26")
    with Vault(root) as vault:
        vault.scan()
        ids = [r.short_id for r in vault.rows("task", ["next", "inbox"])][:PAIRS + 1]
        notes = len(vault.rows())
    lines = [f"CLI benchmark: {notes} items, {PAIRS} pairs each, medians "
             f"(wall and CPU over bare `python -c pass`, and wall ratio)"]
    floor = paired(FLOOR, env)
    lines.append(f"  {'python -c pass':28} {floor['wall_ms']:7.1f} ms wall")
    commands = {"--help": ["--help"], "list": ["list"], "list --json": ["list", "--json"],
                "list task +next": ["list", "task", "status:next"],
                "show": ["show", ids[0]], "search (word in every note)": ["search", VOCABULARY[0]],
                "search (typical word)": ["search", VOCABULARY[700]],
                "add": ["add", "task", "Bench task"]}
    for label, argv in commands.items():
        result = paired(SOLO + argv, env)
        lines.append(f"  {label:28} {result['wall_ms']:7.1f} ms wall  "
                     f"+{result['over_ms']:6.1f} ms  cpu +{result['cpu_over_ms']:6.1f} ms  "
                     f"x{result['ratio']:.2f}")
    done = paired([], env, vary=[[*SOLO, "done", i] for i in ids])
    lines.append(f"  {'done':28} {done['wall_ms']:7.1f} ms wall  +{done['over_ms']:6.1f} ms  "
                 f"cpu +{done['cpu_over_ms']:6.1f} ms  x{done['ratio']:.2f}")
    lines.append(f"  solo --help imports: {import_ms(['--help'], env):.1f} ms; "
                 f"solo list imports: {import_ms(['list'], env):.1f} ms (-X importtime, summed)")
    stats = stat_pass(root, env)
    lines.append(f"  stat pass over {stats['files']:.0f} files: walk {stats['walk_ms']:.1f} ms + "
                 f"index stamps {stats['index_stats_ms']:.1f} ms; whole scan, nothing changed: "
                 f"{stats['scan_unchanged_ms']:.1f} ms; bare os.scandir walk "
                 f"{stats['bare_walk_ms']:.1f} ms (scan x"
                 f"{stats['scan_unchanged_ms'] / stats['bare_walk_ms']:.2f})")
    for key, value in search_in_process(root).items():
        lines.append(f"  {key:28} {value:7.1f}")
    lines.append(search_recall(tmp))
    return lines


def test_cli_commands_against_bare_python(tmp_path: Path) -> None:
    print("\n" + "\n".join(measure(tmp_path)))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(measure(Path(folder))))
