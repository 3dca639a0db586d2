"""Bulk ingest: many new files mirrored at once, exactly as one at a time would, and kill-safe."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from solo.core.engine import bulk
from solo.core.engine.docform import render_doc
from solo.core.engine.index import Index
from solo.core.engine.storage import MemoryStore
from solo.core.engine.store import DocStore
from solo.core.model import fileformat
from solo.core.vault import Vault

WORKER = Path(__file__).with_name("bulk_worker.py")


def note(i: int, rng: random.Random) -> str:
    words = " ".join(rng.choice(("alpha", "beta", "gamma", "délta", "emoji 🙂", "x")) for _ in
                     range(rng.randint(0, 60)))
    if i % 3 == 0:
        return f'+++\nkind = "task"\ntitle = "Task {i}"\nstatus = "next"\ntags = ["t{i % 5}"]\n+++\n{words}\n'
    if i % 3 == 1:
        return f"---\ntitle: Note {i}\ntags: [a, b]\n---\n# Note {i}\n\n{words}\n"
    return f"# Plain {i}\n\n{words}"


def make_files(root: Path, count: int, seed: int = 1) -> dict[str, bytes]:
    rng = random.Random(seed)
    out = {}
    for i in range(count):
        rel = f"{('tasks', 'notes', 'deep/er')[i % 3]}/n{i:04d}.md"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = note(i, rng).encode()
        path.write_bytes(data)
        out[rel] = data
    return out


def check_mirrored(root: Path, files: dict[str, bytes]) -> None:
    """Every file has exactly one live document, which renders to the file's bytes."""
    with Vault(root) as vault:
        live = [e for e in vault.repo.root_entries().values() if not e.get("deleted")]
        paths = [e["path"] for e in live]
        assert sorted(paths) == sorted(set(paths)), "a path is claimed by two documents"
        assert set(paths) == set(files)
        assert {r.path for r in vault.rows()} == set(files)
        for row in vault.rows():
            assert row.doc_id and row.problem is None, row
            doc = vault.repo.load(row.doc_id)
            assert render_doc(doc).encode() == files[row.path], row.path
            assert vault.repo.root_path_map()[row.path] == row.doc_id
        assert vault.doctor(repair=False) == []


def test_bulk_ingest_mirrors_every_file_with_worker_processes(tmp_path: Path) -> None:
    files = make_files(tmp_path, bulk.PARALLEL_FROM + 60)
    calls: list[tuple[int, int]] = []
    with Vault.init(tmp_path) as vault:
        report = vault.scan(progress=lambda done, total: calls.append((done, total)))
        assert sorted(report.added) == sorted(files)
        assert report.problems == {}
        assert vault.search("gamma")  # searchable at once
    assert calls[0] == (0, len(files)) and calls[-1] == (len(files), len(files))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    check_mirrored(tmp_path, files)
    with Vault(tmp_path) as vault:  # nothing to do the second time
        assert vault.scan().empty


def test_bulk_ingest_names_files_it_cannot_mirror_and_keeps_them(tmp_path: Path) -> None:
    files = make_files(tmp_path, 40)
    (tmp_path / "bin.md").write_bytes(b"abc\0def")
    (tmp_path / "latin.md").write_bytes(b"caf\xe9\n")
    (tmp_path / "big.md").write_bytes(b"x" * (1024 * 1024 + 1))
    (tmp_path / "deep.md").write_text("+++\n" + "a = " + "[" * 40 + "]" * 40 + "\n+++\nbody\n")
    with Vault.init(tmp_path) as vault:
        report = vault.scan()
        assert set(report.problems) == {"bin.md", "latin.md", "big.md", "deep.md"}
        assert "NUL" in report.problems["bin.md"]
        assert "UTF-8" in report.problems["latin.md"]
        assert "limit" in report.problems["big.md"]
        assert "kept as body text" in report.problems["deep.md"]
        row = vault.index.by_path("deep.md")
        assert row is not None and row.doc_id
        assert vault.repo.load(row.doc_id).get(["body"]).startswith("+++")  # kept as body text
    assert (tmp_path / "bin.md").read_bytes() == b"abc\0def"
    assert (tmp_path / "latin.md").read_bytes() == b"caf\xe9\n"
    check_mirrored_subset(tmp_path, files)


def check_mirrored_subset(root: Path, files: dict[str, bytes]) -> None:
    with Vault(root) as vault:
        for rel, data in files.items():
            row = vault.index.by_path(rel)
            assert row is not None and row.doc_id
            assert render_doc(vault.repo.load(row.doc_id)).encode() == data


def test_serial_and_bulk_build_the_same_documents(tmp_path: Path) -> None:
    """The worker builds exactly what the one-at-a-time path builds."""
    files = make_files(tmp_path / "a", 30)
    for rel, data in files.items():
        built = bulk.build(b"\1" * 16, (rel, data, 1, len(data)))
        assert built is not None
        from solo.core.engine.crdt import Doc
        from solo.core.engine.mirror import new_file_doc, storable
        doc = Doc.load(built.snapshot)
        parsed = storable(fileformat.split(data.decode()))
        assert doc.to_python() == new_file_doc(b"\1" * 16, parsed).to_python()
        assert render_doc(doc).encode() == data
        assert built.body == parsed.body


def test_bulk_ingest_scans_each_notes_markdown_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Title, tags, links and checkbox tasks of a note all come from one line scan of its body."""
    from solo.core.model import markdown
    rng = random.Random(3)
    files = {}
    for i in range(bulk.BULK_FROM + 8):  # in bulk, built in this process (no workers)
        rel = f"notes/m{i:03d}.md"
        files[rel] = (f"# Heading {i}\n\nSee [[m{(i + 1) % 40:03d}]] and [x](m000.md) #tag{i % 4}\n"
                      f"- [ ] task {i} 📅 2026-12-0{1 + i % 9}\n```\n# not a heading\n```\n"
                      + note(i, rng))
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(files[rel])
    scanned: list[str] = []
    real = markdown.lines
    monkeypatch.setattr(markdown, "lines", lambda body: scanned.append(body) or real(body))
    with Vault.init(tmp_path) as vault:
        report = vault.scan()
        assert sorted(report.added) == sorted(files)
        bodies = {rel: vault.read(rel).body for rel in files}
        assert len(vault.line_tasks()) == len(files)
        assert [link.target for link in vault.links.outgoing("notes/m000.md")] == ["m001", "m000.md"]
        assert vault.index.by_path("notes/m001.md").tags == ["tag1"]  # type: ignore[union-attr]
    for rel, body in bodies.items():
        assert scanned.count(body) == 1, rel


class Boom(Exception):
    pass


def test_killed_after_the_root_index_lists_a_batch_reuses_its_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the root-index change and the index rows forks no item: the next
    scan finds each file's document through the root index and keeps it."""
    files = make_files(tmp_path, 50)

    def fail(self: Index) -> None:
        raise Boom()

    with Vault.init(tmp_path) as vault:
        monkeypatch.setattr(Index, "transaction", fail)
        with pytest.raises(Boom):
            vault.scan()
        monkeypatch.undo()
        listed = {e["path"]: d for d, e in vault.repo.root_entries().items()}
        assert set(listed) == set(files) and vault.index.count() == 0
    with Vault(tmp_path) as vault:
        vault.scan()  # (opening already rebuilt the rows from the root index)
        assert {r.path: r.doc_id for r in vault.rows()} == listed
    check_mirrored(tmp_path, files)


@pytest.mark.parametrize("store_kind", ["disk", "memory"])
def test_create_many_stores_loadable_documents(tmp_path: Path, store_kind: str) -> None:
    store = DocStore(tmp_path / "store") if store_kind == "disk" else MemoryStore()
    built = [bulk.build(None, (f"n{i}.md", f"# N {i}\n".encode(), 1, 6)) for i in range(5)]
    store.create_many([(b.doc_id, b.snapshot) for b in built if b])
    for b in built:
        assert b is not None and store.exists(b.doc_id)
        assert store.load(b.doc_id).get(["body"]) == b.body
        assert store.ids() is not None
    assert sorted(store.ids()) == sorted(b.doc_id for b in built if b)


def test_sigkill_during_bulk_ingest_leaves_every_file_mirrored_or_ingested_again(
        tmp_path: Path) -> None:
    rng = random.Random(77)
    kills = 0
    for round_number in range(4):
        root = tmp_path / f"v{round_number}"
        files = make_files(root, 700, seed=round_number)
        child = subprocess.Popen([sys.executable, str(WORKER), str(root)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        target = rng.randint(1, 2)  # batches committed before the kill: 0..2 of 3
        for line in child.stdout:
            if line.startswith("progress") and int(line.split()[1]) >= target * bulk.BATCH:
                break  # somewhere inside the next batch
        os.kill(child.pid, signal.SIGKILL)
        _, err = child.communicate()
        assert "Traceback" not in err, err
        kills += child.returncode == -signal.SIGKILL
        with Vault(root) as vault:
            vault.scan()
        check_mirrored(root, files)
    assert kills >= 3  # the children really were killed mid-ingest


def test_rebuild_index_stores_a_batch_per_transaction_and_keeps_the_files_truth(
        tmp_path: Path) -> None:
    root = tmp_path / "vault"
    files = make_files(root, bulk.BATCH + 40)
    (root / "notes" / "todo.md").write_text("# Todo\n\n- [ ] write [[n0001]] up\n- [x] done\n")
    (root / "notes" / "binary.md").write_bytes(b"nul \0 byte")
    with Vault.init(root) as vault:
        vault.scan()
        before = {r.path: (r.doc_id, r.title, r.sha, r.problem) for r in vault.rows()}
        tasks = sorted((r.path, r.title) for r in vault.line_tasks())
        links = vault.links.outgoing("notes/todo.md")
    assert len(tasks) == 2 and [link.target for link in links] == ["n0001"]
    edited = "tasks/n0000.md"  # changed on disk while the index is gone
    (root / edited).write_bytes(files[edited] + b"\nadded while no index\n")
    with Vault(root) as vault:
        commits = [0]
        begin = vault.index.transaction

        def counted():  # type: ignore[no-untyped-def]
            commits[0] += 1
            return begin()

        vault.index.transaction = counted  # type: ignore[method-assign]
        vault.maintenance.rebuild_index()
        assert commits[0] == 2  # 300 mirrorable files: two batches
        after = {r.path: (r.doc_id, r.title, r.sha, r.problem) for r in vault.rows()}
        assert sorted((r.path, r.title) for r in vault.line_tasks()) == tasks
        assert [link.target for link in vault.links.outgoing("notes/todo.md")] == ["n0001"]
        row = vault.index.by_path(edited)
        assert row is not None and row.doc_id
        assert render_doc(vault.repo.load(row.doc_id)).endswith("added while no index\n")
        assert vault.search("while")[0].row.path == edited
    assert after.keys() == before.keys()
    assert after.pop("notes/binary.md")[3] == before.pop("notes/binary.md")[3]
    assert after.pop(edited)[:2] == before.pop(edited)[:2]
    assert after == before


def test_init_draws_its_bar_from_the_scan_progress_on_a_terminal(tmp_path: Path) -> None:
    import pty

    root = tmp_path / "vault"
    files = make_files(root, bulk.BULK_FROM + 8)
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-c", "from solo.tui.cli import entry; entry()",
                              "init", str(root)], stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:  # until the child closes the terminal
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = child.communicate()
    os.close(leader)
    assert child.returncode == 0
    assert f"{len(files)} files ingested" in out.decode()
    total = len(files)
    assert f"ingesting [{'#' * 30}] {total}/{total}".encode() in seen
    assert seen.endswith(b"\r\n") or seen.endswith(b"\n")
