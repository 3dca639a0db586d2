"""TaskActions: the task keys shared by Today and Tasks (done, status, priority, reschedule, focus, delete)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import PurePosixPath

from solo.core.engine.index import Row
from solo.core.engine.linetasks import is_line_task
from solo.core.model import kinds as model
from solo.core.vault import VaultError
from solo.tui.format import task_entry
from solo.tui.screens.base import PaletteCommand, SoloScreen
from solo.tui.screens.choice import ChoiceScreen
from solo.tui.screens.confirm import ConfirmScreen
from solo.tui.screens.form import FormScreen
from solo.tui.screens.prompt import PromptScreen
from solo.tui.widgets.item_list import Entry

PRIORITY_CYCLE = {None: "high", "high": "medium", "medium": "low", "low": None}


def row_key(row: Row) -> str:
    """The list key of a task: its path, or for a checkbox task inside a note its id
    (which `Vault.resolve` finds again)."""
    return row.short_id if is_line_task(row) else row.path


def entry(row: Row, today: dt.date) -> Entry:
    """A task's list line, keyed by `row_key`."""
    return dataclasses.replace(task_entry(row, today), key=row_key(row))


class TaskActions(SoloScreen):
    """Actions on the task under the cursor; each writes through the vault and the list follows."""

    def _task_row(self) -> Row | None:
        row = self.current_row()
        if row is None or row.kind != "task":
            self.notify("No task here.", severity="warning", timeout=2, markup=False)
            return None
        return row

    def _write(self, action: str, row: Row, **fields: object) -> None:
        try:
            if action == "complete":
                done, following = self.vault.complete(row, self.solo.clock.today())
                extra = f"; next one due {following.fields.get('due')}" if following else ""
                self.notify(f"Done: {done.title}{extra}", timeout=2, markup=False)
            else:
                unset = [k for k, v in fields.items() if v is None]
                values = {k: v for k, v in fields.items() if v is not None}
                self.vault.update(row, values, unset)
        except (VaultError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)

    def action_done(self) -> None:
        if row := self._task_row():
            self._write("complete", row)

    def action_status(self) -> None:
        row = self._task_row()
        if row is None:
            return

        def chosen(status: str | None) -> None:
            if status == "done":
                self._write("complete", row)
            elif status:
                self._write("update", row, status=status)

        self.app.push_screen(ChoiceScreen(f"Status of {row.title}", model.TASK_STATUSES,
                                          row.status or "inbox"), chosen)

    def action_priority(self) -> None:
        if row := self._task_row():
            self._write("update", row, priority=PRIORITY_CYCLE.get(row.priority, "high"))

    def action_reschedule(self) -> None:
        row = self._task_row()
        if row is None:
            return
        key = "due" if row.due or not row.scheduled else "scheduled"

        def entered(text: str | None) -> None:
            if not text:
                return
            try:
                value = model.coerce_value(key, "task", text, today=self.solo.clock.today())
            except ValueError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._write("update", row, **{key: value})

        self.app.push_screen(PromptScreen(f"New {key} date for {row.title}",
                                          placeholder="fri, +3d, 2026-12-01",
                                          value=row.due or row.scheduled or ""), entered)

    def action_focus_timer(self) -> None:
        if row := self._task_row():
            self.solo.start_focus(PurePosixPath(row.path).stem, row.title)

    def action_delete(self) -> None:
        row = self.current_row()
        if row is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                try:
                    self.vault.delete(row)
                    self.notify(f"Deleted {row.path}", timeout=2, markup=False)
                except VaultError as exc:
                    self.notify(str(exc), severity="error", markup=False)

        self.app.push_screen(ConfirmScreen(f"Delete {row.title}?\n{row.path}"), confirmed)

    def action_form(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_form(row.path)  # a checkbox task: the note that holds it

    def open_form(self, path: str | None) -> None:
        """The form of the item; for a file Solo cannot read, its raw text in the editor."""
        row = self.row(path)
        if row is not None and is_line_task(row):
            row = self.row(row.path)  # a checkbox task is edited in its note
        if row is None:
            return
        if row.problem:
            self.notify(row.problem, severity="warning", timeout=5, markup=False)
            self.solo.open_raw(row.path)
            return
        self.app.push_screen(FormScreen(row))

    def task_palette_commands(self) -> list[PaletteCommand]:
        row = self.current_row()
        if row is None or row.kind != "task":
            return []
        name = row.title
        return [
            (f"Mark done: {name}", "Complete the highlighted task", self.action_done),
            (f"Change status: {name}", "Pick a GTD list", self.action_status),
            (f"Cycle priority: {name}", "high → medium → low → none", self.action_priority),
            (f"Reschedule: {name}", "Set a new due date", self.action_reschedule),
            (f"Start focus on: {name}", "Pomodoro timer", self.action_focus_timer),
            (f"Edit fields: {name}", "Front matter form", self.action_form),
            (f"Delete: {name}", "With confirmation", self.action_delete),
        ]
