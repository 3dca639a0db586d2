"""The short walk: one remote change reads its file at most once and writes it at most once."""

from __future__ import annotations

from pathlib import Path

from support.counting import CountingFiles

from solo.core.engine.events import FileEvent
from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link


def counted_pair(tmp_path: Path) -> tuple[Vault, Vault, CountingFiles, Link]:
    a = Vault.init(tmp_path / "a")
    a.scan()
    Vault.init(tmp_path / "b", root_id=a.root_id).close()
    files = CountingFiles((tmp_path / "b").resolve())
    b = Vault(tmp_path / "b", files=files)
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    link.sync()
    b.scan()
    return a, b, files, link


def test_one_remote_change_reads_and_writes_its_file_once_at_most(tmp_path: Path) -> None:
    a, b, files, link = counted_pair(tmp_path)
    item = a.create("note", "Walk", body="first words\n")
    link.sync()
    assert (b.root / item.path).read_text().endswith("first words\n")
    files.reads.clear()
    files.writes.clear()

    a.update(item.path, body="first words, then more\n")
    link.sync()

    assert (b.root / item.path).read_text() == (a.root / item.path).read_text()
    assert files.writes[item.path] == 1
    assert files.reads[item.path] <= 1
    # The mirror recorded what it wrote: the row matches the file, so ingesting is a no-op.
    assert b.ingest([item.path]) == {}
    assert b.read(item.path).body == "first words, then more\n"


def test_a_grouped_clone_writes_each_file_once_and_its_scan_reads_none(tmp_path: Path) -> None:
    a = Vault.init(tmp_path / "a")
    for i in range(30):
        a.create("note", f"Clone {i}", body=f"words {i}\n")
    Vault.init(tmp_path / "b", root_id=a.root_id).close()
    files = CountingFiles((tmp_path / "b").resolve())
    b = Vault(tmp_path / "b", files=files)
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    link.b.batch_new = 24  # as a connection sets it: new documents stored in groups
    link.sync()
    link.b.flush()
    paths = sorted(r.path for r in a.rows())
    assert sorted(r.path for r in b.rows()) == paths
    assert all(files.writes[rel] == 1 for rel in paths) and not files.reads
    b.scan()  # what the clone wrote is not read again
    assert not files.reads
    assert b.ingest(paths) == {}
    link.a.close()
    link.b.close()
    a.close()
    b.close()


def test_a_local_edit_on_disk_is_kept_when_a_remote_change_lands(tmp_path: Path) -> None:
    a, b, files, link = counted_pair(tmp_path)
    item = a.create("note", "Both", body="one\n\ntwo\n")
    link.sync()
    target = b.root / item.path
    target.write_text(target.read_text().replace("two", "two (edited on b)"))
    a.update(item.path, body="one (edited on a)\n\ntwo\n")
    link.sync()
    text = target.read_text()
    assert "one (edited on a)" in text and "two (edited on b)" in text
    assert (a.root / item.path).read_text() == text


def test_file_events_carry_their_origin_and_listeners_unsubscribe(tmp_path: Path) -> None:
    a, b, files, link = counted_pair(tmp_path)
    events: list[FileEvent] = []
    unsubscribe = b.on_file_event(events.append)
    paths: list[list[str]] = []
    unsubscribe_paths = b.on_change(paths.append)
    item = a.create("note", "Origin")
    link.sync()
    assert events and all(e.origin.is_remote and e.origin.url == "peer" for e in events)
    assert [item.path] in paths
    b.create("note", "Mine")
    assert events[-1].origin.kind == "local"
    unsubscribe()
    unsubscribe_paths()
    count, path_count = len(events), len(paths)
    b.create("note", "Unheard")
    assert (len(events), len(paths)) == (count, path_count)
