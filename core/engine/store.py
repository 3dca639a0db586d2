"""On-disk CRDT store: per document a snapshot plus an append-only, checksummed change log.

Layout under the store root: `<id[:2]>/<id>.snap` (an Automerge `save()`, or a
new document's few changes as they arrived: `Doc.save_new`) and `<id>.log`
(frames of `length:u32be crc32:u32be change-bytes`). Every append is fsynced before it
returns. A torn last frame (a crash mid-append) is ignored on load and cut off by the next
append. Compaction writes a new snapshot atomically, then empties the log; a crash between
the two only leaves changes that the snapshot already holds, which load tolerates.

The store does no locking of its own: callers serialise writers (see `core.lock`).
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from solo.core.engine.crdt import CrdtError, Doc
from solo.core.engine.fsutil import atomic_write_bytes, fsync_dir, sync_files, temp_name
from solo.core.engine.integrity import log_damage
from solo.core.errors import SoloError
from solo.core.model.ids import is_document_id

_FRAME_HEADER = struct.Struct(">II")
MAX_FRAME = 256 * 1024 * 1024
COMPACT_LOG_BYTES = 256 * 1024
COMPACT_LOG_FRAMES = 256

Stamp = tuple[int, int, int, int]


class StoreError(SoloError):
    """A document is missing or its stored bytes are unreadable; names the file."""


def read_frames(data: bytes) -> tuple[list[bytes], int]:
    """The complete, intact frames in `data` and the byte length they cover."""
    frames: list[bytes] = []
    offset = 0
    while offset + _FRAME_HEADER.size <= len(data):
        length, checksum = _FRAME_HEADER.unpack_from(data, offset)
        start = offset + _FRAME_HEADER.size
        end = start + length
        if length > MAX_FRAME or end > len(data):
            break
        payload = data[start:end]
        if zlib.crc32(payload) != checksum:
            break
        frames.append(payload)
        offset = end
    return frames, offset


def frame(payload: bytes) -> bytes:
    return _FRAME_HEADER.pack(len(payload), zlib.crc32(payload)) + payload


class DocStore:
    """Documents by id in a folder; load, create, append changes, compact."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # doc id → (log size, log mtime_ns, frame count) last seen intact, to skip re-reading
        self._log_seen: dict[str, tuple[int, int, int]] = {}

    def _paths(self, doc_id: str) -> tuple[Path, Path]:
        if not is_document_id(doc_id):
            raise StoreError(f"not a document id: {doc_id!r}")
        folder = self.root / doc_id[:2]
        return folder / f"{doc_id}.snap", folder / f"{doc_id}.log"

    def exists(self, doc_id: str) -> bool:
        snap, log = self._paths(doc_id)
        return snap.exists() or log.exists()

    def ids(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir():
                names = {p.name.rsplit(".", 1)[0] for p in folder.iterdir()
                         if p.suffix in (".snap", ".log")}
                yield from sorted(n for n in names if is_document_id(n))

    def stamp(self, doc_id: str) -> Stamp:
        """Cheap fingerprint of the stored bytes, to notice another process's writes."""
        out: list[int] = []
        for path in self._paths(doc_id):
            try:
                st = path.stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return (out[0], out[1], out[2], out[3])

    def load_bytes(self, doc_id: str) -> bytes:
        """Snapshot followed by every intact logged change, as one loadable buffer."""
        snap, log = self._paths(doc_id)
        try:
            snapshot = snap.read_bytes()
        except FileNotFoundError:
            snapshot = None
        try:
            data = log.read_bytes()
        except FileNotFoundError:
            data = b""
        frames, good = read_frames(data)
        damage = log_damage(data, good)
        if damage is not None:
            raise StoreError(f"{log}: change log damaged: {damage}; run `solo doctor`")
        if snapshot is None and not frames:
            raise StoreError(f"document {doc_id} is not in the store ({snap})")
        if snapshot is not None and not snapshot:
            raise StoreError(f"{snap}: snapshot file is empty (corrupt store)")
        return (snapshot or b"") + b"".join(frames)

    def load(self, doc_id: str, actor: bytes | None = None) -> Doc:
        data = self.load_bytes(doc_id)
        try:
            return Doc.load(data, actor)
        except CrdtError as exc:
            raise StoreError(f"{self._paths(doc_id)[0]}: cannot load document: {exc}") from None

    def _make_folder(self, folder: Path) -> None:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            fsync_dir(folder.parent)  # the new folder's own entry must survive a crash too

    def create(self, doc_id: str, doc: Doc) -> None:
        """Write a new document's first snapshot (atomically) and an empty log."""
        snap, log = self._paths(doc_id)
        self._make_folder(snap.parent)
        atomic_write_bytes(snap, doc.save())
        if log.exists():
            self._truncate(log, 0)

    def create_many(self, snapshots: Sequence[tuple[str, bytes]]) -> None:
        """Write many new documents' first snapshots, then make them durable with one
        file-system sync (group commit) rather than an fsync per document."""
        folders: set[Path] = set()
        written: list[Path] = []
        for doc_id, data in snapshots:
            snap, log = self._paths(doc_id)
            if snap.parent not in folders and not snap.parent.is_dir():
                snap.parent.mkdir(parents=True, exist_ok=True)
            folders.add(snap.parent)
            tmp = temp_name(snap)
            with open(tmp, "wb") as out:
                out.write(data)
            os.replace(tmp, snap)
            written.append(snap)
            if log.exists():
                self._truncate(log, 0)
        if written:
            sync_files(written, folders | {self.root})

    def append(self, doc_id: str, changes: Sequence[bytes], durable: bool = True) -> None:
        """Add encoded changes to the document's log, fsynced unless `durable` is False
        (then they survive a killed process but maybe not a power cut)."""
        if not changes:
            return
        snap, log = self._paths(doc_id)
        self._make_folder(log.parent)
        fd = os.open(log, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            st = os.fstat(fd)
            seen = self._log_seen.get(doc_id)
            if seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns):
                good, count = st.st_size, seen[2]
            else:  # another process wrote, or first append here: check for a torn tail
                data = _read_fd(fd)
                frames, good = read_frames(data)
                count = len(frames)
                damage = log_damage(data, good)
                if damage is not None:  # never cut intact changes off behind damage
                    raise StoreError(f"{log}: change log damaged: {damage}; run `solo doctor`")
                if good != st.st_size:
                    os.ftruncate(fd, good)
            os.lseek(fd, good, os.SEEK_SET)
            data = b"".join(frame(c) for c in changes)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
            st = os.fstat(fd)
            self._log_seen[doc_id] = (st.st_size, st.st_mtime_ns, count + len(changes))
        finally:
            os.close(fd)
        if not snap.exists():
            fsync_dir(log.parent)

    def needs_compaction(self, doc_id: str) -> bool:
        _, log = self._paths(doc_id)
        try:
            st = log.stat()
        except FileNotFoundError:
            return False
        if st.st_size >= COMPACT_LOG_BYTES:
            return True
        if st.st_size <= 4096:
            return False
        seen = self._log_seen.get(doc_id)
        if seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns):
            return seen[2] >= COMPACT_LOG_FRAMES
        return len(read_frames(log.read_bytes())[0]) >= COMPACT_LOG_FRAMES

    def compact(self, doc_id: str, doc: Doc) -> None:
        """Replace snapshot + log by one snapshot of `doc` (which must hold everything logged)."""
        snap, log = self._paths(doc_id)
        self._make_folder(snap.parent)
        atomic_write_bytes(snap, doc.save())
        if log.exists():
            self._truncate(log, 0)

    def remove(self, doc_id: str) -> None:
        for path in self._paths(doc_id):
            path.unlink(missing_ok=True)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())

    def _truncate(self, path: Path, length: int) -> None:
        self._log_seen.pop(path.stem, None)
        fd = os.open(path, os.O_RDWR)
        try:
            os.ftruncate(fd, length)
            if length == 0:
                st = os.fstat(fd)
                self._log_seen[path.stem] = (0, st.st_mtime_ns, 0)
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_fd(fd: int) -> bytes:
    chunks: list[bytes] = []
    os.lseek(fd, 0, os.SEEK_SET)
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
