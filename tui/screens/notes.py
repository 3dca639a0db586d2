"""NotesScreen: notes list, a Markdown editor that saves as you type, backlinks and link following."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import PurePosixPath
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from solo.core.engine.index import Row
from solo.core.engine.items import BodyChanged, Item
from solo.core.engine.linkindex import Link
from solo.core.model.textmerge import merge3
from solo.core.planning import daily
from solo.core.planning.filters import has_tag
from solo.core.vault import Vault, VaultError
from solo.tui.keys import NOTE_BINDINGS
from solo.tui.messages import EditorMerged, LinkActivated, ListSelected, NoteSaved, WriteFinished
from solo.tui.screens.base import PaletteCommand, SoloScreen
from solo.tui.screens.confirm import ConfirmScreen
from solo.tui.screens.form import FormScreen
from solo.tui.screens.prompt import PromptScreen
from solo.tui.screens.unresolved import Choice, UnresolvedLinksScreen
from solo.tui.widgets.item_list import Entry, ItemList
from solo.tui.widgets.md_editor import MarkdownEditor

SAVE_DELAY = 0.5
REF_FIELDS = ("goal", "project", "task")


def save_note(vault: Vault, path: str, base: str, text: str) -> Item:
    """Write the editor's `text` over the body `base` it started from (worker thread). An
    edit on disk made meanwhile is merged in, never overwritten: that costs a second read,
    only then. An autosave is not journalled for `u`: the editor has its own undo."""
    try:
        return vault.update(path, body=text, action=None, expect_body=base)
    except BodyChanged as changed:
        theirs = changed.item.body
        merged = merge3(base, text, theirs)[0]
        return vault.update(path, body=merged, action=None, expect_body=theirs)


class NotesScreen(SoloScreen):
    """Pick a note on the left, edit it on the right; the file is saved half a second after typing."""

    NAME = "notes"
    BINDINGS: ClassVar[list[BindingType]] = NOTE_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.open_path: str | None = None
        self.base = ""  # the body as last loaded from or saved to the file
        self.base_sha = ""  # the file's sha (per its index row) when `base` was taken
        self._saving = False  # a save is in the write worker ...
        self._saving_path: str | None = None  # ... of this note
        self._sending = ""  # ... with this text
        self._save_again = False  # the editor asked to save while it was
        self._generation = 0  # saves of an older generation report to nobody
        self._written: tuple[str, Item] | None = None  # the last save's result (any thread)
        self._save_timer: Timer | None = None
        self.backlinks: list[Row] = []
        self.history_back: list[str] = []
        self.history_forward: list[str] = []
        self.tag: str | None = None  # the tags pane's filter

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal():
            yield ItemList(id="notes-list", widths=(None,), empty="No notes yet (n: new).")
            with Vertical(id="note-pane"):
                yield Static("Select a note and press Enter.", id="note-title",
                             classes="screen-title")
                yield MarkdownEditor(id="note-editor")
                yield Static("", id="backlinks", classes="detail")

    @property
    def editor(self) -> MarkdownEditor:
        return self.query_one(MarkdownEditor)

    # --- list --------------------------------------------------------------------------
    def load(self) -> list[Row]:
        rows = self.vault.rows("note")
        if self.tag:
            rows = [r for r in rows if has_tag(r, self.tag or "")]
        return sorted(rows, key=lambda r: r.title.lower())

    def show(self, rows: list[Row]) -> None:
        empty = f"No notes tagged #{self.tag}." if self.tag else "No notes yet (n: new)."
        items = self.query_one(ItemList)
        items.empty_text = empty
        entries = [Entry(r.path, (r.title,)) for r in rows]
        if self.tag:
            entries.insert(0, Entry(None, (f"#{self.tag} only (# to change)",)))
        items.set_entries(entries, keep=self.open_path)
        if self.open_path is None and rows:
            self.open_item(rows[0].path)

    def filter_tag(self, tag: str | None) -> None:
        """Show only the notes tagged `tag` (None: every note)."""
        self.tag = tag
        self.reload()

    def vault_changed(self, paths: list[str]) -> None:
        saving_it = self._saving and self._saving_path == self.open_path
        if self.open_path in paths and not saving_it:  # a running save checks when it ends
            row = self.row(self.open_path)
            if row is None or row.sha != self.base_sha:  # not only the echo of our own save
                self.merge_from_disk()
        super().vault_changed(paths)

    def on_list_selected(self, message: ListSelected) -> None:
        if message.key:
            self.navigate(message.key)

    def current_row(self) -> Row | None:
        if self.editor.has_focus and self.open_path:
            return self.row(self.open_path)
        return self.row(self.query_one(ItemList).current_key) or self.row(self.open_path)

    # --- editor ------------------------------------------------------------------------
    def open_item(self, path: str) -> None:
        """Load an item's body into the editor (saving the one open before)."""
        # Here and now: text typed while a save of this note was under way must reach
        # its file before the editor shows another one.
        self.flush_save(wait=True)
        try:
            item = self.vault.read(path)
        except VaultError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.open_path = item.path
        self.base, self.base_sha = item.body, item.row.sha
        self.editor.load_text(item.body)
        self.query_one("#note-title", Static).update(Text(f"{item.title}  ·  {item.path}"))
        self.query_one(ItemList).select_key(item.path)
        self.find_backlinks(item.path)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.open_path is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.flush_save)

    def flush_save(self, *, wait: bool = False) -> None:
        """Write the editor's text if it differs from what the file holds: in the write worker
        (the result comes back as `WriteFinished`), or here and now with `wait` (quitting,
        handing the file to `$EDITOR`). The file is read once and written once."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if wait and self._saving:
            self.solo.writes.wait()  # the save under way ends first; its result is taken here
            self._saving, self._save_again = False, False
            self._generation += 1  # ... so its message, when it comes, changes nothing
            if self._written is not None and self._written[0] == self.open_path:
                # It wrote what it sent, or that merged with an edit on disk: from what it
                # sent, the save below writes what was typed since, or merges it in.
                self.base, self.base_sha = self._sending, self._written[1].row.sha
        if self.open_path is None or self.editor.text == self.base:
            return
        if self._saving:
            self._save_again = True  # one save at a time: the next starts when this one ends
            return
        path, base, text = self.open_path, self.base, self.editor.text
        job = partial(self._save_job, path, base, text)
        if wait:
            try:
                self._saved(self._generation, path, text, job())
            except VaultError as exc:
                self.notify(str(exc), severity="error", markup=False)
            return
        self._saving, self._saving_path, self._sending, self._written = True, path, text, None
        self.run_write("Save note", job, partial(self._saved, self._generation, path, text))

    def _save_job(self, path: str, base: str, text: str) -> Item:
        """The save itself (worker thread: no widgets); what it wrote is kept for `wait`."""
        item = save_note(self.vault, path, base, text)
        self._written = (path, item)
        return item

    def on_write_finished(self, message: WriteFinished) -> None:
        if message.label == "Save note" and message.error is not None:
            # said by `RunsWrites.on_write_finished` (Textual runs it next); the next
            # keystroke tries again
            self._saving = self._save_again = False

    def _saved(self, generation: int, path: str, sent: str, item: Item) -> None:
        """A save finished: `item` as written (the text sent, merged with an edit made on disk
        meanwhile, if there was one)."""
        if generation != self._generation:
            return  # taken over by a save made with `wait`
        again = self._save_again
        self._saving = self._save_again = False
        if path != self.open_path:
            return
        if item.body != sent:  # merged with an edit on disk: show it, keep what was typed since
            self.base = sent
            self.merge_theirs(item.body)
        self.base, self.base_sha = item.body, item.row.sha
        self.post_message(NoteSaved(path))
        changed = self.row(path)
        if changed is not None and changed.sha != self.base_sha:
            self.merge_from_disk()  # changed again while the save ran
        if again or self.editor.text != self.base:
            self.flush_save()

    def merge_from_disk(self) -> None:
        """The open file changed elsewhere: merge it with unsaved keystrokes, keep the cursor."""
        assert self.open_path is not None
        try:
            item = self.vault.read(self.open_path)
        except VaultError:
            self.notify(f"{self.open_path} was removed; the editor keeps your text",
                        severity="warning", markup=False)
            self.open_path = None
            return
        self.base_sha = item.row.sha
        self.merge_theirs(item.body)

    def merge_theirs(self, theirs: str) -> None:
        """Merge the file's body `theirs` with the editor's text (both from `self.base`)."""
        assert self.open_path is not None
        if theirs == self.base:
            return
        editor, document = self.editor, self.editor.text_document
        ours = editor.text
        start, end = editor.selection
        start_index = document.get_index_from_location(start)
        end_index = document.get_index_from_location(end)
        merged, new_end = merge3(self.base, ours, theirs, end_index)
        new_start = new_end if start == end else merge3(self.base, ours, theirs, start_index)[1]
        scroll = editor.scroll_offset
        self.base = theirs
        if merged != ours:
            editor.replace(merged, (0, 0), document.end, maintain_selection_offset=False)
            document = editor.text_document
            editor.selection = Selection(document.get_location_from_index(new_start),
                                         document.get_location_from_index(new_end))
            editor.scroll_to(scroll.x, scroll.y, animate=False, immediate=True)
        self.post_message(EditorMerged(self.open_path, editor.cursor_location))
        if merged != theirs:
            self.on_text_area_changed(TextArea.Changed(editor))

    # --- links and history -------------------------------------------------------------
    def on_link_activated(self, message: LinkActivated) -> None:
        self.follow_link(message.target, message.heading)

    def follow_link(self, target: str, heading: str | None = None,
                    source: str | None = None) -> None:
        """Open what `[[target#heading]]` written in `source` (default: the open note) names,
        by the link index's rules, or create the note an unresolved link asks for; the way
        back is kept for alt+left."""
        source = source or self.open_path
        found = self.vault.links.target(target, source)
        path = found[0] if found else None
        if path is None:
            try:
                made = daily.note_for_link(self.vault, target, source, self.solo.clock.today())
            except VaultError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            path = made.path
            if made.created:
                self.notify(f"Created {path} for [[{target}]]", timeout=3, markup=False)
        elif not path.endswith(".md"):
            self.notify(f"{self.vault.abs(path)} is an attachment: open it outside Solo",
                        timeout=5, markup=False)
            return
        self.navigate(path, heading)

    def navigate(self, path: str, heading: str | None = None) -> None:
        """Open `path` (at `heading`) as a step that alt+left can undo."""
        if self.open_path and self.open_path != path:
            self.history_back.append(self.open_path)
            self.history_forward.clear()
        self.open_item(path)
        if self.open_path == path:
            if heading:
                self.jump_to_heading(heading)
            self.editor.focus()

    def go_to_link(self, link: Link) -> None:
        """Open the note holding `link` with the cursor on it."""
        self.navigate(link.src)
        if self.open_path != link.src:
            return
        try:
            head_lines = self.vault.read(link.src).head.count("\n")
        except VaultError:
            head_lines = 0
        line = max(link.line - 1 - head_lines, 0)  # the editor shows the body only
        self.editor.move_cursor((line, max(link.line_text.find(link.text), 0)))
        self.editor.scroll_cursor_visible(center=True, animate=False)

    def action_unresolved_links(self) -> None:
        """l: every unresolved `[[link]]`; Enter creates its note, g goes to its line."""
        self.flush_save()

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            action, link = choice
            if action == "create":
                self.follow_link(link.target, link.heading, source=link.src)
            else:
                self.go_to_link(link)

        self.app.push_screen(UnresolvedLinksScreen(), chosen)

    def jump_to_heading(self, heading: str) -> bool:
        """Put the cursor on the heading `heading` of the open note, at the top of the view."""
        line = daily.heading_line(self.editor.text, heading)
        if line is None:
            self.notify(f"No heading “{heading}” in {self.open_path}", severity="warning",
                        timeout=3, markup=False)
            return False
        self.editor.move_cursor((line, 0))
        self.editor.scroll_to(y=self.editor.wrapped_document.location_to_offset((line, 0)).y,
                              animate=False, immediate=True)
        return True

    def action_history(self, step: int) -> None:
        """alt+left / alt+right: the note before (after) the last link followed."""
        source, target = ((self.history_back, self.history_forward) if step < 0
                          else (self.history_forward, self.history_back))
        while source:
            path = source.pop()
            if self.row(path) is None:
                continue  # deleted since: skip it
            if self.open_path:
                target.append(self.open_path)
            self.open_item(path)
            return
        self.notify("No note " + ("before" if step < 0 else "after") + " this one.",
                    timeout=2, markup=False)

    @work(thread=True, exclusive=True, group="backlinks")
    def find_backlinks(self, path: str) -> None:
        stem = PurePosixPath(path).stem
        found: dict[str, Row] = {}
        for key in REF_FIELDS:
            for row in self.vault.rows(where={key: stem}):
                found[row.path] = row
        try:
            linking = self.vault.links.backlinks(path)  # the link index: complete, by Obsidian's rules
        except VaultError:
            linking = []
        for link in linking:
            linked = self.row(link.src)
            if linked is not None and link.src != path:
                found.setdefault(link.src, linked)
        rows = sorted(found.values(), key=lambda r: r.title.lower())
        self.app.call_from_thread(self._show_backlinks, path, rows)

    def _show_backlinks(self, path: str, rows: list[Row]) -> None:
        if path != self.open_path:
            return
        self.backlinks = rows
        text = "Backlinks: " + (", ".join(r.title for r in rows) if rows else "none")
        self.query_one("#backlinks", Static).update(Text(text))

    # --- actions -----------------------------------------------------------------------
    def action_back_to_list(self) -> None:
        self.flush_save()
        self.query_one(ItemList).focus()

    def action_new_note(self) -> None:
        def entered(title: str | None) -> None:
            if not title:
                return
            self.run_write("New note", partial(
                self.vault.create, "note", title, {"created": self.solo.clock.today()},
                body=f"# {title}\n\n"), created)

        def created(item: Item) -> None:
            self.open_item(item.path)
            self.editor.focus()
            self.editor.move_cursor(self.editor.document.end)

        self.app.push_screen(PromptScreen("New note title"), entered)

    def action_form(self) -> None:
        row = self.current_row()
        if row is not None:
            self.app.push_screen(FormScreen(row))

    def action_delete(self) -> None:
        row = self.current_row()
        if row is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if row.path == self.open_path:
                self.open_path = None
                self.editor.load_text("")
            self.run_write("Delete", partial(self.vault.delete, row))

        self.app.push_screen(ConfirmScreen(f"Delete {row.title}?\n{row.path}"), confirmed)

    def on_screen_suspend(self) -> None:
        self.flush_save()

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = [
            ("New note", "Create and open a note", self.action_new_note),
            ("Unresolved links", "l: links that name no file; create the note or go to the line",
             self.action_unresolved_links)]
        if self.open_path:
            commands.append(("Save note now", self.open_path, self.flush_save))
            commands.append(("Edit fields of open note", self.open_path, self.action_form))
        for row in self.backlinks:
            commands.append((f"Open backlink: {row.title}", row.path,
                             partial(self.navigate, row.path)))
        if self.history_back:
            commands.append(("Back", "alt+left", partial(self.action_history, -1)))
        if self.history_forward:
            commands.append(("Forward", "alt+right", partial(self.action_history, 1)))
        if self.tag:
            commands.append((f"Show every note (not only #{self.tag})", "Tags",
                             partial(self.filter_tag, None)))
        return commands
