"""`undo`, `log` and `restore` over a real vault: reverts are new changes, earlier fields come back exactly."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solo.core import clock
from solo.core.engine import history
from solo.core.errors import VaultError
from solo.core.model import fileformat
from solo.core.vault import Vault


def state(vault: Vault, ref: str) -> tuple[dict[str, Any], str]:
    item = vault.read(ref)
    parsed = fileformat.split(item.head + item.body)
    return fileformat.to_json(parsed.fields), parsed.body


def test_undo_reverts_done_modify_and_delete_in_turn(vault: Vault) -> None:
    item = vault.create("task", "Buy milk", {"priority": "low"}, "- [ ] milk\n")
    path = item.path
    first = state(vault, path)
    vault.update(path, {"priority": "high", "status": "next"})
    second = state(vault, path)
    vault.complete(path)
    assert state(vault, path)[0]["status"] == "done"
    heads_before_undo = vault.repo.load(item.row.doc_id).heads()

    result = history.undo(vault)
    assert result.action.action == "done" and "status" in result.restored
    assert state(vault, path) == second
    # A new change on top of the history, not a rewind.
    doc = vault.repo.load(item.row.doc_id)
    assert doc.contains(heads_before_undo) and doc.heads() != heads_before_undo

    assert history.undo(vault).action.action == "modify"
    assert state(vault, path) == first

    vault.delete(path)
    assert vault.index.by_path(path) is None
    assert "restored" in history.undo(vault).message
    assert state(vault, path) == first
    assert vault.resolve(path).doc_id == item.row.doc_id  # the same document, not a copy

    assert "deleted" in history.undo(vault).message  # the add
    assert vault.index.by_path(path) is None
    with pytest.raises(history.HistoryError, match="nothing to undo"):
        history.undo(vault)


def test_undo_keeps_a_field_changed_since_and_merges_the_body(vault: Vault) -> None:
    item = vault.create("task", "Plan trip", {}, "one\ntwo\n")
    vault.update(item.path, {"priority": "high", "status": "next"}, body="one\ntwo\nthree\n")
    # An editor changes the status again and adds a line at the top, not through Solo.
    text = vault.abs(item.path).read_text().replace('status = "next"', 'status = "waiting"')
    vault.abs(item.path).write_text(text.replace("one\n", "zero\none\n"))
    result = history.undo(vault)
    fields, body = state(vault, item.path)
    assert fields["status"] == "waiting" and "priority" not in fields
    assert body == "zero\none\ntwo\n"
    assert result.kept == ["status"] and "kept status (changed since)" in result.message


def test_undo_of_an_add_edited_since_is_refused_and_passed_over(vault: Vault) -> None:
    first = vault.create("task", "First", {})
    second = vault.create("task", "Second", {})
    vault.abs(second.path).write_text(vault.abs(second.path).read_text() + "my words\n")
    with pytest.raises(history.HistoryError, match="changed since"):
        history.undo(vault)
    assert "my words" in vault.abs(second.path).read_text()
    assert "deleted" in history.undo(vault).message  # the next undo goes further back
    assert vault.index.by_path(first.path) is None and vault.index.by_path(second.path)


def test_undo_of_an_edit_to_an_item_deleted_since_says_restore_first(vault: Vault) -> None:
    item = vault.create("task", "Gone soon", {})
    vault.update(item.path, {"priority": "high"})
    vault.abs(item.path).unlink()
    vault.scan()
    with pytest.raises(history.HistoryError, match="solo restore"):
        history.undo(vault)


def test_log_lists_each_change_with_device_time_and_fields(vault: Vault) -> None:
    item = vault.create("task", "Logged", {"priority": "low"})
    vault.update(item.path, {"priority": "high"})
    vault.abs(item.path).write_text(vault.abs(item.path).read_text() + "edited by hand\n")
    vault.scan()
    found, entries = history.log(vault, item.id)
    assert found.doc_id == item.row.doc_id and not found.deleted
    assert [e.action for e in entries] == ["add", "modify", None]
    assert entries[0].fields[0] == "(new item)"
    assert entries[1].fields == ["priority"] and entries[1].at
    assert entries[2].fields == ["body"] and entries[2].at is None
    assert {e.device for e in entries} == {"this device"}


def test_restore_a_deleted_item_by_path_and_an_earlier_version(vault: Vault) -> None:
    item = vault.create("note", "Ideas", {}, "first draft\n")
    vault.update(item.path, body="second draft\n")
    vault.delete(item.path)
    with pytest.raises(VaultError):
        vault.resolve(item.path)
    found, _ = history.log(vault, item.path)
    assert found.deleted
    back, message = history.restore(vault, item.path)
    assert back.path == item.path and not back.deleted
    assert item.path in message and vault.read(item.path).body == "second draft\n"
    assert vault.repo.root_entries()[item.row.doc_id]["deleted"] is False
    history.restore(vault, item.id, at="1")
    assert vault.read(item.path).body == "first draft\n"
    assert history.undo(vault).action.action == "restore"  # a restore is undoable too
    assert vault.read(item.path).body == "second draft\n"
    with pytest.raises(history.HistoryError, match="not deleted"):
        history.restore(vault, item.path)
    with pytest.raises(history.HistoryError, match="change number"):
        history.restore(vault, item.path, at="99 bottles")


def test_restore_to_a_taken_path_lands_beside_it(vault: Vault) -> None:
    item = vault.create("note", "Taken", {}, "old words\n")
    vault.delete(item.path)
    vault.items.write_file(item.path, "a new file in its place\n")
    back, message = history.restore(vault, item.id)
    assert back.path == "notes/taken-2.md" and back.path in message
    assert vault.resolve(back.path).doc_id == item.row.doc_id
    assert vault.abs(item.path).read_text() == "a new file in its place\n"


# --- property: undo after any sequence of local edits restores the earlier fields exactly ----
EDITS = st.one_of(
    st.tuples(st.just("priority"), st.sampled_from(["high", "medium", "low", None])),
    st.tuples(st.just("status"), st.sampled_from(["inbox", "next", "waiting", "someday"])),
    st.tuples(st.just("tags"), st.lists(st.sampled_from(["a", "b", "home"]), max_size=3,
                                        unique=True)),
    st.tuples(st.just("custom_key"), st.one_of(st.none(), st.integers(0, 9))),
    st.tuples(st.just("body"), st.text(st.sampled_from("ab \n#-é"), max_size=30)),
    st.tuples(st.just("done"), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITS, min_size=1, max_size=6))
def test_undo_after_any_sequence_restores_each_earlier_state(edits: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.init(Path(tmp) / "v")
        try:
            path = vault.create("task", "Prop", {}, "start\n").path
            states = [state(vault, path)]
            for key, value in edits:
                if key == "done":
                    try:
                        vault.complete(path)
                    except VaultError:
                        continue  # already done: refused, nothing written, nothing journalled
                elif key == "body":
                    vault.update(path, body=value)
                elif value is None:
                    vault.update(path, unset=[key])
                else:
                    vault.update(path, {key: value})
                now = state(vault, path)
                if now != states[-1]:
                    states.append(now)
            for earlier in reversed(states[:-1]):
                history.undo(vault)
                assert state(vault, path) == earlier
        finally:
            vault.close()


def test_undo_of_done_on_a_repeating_task_puts_its_dates_and_boxes_back(vault: Vault) -> None:
    item = vault.create("task", "Water plants", {"recur": "every week", "due": "2026-11-20"},
                        "- [x] balcony\n- [ ] kitchen\n")
    before = state(vault, item.path)
    vault.complete(item.path, dt.date(2026, 11, 26))
    moved = state(vault, item.path)
    assert moved[0]["due"] != before[0]["due"] and "- [x]" not in moved[1]
    history.undo(vault)
    assert state(vault, item.path) == before


def test_restore_at_a_time_this_device_recorded(vault: Vault) -> None:
    with clock.fixed(dt.date(2026, 11, 20), dt.datetime(2026, 11, 20, 9, 0)):
        item = vault.create("note", "Plan", {}, "monday plan\n")
    with clock.fixed(dt.date(2026, 11, 25), dt.datetime(2026, 11, 25, 9, 0)):
        vault.update(item.path, body="wednesday plan\n")
    with clock.fixed(dt.date(2026, 11, 26), dt.datetime(2026, 11, 26, 9, 0)):
        history.restore(vault, item.path, at="2026-11-21")
        assert vault.read(item.path).body == "monday plan\n"
        history.restore(vault, item.path, at="yesterday 10:00")
        assert vault.read(item.path).body == "wednesday plan\n"
        with pytest.raises(history.HistoryError, match="recorded no version"):
            history.restore(vault, item.path, at="2026-11-01")
