"""SoloScreen: the frame every main screen shares (sidebar, body, status line, footer)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from solo.core.engine.index import Row
from solo.core.errors import SoloError
from solo.core.vault import Vault, VaultError
from solo.tui.messages import ItemsRefreshed, NavigateTo, WriteFinished
from solo.tui.widgets.footer import SoloFooter
from solo.tui.widgets.sidebar import Sidebar
from solo.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.app import App

    from solo.tui.app import SoloApp

PaletteCommand = tuple[str, str, Callable[[], Any]]
T = TypeVar("T")
log = logging.getLogger(__name__)


class WriteQueue:
    """The app's vault writes, run one after another in a worker thread, in the order asked
    (so `u` right after `x` undoes that `x`); each posts `WriteFinished` to whoever asked."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._jobs: deque[tuple[MessagePump, str, Callable[[], Any], Callable[[Any], None] | None]] \
            = deque()
        self._running = False
        self._turn = threading.Lock()  # held while a write runs

    def submit(self, target: MessagePump, label: str, job: Callable[[], T],
               done: Callable[[T], None] | None = None) -> None:
        with self._lock:
            self._jobs.append((target, label, job, done))
            if self._running:
                return  # the running worker takes it next
            self._running = True
        self.app.run_worker(self._drain, thread=True, group="vault-writes", name="vault writes")

    def wait(self) -> None:
        """Return once every write asked so far has finished: the one running ends, the
        waiting ones run here (for quitting, or handing a file to `$EDITOR`)."""
        with self._turn:
            with self._lock:
                jobs = list(self._jobs)
                self._jobs.clear()
            for job in jobs:
                self._run(*job)

    def _drain(self) -> None:
        while True:
            with self._turn:
                with self._lock:
                    if not self._jobs:
                        self._running = False
                        return
                    job = self._jobs.popleft()
                self._run(*job)

    @staticmethod
    def _run(target: MessagePump, label: str, job: Callable[[], Any],
             done: Callable[[Any], None] | None) -> None:
        try:
            message = WriteFinished(label, job(), done=done)
        except (SoloError, ValueError, OSError) as exc:
            message = WriteFinished(label, error=str(exc))
        except Exception as exc:  # a bug: said, logged, and the queue goes on
            log.exception("%s failed", label)
            message = WriteFinished(label, error=f"{label}: {type(exc).__name__}: {exc}")
        target.post_message(message)


class RunsWrites:
    """For screens and the app: `run_write` a vault write off the event loop; its
    `WriteFinished` comes back here (main thread) to notify or to run `done`."""

    def run_write(self, label: str, job: Callable[[], T],
                  done: Callable[[T], None] | None = None) -> None:
        """Run `job` (core calls only, no widgets) in the app's write worker; then `done(result)`
        on the main thread, or a notification of the error."""
        node: Any = self
        queue: WriteQueue = node.app.writes
        queue.submit(node, label, job, done)

    def on_write_finished(self, message: WriteFinished) -> None:
        # Handled where it was posted; it still bubbles up, so the app sees every result.
        if message.handled:
            return
        message.handled = True
        node: Any = self
        if message.error is not None:
            node.notify(message.error, title=message.label, severity="error", markup=False)
        elif message.done is not None:
            message.done(message.result)


class SoloScreen(RunsWrites, Screen[None]):
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
