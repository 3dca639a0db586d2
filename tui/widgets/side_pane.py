"""SidePane: the empty slot beside each screen's body that the assistant (or any plug-in) fills."""

from __future__ import annotations

from textual.containers import Vertical


class SidePane(Vertical):
    """Hidden until `SoloApp.register_side_pane(factory, key)` gives it a widget to show."""

    DEFAULT_CSS = """
    SidePane { width: 40%; max-width: 60; display: none; border-left: vkey $primary; }
    SidePane.-open { display: block; }
    """
