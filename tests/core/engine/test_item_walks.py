"""Short walks of the item API: a save reads its file once at most and writes it once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.counting import CountingFiles

from solo.core.engine.items import BodyChanged
from solo.core.vault import Vault


@pytest.fixture
def counted(tmp_path: Path) -> tuple[Vault, CountingFiles]:
    root = tmp_path / "vault"
    root.mkdir()
    Vault.init(root).close()
    files = CountingFiles(root.resolve())
    vault = Vault(root, files=files)
    yield vault, files
    vault.close()


def test_an_update_reads_the_file_once_and_writes_it_once(counted) -> None:
    vault, files = counted
    item = vault.create("note", "Walk", body="first\n")
    assert files.reads[item.path] == 0 and files.writes[item.path] == 1  # made, not read back
    files.clear()
    updated = vault.update(item.path, body="first, then more\n", action=None)
    assert (files.reads[item.path], files.writes[item.path]) == (1, 1)
    assert updated.body == "first, then more\n"
    assert (vault.root / item.path).read_text() == updated.head + updated.body
    assert updated.row.sha == vault.resolve(item.path).sha
    assert vault.ingest([item.path]) == {}  # the index already holds what was written


def test_completing_a_task_reads_it_once_and_writes_it_once(counted) -> None:
    vault, files = counted
    task = vault.create("task", "Ship it", {"status": "next"})
    files.clear()
    done, following = vault.complete(task.path, dt.date(2026, 12, 2))
    assert (files.reads[task.path], files.writes[task.path]) == (1, 1)
    assert done.fields["status"] == "done" and following is None


def test_an_edit_on_disk_not_ingested_yet_is_kept_by_the_next_update(counted) -> None:
    vault, files = counted
    item = vault.create("note", "Kept", body="one\n")
    (vault.root / item.path).write_text(item.head + "one\ntwo (another editor)\n")
    updated = vault.update(item.path, {"tags": ["x"]})
    assert updated.body == "one\ntwo (another editor)\n"
    assert vault.read(item.path).body == updated.body


def test_expect_body_refuses_to_write_over_a_body_that_changed(counted) -> None:
    vault, files = counted
    item = vault.create("note", "Guarded", body="base\n")
    path = vault.root / item.path
    path.write_text(item.head + "base\ntheirs\n")
    files.clear()
    with pytest.raises(BodyChanged) as refused:
        vault.update(item.path, body="base\nmine\n", expect_body="base\n")
    assert refused.value.item.body == "base\ntheirs\n"
    assert files.writes[item.path] == 0 and files.reads[item.path] == 1
    assert path.read_text() == item.head + "base\ntheirs\n"
    assert "changed on disk" in str(refused.value) and item.path in str(refused.value)
