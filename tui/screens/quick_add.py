"""QuickAddScreen: one line like `Write report due:fri #work !high +project goal:cloud-cert` → a task."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from solo.core.model.quickadd import QuickAdd, parse_quickadd


class QuickAddScreen(ModalScreen[QuickAdd | None]):
    """Type a task with inline syntax; the parse is previewed as you type; Enter adds it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="modal.cancel")]

    def __init__(self, today_text: str) -> None:
        super().__init__()
        self.today_text = today_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Quick add task", classes="dialog-title")
            yield Input(placeholder="Title due:fri #tag !high +project goal:stem ~next",
                        id="quick-input")
            yield Static("", id="quick-preview", classes="dialog-help")

    def _parse(self, text: str) -> QuickAdd:
        return parse_quickadd(text, dt.date.fromisoformat(self.today_text))

    def on_input_changed(self, event: Input.Changed) -> None:
        preview = self.query_one("#quick-preview", Static)
        if not event.value.strip():
            preview.update("")
            return
        try:
            parsed = self._parse(event.value)
        except ValueError as exc:
            preview.update(Text(f"⚠ {exc}"))
            return
        extras = ", ".join(f"{k}={v}" for k, v in parsed.fields.items())
        preview.update(Text(f"“{parsed.title}”  {extras}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.dismiss(None)
            return
        try:
            self.dismiss(self._parse(event.value))
        except ValueError as exc:
            self.query_one("#quick-preview", Static).update(Text(f"⚠ {exc}"))
