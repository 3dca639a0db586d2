"""What a peer's delete does here: tombstone states, and the limit on deletes per sync round.

A tombstone (`deleted` in a root index entry) carries the rev and heads of the document at
the delete, so an edit made after it (on any device) brings the file back. More deletions in
one round than `delete_limit` allows are held back: the files are kept and journaled in
`.solo/held-deletes/` until `solo deletes --apply` confirms them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from solo.core.config import SyncConfig
from solo.core.engine.index import Index
from solo.core.engine.marks import Journal
from solo.core.model.ids import is_document_id

log = logging.getLogger(__name__)


def live_after_delete(entry: dict[str, Any], rev_of: Callable[[], str | None]) -> bool:
    """An entry is deleted only if nobody changed the document after the delete."""
    if entry.get("deleted") is not True:
        return True
    deleted_rev = entry.get("deleted_rev")
    if not deleted_rev:
        return False
    current = rev_of()
    return current is not None and current != deleted_rev


def deleted_heads(entry: dict[str, Any]) -> list[bytes] | None:
    """The heads a tombstone recorded at the delete (None when absent or malformed)."""
    raw = entry.get("deleted_heads")
    if not isinstance(raw, list) or not raw or len(raw) > 1000:
        return None
    try:
        heads = [bytes.fromhex(h) for h in raw if isinstance(h, str)]
    except ValueError:
        return None
    return heads if len(heads) == len(raw) and all(len(h) == 32 for h in heads) else None


HELD_DELETES = "held-deletes"


def delete_limit(config: SyncConfig, files: int) -> int:
    """How many files one sync round may delete without confirmation: more than
    `max_deletes` AND more than `max_delete_share` of the vault needs it."""
    return max(config.max_deletes, int(config.max_delete_share * files))


class DeleteGuard:
    """Counts the deletions one sync round applies and holds back those over the limit."""

    def __init__(self, solo_dir: Path, index: Index, config: SyncConfig,
                 problems: list[str]) -> None:
        self.index = index
        self.config = config
        self.problems = problems
        self.held = Journal(solo_dir / HELD_DELETES)
        self.allow = False
        """True: apply every delete (`solo deletes --apply` confirmed them)."""
        self._deleted = 0  # files this round deleted for the peer
        self._held_now: list[str] = []
        self._limit: int | None = None
        if self.held.ids():
            self.problems.append(f"{len(self.held.ids())} deletion(s) a peer sent are held back "
                                 "(the files are kept); `solo deletes` lists them, "
                                 "`solo deletes --apply` applies them")

    def hold(self, doc_id: str) -> bool:
        """True when this delete is over the round's limit: kept, journaled, reported."""
        if self.allow or self.index.by_doc(doc_id) is None:
            return False
        if self._limit is None:
            self._limit = delete_limit(self.config, self.index.count())
        if self._deleted < self._limit:
            self._deleted += 1
            self.held.clear(doc_id)
            return False
        self.held.mark(doc_id)
        if doc_id not in self._held_now:
            self._held_now.append(doc_id)
        line = (f"held back {len(self._held_now)} deletion(s) the peer sent (over the limit of "
                f"{self._limit} per sync round); the files are kept; `solo deletes` lists them, "
                "`solo deletes --apply` applies them")
        self.problems[:] = [p for p in self.problems if not p.startswith("held back ")]
        if len(self._held_now) == 1:
            log.warning(line)
        self.problems.append(line)
        return True

    def held_paths(self) -> list[str]:
        """Paths of the files whose deletion is held back."""
        rows = [self.index.by_doc(d) for d in self.held.ids() if is_document_id(d)]
        return sorted(row.path for row in rows if row is not None)
