"""Key bindings with ids (remappable from `[keys]` in the vault config), grouped by where they act."""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("question_mark", "help", "Help", id="app.help"),
    Binding("slash", "search", "Search", id="app.search"),
    Binding("a", "quick_add", "Add", id="app.quick_add"),
    Binding("e", "external_editor", "$EDITOR", id="app.editor"),
    Binding("u", "undo", "Undo", show=False, id="app.undo"),
    Binding("F", "stop_focus", "Stop timer", show=False, id="app.focus_stop"),
    Binding("ctrl+d", "daily_note", "Daily note", show=False, id="app.daily"),
    Binding("number_sign", "tags", "Tags", show=False, id="app.tags"),
    Binding("1", "goto('today')", "Today", show=False, id="screen.today"),
    Binding("2", "goto('tasks')", "Tasks", show=False, id="screen.tasks"),
    Binding("3", "goto('notes')", "Notes", show=False, id="screen.notes"),
    Binding("4", "goto('career')", "Career", show=False, id="screen.career"),
    Binding("5", "goto('reviews')", "Reviews", show=False, id="screen.reviews"),
    Binding("6", "goto('upcoming')", "Upcoming", show=False, id="screen.upcoming"),
]

TASK_BINDINGS: list[BindingType] = [
    Binding("x", "done", "Done", id="tasks.done"),
    Binding("s", "status", "Status", id="tasks.status"),
    Binding("p", "priority", "Priority", id="tasks.priority"),
    Binding("r", "reschedule", "Reschedule", id="tasks.reschedule"),
    Binding("f", "focus_timer", "Focus", id="tasks.focus"),
    Binding("d", "delete", "Delete", id="tasks.delete"),
    Binding("ctrl+e", "form", "Fields", show=False, id="tasks.form"),
]

DAY_BINDINGS: list[BindingType] = [
    Binding("b", "add_block", "Block", id="today.block"),
]

TASK_LIST_BINDINGS: list[BindingType] = [
    Binding("left,[", "cycle_list(-1)", "List", show=False, id="tasks.prev_list"),
    Binding("right,]", "cycle_list(1)", "List", id="tasks.next_list"),
    Binding("t", "filter('tag')", "Tag", show=False, id="tasks.filter_tag"),
    Binding("P", "filter('project')", "Project", show=False, id="tasks.filter_project"),
    Binding("g", "filter('goal')", "Goal", show=False, id="tasks.filter_goal"),
    Binding("o", "sort", "Sort", show=False, id="tasks.sort"),
]

NOTE_BINDINGS: list[BindingType] = [
    Binding("n", "new_note", "New note", id="notes.new"),
    Binding("d", "delete", "Delete", show=False, id="notes.delete"),
    Binding("ctrl+e", "form", "Fields", show=False, id="notes.form"),
    Binding("escape", "back_to_list", "List", show=False, id="notes.back"),
    Binding("alt+left", "history(-1)", "Back", show=False, id="notes.history_back"),
    Binding("alt+right", "history(1)", "Forward", show=False, id="notes.history_forward"),
    Binding("l", "unresolved_links", "Unresolved links", show=False, id="notes.unresolved"),
]

ITEM_BINDINGS: list[BindingType] = [
    Binding("ctrl+e", "form", "Fields", id="item.form"),
    Binding("d", "delete", "Delete", show=False, id="item.delete"),
]


def binding_ids() -> list[str]:
    """Every binding id a `[keys]` entry of the config may remap."""
    groups = (APP_BINDINGS, TASK_BINDINGS, DAY_BINDINGS, TASK_LIST_BINDINGS, NOTE_BINDINGS,
              ITEM_BINDINGS)
    return sorted({b.id for group in groups for b in group if isinstance(b, Binding) and b.id})
