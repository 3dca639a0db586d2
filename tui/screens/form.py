"""FormScreen: a modal form for an item's front matter, built from `model.fields_for(kind)`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from solo.core import clock as core_clock
from solo.core.engine import validation
from solo.core.engine.index import Row
from solo.core.model import kinds as model
from solo.core.vault import Vault, VaultError
from solo.tui.format import value_text

if TYPE_CHECKING:
    from solo.tui.app import SoloApp


class FormScreen(ModalScreen[bool]):
    """Edit the known fields of one item; messages under each field say what is wrong."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "dismiss(False)", "Cancel", id="form.cancel"),
    ]

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.item_row = row
        self.specs = [s for s in model.fields_for(row.kind) if s.name != "kind"]
        self.original = {s.name: value_text(row.fields.get(s.name)) for s in self.specs}
        if not row.fields.get("title"):
            self.original["title"] = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(f"{self.item_row.kind}: {self.item_row.path}", classes="dialog-title",
                        markup=False)
            if self.item_row.problem:
                yield Label(f"⚠ {self.item_row.problem}", classes="form-problem", markup=False)
            with VerticalScroll(id="form-fields"):
                for spec in self.specs:
                    with Horizontal(classes="form-row"):
                        yield Label(spec.name, classes="form-label")
                        yield Input(self.original[spec.name], id=f"field-{spec.name}",
                                    placeholder=_hint(spec), classes="form-input")
                    yield Static("", id=f"error-{spec.name}", classes="form-error")
            yield Label("Enter or ctrl+s: save   Escape: cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _value(self, spec: model.FieldSpec, text: str) -> Any:
        today = self.app.clock.today() if hasattr(self.app, "clock") else None
        return model.coerce_value(spec, self.item_row.kind, text, today=today)

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        spec = next((s for s in self.specs if s.name == name), None)
        if spec is None:
            return
        message = ""
        if event.value.strip():
            try:
                self._value(spec, event.value)
            except ValueError as exc:
                message = str(exc)
        self._error(name, message)

    def _error(self, name: str, message: str) -> None:
        error = self.query_one(f"#error-{name}", Static)
        error.update(Text(message))
        error.set_class(bool(message), "-shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        set_fields: dict[str, Any] = {}
        unset: list[str] = []
        problems = 0
        for spec in self.specs:
            text = self.query_one(f"#field-{spec.name}", Input).value
            if text == self.original[spec.name]:
                continue
            if not text.strip():
                unset.append(spec.name)
                continue
            try:
                set_fields[spec.name] = self._value(spec, text)
            except ValueError as exc:
                self._error(spec.name, str(exc))
                problems += 1
        if problems:
            self.notify(f"{problems} field(s) need fixing", severity="error", timeout=3, markup=False)
            return
        merged = {**self.item_row.fields, **set_fields}
        for name in unset:
            merged.pop(name, None)
        found = model.validate(self.item_row.kind, merged)
        for problem in found:
            if problem.field in set_fields:
                self._error(problem.field, problem.message)
        if any(p.field in set_fields for p in found):
            return
        if set_fields or unset:
            app: SoloApp = self.app  # type: ignore[assignment]
            try:
                item = app.vault.update(self.item_row, set_fields, unset)
            except VaultError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            say_findings(app, item.path, [*set_fields, *unset])
        self.dismiss(bool(set_fields or unset))


def say_findings(app: SoloApp, path: str, only: list[str] | None = None) -> None:
    """Notify what validation finds about the item just saved (kept as saved, but said)."""
    clock = getattr(app, "clock", None)
    today, now = (clock.today(), clock.now()) if clock is not None else (None, None)
    found = validation.index_findings(app.vault.index, [path], today or core_clock.today(), now)
    for line in validation.lines(f for f in found if only is None or f.field in only):
        app.notify(f"⚠ {line}", title="Saved; check this", severity="warning", timeout=6,
                   markup=False)


def file_warning(vault: Vault, path: str, today: dt.date) -> str | None:
    """What validation finds in one indexed file on its own (no reference look-ups: cheap
    enough for every change event), as one line; None when nothing."""
    row = vault.index.by_path(path)
    found = validation.lines(validation.row_findings(row, today)) if row is not None else []
    return "; ".join(found) or None


def _hint(spec: model.FieldSpec) -> str:
    if spec.choices:
        return " | ".join(spec.choices)
    return {"date": "YYYY-MM-DD, fri, +3d", "list_of_str": "a, b, c", "refs": "stem, stem",
            "bool": "yes / no", "minutes": "30m, 1h30", "key_results": "name=current/target; …",
            "datetime": "YYYY-MM-DD HH:MM"}.get(spec.type, spec.doc[:40])
