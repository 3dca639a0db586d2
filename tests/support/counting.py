"""A counting file door: the vault's `VaultFiles`, counting reads and writes per path."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from solo.core.engine.files import VaultFiles


class CountingFiles(VaultFiles):
    """The vault's file door, counting reads and writes per vault-relative path."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reads: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()

    def read(self, rel: str) -> bytes:
        self.reads[rel] += 1
        return super().read(rel)

    def write(self, rel: str, data: bytes) -> None:
        self.writes[rel] += 1
        super().write(rel, data)

    def clear(self) -> None:
        self.reads.clear()
        self.writes.clear()
