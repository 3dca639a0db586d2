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
from solo.sync.transport import with_token

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from support.js_peer import INTEROP_DIR, JsSyncServer, require_interop  # noqa: E402

SIZES = [int(s) for s in os.environ.get("SOLO_BENCH_SYNC_SIZES", "1000").split(",") if s]
SERVERS = os.environ.get("SOLO_BENCH_SYNC_SERVERS", "solo,js").split(",")
EDITS = 30
TOKEN = "bench-token"

_PHASE = r"""
import asyncio, cProfile, json, os, resource, sys, time
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
profile_out = os.environ.get("SOLO_BENCH_PROFILE_OUT")
if profile_out:
    # cProfile sees one thread: profile the event loop and the vault I/O worker apart.
    import concurrent.futures
    from solo.sync.client import RemoteSync
    profilers = {"loop": cProfile.Profile(), "worker": cProfile.Profile()}
    executor = concurrent.futures.ThreadPoolExecutor(1, initializer=profilers["worker"].enable)

    async def profiled():
        client = RemoteSync(vault, Remote(url, token or None), executor=executor)
        try:
            return await client.run_once()
        finally:
            await client.close()

    profilers["loop"].enable()
    report = asyncio.run(profiled())
    profilers["loop"].disable()
    executor.submit(profilers["worker"].disable).result()
    executor.shutdown()
    for name, profiler in profilers.items():
        profiler.dump_stats(f"{profile_out}.{name}")
else:
    report = asyncio.run(sync_once(vault, Remote(url, token or None)))
if mode == "clone":
    vault.scan()
print(json.dumps({"seconds": time.perf_counter() - t0, "sync_seconds": report.seconds,
                  "documents": report.documents, "messages_in": report.messages_in,
                  "messages_out": report.messages_out, "unavailable": len(report.unavailable),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def phase(root: Path, url: str, token: str, mode: str, root_id: str = "",
          profile: Path | None = None, code: str = "") -> dict[str, float]:
    """One sync run in its own process; `code`: a folder holding another `solo` package
    (a baseline, see BASELINE) to run instead of this checkout's."""
    env = dict(os.environ)
    if profile is not None:
        env["SOLO_BENCH_PROFILE_OUT"] = str(profile)
    if code:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [code, env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", _PHASE, str(root), url, token, mode, root_id],
                         check=True, capture_output=True, text=True, timeout=3600, env=env)
    return json.loads(out.stdout)


@contextmanager
def solo_server(data: Path, profile: Path | None = None,
                peaks: list[float] | None = None) -> Iterator[tuple[str, str]]:
    """`solo serve` in its own process (under cProfile when `profile` names an output file;
    SIGTERM stops it cleanly, so the profile is written); its peak RSS in MB is appended to
    `peaks` when it stops."""
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile is not None else []
    process = subprocess.Popen([sys.executable, *prefix, "-m", "solo.tui", "serve", "--port",
                                "0", "--data", str(data), "--token", TOKEN],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r":(\d+)/", process.stdout.readline())
        assert found
        yield f"ws://127.0.0.1:{found.group(1)}/", TOKEN
    finally:
        if peaks is not None and process.poll() is None:
            peaks.append(_peak_rss_mb(process.pid))
        process.terminate()
        process.wait(30)


@contextmanager
def js_server(data: Path) -> Iterator[tuple[str, str]]:
    with JsSyncServer(data) as server:
        yield server.url, ""


def js_pull(url: str, doc_urls: list[str], tmp: Path, token: str = "") -> dict[str, float]:
    node = require_interop()
    listing = tmp / "urls.txt"
    listing.write_text("\n".join(doc_urls) + "\n")
    if token:
        url = with_token(url, token)
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
            a.items.write_file(rel, text)
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
            server_peaks: list[float] = []
            with (solo_server(work / "server", peaks=server_peaks) if kind == "solo"
                  else js_server(work / "server")) as (url, token):
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
            if server_peaks:
                lines.append(f"[{kind}] `solo serve` peak RSS over all of the above: "
                             f"{server_peaks[0]:.0f} MB (budget 300 MB)")
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
            server_peaks: list[float] = []
            with (solo_server(work / "server", peaks=server_peaks) if kind == "solo"
                  else js_server(work / "server")) as (url, token):
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
            if server_peaks:
                lines.append(f"[{kind}] `solo serve` peak RSS: {server_peaks[0]:.0f} MB "
                             "(budget 300 MB)")
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(lines))


CLONE_SIZE = int(os.environ.get("SOLO_BENCH_CLONE_SIZE", "1000"))
RECONNECT_SIZE = int(os.environ.get("SOLO_BENCH_RECONNECT_SIZE", "10000"))
PROFILE_TOP = int(os.environ.get("SOLO_BENCH_PROFILE_TOP", "14"))
CLONE_PAIRS = int(os.environ.get("SOLO_BENCH_CLONE_PAIRS", "3"))
# A folder holding a baseline's `solo` package, to clone with it too in every pair (before
# and after in one run):  mkdir -p /tmp/base/solo && touch /tmp/base/solo/__init__.py &&
#   git archive main core sync tui | tar -x -C /tmp/base/solo;  SOLO_BENCH_BASELINE=/tmp/base
BASELINE = os.environ.get("SOLO_BENCH_BASELINE", "")


def top_of(profile: Path, title: str, count: int = PROFILE_TOP) -> list[str]:
    """The `count` functions with the most time of their own in a cProfile output file."""
    import io
    import pstats

    if not profile.exists():
        return [f"  ({title}: no profile written)"]
    out = io.StringIO()
    stats = pstats.Stats(str(profile), stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    lines = [f"  profile of {title}: {total:.2f} s of CPU in Python's view; top by own time"]
    for (filename, line, func), (_cc, calls, own, cum, _callers) in rows[:count]:
        where = f"{Path(filename).name}:{line}" if line else filename
        lines.append(f"    {own / total * 100:5.1f}% own {own:6.2f} s  cum {cum:6.2f} s  "
                     f"{calls:>8} calls  {func} ({where})")
    return lines


def _made_vault(source: Path, root: Path) -> tuple[str, list[str]]:
    shutil.copytree(source, root)
    vault = Vault.init(root)
    vault.scan()
    root_id = vault.root_id
    doc_urls = [f"automerge:{root_id}"] + [f"automerge:{r.doc_id}" for r in vault.rows()]
    vault.close()
    return root_id, doc_urls


def test_clone_push_reconnect_against_js(tmp_path: Path) -> None:
    """Issue 13 part 4 in one run: a fresh clone of CLONE_SIZE notes from `solo serve` by Solo
    and by the JS automerge-repo client, a push through the reference JS server against one
    through `solo serve`, and a reconnect with nothing changed at RECONNECT_SIZE documents.

    `pytest -s tests/bench/bench_sync.py -k against_js -o addopts=''`; SOLO_BENCH_PROFILE=1
    also profiles the Solo clone (client and server) and prints where the time goes;
    SOLO_BENCH_BASELINE also clones with a baseline's code in every pair (its own ratio)."""
    profiling = bool(os.environ.get("SOLO_BENCH_PROFILE"))
    lines = []
    size = CLONE_SIZE
    source = tmp_path / f"gen-{size}"
    raw = generate_vault(source, size)
    lines.append(f"== clone and push, {size} notes, {raw / 1e6:.1f} MB of text ==")
    a_root = tmp_path / "a"
    root_id, doc_urls = _made_vault(source, a_root)
    server_prof = tmp_path / "server.prof" if profiling else None
    client_prof = tmp_path / "client.prof" if profiling else None
    base_prof = tmp_path / "baseline.prof" if profiling and BASELINE else None
    ratios: list[float] = []
    base_ratios: list[float] = []
    with solo_server(tmp_path / "solo-server", server_prof) as (url, token):
        push_solo = phase(a_root, url, token, "push")
        lines.append(f"[solo serve] push by Solo: {push_solo['sync_seconds']:.2f} s")
        for pair in range(CLONE_PAIRS):  # Solo, JS, Solo, JS...: each ratio from neighbours
            b_root = tmp_path / f"b{pair}"
            base = None
            if BASELINE:
                base = phase(b_root, url, token, "clone", root_id,
                             base_prof if pair == 0 else None, code=BASELINE)
                assert base["unavailable"] == 0 and files(a_root) == files(b_root)
                shutil.rmtree(b_root)
            clone = phase(b_root, url, token, "clone", root_id,
                          client_prof if pair == 0 else None)
            assert clone["unavailable"] == 0
            assert files(a_root) == files(b_root)
            shutil.rmtree(b_root)
            jsr = js_pull(url, doc_urls, tmp_path, token)
            assert jsr["count"] == len(doc_urls)
            ratios.append(clone["sync_seconds"] / jsr["seconds"])
            lines.append(f"[solo serve] pair {pair + 1}: fresh clone by Solo "
                         f"{clone['sync_seconds']:.2f} s (process {clone['seconds']:.2f} s with "
                         f"init and scan, peak RSS {clone['rss_mb']:.0f} MB); the JS client "
                         f"pulls the same {len(doc_urls)} documents in {jsr['seconds']:.2f} s "
                         f"(peak RSS {jsr['rss_mb']:.0f} MB): ratio {ratios[-1]:.2f}")
            if base is not None:
                base_ratios.append(base["sync_seconds"] / jsr["seconds"])
                lines.append(f"    baseline clone {base['sync_seconds']:.2f} s (peak RSS "
                             f"{base['rss_mb']:.0f} MB): ratio {base_ratios[-1]:.2f}")
    lines.append(f"  clone ratio Solo/JS client, median of {len(ratios)}: "
                 f"{statistics.median(ratios):.2f} (target <= 1, aim 0.5)")
    if base_ratios:
        lines.append(f"  baseline clone ratio Solo/JS client, median of {len(base_ratios)}: "
                     f"{statistics.median(base_ratios):.2f}")
    push_prof = tmp_path / "push-js.prof" if profiling else None
    with js_server(tmp_path / "js-server") as (url, token):
        push_js = phase(a_root, url, token, "push", profile=push_prof)
        noop_js = phase(a_root, url, token, "push")
    lines.append(f"[JS server] push by Solo: {push_js['sync_seconds']:.2f} s; ratio JS server / "
                 f"solo serve {push_js['sync_seconds'] / push_solo['sync_seconds']:.2f} "
                 "(target <= 1)")
    lines.append(f"[JS server] reconnect, nothing changed: {noop_js['documents']} docs, "
                 f"{noop_js['sync_seconds']:.2f} s")
    if profiling:
        assert server_prof is not None and client_prof is not None
        lines += top_of(client_prof.with_name("client.prof.loop"),
                        "the Solo client's clone, event loop thread")
        lines += top_of(client_prof.with_name("client.prof.worker"),
                        "the Solo client's clone, vault I/O thread")
        if base_prof is not None:
            lines += top_of(base_prof.with_name("baseline.prof.worker"),
                            "the baseline client's clone, vault I/O thread")
        lines += top_of(server_prof, "solo serve (push, clone, JS pull)")
        assert push_prof is not None  # idle threads here mean the time is the JS server's
        lines += top_of(push_prof.with_name("push-js.prof.loop"),
                        "the Solo client's push through the JS server, event loop", 6)
        lines += top_of(push_prof.with_name("push-js.prof.worker"),
                        "the Solo client's push through the JS server, vault I/O thread", 6)
    print("\n".join(lines), flush=True)

    size = RECONNECT_SIZE
    if size:
        source = tmp_path / f"gen-{size}"
        generate_vault(source, size)
        c_root = tmp_path / "c"
        _made_vault(source, c_root)
        lines.append(f"== reconnect with nothing changed, {size} documents, solo serve ==")
        with solo_server(tmp_path / "big-server") as (url, token):
            push = phase(c_root, url, token, "push")
            lines.append(f"push all: {push['sync_seconds']:.1f} s")
            for attempt in range(3):
                noop = phase(c_root, url, token, "push")
                lines.append(f"reconnect {attempt + 1}: {noop['documents']} docs exchanged, "
                             f"{noop['messages_in'] + noop['messages_out']} msgs, "
                             f"{noop['sync_seconds']:.2f} s sync ({noop['seconds']:.2f} s "
                             "with open + scan)")
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
