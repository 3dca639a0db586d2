"""The vault file format: Markdown with optional TOML front matter between `+++` lines, lossless.

A file splits into `head` (the front matter block exactly as written, both fences and
their line endings included, or "" when there is none) and `body` (everything after it),
so `head + body` is always the file. `meta` is the parsed front matter in a JSON-like
shape (dates become ISO strings) used for the CRDT map. A front matter block that does
not parse is not front matter: the whole file is body, and `problem` says why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import tomli_w

FENCE = "+++"
_BOM = "\ufeff"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_KEY_LINE_RE = re.compile(r"^([A-Za-z0-9_-]+)\s*=")


@dataclass(frozen=True)
class Parsed:
    """A file's text split into its exact parts plus the parsed front matter."""

    head: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    @property
    def text(self) -> str:
        return self.head + self.body


def _load_toml_bounded(inner: str) -> dict[str, Any]:
    """`tomllib.loads`, with nesting too deep for its recursive parser a ValueError."""
    try:
        return tomllib.loads(inner)
    except RecursionError:
        raise ValueError("it nests too deeply to read") from None


def _fence_line(line: str) -> bool:
    return line.rstrip("\r\n").rstrip(" \t") == FENCE


def split(text: str) -> Parsed:
    """Split file text into head, body and front matter; never raises."""
    start = 1 if text.startswith(_BOM) else 0
    lines = text[start:].splitlines(keepends=True)
    if not lines or not _fence_line(lines[0]) or not lines[0].endswith("\n"):
        return Parsed(head="", body=text)
    offset = start + len(lines[0])
    for line in lines[1:]:
        if _fence_line(line):
            inner = text[start + len(lines[0]):offset]
            head_end = offset + len(line)
            try:
                fields = _load_toml_bounded(inner.replace("\r\n", "\n"))
            except (tomllib.TOMLDecodeError, ValueError) as exc:
                return Parsed(head="", body=text, problem=f"front matter is not valid TOML: {exc}")
            return Parsed(head=text[:head_end], body=text[head_end:], meta=to_json(fields),
                          fields=fields)
        offset += len(line)
    return Parsed(head="", body=text, problem="front matter opened with +++ is never closed")


def to_json(value: Any) -> Any:
    """TOML values in the CRDT's plain shape: dates and times as ISO strings."""
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value if v is not None]
    if isinstance(value, str):
        if _DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        if _DATETIME_RE.match(value):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"


def dump_head(meta: Mapping[str, Any], order: Iterable[str] = (), newline: str = "\n") -> str:
    """A fresh front matter block for `meta`; keys in `order` first, then the rest sorted."""
    if not meta:
        return ""
    ordered_keys = [k for k in dict.fromkeys(order) if k in meta]
    ordered_keys += sorted(k for k in meta if k not in ordered_keys)
    # tomli-w writes plain values before tables, so tables keep their place at the end.
    plain = {k: _from_json(meta[k]) for k in ordered_keys if not _is_table(meta[k])}
    tables = {k: _from_json(meta[k]) for k in ordered_keys if _is_table(meta[k])}
    inner = "".join(_line(k, v) for k, v in plain.items()) + (tomli_w.dumps(tables) if tables else "")
    if newline != "\n":
        inner = inner.replace("\n", newline)
    return f"{FENCE}{newline}{inner}{FENCE}{newline}"


def _line(key: str, value: Any) -> str:
    """One `key = value` line; short lists of plain values stay inline."""
    if isinstance(value, list) and not any(isinstance(v, Mapping | list) for v in value):
        items = ", ".join(tomli_w.dumps({"v": v})[4:].rstrip("\n") for v in value)
        line = tomli_w.dumps({key: 0})[:-2] + f"[{items}]\n"
        if len(line) <= 100:
            return line
    return tomli_w.dumps({key: value})


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value))


def _keys_in_order(head: str) -> list[str]:
    keys = []
    for line in head.splitlines():
        match = _KEY_LINE_RE.match(line)
        if match:
            keys.append(match.group(1))
        elif line.startswith("["):
            keys.append(line.strip("[] \r").split(".")[0].strip('"'))
    return keys


def render(head: str, body: str, meta: Mapping[str, Any]) -> str:
    """The file for a document's (head, body, meta): the head verbatim when it still says
    exactly `meta`, else a head rebuilt from `meta` (after a merge that left them apart)."""
    if head:
        parsed = split(head)
        if parsed.problem is None and parsed.head == head and _same(parsed.meta, dict(meta)):
            return head + body
    elif not meta:
        return body
    return dump_head(meta, _keys_in_order(head), newline_of(head or body)) + body


def with_fields(head: str, changes: Mapping[str, Any], removed: Iterable[str] = ()) -> str:
    """`head` with some top-level keys set or removed, touching only their lines when it can.

    Values are TOML-ready Python values (dates as `datetime.date`). Falls back to a fresh
    block (keeping key order) when a key spans lines or lives in a table.
    """
    removed = set(removed)
    current = split(head).fields if head else {}
    target = {k: v for k, v in current.items() if k not in removed}
    target.update(changes)
    newline = newline_of(head) if head else "\n"
    if not head:
        return dump_head(to_json(target), list(changes), newline)
    lines = head.splitlines(keepends=True)
    body_lines = lines[1:-1]
    first_table = next((i for i, ln in enumerate(body_lines) if ln.lstrip().startswith("[")
                        and not _KEY_LINE_RE.match(ln)), len(body_lines))
    out = list(body_lines)
    handled: set[str] = set()
    for i in range(first_table - 1, -1, -1):
        match = _KEY_LINE_RE.match(out[i])
        if not match:
            continue
        key = match.group(1)
        if key in removed:
            out[i] = ""
            handled.add(key)
        elif key in changes:
            out[i] = _line(key, changes[key]).rstrip("\n") + newline
            handled.add(key)
    new_lines = [_line(k, v).rstrip("\n") + newline for k, v in changes.items()
                 if k not in handled and not _is_table(to_json(v))]
    out[first_table:first_table] = new_lines
    candidate = lines[0] + "".join(out) + lines[-1]
    parsed = split(candidate)
    if parsed.problem is None and parsed.head == candidate and _same(parsed.meta, to_json(target)):
        return candidate
    return dump_head(to_json(target), _keys_in_order(head) + list(changes), newline)
