"""Tools the assistant offers models that support tool calling: read-only look-ups that respect
privacy, and write proposals that wait for the user's confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from solo.core.assistant.chunks import describe_fields, is_private
from solo.core.assistant.retrieval import ChunkIndex, Passage
from solo.core.model import kinds as model
from solo.core.vault import Item, Vault, VaultError

READ_LIMIT = 4000


@dataclass(frozen=True)
class ProposedWrite:
    """A new item the model suggests; nothing is written until `Assistant.apply` is called."""

    kind: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    body: str = ""

    def describe(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.fields.items())
        return f"Create {self.kind} \u201c{self.title}\u201d" + (f" ({extra})" if extra else "")


def _fn(name: str, description: str, properties: dict[str, Any],
        required: list[str]) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


_STR = {"type": "string"}
TOOL_SPECS: list[dict[str, Any]] = [
    _fn("search_vault", "Full-text search of the user's notes; returns numbered passages.",
        {"query": {**_STR, "description": "words to look for"}}, ["query"]),
    _fn("list_tasks", "List tasks by status and/or due date.",
        {"status": {**_STR, "description": "inbox, next, waiting, scheduled, someday, done or "
                    "cancelled; empty for all open tasks"},
         "due_before": {**_STR, "description": "YYYY-MM-DD: only tasks due before this date"}},
        []),
    _fn("read_item", "Read one item of the vault by path or file name.",
        {"ref": {**_STR, "description": "path or file name, e.g. tasks/renew-aws.md"}}, ["ref"]),
    _fn("propose_task", "Propose a new task. The user must confirm before it is created.",
        {"title": _STR, "due": {**_STR, "description": "YYYY-MM-DD"},
         "priority": {**_STR, "description": "high, medium or low"},
         "goal": {**_STR, "description": "goal file name"}}, ["title"]),
    _fn("propose_achievement", "Propose recording an achievement. The user must confirm first.",
        {"title": _STR, "date": {**_STR, "description": "YYYY-MM-DD"}, "impact": _STR,
         "goal": {**_STR, "description": "goal file name"}}, ["title"]),
]


class Toolbox:
    """Runs tool calls against the vault; every result that shows vault text adds sources."""

    def __init__(self, vault: Vault, chunks: ChunkIndex, today: dt.date,
                 add_source: Callable[[Passage], int]) -> None:
        self.vault = vault
        self.chunks = chunks
        self.today = today
        self.add_source = add_source
        self.proposals: list[ProposedWrite] = []

    @property
    def _folders(self) -> list[str]:
        return list(self.vault.config.assistant.private_folders)

    def run(self, name: str, arguments: Mapping[str, Any]) -> str:
        """The tool's result as text for the model (errors too: the model can recover)."""
        try:
            handler = getattr(self, f"_tool_{name}", None)
            if handler is None:
                return f"error: no tool named {name!r}"
            return str(handler(**{k: v for k, v in arguments.items() if isinstance(k, str)}))
        except (TypeError, ValueError, VaultError) as exc:
            return f"error: {exc}"

    def _tool_search_vault(self, query: str = "", **_: Any) -> str:
        hits = self.chunks.search(str(query), limit=5)
        if not hits:
            return "No passages match."
        return "\n\n".join(f"[{self.add_source(p)}] {p.render(800)}" for p in hits)

    def _tool_list_tasks(self, status: str = "", due_before: str = "", **_: Any) -> str:
        statuses = [status] if status else ["inbox", "next", "waiting", "scheduled"]
        limit = dt.date.fromisoformat(due_before) if due_before else None
        lines = []
        for row in self.vault.rows("task", statuses):
            if is_private(row, self._folders):
                continue
            if limit is not None and not (row.due and row.due[:10] < limit.isoformat()):
                continue
            number = self.add_source(Passage(path=row.path, title=row.title, heading="",
                                             text="", facts=describe_fields(row), origin="tool"))
            lines.append(f"[{number}] {row.title} ({row.path}): {describe_fields(row)}")
        return "\n".join(lines[:40]) or "No tasks match."

    def _tool_read_item(self, ref: str = "", **_: Any) -> str:
        row = self.vault.resolve(str(ref))
        if is_private(row, self._folders):
            return "That item is private; it cannot be read."
        item = self.vault.read(row)
        if is_private(row, self._folders, item.head + item.body):
            return "That item is private; it cannot be read."
        body = item.body[:READ_LIMIT]
        number = self.add_source(Passage(path=row.path, title=row.title, heading="", text=body,
                                         facts=describe_fields(row), origin="tool"))
        return f"[{number}] {row.title} ({row.path})\n[{describe_fields(row)}]\n{body}"

    def _propose(self, kind: str, title: str, values: dict[str, Any]) -> str:
        title = str(title).strip()
        if not title:
            return "error: a title is required"
        fields: dict[str, Any] = {}
        for key, text in values.items():
            if text in (None, ""):
                continue
            if key in ("goal", "impact"):
                fields[key] = str(text)
            else:
                fields[key] = model.coerce_value(key, kind, str(text), today=self.today)
        problems = model.validate(kind, {"kind": kind, "title": title, **fields})
        if problems:
            return "error: " + "; ".join(f"{p.field}: {p.message}" for p in problems)
        proposal = ProposedWrite(kind=kind, title=title, fields=fields)
        self.proposals.append(proposal)
        return (f"Proposed: {proposal.describe()}. Nothing is written yet: the user will be "
                "asked to confirm.")

    def _tool_propose_task(self, title: str = "", due: str = "", priority: str = "",
                           goal: str = "", **_: Any) -> str:
        return self._propose("task", title, {"due": due, "priority": priority, "goal": goal,
                                             "status": "next" if due else ""})

    def _tool_propose_achievement(self, title: str = "", date: str = "", impact: str = "",
                                  goal: str = "", **_: Any) -> str:
        return self._propose("achievement", title,
                             {"date": date or self.today.isoformat(), "impact": impact,
                              "goal": goal})


def apply(vault: Vault, proposal: ProposedWrite) -> Item:
    """Perform a confirmed proposal."""
    return vault.create(proposal.kind, proposal.title, proposal.fields, proposal.body)
