"""Cost of the people rule on a big vault: last contact from the notes that link each person, computed on read.

Run on demand: `pytest -s tests/bench/bench_people.py -o addopts=''`. Prints the time of
`solo people` (cold: every note body read) and of a second pass with the Today screen's
link cache (warm: no body read); asserts nothing about time. Target: warm (what a Today refresh costs) under 100 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path

from solo.core.career import people
from solo.core.config import WorkConfig
from solo.core.planning import blocks
from solo.core.vault import Vault

NOTES = int(os.environ.get("SOLO_BENCH_NOTES", "3000"))
PEOPLE = int(os.environ.get("SOLO_BENCH_PEOPLE", "200"))


def test_people_rule_on_a_big_vault(tmp_path: Path) -> None:
    rng = random.Random(16)
    root = tmp_path / "vault"
    (root / "people").mkdir(parents=True)
    (root / "notes").mkdir()
    (root / "blocks").mkdir()
    for n in range(PEOPLE):
        (root / "people" / f"p{n}.md").write_text(
            f'+++\ntitle = "Person {n}"\ncadence = "every 6 weeks"\n+++\n', encoding="utf-8")
    start = dt.date(2026, 1, 1)
    for n in range(NOTES):
        day = start + dt.timedelta(days=rng.randrange(330))
        links = " ".join(f"[[Person {rng.randrange(PEOPLE)}]]" for _ in range(rng.randrange(3)))
        (root / "notes" / f"{day}-n{n}.md").write_text(
            f"# Note {n}\n\nMet {links} about the roadmap.\n" + "Filler text. " * 40,
            encoding="utf-8")
    for n in range(300):
        (root / "blocks" / f"b{n}.md").write_text(
            f'+++\ndate = 2026-11-26\nstart = "{9 + n % 8:02d}:00"\nend = "{10 + n % 8:02d}:00"\n'
            '+++\n', encoding="utf-8")
    with Vault.init(root) as vault:
        vault.scan()
        rows = vault.rows()
        cache = people.LinkCache()
        t0 = time.perf_counter()
        found = people.mentions(rows, lambda r: vault.read(r).body, cache)
        listed = people.contacts(rows, dt.date(2026, 11, 26), found)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        people.contacts(rows, dt.date(2026, 11, 26),
                        people.mentions(rows, lambda r: vault.read(r).body, cache))
        warm = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = blocks.day_plan(rows, dt.date(2026, 11, 26), WorkConfig())
        plan_seconds = time.perf_counter() - t0
    print(f"\npeople rule: {NOTES} notes, {PEOPLE} people: cold {cold * 1000:.0f} ms, "
          f"warm (link cache) {warm * 1000:.0f} ms; {sum(c.is_due for c in listed)} due")
    print(f"day plan with {len(plan.blocks)} blocks (all overlapping): "
          f"{plan_seconds * 1000:.0f} ms")
