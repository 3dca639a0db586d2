"""Generates a realistic vault of N items (~2 KB each, every kind) for benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

WORDS = ("data pipeline iceberg terraform module review client budget exam cloud lakehouse "
         "partition schema backfill latency cost alert dashboard stakeholder meeting notes "
         "decision risk migration python dbt airflow kafka streaming batch quality contract "
         "ownership architecture network vpc subnet security audit training course skill goal "
         "achievement portfolio article talk conference weekly focus energy rest boundary").split()
KIND_SHARE = (("tasks", "task", 0.45), ("notes", "note", 0.35), ("achievements", "achievement", 0.05),
              ("learning", "learning", 0.04), ("goals", "goal", 0.02), ("skills", "skill", 0.02),
              ("stack", "resource", 0.03), ("reviews", "review", 0.04))
_SYLLABLES = ("ka ro mi te su na lo vi de pa re to bi gu fa ne si mo la du ri ze po "
              "ta ku me no sa").split()


def _vocabulary(size: int = 4000) -> list[str]:
    rng = random.Random(99)
    words = set(WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


VOCABULARY = _vocabulary()
# Zipf-like weights: a few words are everywhere, most are rare, as in real notes.
_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]
STATUSES = ("inbox", "next", "waiting", "scheduled", "someday", "done", "cancelled")


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(VOCABULARY, _WEIGHTS, k=words))
    return text[0].upper() + text[1:] + "."


def body_of_size(rng: random.Random, size: int) -> str:
    parts, total, section = [], 0, 1
    while total < size:
        chunk = f"## Section {section}\n\n{paragraph(rng, 40)}\n\n- {paragraph(rng, 8)}\n\n"
        parts.append(chunk)
        total += len(chunk)
        section += 1
    return "".join(parts)[:size] + "\n"


def item_text(rng: random.Random, kind: str, index: int, size: int = 2000,
              front: str = "toml") -> str:
    """One item: TOML front matter (`+++`), or YAML (`---`, as Obsidian writes it)."""
    today = dt.date(2026, 11, 26)
    title = f"{paragraph(rng, 4)[:-1]} {index}"
    tags = [rng.choice(WORDS), rng.choice(WORDS)]
    fields: list[tuple[str, str, str]] = [  # key, TOML value, YAML value
        ("kind", f'"{kind}"', kind), ("title", f'"{title}"', f'"{title}"'),
        ("tags", f'["{tags[0]}", "{tags[1]}"]', f"\n  - {tags[0]}\n  - {tags[1]}")]
    if kind == "task":
        status = rng.choice(STATUSES)
        due = today + dt.timedelta(days=rng.randint(-30, 60))
        priority = rng.choice(("high", "medium", "low"))
        fields += [("status", f'"{status}"', status), ("due", str(due), str(due)),
                   ("priority", f'"{priority}"', priority)]
    elif kind == "goal":
        target = today + dt.timedelta(days=rng.randint(10, 300))
        fields += [("target", str(target), str(target)),
                   ("key_results", '[{ name = "ship", target = 10, current = 3 }]',
                    "\n  - name: ship\n    target: 10\n    current: 3")]
    elif kind == "resource":
        cost = rng.randint(5, 50)
        fields += [("cost", str(cost), str(cost)), ("currency", '"EUR"', "EUR"),
                   ("period", '"monthly"', "monthly")]
    if front == "yaml":
        lines = [f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}"
                 for key, _, value in fields]
        head = "---\n" + "\n".join(lines) + "\n---\n"
    else:
        head = "+++\n" + "\n".join(f"{key} = {value}" for key, value, _ in fields) + "\n+++\n"
    return head + body_of_size(rng, max(0, size - len(head)))


def generate_vault(root: Path, count: int = 10_000, seed: int = 7, front: str = "toml") -> int:
    """Write `count` items under `root` (front matter `front`: "toml" or "yaml"); returns
    the total bytes written."""
    rng = random.Random(seed)
    total = 0
    folders = [f for f, _, share in KIND_SHARE for _ in range(int(share * 100))]
    kinds = {f: k for f, k, _ in KIND_SHARE}
    for index in range(count):
        folder = rng.choice(folders)
        path = root / folder / f"item-{index:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = item_text(rng, kinds[folder], index, front=front).encode()
        path.write_bytes(data)
        total += len(data)
    return total
