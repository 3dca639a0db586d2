"""Link index benchmarks on a generated 10,000-note vault: build cost and backlinks query p95, beside grep.

Run on demand: `pytest -s tests/bench/bench_links.py -o addopts=''` (SOLO_BENCH_ITEMS sets the
size). Prints numbers with a floor and the ratio to it; asserts nothing about time.
Floors: for the build, one `grep -rnF '[['` over the files (finding every link line, no
resolving); for a query, `grep -rlF '[[Name'` (the files that mention the name, no rules).
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

from generate import paragraph

from solo.core.engine.linkindex import LinkIndex
from solo.core.vault import Vault

COUNT = int(os.environ.get("SOLO_BENCH_ITEMS", "10000"))
QUERIES = 200
SCAN = os.environ.get("SOLO_BENCH_SCAN") == "1"  # also a whole vault scan (minutes at 10,000)


Note = tuple[str, str, int, list[str], str]  # path, body, first line, aliases, title


def generate(root: Path, count: int, seed: int = 11) -> list[Note]:
    """`count` notes in 100 folders with YAML front matter (aliases, tags, created), each with
    3–8 links (wikilinks, aliases, headings, md) and a checkbox task."""
    rng = random.Random(seed)
    names = [f"Note {i:05d}" for i in range(count)]
    paths = [f"area{i % 100:02d}/{name}.md" for i, name in enumerate(names)]
    notes: list[Note] = []
    for i, path in enumerate(paths):
        links = []
        for _ in range(rng.randint(3, 8)):
            j = rng.randrange(count)
            style = rng.random()
            if style < 0.6:
                links.append(f"[[{names[j]}]]")
            elif style < 0.75:
                links.append(f"[[{names[j]}#Part|see]]")
            elif style < 0.9:
                links.append(f"[[alias {j}]]")
            else:
                links.append(f"[x]({paths[j].split('/', 1)[1].replace(' ', '%20')})")
        # Obsidian-style properties: what an idle or ingest benchmark on a YAML vault reads.
        head = (f"---\naliases: [alias {i}]\ntags: [area{i % 100:02d}, notes]\n"
                f"created: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n")
        body = (f"# {names[i]}\n\n{paragraph(rng, 60)}\n\n"
                + "\n".join(f"- {paragraph(rng, 8)} {link}" for link in links) + "\n\n## Part\n"
                + paragraph(rng, 40) + f"\n\n- [ ] Follow up on {names[i]} 📅 2026-12-05\n")
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(head + body)
        notes.append((path, body, head.count("\n") + 1, [f"alias {i}"], names[i]))
    return notes


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def test_link_index_benchmarks(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    notes = generate(root, COUNT)
    paths = [note[0] for note in notes]
    links = LinkIndex(tmp_path / "links.sqlite")
    t0 = time.perf_counter()
    links.rebuild(notes)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run(["grep", "-rnF", "--include=*.md", "[[", str(root)], capture_output=True,
                   check=False)
    grep_all_s = time.perf_counter() - t0
    rng = random.Random(3)
    sample = rng.sample(paths, min(QUERIES, len(paths)))
    t0 = time.perf_counter()
    links.incoming(sample[0])
    cold_ms = (time.perf_counter() - t0) * 1000
    query_ms, grep_ms, found = [], [], 0
    for path in sample:
        t0 = time.perf_counter()
        found += len(links.incoming(path))
        query_ms.append((time.perf_counter() - t0) * 1000)
        name = path.rsplit("/", 1)[-1].removesuffix(".md")
        t0 = time.perf_counter()
        subprocess.run(["grep", "-rlF", "--include=*.md", f"[[{name}", str(root)],
                       capture_output=True, check=False)
        grep_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    unresolved = links.unresolved()
    unresolved_ms = (time.perf_counter() - t0) * 1000
    size = sum(p.stat().st_size for p in tmp_path.glob("links.sqlite*"))
    links.close()
    p95, grep_p95 = percentile(query_ms, 0.95), percentile(grep_ms, 0.95)
    print(f"\nlink index, {COUNT} notes ({found / len(sample):.1f} backlinks a note on average)")
    print(f"  build (scan every body, store links, targets): {build_s:7.2f} s   "
          f"floor grep -rnF '[[' {grep_all_s:6.2f} s   ratio {build_s / grep_all_s:6.1f}x   "
          f"({build_s / COUNT * 1000:.2f} ms a note on ingest)")
    print(f"  backlinks, first query (builds the resolver): {cold_ms:7.1f} ms")
    print(f"  backlinks p50 {percentile(query_ms, 0.5):7.2f} ms   p95 {p95:7.2f} ms   "
          f"floor grep -rlF '[[Name' p95 {grep_p95:7.1f} ms   ratio {p95 / grep_p95:6.3f}x")
    print(f"  unresolved links: {len(unresolved)} in {unresolved_ms:.0f} ms;  links.sqlite "
          f"{size / 1e6:.1f} MB")
    if SCAN:
        vault = Vault.init(root)
        t0 = time.perf_counter()
        vault.scan()
        scan_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        vault.links.rebuild()
        rebuild_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        vault.links.backlinks(sample[1])
        vault_ms = (time.perf_counter() - t0) * 1000
        vault.close()
        print(f"  vault scan (ingest incl. link index) {scan_s:.1f} s;  links.rebuild from the "
              f"files {rebuild_s:.1f} s;  vault.links.backlinks {vault_ms:.1f} ms")


def test_resolve_a_name_and_unresolved_with_attachments_off(tmp_path: Path) -> None:
    """`solo show NAME` through the link index's resolver (cold: what one CLI command pays,
    the resolver built from links.sqlite; warm: the TUI), beside the stem scan over every
    index row it replaced; and `unresolved` with attachments off (one walk for the files
    Solo does not mirror)."""
    root = tmp_path / "vault"
    notes = generate(root, COUNT)
    for i in range(0, COUNT, 10):  # an image beside every tenth note, linked, and one gone
        (root / notes[i][0]).with_name(f"img{i}.png").write_bytes(b"png")
        with (root / notes[i][0]).open("a") as f:
            f.write(f"![[img{i}.png]] ![[gone{i}.png]]\n")
    Vault.init(root).close()
    (root / ".solo" / "config.toml").write_text("attachments_max_mb = 0\n")
    with Vault(root) as vault:
        vault.scan()
    rng = random.Random(5)
    names = [note[4] for note in rng.sample(notes, min(QUERIES, len(notes)))]
    cold_ms, warm_ms, stem_ms = [], [], []
    for name in names[:20]:
        with Vault(root) as vault:
            t0 = time.perf_counter()
            vault.resolve(name)
            cold_ms.append((time.perf_counter() - t0) * 1000)
    with Vault(root) as vault:
        for name in names:
            t0 = time.perf_counter()
            vault.resolve(name)
            warm_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            folded = name.casefold()
            [r for r in vault.index.rows() if Path(r.path).stem.casefold() == folded]
            stem_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        walked = vault.mirror.unmirrored_files()
        walk_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        unresolved = vault.links.unresolved()
        unresolved_ms = (time.perf_counter() - t0) * 1000
        assert sorted(link.target for link in unresolved) == sorted(
            f"gone{i}.png" for i in range(0, COUNT, 10))  # what is there is not listed
    print(f"\nresolve a name, {COUNT} notes")
    print(f"  cold (new Vault, resolver built) p50 {percentile(cold_ms, 0.5):7.1f} ms   "
          f"p95 {percentile(cold_ms, 0.95):7.1f} ms")
    print(f"  warm p50 {percentile(warm_ms, 0.5):7.3f} ms   p95 {percentile(warm_ms, 0.95):7.3f} ms"
          f"   the old stem scan over index.rows() p50 {percentile(stem_ms, 0.5):7.1f} ms")
    print(f"  attachments off: walk for {len(walked)} unmirrored files {walk_ms:.0f} ms; "
          f"unresolved() {len(unresolved)} links in {unresolved_ms:.0f} ms")
