"""`Doc.touched_keys`: the root index entries a change touched, read from patches, never
missing one (a missed key would leave a file unrenamed or undeleted on a peer)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.engine.crdt import Doc, SyncState
from solo.core.engine.crdt_limits import scan_sync_message

# Keys a hostile peer might choose: quotes, backslashes, brackets, the patch text's own words.
keys = st.one_of(
    st.sampled_from(["1aZ", "2bY", "3cX", "4dW", "5eV"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    st.sampled_from(['a"), (Root, Map("b', "k\\\\", "], action: PutMap { key: \"x", "é\u200b"]),
)
values = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none())
edits = st.lists(st.tuples(st.sampled_from(["set", "put_entry", "delete", "nested"]), keys,
                           st.sampled_from(["rev", "path", "deleted"]), values),
                 min_size=1, max_size=6)


def apply(doc: Doc, batch: list[tuple[str, str, str, Any]]) -> None:
    with doc.change() as edit:
        for action, key, field, value in batch:
            present = isinstance(doc.get(["files", key]), dict)
            if action == "set" and present:
                edit.put(["files", key, field], value)
            elif action == "put_entry" or (action == "set" and not present):
                edit.put(["files", key], {"path": f"{key}.md", "rev": "r0", field: value})
            elif action == "delete" and present:
                edit.delete(["files", key])
            elif action == "nested" and present:
                edit.put(["files", key, "meta"], {"inner": {field: value}})


def entries(doc: Doc, at: list[bytes] | None = None) -> dict[str, Any]:
    files = doc.get(["files"], {}, at=at)
    return files if isinstance(files, dict) else {}


def sync(a: Doc, b: Doc) -> None:
    sa, sb = SyncState(), SyncState()
    for _ in range(20):
        quiet = True
        for sender, state, receiver, other in ((a, sa, b, sb), (b, sb, a, sa)):
            message = sender.generate_sync_message(state)
            if message is not None:
                quiet = False
                receiver.receive_sync_message(other, message)
        if quiet:
            return


@given(edits, edits, edits)
@settings(max_examples=200, deadline=None)
def test_every_changed_entry_is_touched(first: Any, mine: Any, theirs: Any) -> None:
    local = Doc.new()
    with local.change() as edit:
        edit.put(["files"], {})
        edit.put(["other"], "x")
    apply(local, first)
    peer = local.fork()
    apply(local, mine)
    apply(peer, theirs)  # concurrent: the merge may flip which value wins
    before = local.heads()
    sync(local, peer)
    touched = local.touched_keys(["files"], before)
    old, new = entries(local, before), entries(local)
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    assert touched is None or changed <= touched


def test_a_rev_change_touches_one_key_and_makes_nothing() -> None:
    a = Doc.new()
    with a.change() as edit:
        edit.put(["files"], {f"id{i}": {"path": f"n{i}.md", "rev": "r0"} for i in range(50)})
    b = a.fork()
    before = a.heads()
    with b.change() as edit:
        edit.put(["files", "id7", "rev"], "r1")
    sa, sb = SyncState(), SyncState()
    messages = 0
    for _ in range(10):  # b and a take turns until neither has anything to say
        sent = False
        for sender, state, receiver, other in ((b, sb, a, sa), (a, sa, b, sb)):
            message = sender.generate_sync_message(state)
            if message is not None:
                sent = True
                messages += 1
                # No message of a rev change creates an object: the receiver skips the walk.
                assert scan_sync_message(message).makes == 0
                receiver.receive_sync_message(other, message)
        if not sent:
            break
    assert messages and a.get(["files", "id7", "rev"]) == "r1"
    assert a.touched_keys(["files"], before) == {"id7"}
    assert a.get(["files", "id7", "rev"], at=before) == "r0"


def test_replacing_the_map_asks_for_a_whole_comparison() -> None:
    doc = Doc.new()
    with doc.change() as edit:
        edit.put(["files"], {"a": {"rev": "1"}})
    before = doc.heads()
    with doc.change() as edit:
        edit.put(["files"], {"b": {"rev": "2"}})
    assert doc.touched_keys(["files"], before) is None
    with doc.change() as edit:
        edit.put(["other"], 1)
    assert doc.touched_keys(["files"], doc.heads()) == set()
