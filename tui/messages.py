"""Every message Solo's widgets, screens and workers post, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class VaultChanged(Message):
    """Files changed on disk or through the vault (posted from any thread to the app)."""

    paths: list[str] = field(default_factory=list)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, VaultChanged)


@dataclass
class ScanFinished(Message):
    """The first-paint scan worker brought the index up to date."""

    changed: int = 0


@dataclass
class ItemsRefreshed(Message):
    """A screen reloaded its rows from the index (after a change), keeping the cursor."""

    screen_name: str = ""
    paths: list[str] = field(default_factory=list)


@dataclass
class EditorMerged(Message):
    """The note open in the editor changed on disk; the file and the unsaved text were merged."""

    path: str = ""
    cursor: tuple[int, int] = (0, 0)


@dataclass
class NoteSaved(Message):
    """The editor's text was written to the vault."""

    path: str = ""


@dataclass
class ListHighlighted(Message):
    """The cursor of an item list moved to an entry (key is the item's path)."""

    list_id: str | None
    key: str | None


@dataclass
class ListSelected(Message):
    """Enter (or a click) on an item list entry."""

    list_id: str | None
    key: str | None


@dataclass
class NavigateTo(Message):
    """Go to a screen by name (today, tasks, notes, career, reviews)."""

    name: str


@dataclass
class LinkActivated(Message):
    """A `[[wikilink]]` was followed in the editor (`heading`: its `#Heading` part)."""

    target: str
    heading: str | None = None


@dataclass
class FocusLogged(Message):
    """The focus timer stopped: a session was written to `path` (or nothing: `path` empty);
    `message` says which, for the user."""

    path: str
    message: str = ""
    error: bool = False


@dataclass
class WriteFinished(Message):
    """A vault write run in a worker finished: its result for `done`, or the line saying why not."""

    label: str
    result: Any = None
    error: str | None = None
    done: Callable[[Any], None] | None = field(default=None, repr=False)
    handled: bool = False  # set by the first handler (the node that asked); the rest skip it
