"""Wire messages: round trips, frames made by the JS reference (cbor-x), hostile input."""

from __future__ import annotations

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solo.core.model.ids import b58check_encode
from solo.sync import protocol as p

DOC = "2XJzt1dRf6JCAXgD9vb5wQkTaQhZ"

# Encoded by cbor-x 1.x exactly as automerge-repo 2.5.6 configures it (tagUint8Array: false,
# useRecords: false); the join carries `storageId: undefined` as JS sends it.
JS_JOIN = bytes.fromhex(
    "b900046474797065646a6f696e6873656e6465724964696a732d706565722d316c706565724d6574616461"
    "7461b900026973746f726167654964f76b6973457068656d6572616cf57819737570706f7274656450726f"
    "746f636f6c56657273696f6e73816131")
JS_SYNC = bytes.fromhex(
    "b9000564747970656473796e636873656e6465724964696a732d706565722d316874617267657449646d73"
    "6f6c6f2d7365727665722d316a646f63756d656e744964781c32584a7a7431645266364a43415867443976"
    "623577516b546151685a6464617461454200000102")
JS_EPHEMERAL = bytes.fromhex(
    "b90007647479706569657068656d6572616c6873656e6465724964696a732d706565722d31687461726765"
    "7449646d736f6c6f2d7365727665722d316a646f63756d656e744964781c32584a7a7431645266364a4341"
    "5867443976623577516b546151685a646461746144a161780165636f756e74076973657373696f6e496466"
    "6b336a326831")


def raw(**fields: object) -> bytes:
    return cbor2.dumps(fields)


def sync_fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {"type": "sync", "senderId": "a", "targetId": "b",
                                 "documentId": DOC, "data": b"\x42\x00"}
    fields.update(changes)
    return fields


# --- frames from the JS reference ------------------------------------------------------------

def test_decodes_frames_made_by_the_js_reference() -> None:
    assert p.decode(JS_JOIN) == p.Join(
        "js-peer-1", ("1",), p.PeerMetadata(storage_id=None, is_ephemeral=True))
    assert p.decode(JS_SYNC) == p.Sync("js-peer-1", "solo-server-1", DOC, b"\x42\x00\x00\x01\x02")
    assert p.decode(JS_EPHEMERAL) == p.Ephemeral(
        "js-peer-1", "solo-server-1", DOC, b"\xa1\x61\x78\x01", 7, "k3j2h1")


def test_undefined_counts_as_absent_where_js_sends_it() -> None:
    msg = p.decode(raw(type="join", senderId="x", supportedProtocolVersions=cbor2.undefined,
                       peerMetadata=cbor2.undefined))
    assert msg == p.Join("x", None, None)
    msg = p.decode(raw(type="peer", senderId="s", targetId=cbor2.undefined,
                       selectedProtocolVersion="1",
                       peerMetadata={"storageId": cbor2.undefined, "isEphemeral": False}))
    assert msg == p.Peer("s", None, "1", p.PeerMetadata(None, False))


def test_encoded_messages_use_the_wire_names() -> None:
    wire = cbor2.loads(p.encode(p.Peer("srv", "cli", "1", p.PeerMetadata(None, False))))
    assert wire == {"type": "peer", "senderId": "srv", "targetId": "cli",
                    "selectedProtocolVersion": "1", "peerMetadata": {"isEphemeral": False}}
    wire = cbor2.loads(p.encode(p.DocUnavailable("srv", "cli", DOC)))
    assert wire == {"type": "doc-unavailable", "senderId": "srv", "targetId": "cli",
                    "documentId": DOC}


def test_typed_array_tag_reads_as_bytes() -> None:
    msg = p.decode(raw(**sync_fields(data=cbor2.CBORTag(64, b"\x42\x01"))))
    assert isinstance(msg, p.Sync) and msg.data == b"\x42\x01"


def test_unknown_types_are_kept_and_extra_keys_ignored() -> None:
    msg = p.decode(raw(type="remote-heads-changed", senderId="a", targetId="b",
                       newHeads={"st": {"heads": ["x"], "timestamp": 5}}))
    assert isinstance(msg, p.Unknown) and msg.type == "remote-heads-changed"
    assert msg.sender_id == "a" and msg.fields["newHeads"]["st"]["timestamp"] == 5
    assert p.decode(p.encode(msg)) == msg
    assert p.decode(raw(**sync_fields(extra=[1, 2]))) == p.Sync("a", "b", DOC, b"\x42\x00")


def test_single_version_string_is_accepted() -> None:
    assert p.decode(raw(type="join", senderId="x", supportedProtocolVersions="1")).\
        supported_protocol_versions == ("1",)


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("frame", "fragment"), [
    (b"", "empty"),
    (b"\xff", "invalid CBOR"),
    (cbor2.dumps([1, 2]), "must be a CBOR map"),
    (cbor2.dumps({"type": "sync"}) + b"\x00", "stray bytes"),
    (raw(senderId="a"), "missing type"),
    (raw(type=5), "type must be text"),
    (raw(**sync_fields(senderId="x" * 129)), "senderId must be 1 to 128"),
    (raw(**sync_fields(senderId="")), "senderId must be 1 to 128"),
    (raw(**sync_fields(senderId="a\nb")), "control characters"),
    (raw(**sync_fields(targetId=7)), "targetId must be text"),
    (raw(**sync_fields(documentId="not-an-id")), "documentId"),
    (raw(**sync_fields(documentId=b58check_encode(bytes(15)))), "documentId"),
    (raw(**sync_fields(data="text")), "data must be a byte string"),
    (raw(**sync_fields(data=b"")), "data is empty"),
    (raw(**sync_fields(data=cbor2.undefined)), "data must be a byte string"),
    (raw(**sync_fields(data=cbor2.CBORTag(64, "x"))), "tag 64"),
    (raw(**sync_fields(data=cbor2.CBORTag(1, 5))), "tag 1 is not allowed"),
    (raw(type="x", y=cbor2.CBORTag(28, [1])), "tag 28 is not allowed"),
    (raw(type="x", y=cbor2.CBORSimpleValue(99)), "unexpected CBOR value"),
    (cbor2.dumps({1: "a", "type": "x"}), "map key must be"),
    (raw(type="ephemeral", senderId="a", targetId="b", documentId=DOC, data=b"",
         count=-1, sessionId="s"), "count"),
    (raw(type="ephemeral", senderId="a", targetId="b", documentId=DOC, data=b"",
         count=True, sessionId="s"), "count"),
    (raw(type="join", senderId="a", supportedProtocolVersions=[1]), "supportedProtocolVersions"),
    (raw(type="join", senderId="a", peerMetadata={"isEphemeral": "yes"}), "isEphemeral"),
    (raw(type="error"), "missing message"),
    (b"\x81" * 40 + b"\x00", "nesting depth"),
])
def test_refuses_invalid_frames_with_a_clear_reason(frame: bytes, fragment: str) -> None:
    with pytest.raises(p.ProtocolError, match=fragment):
        p.decode(frame)


def test_size_cap_and_binary_only() -> None:
    frame = raw(**sync_fields(data=b"\x42" * 5000))
    assert isinstance(p.decode(frame, max_bytes=len(frame)), p.Sync)
    with pytest.raises(p.ProtocolError, match="exceeds the limit"):
        p.decode(frame, max_bytes=len(frame) - 1)
    with pytest.raises(p.ProtocolError, match="binary"):
        p.decode("text frame")  # type: ignore[arg-type]


def test_huge_claimed_length_does_not_allocate() -> None:
    with pytest.raises(p.ProtocolError):
        p.decode(b"\x5b\xff\xff\xff\xff\xff\xff\xff\xff")


def test_peer_ids_are_random_and_per_process() -> None:
    ids = {p.new_peer_id() for _ in range(50)}
    assert len(ids) == 50
    assert p.process_peer_id() == p.process_peer_id()
    assert all(len(i) <= p.MAX_ID_CHARS and i.isprintable() for i in ids)


# --- properties -------------------------------------------------------------------------------

@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_decode_of_arbitrary_bytes_raises_only_protocol_error(data: bytes) -> None:
    try:
        assert isinstance(p.decode(data), p.Message)
    except p.ProtocolError:
        pass


plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.binary(max_size=20) | st.just(cbor2.undefined),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
field_names = st.sampled_from(["type", "senderId", "targetId", "documentId", "data", "count",
                               "sessionId", "message", "peerMetadata", "selectedProtocolVersion",
                               "supportedProtocolVersions"])
type_names = st.sampled_from(["join", "peer", "error", "leave", "sync", "request",
                              "doc-unavailable", "ephemeral", "other"])


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(type_names, st.dictionaries(field_names, plain | st.just(DOC), max_size=8))
def test_decode_of_near_miss_messages_raises_only_protocol_error(
        kind: str, fields: dict[str, object]) -> None:
    fields["type"] = kind
    try:
        msg = p.decode(cbor2.dumps(fields))
    except p.ProtocolError:
        return
    assert p.decode(p.encode(msg)) == msg


ids = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=1,
              max_size=128).filter(str.isprintable)
doc_ids = st.binary(min_size=16, max_size=16).map(b58check_encode)
payload = st.binary(min_size=1, max_size=200)
metadata = st.none() | st.builds(p.PeerMetadata, st.none() | ids, st.booleans())
messages = st.one_of(
    st.builds(p.Join, ids, st.none() | st.lists(st.sampled_from(["1", "2"]), max_size=3).map(tuple),
              metadata),
    st.builds(p.Peer, ids, st.none() | ids, st.sampled_from(["1", "2"]), metadata),
    st.builds(p.Error, st.text(min_size=1, max_size=200), st.none() | ids, st.none() | ids),
    st.builds(p.Leave, ids),
    st.builds(p.Sync, ids, ids, doc_ids, payload),
    st.builds(p.Request, ids, ids, doc_ids, payload),
    st.builds(p.DocUnavailable, ids, ids, doc_ids),
    st.builds(p.Ephemeral, ids, ids, doc_ids, st.binary(max_size=50),
              st.integers(0, 2**53), ids),
    st.builds(p.Unknown, st.sampled_from(["remote-subscription-change", "future"]),
              st.dictionaries(st.sampled_from(["senderId", "add", "x"]), plain, max_size=3)),
)


@settings(max_examples=500)
@given(messages)
def test_encode_decode_round_trip(msg: p.Message) -> None:
    assert p.decode(p.encode(msg)) == msg
