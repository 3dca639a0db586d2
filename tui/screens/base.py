"""SoloScreen: the frame every main screen shares (sidebar, body, status line, footer)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget

from solo.core.engine.index import Row
from solo.core.vault import Vault, VaultError
from solo.tui.messages import ItemsRefreshed, NavigateTo
from solo.tui.widgets.footer import SoloFooter
from solo.tui.widgets.sidebar import Sidebar
from solo.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

PaletteCommand = tuple[str, str, Callable[[], Any]]


class SoloScreen(Screen[None]):
    """A main screen: loads its data from the index in a worker, shows it on the main thread."""

    NAME = ""

    def __init__(self) -> None:
        super().__init__(id=f"screen-{self.NAME}")
        self._stale = False
        self._pending_paths: list[str] = []

    @property
    def solo(self) -> SoloApp:
        return self.app  # type: ignore[return-value]

    @property
    def vault(self) -> Vault:
        return self.solo.vault

    def compose(self) -> ComposeResult:
        with Horizontal(id="frame"):
            yield Sidebar(self.NAME)
            with Vertical(id="body"):
                yield from self.compose_body()
        yield StatusLine()
        yield SoloFooter()

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_mount(self) -> None:
        self.query_one(StatusLine).status = self.solo.status
        self.reload()

    # --- data ------------------------------------------------------------------------
    def reload(self, paths: list[str] | None = None) -> None:
        self._stale = False
        self._pending_paths = list(paths or [])
        self._load_worker()

    @work(thread=True, exclusive=True, group="load")
    def _load_worker(self) -> None:
        data = self.load()
        try:
            self.app.call_from_thread(self._apply, data)
        except RuntimeError:  # the app is closing
            pass

    def _apply(self, data: Any) -> None:
        if not self.is_attached:  # the load finished after the screen went away
            return
        try:
            self.show(data)
        except NoMatches:  # the screen is being torn down (app closing) mid-refresh
            return
        self.post_message(ItemsRefreshed(self.NAME, self._pending_paths))

    def load(self) -> Any:
        """Read what the screen shows (runs in a worker thread: core calls only, no widgets)."""
        return None

    def show(self, data: Any) -> None:
        """Put loaded data into the widgets (main thread)."""

    def vault_changed(self, paths: list[str]) -> None:
        if self in self.app.screen_stack:
            self.reload(paths)
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self.reload()

    # --- items -----------------------------------------------------------------------
    def current_row(self) -> Row | None:
        """The item under the cursor, for e, f, delete and the palette."""
        return None

    def row(self, path: str | None) -> Row | None:
        if not path:
            return None
        try:
            return self.vault.resolve(path)
        except VaultError:
            return None

    def palette_commands(self) -> list[PaletteCommand]:
        return []

    def on_navigate_to(self, message: NavigateTo) -> None:
        self.solo.action_goto(message.name)
