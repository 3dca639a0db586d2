"""Sync benchmarks through `solo serve` and the reference JS server: push, pull, edit latency,
reconnect cost and peak RSS, on generated vaults of 2 KB notes.

Run on demand: `make bench`, or
`SOLO_BENCH_SYNC_SIZES=1000,10000 pytest -s tests/bench/bench_sync.py -o addopts=''`.
Sizes default to 1000. Prints a table; asserts only correctness, never time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generate import generate_vault

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import BackgroundSync

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from support.js_peer import INTEROP_DIR, JsSyncServer, require_interop  # noqa: E402

SIZES = [int(s) for s in os.environ.get("SOLO_BENCH_SYNC_SIZES", "1000").split(",") if s]
SERVERS = os.environ.get("SOLO_BENCH_SYNC_SERVERS", "solo,js").split(",")
EDITS = 30
TOKEN = "bench-token"

_PHASE = r"""
import asyncio, json, resource, sys, time
from pathlib import Path
from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import sync_once
root, url, token, mode, root_id = sys.argv[1:6]
t0 = time.perf_counter()
if mode == "clone":
    Path(root).mkdir(parents=True, exist_ok=True)
    vault = Vault.init(Path(root), root_id=root_id)
else:
    vault = Vault(Path(root))
    vault.scan()
report = asyncio.run(sync_once(vault, Remote(url, token or None)))
if mode == "clone":
    vault.scan()
print(json.dumps({"seconds": time.perf_counter() - t0, "sync_seconds": report.seconds,
                  "documents": report.documents, "messages_in": report.messages_in,
                  "messages_out": report.messages_out, "unavailable": len(report.unavailable),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def phase(root: Path, url: str, token: str, mode: str, root_id: str = "") -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PHASE, str(root), url, token, mode, root_id],
                         check=True, capture_output=True, text=True, timeout=3600)
    return json.loads(out.stdout)


@contextmanager
def solo_server(data: Path) -> Iterator[tuple[str, str]]:
    process = subprocess.Popen([sys.executable, "-m", "solo.tui", "serve", "--port", "0",
                                "--data", str(data), "--token", TOKEN],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r":(\d+)/", process.stdout.readline())
        assert found
        yield f"ws://127.0.0.1:{found.group(1)}/", TOKEN
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def js_server(data: Path) -> Iterator[tuple[str, str]]:
    with JsSyncServer(data) as server:
        yield server.url, ""


def js_pull(url: str, doc_urls: list[str], tmp: Path) -> dict[str, float]:
    node = require_interop()
    listing = tmp / "urls.txt"
    listing.write_text("\n".join(doc_urls) + "\n")
    out = subprocess.run([node, str(Path(__file__).with_name("js_pull.mjs")), url, str(listing)],
                         cwd=INTEROP_DIR, check=True, capture_output=True, text=True,
                         timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.md")
            if ".solo" not in p.parts}


def edit_latency(a_root: Path, b_root: Path, url: str, token: str) -> list[float]:
    """Seconds from writing A's file (ingested) to B's file holding the edit, live sync."""
    a, b = Vault(a_root), Vault(b_root)
    remote = Remote(url, token or None)
    rel = sorted(r.path for r in a.rows())[0]
    times = []
    with BackgroundSync(a, [remote]) as sa, BackgroundSync(b, [remote]) as sb:
        deadline = time.monotonic() + 600
        while not all(c.sync is not None and c.sync.settled
                      for s in (sa, sb) for c in s.clients):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        for i in range(EDITS):
            text = a.abs(rel).read_text() + f"edit {i}\n"
            start = time.perf_counter()
            a.write_file(rel, text)
            while b.abs(rel).read_text() != text:
                assert time.perf_counter() - start < 30, "edit never arrived"
                time.sleep(0.001)
            times.append(time.perf_counter() - start)
            time.sleep(1.0)  # both sides settle (root index updates) between edits
    a.close()
    b.close()
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def test_sync_benchmarks(tmp_path: Path) -> None:
    lines = []
    for size in SIZES:
        source = tmp_path / f"gen-{size}"
        raw = generate_vault(source, size)
        lines.append(f"== {size} notes, {raw / 1e6:.1f} MB of text ==")
        for kind in SERVERS:
            work = tmp_path / f"{kind}-{size}"
            a_root, b_root = work / "a", work / "b"
            shutil.copytree(source, a_root)
            vault = Vault.init(a_root)
            vault.scan()
            root_id = vault.root_id
            doc_urls = [f"automerge:{r.doc_id}" for r in vault.rows()]
            vault.close()
            starter = solo_server if kind == "solo" else js_server
            with starter(work / "server") as (url, token):
                push = phase(a_root, url, token, "push")
                lines.append(f"[{kind}] push all: {push['sync_seconds']:.1f} s, "
                             f"{push['messages_out']} msgs out, peak RSS {push['rss_mb']:.0f} MB")
                pull = phase(b_root, url, token, "clone", root_id)
                assert pull["unavailable"] == 0
                assert files(a_root) == files(b_root)
                lines.append(f"[{kind}] fresh clone pulls all: {pull['sync_seconds']:.1f} s "
                             f"(with scan {pull['seconds']:.1f} s), peak RSS "
                             f"{pull['rss_mb']:.0f} MB")
                if kind == "js" and (size <= 1000 or os.environ.get("SOLO_BENCH_JS_PULL_ALL")):
                    jsr = js_pull(url, doc_urls, work)
                    lines.append(f"[{kind}] JS client pulls the same {size}: "
                                 f"{jsr['seconds']:.1f} s, peak RSS {jsr['rss_mb']:.0f} MB; "
                                 f"Solo/JS pull ratio {pull['sync_seconds'] / jsr['seconds']:.2f}")
                noop = phase(a_root, url, token, "push")
                lines.append(f"[{kind}] reconnect, nothing changed: {noop['documents']} docs, "
                             f"{noop['messages_in'] + noop['messages_out']} msgs, "
                             f"{noop['sync_seconds'] * 1000:.0f} ms sync "
                             f"({noop['seconds']:.1f} s with open+scan), RSS "
                             f"{noop['rss_mb']:.0f} MB")
                rel = sorted(files(a_root))[size // 2]
                path = a_root / rel
                path.write_text(path.read_text() + "one changed line\n")
                one = phase(a_root, url, token, "push")
                got = phase(b_root, url, token, "push")
                lines.append(f"[{kind}] reconnect, 1 changed of {size}: push {one['documents']} "
                             f"docs / {one['messages_in'] + one['messages_out']} msgs / "
                             f"{one['sync_seconds'] * 1000:.0f} ms; pull {got['documents']} docs"
                             f" / {got['messages_in'] + got['messages_out']} msgs / "
                             f"{got['sync_seconds'] * 1000:.0f} ms; RSS {got['rss_mb']:.0f} MB")
                assert (b_root / rel).read_bytes() == path.read_bytes()
                times = edit_latency(a_root, b_root, url, token)
                lines.append(f"[{kind}] one edit A file -> B file (live): p50 "
                             f"{statistics.median(times) * 1000:.0f} ms, p95 "
                             f"{pct(times, 0.95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(lines))


def test_reconnect_nothing_changed(tmp_path: Path) -> None:
    """The fast path with the heads check (issue 12): a reconnect with nothing changed.

    `SOLO_BENCH_SYNC_SIZES=10000 pytest -s tests/bench/bench_sync.py -k reconnect -o addopts=''`
    """
    lines = []
    for size in SIZES:
        source = tmp_path / f"gen-{size}"
        generate_vault(source, size)
        for kind in SERVERS:
            work = tmp_path / f"{kind}-{size}"
            a_root = work / "a"
            shutil.copytree(source, a_root)
            vault = Vault.init(a_root)
            vault.scan()
            vault.close()
            starter = solo_server if kind == "solo" else js_server
            with starter(work / "server") as (url, token):
                push = phase(a_root, url, token, "push")
                lines.append(f"[{kind}] {size} docs: push all {push['sync_seconds']:.1f} s")
                print(lines[-1], flush=True)
                for attempt in range(3):
                    noop = phase(a_root, url, token, "push")
                    lines.append(f"[{kind}] reconnect {attempt + 1}, nothing changed: "
                                 f"{noop['documents']} docs exchanged, "
                                 f"{noop['messages_in'] + noop['messages_out']} msgs, "
                                 f"{noop['sync_seconds'] * 1000:.0f} ms sync "
                                 f"({noop['seconds']:.2f} s with open+scan)")
                    print(lines[-1], flush=True)
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(lines))


_BOMB_SERVER = r"""
import sys
from pathlib import Path
from solo.sync.server import main_serve
sys.exit(main_serve("127.0.0.1", 0, Path(sys.argv[1]), None,
                    ready=lambda port: print(port, flush=True)))
"""


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def test_server_peak_rss_under_bombs(tmp_path: Path) -> None:
    """Peak RSS of `solo serve` receiving the 10 M-character bomb and a 1e6-key document.

    `pytest -s tests/bench/bench_sync.py -k bombs -o addopts=''` (the 1e6-key document takes
    the JS side about a minute to make)."""
    import asyncio

    sys.path.insert(0, str(REPO / "tests" / "sync"))
    from support.sync_helpers import SyncClient, make_note

    from solo.core.model.ids import new_document_id
    from solo.sync import protocol as p

    node = require_interop()
    keys_msg = tmp_path / "keys.syncmsg"
    count = int(os.environ.get("SOLO_BENCH_BOMB_KEYS", "1000000"))
    copies = int(os.environ.get("SOLO_BENCH_BOMB_COPIES", "1"))
    subprocess.run([node, str(INTEROP_DIR / "bomb.mjs"), "keys", str(count), str(keys_msg)],
                   cwd=INTEROP_DIR, check=True, capture_output=True, timeout=3600)
    bombs = {"text 10M chars": (INTEROP_DIR / "fixtures" / "bomb-text-10m.syncmsg").read_bytes(),
             f"{count} keys": keys_msg.read_bytes()}
    lines = []
    for name, data in bombs.items():
        process = subprocess.Popen([sys.executable, "-c", _BOMB_SERVER, str(tmp_path / name)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            base = _peak_rss_mb(process.pid)

            async def push(data: bytes = data, port: int = port, name: str = name) -> float:
                async with SyncClient(f"ws://127.0.0.1:{port}/") as client:
                    assert client.server_id is not None
                    start = time.perf_counter()
                    ids = [new_document_id() for _ in range(copies)]
                    for doc_id in ids:  # the same document under several ids: the cache
                        await client.send(p.Sync(client.peer_id, client.server_id, doc_id,
                                                 data))
                        if "keys" in name:  # accepted (under the caps): wait for its answer
                            await client.wait_for(lambda d=doc_id: d in client.docs, 600)
                            lines.append(f"  {name}: copy applied and answered after "
                                         f"{time.perf_counter() - start:.1f} s")
                    # A second peer's round trip: the server is responsive again.
                    async with SyncClient(f"ws://127.0.0.1:{port}/") as other:
                        doc_id = new_document_id()
                        await other.push(doc_id, make_note("x", "y"))
                        await other.wait_idle([doc_id], seconds=600)
                    return time.perf_counter() - start

            seconds = asyncio.run(push())
            lines.append(f"serve, {name} ({len(data)} bytes) x{copies}: other peer served after "
                         f"{seconds:.2f} s; peak RSS {_peak_rss_mb(process.pid):.0f} MB "
                         f"(idle {base:.0f} MB)")
        finally:
            process.terminate()
            process.wait(30)
    print("\n" + "\n".join(lines))
