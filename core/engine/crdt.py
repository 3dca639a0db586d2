"""The only door to the `automerge` binding: documents, text diffs, changes and sync, hazards guarded.

Facts this module designs around (see DESIGN.md): text is inserted one code point per call;
Counters panic (PanicException derives from BaseException) and poison the document; a
Transaction must be exited before its Document is collected; `load(b"")` yields an empty
document. Every call into the binding goes through `_guarded` so that a panic becomes a
`CrdtError` and the poisoned document is never used again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from solo.core.errors import SoloError

if TYPE_CHECKING:
    import automerge.core as am

    from solo.core.engine.crdt_limits import Caps, Measure
else:
    class _LazyBinding:
        """`am` until first used: a command that loads no document never imports the binding
        (about a third of a bare `solo list`'s start-up)."""

        def __getattr__(self, name: str) -> Any:
            import automerge.core

            globals()["am"] = automerge.core
            return getattr(automerge.core, name)

    am = _LazyBinding()

JsonValue = Any  # None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]

_DIFF_TIME_LIMIT = 0.5  # seconds; past it the diff is still correct, only less minimal
_MAX_DEPTH = 32


def storable_problem(value: JsonValue, depth: int = 1) -> str | None:
    """Why `value` cannot be stored in a document (None: it can), checked without recursion.

    `depth` is how deep the value's own object sits below the document root (a file's meta
    map: 1). The limits are the binding's: integers are signed 64-bit (`Int`), and no object
    may sit deeper than `_MAX_DEPTH`, which `validate()` enforces on every received document,
    so a deeper value would be refused by every peer."""
    stack: list[tuple[JsonValue, int]] = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping) or isinstance(item, list | tuple):
            if level > _MAX_DEPTH:
                return f"nests more than {_MAX_DEPTH - depth} levels deep (the document limit)"
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)
            if isinstance(item, Mapping):
                stack.extend((str(key), level + 1) for key in item)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -(2**63) <= item < 2**63:
                return f"holds the integer {item}, outside the signed 64-bit range Automerge stores"
        elif isinstance(item, str):
            if re.search(_SURROGATE, item):
                return "holds text with a lone surrogate"
    return None


class CrdtError(SoloError):
    """A document could not be loaded, read or changed: corrupt bytes or hostile content."""


class DocTooBig(CrdtError):
    """A peer's message would decode past a cap of `crdt_limits.Caps` (or holds a Counter)."""


def new_actor_id() -> bytes:
    """A fresh random actor id (one per device)."""
    return os.urandom(16)


@contextlib.contextmanager
def _guarded(what: str) -> Iterator[None]:
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except CrdtError:
        raise
    except BaseException as exc:  # noqa: BLE001 - the binding panics with a BaseException
        raise CrdtError(f"{what}: {exc}") from None


_SURROGATE = "[\ud800-\udfff]"


def _check_text(value: str) -> None:
    if re.search(_SURROGATE, value):
        raise CrdtError("text holds a lone surrogate, which the binding cannot store")


class Doc:
    """One Automerge document. Not thread-safe: callers serialise access."""

    def __init__(self, raw: am.Document, held: Measure | None = None) -> None:
        # (The limits are imported with the first document: a command that loads none,
        # such as `solo list`, never needs them.)
        from solo.core.engine.crdt_limits import Measure

        self._raw = raw
        self._poisoned = False
        self._held = held or Measure()

    @property
    def held(self) -> Measure:
        """What the document was loaded with plus what peers' messages added (see crdt_limits)."""
        return self._held

    # --- life cycle -------------------------------------------------------------------
    @classmethod
    def new(cls, actor: bytes | None = None) -> Doc:
        return cls(am.Document(actor_id=actor) if actor else am.Document())

    @classmethod
    def load(cls, data: bytes, actor: bytes | None = None) -> Doc:
        """Load saved bytes (a snapshot, optionally followed by change chunks); validates content."""
        if not data:
            raise CrdtError("empty document bytes")
        from solo.core.engine.crdt_limits import LimitExceeded, measure_chunks

        try:  # measured before the binding sees it: a Counter would make it panic
            held = measure_chunks(data, 1 << 62)
        except LimitExceeded as exc:
            raise CrdtError(f"cannot load document: {exc}") from None
        if held.counters:
            raise CrdtError("hostile or corrupt document: it holds a Counter, which this "
                            "binding cannot handle")
        with _guarded("cannot load document"):
            raw = am.Document.load(bytes(data))
            if actor:
                raw.set_actor(actor)
        doc = cls(raw, held)
        doc.validate()
        return doc

    def _live(self) -> am.Document:
        if self._poisoned:
            raise CrdtError("document was poisoned by an earlier failure; reload it")
        return self._raw

    @contextlib.contextmanager
    def _call(self, what: str) -> Iterator[am.Document]:
        raw = self._live()
        try:
            with _guarded(what):
                yield raw
        except CrdtError:
            self._poisoned = True
            raise

    def save(self) -> bytes:
        with self._call("cannot save document") as raw:
            return bytes(raw.save())

    def save_new(self, max_changes: int = 16) -> bytes:
        """Bytes that load back as this document, for storing one that just arrived: its
        changes as they are (already compressed chunks; no pass over the whole document)
        when it has at most `max_changes`, else `save()` (many changes load slower than one
        compacted document)."""
        with self._call("cannot save document") as raw:
            changes = raw.get_changes([])
            if not changes or len(changes) > max_changes:
                return bytes(raw.save())
            return b"".join(bytes(c.bytes) for c in changes)

    def actor(self) -> bytes:
        with self._call("cannot read actor") as raw:
            return bytes(raw.get_actor())

    def heads(self) -> list[bytes]:
        with self._call("cannot read heads") as raw:
            return [bytes(h) for h in raw.get_heads()]

    def changes_since(self, heads: Sequence[bytes]) -> list[bytes]:
        """Encoded changes made after `heads` (all of them for an empty list)."""
        with self._call("cannot read changes") as raw:
            return [bytes(c.bytes) for c in raw.get_changes(list(heads))]

    def contains(self, heads: Sequence[bytes]) -> bool:
        """True when every change named by `heads` (and so its history) is in this document.

        The binding cannot look a hash up: asked for the changes since a hash it knows, it
        leaves out at least that change; since one it does not know, it returns them all."""
        with self._call("cannot read changes") as raw:
            total = len(raw.get_changes([]))
            return all(len(raw.get_changes([bytes(h)])) < total for h in heads)

    def merge(self, other: Doc) -> None:
        with self._call("cannot merge documents") as raw:
            raw.merge(other._live())
        self.validate()

    def fork(self) -> Doc:
        from solo.core.engine.crdt_limits import Measure

        with self._call("cannot fork document") as raw:
            return Doc(raw.fork(), Measure(self._held.ops, self._held.value_bytes))

    # --- reading ----------------------------------------------------------------------
    def validate(self) -> None:
        """Walk every map and list; raise CrdtError (and poison) on hostile content."""
        with self._call("hostile or corrupt document") as raw:
            self._walk(raw, am.ROOT, 0)

    def _walk(self, raw: am.Document, obj: bytes, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise CrdtError("document nests too deeply")
        kind = raw.object_type(obj)
        if kind == am.ObjType.Text:
            raw.text(obj)
            return
        for value, child in raw.values(obj):
            if isinstance(value, am.ObjType):
                self._walk(raw, child, depth + 1)
            elif value[0] == am.ScalarType.Counter:
                raise CrdtError("document holds a Counter, which this binding cannot handle")

    def keys(self, path: Sequence[str] = ()) -> list[str]:
        """Keys of the map at `path` (empty when it does not exist)."""
        with self._call("cannot read keys") as raw:
            obj = self._find(raw, path)
            if obj is None or raw.object_type(obj) != am.ObjType.Map:
                return []
            return list(raw.keys(obj))

    def map_size(self, path: Sequence[str]) -> int | None:
        """How many keys the map at `path` has (None: no map there), without reading them."""
        with self._call("cannot read keys") as raw:
            obj = self._find(raw, path)
            if obj is None or raw.object_type(obj) != am.ObjType.Map:
                return None
            return len(raw.keys(obj))

    def get(self, path: Sequence[str], default: JsonValue = None,
            at: Sequence[bytes] | None = None) -> JsonValue:
        """The plain-Python value at `path` (maps → dict, lists → list, text → str); `at`:
        as it was at those heads (which this document must hold)."""
        with self._call("cannot read value") as raw:
            heads = () if at is None else (list(at),)
            parent = self._find(raw, path[:-1], heads)
            if parent is None or raw.object_type(parent) != am.ObjType.Map:
                return default
            found = raw.get(parent, path[-1], *heads)
            if found is None:
                return default
            value, obj = found
            if isinstance(value, am.ObjType):
                return self._extract(raw, obj, heads)
            return _scalar_out(value)

    def touched_keys(self, path: Sequence[str], since: Sequence[bytes]) -> set[str] | None:
        """Keys of the map at `path` whose values were set, deleted or changed inside since
        the heads `since`, read from the binding's patches rather than by comparing every
        entry (extracting the root index's 30,000 entries takes a second). None when the
        changes cannot be told that way (the map itself replaced, a patch not understood):
        the caller then compares everything."""
        with self._call("cannot diff document") as raw:
            patches = raw.diff(list(since), raw.get_heads())
            texts = [repr(patch) for patch in patches]
        wanted = list(path)
        touched: set[str] = set()
        for text in texts:
            where = _patch_location(text)
            if where is None:
                return None
            if where[:len(wanted)] != wanted:
                if wanted[:len(where)] == where:
                    return None  # the map or one of its parents was replaced
                continue
            if len(where) == len(wanted):
                return None  # a patch on the map itself that names no key
            key = where[len(wanted)]
            if not isinstance(key, str):
                return None
            touched.add(key)
        return touched

    def keys_where(self, path: Sequence[str], key: str, value: str) -> list[str]:
        """Keys (in key order) of the map at `path` whose value is a map holding the text
        `value` at `key`; reads only that key of each child (the root index's 10,000
        entries extracted whole cost a `solo add` a quarter of a second)."""
        with self._call("cannot read value") as raw:
            obj = self._find(raw, path)
            if obj is None or raw.object_type(obj) != am.ObjType.Map:
                return []
            names = raw.keys(obj)
            children: Sequence[Any] = raw.values(obj)  # in key order, as the names
            if len(names) != len(children):
                children = [raw.get(obj, name) for name in names]
            found: list[str] = []
            for name, child in zip(names, children, strict=True):
                if child is None or child[0] != am.ObjType.Map:
                    continue
                inner = raw.get(child[1], key)
                if inner is None:
                    continue
                if inner[0] == am.ObjType.Text:
                    held: JsonValue = raw.text(inner[1])
                elif isinstance(inner[0], am.ObjType):
                    continue
                else:
                    held = _scalar_out(inner[0])
                if held == value:
                    found.append(name)
            return found

    def to_python(self) -> dict[str, JsonValue]:
        with self._call("cannot read document") as raw:
            result = self._extract(raw, am.ROOT)
            assert isinstance(result, dict)
            return result

    def _find(self, raw: am.Document, path: Sequence[str],
              heads: tuple[list[bytes], ...] = ()) -> bytes | None:
        obj: bytes = am.ROOT
        for key in path:
            if raw.object_type(obj) != am.ObjType.Map:
                return None
            found = raw.get(obj, key, *heads)
            if found is None or not isinstance(found[0], am.ObjType):
                return None
            obj = found[1]
        return obj

    def _extract(self, raw: am.Document, obj: bytes,
                 heads: tuple[list[bytes], ...] = ()) -> JsonValue:
        kind = raw.object_type(obj)
        if kind == am.ObjType.Text:
            return raw.text(obj, *heads)
        if kind == am.ObjType.Map:
            out: dict[str, JsonValue] = {}
            for key in raw.keys(obj, *heads):
                found = raw.get(obj, key, *heads)
                if found is not None:
                    out[key] = self._value_out(raw, found, heads)
            return out
        return [self._value_out(raw, raw.get(obj, i, *heads), heads)
                for i in range(raw.length(obj, *heads))]

    def _value_out(self, raw: am.Document, found: Any,
                   heads: tuple[list[bytes], ...] = ()) -> JsonValue:
        value, obj = found
        if isinstance(value, am.ObjType):
            return self._extract(raw, obj, heads)
        return _scalar_out(value)

    # --- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def change(self) -> Iterator[Editor]:
        """One transaction; every edit inside it becomes one change."""
        with self._call("cannot change document") as raw:
            with raw.transaction() as tx:
                yield Editor(tx)

    # --- sync -------------------------------------------------------------------------
    def generate_sync_message(self, state: SyncState) -> bytes | None:
        with self._call("cannot generate sync message") as raw:
            message = raw.generate_sync_message(state._raw)
            return bytes(message.encode()) if message is not None else None

    def receive_sync_message(self, state: SyncState, data: bytes,
                             caps: Caps | None = None) -> None:
        """Apply a peer's sync message; raise CrdtError (document poisoned) if it is hostile.

        The message is measured from its bytes first (`crdt_limits`): one over `caps` (by
        default `DEFAULT_CAPS`), or holding a Counter, raises `DocTooBig` before the binding
        decodes anything, and the document is left as it was (not poisoned)."""
        from solo.core.engine.crdt_limits import DEFAULT_CAPS, LimitExceeded, scan_sync_message

        caps = DEFAULT_CAPS if caps is None else caps
        try:
            added = scan_sync_message(bytes(data), caps.max_inflate_bytes)
            caps.check(added, self._held)
        except LimitExceeded as exc:
            raise DocTooBig(str(exc)) from None
        with self._call("bad sync message") as raw:
            raw.receive_sync_message(state._raw, am.Message.decode(bytes(data)))
        self._held.add(added)
        if added.makes:
            # Only a new object can nest too deeply (a Counter was refused above): a message
            # that only sets and deletes values needs no walk of the whole document, which
            # costs a 30,000-entry root index 0.15 s on every revision it receives.
            self.validate()


# --- history (what `solo log`, `solo undo` and `solo restore` read) ---------------------------
class ChangeInfo:
    """One change of a document: its hash, author (actor), sequence number and parents."""

    __slots__ = ("actor", "deps", "hash", "seq")

    def __init__(self, hash: bytes, actor: bytes, seq: int, deps: list[bytes]) -> None:
        self.hash = hash
        self.actor = actor
        self.seq = seq
        self.deps = deps


def history(doc: Doc) -> list[ChangeInfo]:
    """Every change of `doc`, parents before children. (This binding records no change
    times: every timestamp reads 1970, so times come from Solo's own journal.)"""
    with doc._call("cannot read history") as raw:
        return [ChangeInfo(bytes(c.hash), bytes(c.actor_id), int(c.seq),
                           [bytes(d) for d in c.deps]) for c in raw.get_changes([])]


def content_at(doc: Doc, heads: Sequence[bytes], *, check: bool = True) -> dict[str, JsonValue]:
    """The plain content of `doc` as it was at `heads`, read in place (no copy: a fork costs
    a copy of the whole history). `check=False` when the heads come from `history(doc)`."""
    if not heads:
        return {}
    if check and not doc.contains(heads):
        raise CrdtError("the document does not hold that version")
    at = list(heads)
    with doc._call("cannot read an earlier version") as raw:

        def extract(obj: bytes) -> JsonValue:
            kind = raw.object_type(obj)
            if kind == am.ObjType.Text:
                return raw.text(obj, at)
            if kind == am.ObjType.Map:
                return {key: value(raw.get(obj, key, at)) for key in raw.keys(obj, at)}
            return [value(raw.get(obj, i, at)) for i in range(raw.length(obj, at))]

        def value(found: Any) -> JsonValue:
            if found is None:
                return None
            scalar, obj = found
            return extract(obj) if isinstance(scalar, am.ObjType) else _scalar_out(scalar)

        result = extract(am.ROOT)
    assert isinstance(result, dict)
    return result


def sync_message_heads(data: bytes) -> list[bytes] | None:
    """The heads an encoded Automerge sync message announces, sorted; None if it is not one.

    Read straight from the bytes (type byte 0x42/0x43, then a LEB128 count of 32-byte
    hashes): cheaper than decoding, and safe on hostile input (bounded, never raises)."""
    if len(data) < 2 or data[0] not in (0x42, 0x43):
        return None
    count, shift, pos = 0, 0, 1
    while pos < len(data):
        byte = data[pos]
        pos += 1
        count |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    if count > 10_000 or pos + 32 * count > len(data):
        return None
    return sorted(data[pos + 32 * i: pos + 32 * (i + 1)] for i in range(count))


class SyncState:
    """Per-peer, per-document sync bookkeeping (not persistable in this binding)."""

    def __init__(self) -> None:
        self._raw = am.SyncState()


class Editor:
    """Edits inside one transaction: put values, replace text by minimal diff, delete keys."""

    def __init__(self, tx: am.Transaction) -> None:
        self._tx = tx

    def _map_at(self, path: Sequence[str]) -> bytes:
        obj: bytes = am.ROOT
        for key in path:
            found = self._tx.get(obj, key)
            if found is None or found[0] != am.ObjType.Map:
                obj = self._tx.put_object(obj, key, am.ObjType.Map)
            else:
                obj = found[1]
        return obj

    def put(self, path: Sequence[str], value: JsonValue) -> None:
        """Set the value at `path`, creating maps on the way; dicts and lists become objects."""
        parent = self._map_at(path[:-1])
        self._put_into(parent, path[-1], value, 0)

    def _put_into(self, obj: bytes, key: str | int, value: JsonValue, depth: int,
                  insert: bool = False) -> None:
        if depth > _MAX_DEPTH:
            raise CrdtError("value nests too deeply")
        if isinstance(value, Mapping):
            child = (self._tx.insert_object(obj, key, am.ObjType.Map) if insert  # type: ignore[arg-type]
                     else self._tx.put_object(obj, key, am.ObjType.Map))
            for sub_key, sub_value in value.items():
                self._put_into(child, str(sub_key), sub_value, depth + 1)
            return
        if isinstance(value, list | tuple):
            child = (self._tx.insert_object(obj, key, am.ObjType.List) if insert  # type: ignore[arg-type]
                     else self._tx.put_object(obj, key, am.ObjType.List))
            for index, item in enumerate(value):
                self._put_into(child, index, item, depth + 1, insert=True)
            return
        scalar_type, scalar = _scalar_in(value)
        if insert:
            self._tx.insert(obj, key, scalar_type, scalar)  # type: ignore[arg-type]
        else:
            self._tx.put(obj, key, scalar_type, scalar)

    def delete(self, path: Sequence[str]) -> None:
        parent = self._map_at(path[:-1])
        if self._tx.get(parent, path[-1]) is not None:
            self._tx.delete(parent, path[-1])

    def set_text(self, path: Sequence[str], new: str, old: str | None = None) -> None:
        """Make the Text object at `path` read `new` with per-character inserts and deletes.

        `old`, when the caller already read it, must be the object's current text."""
        _check_text(new)
        parent = self._map_at(path[:-1])
        found = self._tx.get(parent, path[-1])
        if found is None or found[0] != am.ObjType.Text:
            text_obj = self._tx.put_object(parent, path[-1], am.ObjType.Text)
            old = ""
        else:
            text_obj = found[1]
            if old is None:
                old = self._tx.text(text_obj)
        if old == new:
            return
        if not old:  # a new text (every first ingest): no diff to compute
            insert, kind = self._tx.insert, am.ScalarType.Str
            for position, char in enumerate(new):
                insert(text_obj, position, kind, char)
            return
        import fast_diff_match_patch

        position = 0
        for op, length in fast_diff_match_patch.diff(
            old, new, timelimit=_DIFF_TIME_LIMIT, checklines=False, cleanup="Semantic"
        ):
            if op == "=":
                position += length
            elif op == "-":
                for _ in range(length):
                    self._tx.delete(text_obj, position)
            else:
                for char in new[position:position + length]:
                    self._tx.insert(text_obj, position, am.ScalarType.Str, char)
                    position += 1


def _scalar_in(value: JsonValue) -> tuple[am.ScalarType, Any]:
    if value is None:
        return am.ScalarType.Null, None
    if isinstance(value, bool):
        return am.ScalarType.Boolean, value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise CrdtError(f"integer out of range: {value}")
        return am.ScalarType.Int, value
    if isinstance(value, float):
        return am.ScalarType.F64, value
    if isinstance(value, str):
        _check_text(value)
        return am.ScalarType.Str, value
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return am.ScalarType.Str, value.isoformat()
    if isinstance(value, bytes):
        return am.ScalarType.Bytes, value
    raise CrdtError(f"cannot store a value of type {type(value).__name__}")


_PATCH_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", "'": "'", '"': '"'}
# (Patterns as text, compiled by `re` on first use: most commands never read a patch.)
_PATCH_OBJ = r"Root|Id\(\d+, ActorID\(\"[0-9a-f]*\"\), \d+\)"
_PATCH_SEQ = r"Seq\((\d+)\)"
_PATCH_ACTION = r"\w+"


def _debug_string(text: str, at: int) -> tuple[str, int] | None:
    """The Rust `Debug` string literal starting at `text[at]` (a quote) and the index after it."""
    if text[at:at + 1] != '"':
        return None
    out: list[str] = []
    i = at + 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return "".join(out), i + 1
        if char == "\\":
            code = text[i + 1:i + 2]
            if code in _PATCH_ESCAPES:
                out.append(_PATCH_ESCAPES[code])
                i += 2
                continue
            if code == "u" and text[i + 2:i + 3] == "{":
                end = text.find("}", i + 3)
                if end < 0:
                    return None
                try:
                    out.append(chr(int(text[i + 3:end], 16)))
                except ValueError:
                    return None
                i = end + 1
                continue
            return None
        out.append(char)
        i += 1
    return None


def _debug_prop(text: str, at: int) -> tuple[str | int, int] | None:
    """A `Map("key")` or `Seq(3)` property at `text[at]` and the index after it."""
    if text.startswith('Map(', at):
        read = _debug_string(text, at + 4)
        if read is None or text[read[1]:read[1] + 1] != ")":
            return None
        return read[0], read[1] + 1
    found = re.compile(_PATCH_SEQ).match(text, at)
    return (int(found.group(1)), found.end()) if found else None


def _patch_location(text: str) -> list[str | int] | None:
    """From a patch's `Debug` text (all this binding shows of a patch): the keys from the
    document root to what it changed (its object's path, then the key or property it names,
    if any); None when the text is not in the shape this reader knows."""
    start = text.find(", path: [")
    if not text.startswith("Patch { obj: ") or start < 0:
        return None
    i = start + len(", path: [")
    where: list[str | int] = []
    while text[i:i + 1] == "(":
        obj = re.compile(_PATCH_OBJ).match(text, i + 1)
        if obj is None or text[obj.end():obj.end() + 2] != ", ":
            return None
        prop = _debug_prop(text, obj.end() + 2)
        if prop is None or text[prop[1]:prop[1] + 1] != ")":
            return None
        where.append(prop[0])
        i = prop[1] + 1
        if text.startswith(", ", i):
            i += 2
    if not text.startswith("], action: ", i):
        return None
    i += len("], action: ")
    name = re.compile(_PATCH_ACTION).match(text, i)
    if name is None:
        return None
    i = name.end()
    if text.startswith(" { key: ", i):
        read = _debug_string(text, i + len(" { key: "))
        if read is None:
            return None
        where.append(read[0])
    elif text.startswith(" { prop: ", i):
        prop = _debug_prop(text, i + len(" { prop: "))
        if prop is None:
            return None
        where.append(prop[0])
    return where


def _scalar_out(value: tuple[am.ScalarType, Any]) -> JsonValue:
    scalar_type, scalar = value
    if scalar_type == am.ScalarType.Counter:
        raise CrdtError("document holds a Counter")
    if scalar_type == am.ScalarType.Bytes and isinstance(scalar, list):
        return bytes(scalar)
    if scalar_type == am.ScalarType.Timestamp and isinstance(scalar, _dt.datetime):
        return scalar.isoformat()
    return scalar
