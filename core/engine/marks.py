"""Marker journals in `.solo/` (`dirty/`, `pending/`): one empty file per document id, durable."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.fsutil import atomic_write_bytes, fsync_dir


class Journal:
    """A folder of empty marker files named by document id; each marker is durable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def mark(self, doc_id: str, durable: bool = False) -> None:
        marker = self.folder / doc_id
        if not durable and marker.exists():
            return  # (marked already, maybe durably: writing it again would change nothing)
        self.folder.mkdir(exist_ok=True)
        marker.write_bytes(b"")
        if durable:
            fsync_dir(self.folder)

    def marked(self, doc_id: str) -> bool:
        return (self.folder / doc_id).exists()

    def clear(self, doc_id: str) -> None:
        (self.folder / doc_id).unlink(missing_ok=True)

    def ids(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir()) if self.folder.is_dir() else []

    def set_aside(self, doc_id: str, folder: Path, reason: str) -> None:
        """Move a marker that cannot be acted on to `folder`, with the reason inside."""
        folder.mkdir(exist_ok=True)
        atomic_write_bytes(folder / doc_id, reason.encode("utf-8") + b"\n")
        self.clear(doc_id)
