"""SidePane and SidePaneScreen: one pane for the whole app (the assistant, or any plug-in),
shown over whichever screen is current, with the focus inside it until Escape or its key."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget

from solo.tui.widgets.footer import SoloFooter


class SidePane(Vertical):
    """The right-hand column that holds the pane's widget."""

    DEFAULT_CSS = """
    SidePane { dock: right; width: 45%; min-width: 40; max-width: 70; height: 1fr;
               border-left: vkey $primary; background: $surface; }
    """


class SidePaneScreen(ModalScreen[None]):
    """Shows one widget (built once, kept for the session) at the right of the current screen.

    Installed once per key by `SoloApp.register_side_pane`; pushing it again on another screen
    shows the same widget with the same state. Keys typed go to the pane, never to the screen
    behind it; Escape (when the pane does not use it) or the pane's key closes it and the focus
    goes back where it was.
    """

    BINDINGS = [Binding("escape", "close", "Close pane", id="pane.close")]
    AUTO_FOCUS = "Input"
    DEFAULT_CSS = """
    SidePaneScreen { align: right top; background: $background 0%; }
    SidePaneScreen > SidePane { height: 1fr; max-height: 100%; margin-bottom: 1; }
    """

    def __init__(self, factory: Callable[[], Widget], *, key: str = "",
                 description: str = "Close pane", name: str | None = None) -> None:
        super().__init__(name=name)
        self.factory = factory
        self.content: Widget | None = None
        if key:  # the key that opened the pane closes it (the app's keys stop at a modal)
            self._bindings.bind(key, "close", description)

    def compose(self) -> ComposeResult:
        self.content = self.factory()
        with SidePane():
            yield self.content
        yield SoloFooter()

    def action_close(self) -> None:
        self.dismiss(None)
