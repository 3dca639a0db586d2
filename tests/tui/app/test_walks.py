"""Short walks in the TUI: an editor save reads its file once and writes it once, in a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.counting import CountingFiles
from support.tui_helpers import NOW, TODAY, open_screen, settle, wait_for
from textual.message import Message

from solo.tui.app import SoloApp
from solo.tui.messages import NoteSaved, WriteFinished
from solo.tui.screens.notes import NotesScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio
NOTE = "notes/working-agreement.md"


@pytest.fixture
def files(tui_root: Path) -> CountingFiles:
    return CountingFiles(tui_root.resolve())


class RecordingApp(SoloApp):
    """The app, recording NoteSaved and WriteFinished as they bubble up to it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.recorded: list[Message] = []

    async def _on_message(self, message: Message) -> None:
        if isinstance(message, (NoteSaved, WriteFinished)):
            self.recorded.append(message)
        await super()._on_message(message)


async def open_note(app: RecordingApp, pilot, path: str) -> NotesScreen:  # type: ignore[no-untyped-def]
    screen = await open_screen(pilot, "3", NotesScreen)
    screen.open_item(path)
    await settle(pilot)
    screen.editor.focus()
    screen.editor.move_cursor(screen.editor.document.end)
    return screen


async def test_an_editor_save_reads_the_file_once_and_writes_it_once(
        tui_root: Path,
        files: CountingFiles) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False, files=files)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note(app, pilot, NOTE)
        await pilot.press(*" Typed.")
        files.clear()
        app.recorded.clear()
        screen.flush_save()
        await wait_for(pilot, lambda: any(isinstance(m, NoteSaved) for m in app.recorded), seconds=30)
        await settle(pilot)  # the change event reaches the screen too: it reads nothing
        assert (files.reads[NOTE], files.writes[NOTE]) == (1, 1)
        assert (tui_root / NOTE).read_text().endswith(" Typed.")
        assert screen.editor.text == screen.base


async def test_an_edit_on_disk_during_a_save_is_merged_not_lost(tui_root: Path,
                                                                files: CountingFiles) -> None:
    """The one case a save reads twice: the file changed since the editor loaded it."""
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False, files=files)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note(app, pilot, NOTE)
        await pilot.press(*" Mine.")
        file = tui_root / NOTE
        head, body = file.read_text().split("+++\n", 2)[1:]
        file.write_text(f"+++\n{head}+++\nTheirs.\n{body}")
        files.clear()
        app.recorded.clear()
        screen.flush_save()
        await wait_for(pilot, lambda: any(isinstance(m, WriteFinished) for m in app.recorded), seconds=30)
        assert [m.error for m in app.recorded if isinstance(m, WriteFinished)] == [None]
        await wait_for(pilot, lambda: any(isinstance(m, NoteSaved) for m in app.recorded), seconds=30)
        assert files.writes[NOTE] == 1 and files.reads[NOTE] == 2
        text = file.read_text()
        assert "Theirs.\n" in text and text.endswith(" Mine.")
        assert screen.editor.text == text.split("+++\n", 2)[2]


async def test_done_runs_in_the_write_worker_and_posts_its_result(tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        row = screen.current_row()
        assert row is not None and row.kind == "task"
        app.recorded.clear()
        await pilot.press("x")
        await wait_for(pilot, lambda: any(isinstance(m, WriteFinished) for m in app.recorded), seconds=30)
        finished = [m for m in app.recorded if isinstance(m, WriteFinished)]
        assert [m.label for m in finished] == ["Done"] and finished[0].error is None
        done, _following = finished[0].result
        assert done.path == row.path
        assert app.vault.resolve(row.path).status in ("done", row.status)  # repeating: moved on


async def test_tasks_and_notes_tag_filters_ignore_case(tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tagged = [r for r in app.vault.rows("task") if "wellbeing" in r.tags]
        assert tagged
        await app.filter_by_tag("Tasks", "WellBeing")
        await settle(pilot)
        screen = app.screen
        shown = [e.key for e in screen.query_one(ItemList).entries if e.key]
        assert shown and all(app.vault.resolve(k).tags for k in shown)
        assert set(shown) <= {r.path for r in tagged}
        await app.filter_by_tag("Notes", "TELEWORK")
        await settle(pilot)
        notes = [e.key for e in app.screen.query_one(ItemList).entries if e.key]
        assert notes == ["notes/working-agreement.md"]


async def test_text_typed_during_a_save_reaches_the_file_when_another_note_opens(
        tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note(app, pilot, NOTE)
        await pilot.press(*" First.")
        screen.flush_save()  # in the worker
        await pilot.press(*" Second.")  # typed while it may still run
        other = next(r.path for r in app.vault.rows("note") if r.path != NOTE)
        screen.open_item(other)
        await settle(pilot)
        assert (tui_root / NOTE).read_text().endswith(" First. Second.")
        assert screen.open_path == other


async def test_switching_notes_during_a_save_that_merged_keeps_every_word(tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_note(app, pilot, NOTE)
        await pilot.press(*" First.")
        file = tui_root / NOTE
        head, body = file.read_text().split("+++\n", 2)[1:]
        file.write_text(f"+++\n{head}+++\nTheirs.\n{body}")  # not reported: the watcher is off
        screen.flush_save()  # in the worker, where it merges with "Theirs."
        await pilot.press(*" Second.")
        other = next(r.path for r in app.vault.rows("note") if r.path != NOTE)
        screen.open_item(other)
        await settle(pilot)
        text = file.read_text()
        assert text.split("+++\n", 2)[2].startswith("Theirs.\n")
        assert text.endswith(" First. Second.") and text.count("Theirs.") == 1
