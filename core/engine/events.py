"""Change events that say who caused them (`Origin`), and listener lists one can unsubscribe from."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

LOCAL, WATCHER, REMOTE = "local", "watcher", "remote"


@dataclass(frozen=True)
class Origin:
    """Who made a change: Solo itself (`local`), an editor seen by the watcher (`watcher`),
    or a sync peer (`remote`, with the remote's key or URL)."""

    kind: str = LOCAL
    url: str | None = None

    @classmethod
    def remote(cls, url: str) -> Origin:
        return cls(REMOTE, url)

    @property
    def is_remote(self) -> bool:
        return self.kind == REMOTE


ORIGIN_LOCAL = Origin(LOCAL)
ORIGIN_WATCHER = Origin(WATCHER)


@dataclass(frozen=True)
class FileEvent:
    """Vault files (relative paths) were ingested, written or removed."""

    paths: tuple[str, ...]
    origin: Origin = ORIGIN_LOCAL


@dataclass(frozen=True)
class DocEvent:
    """Documents gained changes in the store (called under the vault lock)."""

    doc_ids: tuple[str, ...]
    origin: Origin = ORIGIN_LOCAL


E = TypeVar("E")
Unsubscribe = Callable[[], None]


class Listeners(Generic[E]):
    """Callbacks for one kind of event; `add` returns the function that removes it again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Callable[[E], None]] = []

    def add(self, listener: Callable[[E], None]) -> Unsubscribe:
        with self._lock:
            self._items.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._items:
                    self._items.remove(listener)
        return unsubscribe

    def emit(self, event: E) -> None:
        with self._lock:
            items = list(self._items)
        for listener in items:
            listener(event)

    def __len__(self) -> int:
        return len(self._items)
