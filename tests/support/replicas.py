"""In-process peers: vault replicas exchanging sync messages directly over a perfect link."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.crdt import SyncState
from solo.core.engine.replica import Replica
from solo.core.vault import Vault


class Link:
    """A perfect, in-memory connection between two replicas (one SyncState per doc per side)."""

    def __init__(self, a: Replica, b: Replica) -> None:
        self.a, self.b = a, b
        self.states: dict[tuple[int, str], SyncState] = {}

    def _state(self, side: int, doc_id: str) -> SyncState:
        return self.states.setdefault((side, doc_id), SyncState())

    def sync(self, rounds: int = 50) -> None:
        docs = {self.a.root_id}
        for _ in range(rounds):
            moved = False
            docs |= set(self.a.entries()) | set(self.b.entries())
            for doc_id in sorted(docs, key=lambda d: d != self.a.root_id):
                for side, src, dst in ((0, self.a, self.b), (1, self.b, self.a)):
                    message = src.generate(doc_id, self._state(side, doc_id))
                    if message is None:
                        continue
                    moved = True
                    docs |= set(dst.receive(doc_id, self._state(1 - side, doc_id), message))
            if not moved:
                return
        raise AssertionError("replicas did not converge")


def make_pair(tmp_path: Path) -> tuple[Vault, Vault]:
    first = Vault.init(tmp_path / "a")
    first.scan()
    second = Vault.init(tmp_path / "b", root_id=first.root_id)
    return first, second

