"""Quick-add lines ("Write report due:fri #work !high") parsed into a task title and fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from solo.core.model.kinds import TASK_STATUSES, coerce_value, field_spec

_KEYS: dict[str, str] = {  # token key → task field
    "due": "due",
    "sched": "scheduled",
    "scheduled": "scheduled",
    "goal": "goal",
    "project": "project",
    "est": "estimate",
    "estimate": "estimate",
    "recur": "recur",
    "every": "recur",
    "wait": "wait",
    "until": "until",
    "depends": "depends",
    "dep": "depends",
}
_PRIORITIES: dict[str, str] = {
    **dict.fromkeys(("high", "h", "1"), "high"),
    **dict.fromkeys(("medium", "med", "m", "2"), "medium"),
    **dict.fromkeys(("low", "l", "3"), "low"),
}
_KEY_VALUE = re.compile(r"(?P<key>[A-Za-z]+):(?P<value>.+)", re.DOTALL)
_TAG = re.compile(r"#(?P<tag>\w[\w\-/]*)")
_PROJECT = re.compile(r"\+(?P<project>[^\W\d_][\w\-./]*)")


@dataclass
class QuickAdd:
    """A parsed quick-add line: the task's title and its front-matter fields."""

    title: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Token:
    raw: str  # exactly as typed
    text: str  # quotes removed
    quoted: bool  # the whole token was quoted: literal title text


def _closing_quote(line: str, start: int) -> int | None:
    """Index of the `"` closing a quote opened before `start`: one followed by a space or the end."""
    for index in range(start, len(line)):
        if line[index] == '"' and (index + 1 == len(line) or line[index + 1].isspace()):
            return index
    return None


def _tokens(line: str) -> list[_Token]:
    """Split on whitespace; a `"` at a token's start or after `key:` quotes up to a closing `"`
    followed by a space. A `"` anywhere else, or without a closing one, is an ordinary character.
    """
    tokens: list[_Token] = []
    index, length = 0, len(line)
    while index < length:
        if line[index].isspace():
            index += 1
            continue
        start, quoted = index, False
        parts: list[str] = []
        while index < length and not line[index].isspace():
            char = line[index]
            if char == '"' and (not parts or parts[-1].endswith(":")):
                close = _closing_quote(line, index + 1)
                if close is not None:
                    quoted = not parts
                    parts.append(line[index + 1:close])
                    index = close + 1
                    break
            parts.append(char)
            index += 1
        tokens.append(_Token(line[start:index], "".join(parts), quoted))
    return tokens


def _every(value: str) -> str:
    words = re.sub(r"(\d)([A-Za-z])", r"\1 \2", value).replace("-", " ").replace("_", " ")
    return f"every {words}"


def parse_quickadd(line: str, today: date) -> QuickAdd:
    """Parse a quick-add line into a task title and fields.

    Recognised tokens: `due:`, `sched:`/`scheduled:` (dates as in `dates.parse_date`,
    relative to `today`), `#tag` (must hold a letter; a `#` inside a word is not a tag),
    `!high|!medium|!low` (also `!h/!m/!l`, `!1/!2/!3`), `+project`, `project:x`, `goal:x`,
    `est:`/`estimate:` (30m, 1h, 1h30 → minutes), `~status` (a task status, e.g. ~someday),
    `recur:"every week"` or `every:week` / `every:2weeks`, `wait:`/`until:` (dates),
    `depends:`/`dep:` (comma-separated ids or file stems). Keys are case-insensitive; a
    later token overrides an earlier one, tags accumulate. Anything else, including a known
    key with nothing after the colon, stays in the title in order. A `"quoted part"` is
    literal title text (the quotes are dropped). Raises ValueError with a clear message for
    a bad value (`due:notadate`) or when no title is left.
    """
    title: list[str] = []
    fields: dict[str, Any] = {}
    tags: list[str] = []
    for token in _tokens(line):
        if token.quoted:
            if token.text:
                title.append(token.text)
            continue
        if not _apply(token.text, fields, tags, today):
            title.append(token.raw)
    if tags:
        fields["tags"] = tags
    if not title:
        raise ValueError(f"a task needs a title, not only tokens: {line.strip()!r}")
    return QuickAdd(" ".join(title), fields)


def _apply(text: str, fields: dict[str, Any], tags: list[str], today: date) -> bool:
    """Record what the token means in `fields`/`tags`; False when it is plain title text."""
    if match := _TAG.fullmatch(text):
        tag = match.group("tag")
        if not any(char.isalpha() for char in tag):  # "#123" is an issue number, not a tag
            return False
        if tag not in tags:
            tags.append(tag)
        return True
    if text.startswith("!") and text[1:].lower() in _PRIORITIES:
        fields["priority"] = _PRIORITIES[text[1:].lower()]
        return True
    if text.startswith("~") and text[1:].lower() in TASK_STATUSES:
        fields["status"] = text[1:].lower()
        return True
    if match := _PROJECT.fullmatch(text):
        fields["project"] = match.group("project")
        return True
    match = _KEY_VALUE.fullmatch(text)
    if match is None or match.group("key").lower() not in _KEYS:
        return False
    key = match.group("key").lower()
    name, value = _KEYS[key], match.group("value").strip()
    if not value:
        return False
    if key == "every":
        value = _every(value)
    spec = field_spec("task", name)
    assert spec is not None
    fields[name] = coerce_value(spec, "task", value, today=today)
    return True
