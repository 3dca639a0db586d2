"""SoloApp: the full-screen cockpit over a vault, and `run_app` for the command line."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SuspendNotSupported
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget

from solo.core.config import binding_warnings
from solo.core.engine import history
from solo.core.engine.watch import VaultWatcher
from solo.core.errors import SoloError
from solo.core.model.quickadd import QuickAdd
from solo.core.planning import agenda, daily, focus
from solo.core.planning.focus import TimerError
from solo.core.vault import Vault, VaultError
from solo.sync.client import BackgroundSync, SyncStatus, start_background_sync
from solo.tui.assistant_controller import AssistantController
from solo.tui.assistant_controller import install as install_assistant
from solo.tui.clock import Clock
from solo.tui.commands import SoloCommands
from solo.tui.focus import FocusTimer
from solo.tui.keys import APP_BINDINGS, binding_ids
from solo.tui.messages import FocusLogged, NavigateTo, ScanFinished, VaultChanged
from solo.tui.screens.base import SoloScreen
from solo.tui.screens.career import CareerScreen
from solo.tui.screens.form import file_warning, say_findings
from solo.tui.screens.help import HelpScreen
from solo.tui.screens.notes import NotesScreen
from solo.tui.screens.quick_add import QuickAddScreen
from solo.tui.screens.reviews import ReviewsScreen
from solo.tui.screens.search import SearchScreen
from solo.tui.screens.tags import TagsScreen
from solo.tui.screens.tasks import TasksScreen
from solo.tui.screens.today import TodayScreen
from solo.tui.screens.upcoming import UpcomingScreen
from solo.tui.themes import THEMES
from solo.tui.widgets.side_pane import SidePaneScreen
from solo.tui.widgets.status_line import Status, StatusLine


class SoloApp(App[int]):
    """Five screens over one vault, kept live by a watcher; every write goes through the vault."""

    CSS_PATH = Path(__file__).parent / "solo.tcss"
    TITLE = "Solo"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS
    MODES = {"today": TodayScreen, "tasks": TasksScreen, "notes": NotesScreen,
             "career": CareerScreen, "reviews": ReviewsScreen, "upcoming": UpcomingScreen}
    DEFAULT_MODE = "today"
    COMMANDS = {SoloCommands}  # Solo's own commands only (its themes replace Textual's picker)

    status: reactive[Status] = reactive(Status, init=False)

    def __init__(self, vault_root: Path, *, today: dt.date | None = None,
                 now: dt.datetime | None = None, watch: bool = True, scan: bool = True) -> None:
        super().__init__()
        self.vault = Vault(vault_root)
        self.clock = Clock(today, now)
        work_config = self.vault.config.work
        self.timer = FocusTimer(self.vault.solo_dir, work_config.focus_minutes,
                                work_config.break_minutes)
        self.sync_state = "local only"
        self.watch_files = watch
        self.scan_on_start = scan
        self.watcher: VaultWatcher | None = None
        self.live_sync: BackgroundSync | None = None
        self.assistant: AssistantController
        self.side_panes: dict[str, SidePaneScreen] = {}
        self._changed: dict[str, None] = {}
        self._changed_lock = threading.Lock()
        self._problems: dict[str, str] = {}
        for solo_theme in THEMES.values():
            self.register_theme(solo_theme)
        configured = self.vault.config.theme
        theme = THEMES[configured].name if configured in THEMES else configured
        self.theme = theme if theme in self.available_themes else THEMES["dark"].name
        if self.vault.config.keys:
            self.set_keymap(self.vault.config.keys)

    # --- start and stop --------------------------------------------------------------
    def on_mount(self) -> None:
        self.assistant = install_assistant(self)  # ctrl+j: the assistant pane on every screen
        self.vault.on_change(self._vault_listener)
        for line in self.vault.config.warnings + binding_warnings(
                self.vault.config_path, self.vault.config.keys, binding_ids()):
            self.notify(line, title="Settings", severity="warning", timeout=10, markup=False)
        self.update_status()
        self.set_interval(1.0, self.tick)
        if self.scan_on_start:
            self.call_after_refresh(self.scan_then_watch)
        elif self.watch_files:
            self.call_after_refresh(self.start_watcher)

    @work(thread=True, exclusive=True, group="scan")
    def scan_then_watch(self) -> None:
        report = self.vault.scan()
        self.post_message(ScanFinished(len(report.added) + len(report.changed)
                                       + len(report.removed)))
        if self.watch_files:
            self.start_watcher()
            self.start_sync()

    def start_sync(self) -> None:
        """Live sync with the configured remotes (from a worker thread; no-op without one)."""
        self.live_sync = start_background_sync(self.vault, on_status=self._sync_status)

    def _sync_status(self, status: SyncStatus) -> None:
        """Called from the sync thread: hand the label to the main thread."""
        try:
            self.call_from_thread(self.set_sync_state, status.label)
        except RuntimeError:
            pass  # the app is closing

    def start_watcher(self) -> None:
        if self.watcher is None:
            self.watcher = VaultWatcher(self.vault).start()

    async def action_quit(self) -> None:
        running = self.timer.refresh()
        if running is None or isinstance(self.screen, ModalScreen):
            self._quit()
            return
        minutes = running.elapsed_minutes(self.clock.now())
        log = f"Log {minutes} min and quit" if minutes else "Quit (under a minute: not logged)"
        keep = "Keep it running and quit (F or `solo focus stop` later)"
        discard = f"Discard the {minutes} min and quit"
        choices = [log, keep, discard, "Cancel"]

        def chosen(choice: str | None) -> None:
            if choice == log:
                self._stop_then_quit(discard=False)
            elif choice == discard:
                self._stop_then_quit(discard=True)
            elif choice == keep:
                self._quit()

        from solo.tui.screens.choice import ChoiceScreen
        self.push_screen(ChoiceScreen(f"A focus timer is running on {running.title}", choices),
                         chosen)

    def _stop_then_quit(self, discard: bool) -> None:
        result = focus.stop_timer(self.vault, self.clock.now(), discard=discard)
        if result is not None:
            print(result.message)  # shown in the shell after the screen is restored
        self._quit()

    def _quit(self) -> None:
        for screen in self.solo_screens():
            if isinstance(screen, NotesScreen):
                screen.flush_save()
        self.exit(0)

    def on_unmount(self) -> None:
        if self.live_sync is not None:
            self.live_sync.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self.assistant.close()
        self.vault.close()

    # --- live changes ------------------------------------------------------------------
    def _vault_listener(self, paths: list[str]) -> None:
        """Called by the vault from any thread: remember the paths, wake the main thread."""
        with self._changed_lock:
            self._changed.update(dict.fromkeys(paths))
        self.post_message(VaultChanged(list(paths)))

    def on_vault_changed(self, message: VaultChanged) -> None:
        with self._changed_lock:
            paths, self._changed = list(self._changed), {}
        if not paths:
            return
        self.report_problems(paths)
        for screen in self.solo_screens():
            screen.vault_changed(paths)

    def report_problems(self, paths: list[str]) -> None:
        """Say when a changed file cannot be read (an edit through `e`, another editor, a sync),
        once per problem; the item stays listed with a ⚠ mark."""
        for path in paths:
            try:
                problem = self.vault.resolve(path).problem
            except VaultError:
                problem = None
            if problem and self._problems.get(path) != problem:
                self.notify(f"⚠ {problem}", title="Cannot read a file", severity="error",
                            timeout=8, markup=False)
            elif not problem and (warning := file_warning(self.vault, path, self.clock.today())) \
                    and self._problems.get(path) != warning:
                self.notify(f"⚠ {warning}", title="Check this file", severity="warning",
                            timeout=8, markup=False)  # kept as it is, but said
                problem = warning
            if problem:
                self._problems[path] = problem
            else:
                self._problems.pop(path, None)

    def solo_screens(self) -> list[SoloScreen]:
        found: list[SoloScreen] = []
        for stack in self._screen_stacks.values():
            found.extend(s for s in stack if isinstance(s, SoloScreen))
        return found

    # --- status line -------------------------------------------------------------------
    def set_sync_state(self, text: str) -> None:
        """For the sync layer: what the status line says about sync ("local only", "synced")."""
        self.sync_state = text
        self.update_status()

    def update_status(self) -> None:
        now = self.clock.now()
        work_status = agenda.work_status(self.vault.config.work, now)
        self.status = Status(sync=self.sync_state, work=work_status.label,
                             inside_hours=work_status.inside, timer=self.timer.label(now))

    def watch_status(self, status: Status) -> None:
        for screen in self.solo_screens():
            for line in screen.query(StatusLine):
                line.status = status

    def tick(self) -> None:
        finished = self.timer.tick(self.clock.now())
        if finished is not None:
            self.stop_focus_worker(limit=finished.planned)
        self.update_status()

    # --- focus timer (one per vault: .solo/focus-running.toml, shared with `solo focus`) ---
    def start_focus(self, task_stem: str, task_title: str, *, block: str = "",
                    goal: str = "") -> None:
        try:
            self.timer.start(task_stem, task_title, self.clock.now(), block=block, goal=goal)
        except TimerError as exc:
            self.notify(f"{exc} (F stops it)", severity="warning", timeout=4, markup=False)
            return
        self.update_status()
        self.notify(f"Focus {self.timer.focus_minutes} min: {task_title}", timeout=2, markup=False)

    def action_stop_focus(self) -> None:
        if self.timer.refresh() is None:
            if self.timer.phase == "break":
                self.timer.end_break()
                self.update_status()
            else:
                self.notify("No focus timer is running.", timeout=2, markup=False)
            return
        self.timer.finishing = True
        self.update_status()
        self.stop_focus_worker(limit=None)

    @work(thread=True, group="focus")
    def stop_focus_worker(self, limit: int | None) -> None:
        """Log the minutes worked (at most `limit`) and clear the running file."""
        try:
            result = focus.stop_timer(self.vault, self.clock.now(), limit=limit)
        except (TimerError, VaultError) as exc:
            self.post_message(FocusLogged("", f"Focus timer: {exc}", error=True))
            return
        if result is not None:
            self.post_message(FocusLogged(result.path or "", result.message))

    def on_focus_logged(self, message: FocusLogged) -> None:
        self.timer.refresh()
        self.update_status()
        self.notify(message.message or f"Focus session logged: {message.path}", timeout=4,
                    severity="error" if message.error else "information", markup=False)

    # --- navigation and global actions -------------------------------------------------
    def action_goto(self, name: str) -> None:
        if name in self.MODES and not isinstance(self.screen, ModalScreen):
            self.switch_mode(name)

    def on_navigate_to(self, message: NavigateTo) -> None:
        self.action_goto(message.name)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(keys, description, binding id) of Solo's bindings active on the current screen
        (Textual's own, without an id, are left out)."""
        rows: dict[tuple[str, str], tuple[str, str, str]] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.id:
                continue
            shown = self.get_key_display(binding)
            label = binding.description or binding.action
            rows.setdefault((binding.id or binding.action, label),
                            (shown or key, label, binding.id or ""))
        return sorted(rows.values(), key=lambda r: (not r[2], r[2] or r[1]))

    def action_search(self) -> None:
        self.push_screen(SearchScreen(), self.open_path)

    def open_path(self, path: str | None) -> None:
        """Show an item where it belongs: tasks in Tasks, everything else in the editor."""
        if path:
            self.call_later(self._open_path, path)

    async def _open_path(self, path: str) -> None:
        self.close_side_pane()
        try:
            row = self.vault.resolve(path)
        except VaultError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        await self.switch_mode("tasks" if row.kind == "task" else "notes")
        screen = self.screen
        if isinstance(screen, TasksScreen):
            screen.select_task(row)
        elif isinstance(screen, NotesScreen):
            screen.open_item(row.path)

    def open_raw(self, path: str) -> None:
        """Show a file's text in the notes editor (for a file whose fields cannot be read)."""
        async def go() -> None:
            await self.switch_mode("notes")
            if isinstance(self.screen, NotesScreen):
                self.screen.open_item(path)
                self.screen.editor.focus()
        self.call_later(go)

    def action_daily_note(self, day: dt.date | None = None) -> None:
        """ctrl+d: today's note (`[daily]` folder, format and template), created if missing,
        open in the Notes editor."""
        if isinstance(self.screen, ModalScreen) and not isinstance(self.screen, SidePaneScreen):
            return
        try:
            note = daily.open_daily(self.vault, day or self.clock.today(), self.clock.now())
        except VaultError as exc:
            self.notify(str(exc), title="Daily note", severity="error", markup=False)
            return
        if note.created:
            self.notify(f"Created {note.path}", timeout=2, markup=False)

        async def go() -> None:
            self.close_side_pane()
            await self.switch_mode("notes")
            if isinstance(self.screen, NotesScreen):
                self.screen.navigate(note.path)
        self.call_later(go)

    def action_tags(self) -> None:
        """#: the tags with counts; Enter filters the Notes list (from Notes) or Tasks."""
        if isinstance(self.screen, ModalScreen):
            return
        target = "Notes" if isinstance(self.screen, NotesScreen) else "Tasks"

        def chosen(tag: str | None) -> None:
            if tag is not None:
                self.call_later(self.filter_by_tag, target, tag or None)
        self.push_screen(TagsScreen(target), chosen)

    async def filter_by_tag(self, target: str, tag: str | None) -> None:
        """Show the Tasks or Notes list with only the items tagged `tag` (None: all)."""
        await self.switch_mode(target.lower())
        screen = self.screen
        if isinstance(screen, NotesScreen):
            screen.filter_tag(tag)
        elif isinstance(screen, TasksScreen):
            if not tag:
                screen.filters.pop("tag", None)
                screen.reload()
                return
            screen.filters["tag"] = tag
            lists: dict[str, int] = {}
            for row in self.vault.rows("task"):
                if tag in row.tags:
                    status = "done" if row.status == "cancelled" else row.status or "inbox"
                    lists[status] = lists.get(status, 0) + 1
            if lists and screen.list_name not in lists:  # show a list that holds some
                screen.show_list(max(lists, key=lambda name: (name != "done", lists[name])))
            else:
                screen.reload()

    def action_quick_add(self) -> None:
        def added(parsed: QuickAdd | None) -> None:
            if parsed is None:
                return
            fields = dict(parsed.fields)
            fields.setdefault("created", self.clock.today())
            try:
                item = self.vault.create("task", parsed.title, fields)
            except VaultError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"Added {item.path}", timeout=2, markup=False)
            say_findings(self, item.path)

        self.push_screen(QuickAddScreen(self.clock.today().isoformat()), added)

    def action_undo(self) -> None:
        """`u`: revert the last change made through Solo on this device, and say what."""
        try:
            result = history.undo(self.vault)
        except SoloError as exc:
            self.notify(str(exc), title="Undo", severity="warning", timeout=5, markup=False)
            return
        self.notify(result.message, title="Undo", timeout=5, markup=False)

    def action_external_editor(self) -> None:
        screen = self.screen
        row = screen.current_row() if isinstance(screen, SoloScreen) else None
        if row is None:
            self.notify("Nothing to edit here.", severity="warning", timeout=2, markup=False)
            return
        if isinstance(screen, NotesScreen):
            screen.flush_save()
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        command = [*shlex.split(editor), str(self.vault.abs(row.path))]
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            subprocess.run(command, check=False, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except FileNotFoundError:
            self.notify(f"editor {editor!r} not found; set $EDITOR", severity="error", markup=False)
            return
        self.vault.ingest([row.path])

    # --- assistant / plug-in pane ------------------------------------------------------
    def register_side_pane(self, factory: Callable[[], Widget], key: str = "ctrl+j",
                           description: str = "Assistant") -> None:
        """Add one pane for the whole app: `key` shows it over the current screen (focus in it)
        and hides it again; `factory` builds its widget once, so its state lasts the session."""
        if key in self.side_panes and not self.side_panes[key].is_active:
            self.uninstall_screen(f"side-{key}")
        pane = SidePaneScreen(factory, key=key, description=f"Close {description.lower()}",
                              name=f"side-{key}")
        self.side_panes[key] = pane
        self.install_screen(pane, f"side-{key}")  # kept when hidden: one pane, one state
        self.bind(key, f"toggle_side_pane({key!r})", description=description)

    def action_toggle_side_pane(self, key: str) -> None:
        pane = self.side_panes.get(key)
        if pane is None:
            return
        if self.screen is pane:
            pane.dismiss(None)
        elif isinstance(self.screen, SoloScreen):
            self.push_screen(pane)

    def close_side_pane(self) -> None:
        """Hide the pane if it is showing (before opening what it pointed at)."""
        if isinstance(self.screen, SidePaneScreen):
            self.pop_screen()

    # --- theme -------------------------------------------------------------------------
    def action_toggle_theme(self) -> None:
        dark, light = THEMES["dark"].name, THEMES["light"].name
        self.theme = light if self.theme == dark else dark


def run_app(vault_root: Path) -> int:
    """Open the full-screen interface on the vault at `vault_root`; the exit code."""
    app = SoloApp(vault_root)
    result = app.run()
    return result if isinstance(result, int) else 0
