"""SoloFooter: the keys of the focused widget first, cut to the width with `? more`; "editing" mode.

Textual's footer lists every active binding in one row and lets the terminal cut the end off,
so at 80 columns the app's own keys (quit, help, search) vanished. This footer:

- when an editor or an input has focus, starts with "editing — Esc to leave" and shows only the
  keys that still work there (printable keys go to the editor);
- otherwise shows the focused widget's keys, then the screen's, then the app's, as many as fit,
  and ends with `? more` when some were left out (`?` opens the full list).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer, Input, TextArea
from textual.widgets._footer import FooterKey, FooterLabel

EDITING = "editing — Esc to leave"
MORE_WIDTH = len("? more") + 4


def is_editing(widget: object) -> bool:
    """Whether `widget` takes printable keys as text (an input or an editor)."""
    return isinstance(widget, Input | TextArea)


class SoloFooter(Footer):
    """A footer that fits its width and says when keys go to an editor."""

    DEFAULT_CSS = """
    SoloFooter FooterLabel.-editing { color: $text-warning; text-style: bold; margin: 0 1; }
    SoloFooter FooterKey { margin-right: 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(show_command_palette=False, **kwargs)  # type: ignore[arg-type]
        self._width = 0

    @property
    def editing(self) -> bool:
        return is_editing(self.screen.focused)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        editing = self.editing
        budget = (self.size.width or self.app.size.width) - 1
        if editing:
            yield FooterLabel(EDITING, classes="-editing")
            budget -= len(EDITING) + 2
        seen: set[str] = set()
        shown = []
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding, enabled, tooltip))
        help_key = next((k for k, a in self.screen.active_bindings.items()
                         if a.binding.action == "help"), None)
        used = 0
        for index, (binding, enabled, tooltip) in enumerate(shown):
            display = self.app.get_key_display(binding)
            width = len(display) + len(binding.description) + 4
            rest = index < len(shown) - 1
            room = budget - (MORE_WIDTH if rest and help_key else 0)
            if used + width > room:
                if help_key:
                    yield FooterKey(help_key, "?", "more", "help", tooltip="All keys")
                return
            used += width
            yield FooterKey(binding.key, display, binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip or binding.description)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            if self._bindings_ready:
                self.call_after_refresh(self.recompose)
