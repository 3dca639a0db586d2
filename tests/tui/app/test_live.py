"""Live updates: files changed on disk reach the lists and the open editor (merged), in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env
from support.tui_helpers import NOW, TODAY, open_screen, settle, wait_for
from textual.message import Message

from solo.tui.app import SoloApp
from solo.tui.messages import EditorMerged, ItemsRefreshed, NoteSaved, VaultChanged
from solo.tui.screens.notes import NotesScreen
from solo.tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio
RECORDED = (VaultChanged, ItemsRefreshed, EditorMerged, NoteSaved)


class RecordingApp(SoloApp):
    """The app, recording the messages of the live-update path as they reach it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.recorded: list[Message] = []

    async def _on_message(self, message: Message) -> None:
        if isinstance(message, RECORDED):
            self.recorded.append(message)
        await super()._on_message(message)

    def names(self, *kinds: type[Message]) -> list[str]:
        """Names of the recorded messages (of `kinds`, if given), repeats collapsed."""
        names = [type(m).__name__ for m in self.recorded if not kinds or isinstance(m, kinds)]
        return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


def write_task(root: Path, name: str, title: str, due: str) -> None:
    (root / "tasks" / name).write_text(
        f'+++\ntitle = "{title}"\nstatus = "next"\ndue = {due}\n+++\nFrom another editor.\n')


async def test_file_written_elsewhere_appears_keeping_the_cursor(tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None)
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("down", "down")
        before = items.current_key
        app.recorded.clear()
        write_task(tui_root, "call-the-accountant.md", "Call the accountant", "2026-11-26")
        # wait for the message, not the state: the list is filled before ItemsRefreshed is
        # posted, and under load the message may not have arrived when the entry shows
        await wait_for(pilot, lambda: any(
            isinstance(m, ItemsRefreshed) and "tasks/call-the-accountant.md" in m.paths
            for m in app.recorded))
        assert "tasks/call-the-accountant.md" in [e.key for e in items.entries]
        assert items.current_key == before  # the user's place is kept
        assert app.names()[:2] == ["VaultChanged", "ItemsRefreshed"]



async def test_solo_done_and_add_typed_in_another_terminal_reach_the_open_list(
        tui_root: Path) -> None:
    """One-shot commands beside the TUI index what they change themselves (and leave the root
    to the TUI): the watcher's event finds the index current, and the TUI still refreshes,
    from the markers those commands left."""
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None)
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        done = "tasks/submit-expense-report-october.md"
        assert done in [e.key for e in items.entries]
        app.recorded.clear()
        env = {**solo_env(), "SOLO_TODAY": TODAY.isoformat()}
        for args in (("done", done), ("add", "task", "Call the accountant", "--due",
                                      "2026-11-21")):
            result = await asyncio.to_thread(run_solo, "--vault", str(tui_root), *args, env=env)
            assert result.returncode == 0, result.stderr
        added = "tasks/call-the-accountant.md"
        await wait_for(pilot, lambda: added in [e.key for e in items.entries]
                       and done not in [e.key for e in items.entries])
        assert not list((tui_root / ".solo" / "dirty").iterdir())  # the TUI listed and sent them


async def test_open_note_merges_external_edit_with_unsaved_keystrokes(tui_root: Path) -> None:
    path = "notes/working-agreement.md"
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None)
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.open_item(path)
        await settle(pilot)
        editor = screen.editor
        editor.focus()
        lines = editor.text.split("\n")
        row = len(lines) - 2 if not lines[-1] else len(lines) - 1
        editor.move_cursor((row, len(lines[row])))
        await pilot.press(*" TYPED")  # unsaved: the save waits for a pause
        cursor_before = editor.cursor_location
        app.recorded.clear()
        file = tui_root / path
        head, body = file.read_text().split("+++\n", 2)[1:]
        file.write_text(f"+++\n{head}+++\nA line added elsewhere.\n{body}")
        await wait_for(pilot, lambda: any(isinstance(m, EditorMerged) for m in app.recorded))
        assert editor.text.startswith("A line added elsewhere.\n")
        assert " TYPED" in editor.text
        assert editor.cursor_location == (cursor_before[0] + 1, cursor_before[1])
        await pilot.press(*"!")
        await wait_for(pilot, lambda: any(isinstance(m, NoteSaved) for m in app.recorded))
        names = app.names(VaultChanged, EditorMerged, NoteSaved)
        assert names[0] == "VaultChanged" and names.count("EditorMerged") == 1
        assert names.index("EditorMerged") < names.index("NoteSaved")
        on_disk = file.read_text()
        assert "A line added elsewhere.\n" in on_disk and " TYPED!" in on_disk
        assert on_disk.count("A line added elsewhere.") == 1


async def test_vault_changes_from_other_threads_reach_every_screen(tui_root: Path) -> None:
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        tasks_screen = app.screen
        await pilot.press("1")
        await settle(pilot)
        write_task(tui_root, "from-a-thread.md", "From a thread", "2026-11-20")
        await asyncio.to_thread(app.vault.ingest, ["tasks/from-a-thread.md"])
        await settle(pilot)
        assert "tasks/from-a-thread.md" in [e.key for e in app.screen.query_one(ItemList).entries]
        assert tasks_screen._stale  # not shown: reloads when it comes back
        await pilot.press("2")
        await settle(pilot)
        assert "tasks/from-a-thread.md" in [e.key for e in
                                            tasks_screen.query_one(ItemList).entries]


async def test_saving_merges_an_edit_on_disk_the_watcher_has_not_reported(
        tui_root: Path) -> None:
    path = "notes/working-agreement.md"
    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "3", NotesScreen)
        screen.open_item(path)
        screen.editor.focus()
        screen.editor.move_cursor(screen.editor.document.end)
        await pilot.press(*"Mine.")
        file = tui_root / path
        head, body = file.read_text().split("+++\n", 2)[1:]
        file.write_text(f"+++\n{head}+++\nTheirs.\n{body}")
        app.recorded.clear()
        screen.flush_save()  # runs in the write worker: wait for its message, not the file
        await wait_for(pilot, lambda: any(isinstance(m, NoteSaved) for m in app.recorded))
        assert "Theirs.\n" in screen.editor.text  # the merge is shown in the editor too
        on_disk = file.read_text()
        assert on_disk.split("+++\n", 2)[2].startswith("Theirs.\n")
        assert on_disk.endswith("Mine.")


async def test_reading_every_file_from_another_process_refreshes_nothing(tui_root: Path) -> None:
    """Watcher and start-up scan on, as users run it: `cat` and `grep -r` of the whole vault
    cause no ingest and no refresh; a marker file written afterwards is seen, proving the
    watcher was listening the whole time."""
    import asyncio

    app = RecordingApp(tui_root, today=TODAY, now=NOW, watch=True, scan=True)
    seen: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.watcher is not None, seconds=20)
        await settle(pilot)
        app.vault.on_change(seen.extend)
        app.recorded.clear()
        grep = await asyncio.create_subprocess_exec(
            "grep", "-r", "-q", "no-such-text-anywhere", str(tui_root))
        await grep.wait()
        cat = await asyncio.create_subprocess_shell(
            "find . -type f -exec cat {} + > /dev/null", cwd=tui_root)
        assert await cat.wait() == 0
        (tui_root / "notes" / "marker.md").write_text("# Marker\n")
        await wait_for(pilot, lambda: "notes/marker.md" in seen, seconds=10)
        await wait_for(pilot, lambda: any(isinstance(m, ItemsRefreshed) for m in app.recorded))
        assert set(seen) == {"notes/marker.md"}
        refreshed = [m for m in app.recorded if isinstance(m, ItemsRefreshed)]
        assert all(m.paths == ["notes/marker.md"] for m in refreshed)
