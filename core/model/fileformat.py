"""The vault file format: Markdown with optional TOML (`+++`) or YAML (`---`) front matter, lossless.

A file splits into `head` (the front matter block exactly as written, both fences and
their line endings included, or "" when there is none) and `body` (everything after it),
so `head + body` is always the file. `meta` is the parsed front matter in a JSON-like
shape (dates become ISO strings) used for the CRDT map. A front matter block that does
not parse is not front matter: the whole file is body, and `problem` says why.

YAML front matter (what Obsidian writes) opens with a first line of exactly `---` and closes
with `---` or `...`; it is read with ruamel.yaml in round-trip mode and edited line by line,
so comments, order and quoting survive. Both formats give the same field map.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tomli_w

from solo.core.errors import SoloError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

FENCE = "+++"
YAML_FENCE = "---"
YAML_CLOSERS = ("---", "...")
STYLES = ("toml", "yaml")
_BOM = "\ufeff"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_KEY_LINE_RE = re.compile(r"^([A-Za-z0-9_-]+)\s*=")
_YAML_KEY_LINE_RE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_ ./-]*?)[ \t]*:(?=[ \t\r\n]|$)")
_yaml_local = threading.local()


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


def _yaml_error() -> type[Exception]:
    from ruamel.yaml.error import YAMLError

    return YAMLError


def _yaml() -> YAML:
    """A round-trip YAML reader/writer per thread (instances are not thread-safe)."""
    yaml = getattr(_yaml_local, "yaml", None)
    if yaml is None:
        from ruamel.yaml import YAML  # imported on the first YAML head: most commands need none

        yaml = YAML(typ="rt")
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.width = 4096
        yaml.preserve_quotes = True
        _yaml_local.yaml = yaml
    return yaml


def style_of(head: str) -> str:
    """"yaml" for a `---` block, else "toml" (also for no front matter at all)."""
    return "yaml" if head.lstrip(_BOM).startswith(YAML_FENCE) else "toml"


def split(text: str) -> Parsed:
    """Split file text into head, body and front matter; never raises."""
    start = 1 if text.startswith(_BOM) else 0
    lines = text[start:].splitlines(keepends=True)
    if lines and lines[0].rstrip("\r\n") == YAML_FENCE and lines[0].endswith("\n"):
        return _split_yaml(text, start, lines)
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


def _split_yaml(text: str, start: int, lines: list[str]) -> Parsed:
    """`---` front matter; an unclosed `---` is a thematic break, not a problem."""
    offset = start + len(lines[0])
    for line in lines[1:]:
        if line.rstrip("\r\n").rstrip(" \t") in YAML_CLOSERS:
            inner = text[start + len(lines[0]):offset]
            head_end = offset + len(line)
            fields, problem = load_yaml(inner)
            if problem is not None:
                return Parsed(head="", body=text, problem=problem)
            return Parsed(head=text[:head_end], body=text[head_end:], meta=to_json(fields),
                          fields=fields)
        offset += len(line)
    return Parsed(head="", body=text)


def load_yaml(inner: str) -> tuple[dict[str, Any], str | None]:
    """The field map of a YAML block's inner text, or a problem; never raises.

    Round-trip parsing costs about a millisecond, and one file's head is parsed on ingest and
    again when its document renders, so recent results are kept (and handed out as copies).
    """
    fields, problem = _load_yaml_cached(inner)
    return _copy(fields), problem


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@functools.lru_cache(maxsize=512)
def _load_yaml_cached(inner: str) -> tuple[dict[str, Any], str | None]:
    try:
        data = _yaml().load(inner.replace("\r\n", "\n"))
    except (_yaml_error(), ValueError, TypeError, RecursionError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {}, f"front matter is not valid YAML: {first}"
    if data is None:
        return {}, None
    if not isinstance(data, Mapping):
        return {}, f"front matter is not valid YAML: a {type(data).__name__}, not key: value pairs"
    budget = [MAX_YAML_VALUES]
    try:
        return {str(k): _plain(v, budget) for k, v in data.items()}, None
    except RecursionError:
        return {}, "front matter is not valid YAML: nested too deeply (or refers to itself)"
    except _TooManyValues:
        return {}, (f"front matter holds over {MAX_YAML_VALUES:,} values (YAML aliases that "
                    "expand?)")


# A few hundred bytes of YAML anchors and aliases can stand for billions of values; reading
# them out would take the process's memory. No real front matter comes near this.
MAX_YAML_VALUES = 20_000


class _TooManyValues(SoloError):
    """Raised inside `_plain` when a head holds more than MAX_YAML_VALUES values."""


def _plain(value: Any, budget: list[int]) -> Any:
    """ruamel's round-trip types as the plain Python values TOML gives (dates stay dates),
    counting each value against `budget` (one mutable count for the whole head)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyValues
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v, budget) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v, budget) for v in value]
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute,
                           value.second, value.microsecond, tzinfo=value.tzinfo)
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, bytes):
        return value
    inner = getattr(value, "value", None)  # a TaggedScalar (`!!str x`, `!custom y`)
    return str(inner) if inner is not None else str(value)


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


def same_value(a: Any, b: Any) -> bool:
    """Equal as front matter values: same type and value, NaN equal to NaN, recursively."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"


def dump_head(meta: Mapping[str, Any], order: Iterable[str] = (), newline: str = "\n",
              style: str = "toml") -> str:
    """A fresh front matter block for `meta`; keys in `order` first, then the rest sorted."""
    if not meta:
        return ""
    ordered_keys = [k for k in dict.fromkeys(order) if k in meta]
    ordered_keys += sorted(k for k in meta if k not in ordered_keys)
    if style == "yaml":
        inner = "".join(_yaml_entry(k, _from_json(meta[k])) for k in ordered_keys)
        return (f"{YAML_FENCE}\n{inner}{YAML_FENCE}\n").replace("\n", newline)
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


def _yaml_entry(key: str, value: Any) -> str:
    """`key: value` as YAML lines (lists as indented `- item` lines, as Obsidian writes them)."""
    out = io.StringIO()
    _yaml().dump({key: value}, out)
    return out.getvalue()


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
        if parsed.problem is None and parsed.head == head and same_value(parsed.meta, dict(meta)):
            return head + body
        if style_of(head) == "yaml":
            if parsed.problem is None and parsed.head == head:
                changes = {k: _from_json(v) for k, v in meta.items()
                           if k not in parsed.meta or not same_value(parsed.meta[k], v)}
                removed = [k for k in parsed.meta if k not in meta]
                return _yaml_with_fields(head, changes, removed) + body
            return dump_head(meta, (), newline_of(head), style="yaml") + body
    elif not meta:
        return body
    return dump_head(meta, _keys_in_order(head), newline_of(head or body)) + body


def with_fields(head: str, changes: Mapping[str, Any], removed: Iterable[str] = (),
                style: str = "toml") -> str:
    """`head` with some top-level keys set or removed, touching only their lines when it can.

    Values are TOML-ready Python values (dates as `datetime.date`). Falls back to a fresh
    block (keeping key order) when a key spans lines or lives in a table. A YAML head stays
    YAML; `style` only chooses the format of a new head (when `head` is "").
    """
    if head and style_of(head) == "yaml":
        return _yaml_with_fields(head, changes, removed)
    if not head and style == "yaml":
        return dump_head(to_json(dict(changes)), list(changes), style="yaml") if changes else ""
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
    if parsed.problem is None and parsed.head == candidate and same_value(parsed.meta, to_json(target)):
        return candidate
    return dump_head(to_json(target), _keys_in_order(head) + list(changes), newline)


def _yaml_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, key) line ranges of the top-level keys of a YAML block's inner lines."""
    starts = [(i, m.group(1)) for i, ln in enumerate(lines) if (m := _YAML_KEY_LINE_RE.match(ln))]
    blocks = []
    for n, (i, key) in enumerate(starts):
        end = i + 1
        limit = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end < limit and (lines[end][:1] in (" ", "\t", "-")
                               or (not lines[end].strip() and any(
                                   ln[:1] in (" ", "\t", "-") and ln.strip()
                                   for ln in lines[end:limit]))):
            end += 1
        blocks.append((i, end, key))
    return blocks


def _yaml_with_fields(head: str, changes: Mapping[str, Any], removed: Iterable[str]) -> str:
    """A YAML head with keys set or removed, editing only those keys' lines when it can."""
    removed = set(removed) - set(changes)
    current = split(head).fields
    target = {k: v for k, v in current.items() if k not in removed}
    target.update(changes)
    newline = newline_of(head)
    lines = head.splitlines(keepends=True)
    inner = lines[1:-1]
    out: list[list[str]] = [[ln] for ln in inner]
    handled: set[str] = set()
    for start, end, key in _yaml_blocks(inner):
        if key in removed or key in changes:
            new = [] if key in removed else \
                _yaml_entry(key, changes[key]).replace("\n", newline).splitlines(keepends=True)
            out[start:end] = [new] + [[] for _ in range(start + 1, end)]
            handled.add(key)
    added = "".join(_yaml_entry(k, v) for k, v in changes.items() if k not in handled)
    candidate = lines[0] + "".join("".join(chunk) for chunk in out) \
        + added.replace("\n", newline) + lines[-1]
    if _says(candidate, target):
        return candidate
    # A key Solo could not find on its own lines (quoted, anchored, flow style): let ruamel
    # edit the whole block, which still keeps comments, order and quoting.
    try:
        data = _yaml().load("".join(inner).replace("\r\n", "\n")) or {}
        for key in removed:
            data.pop(key, None)
        for key, value in changes.items():
            data[key] = value
        text = io.StringIO()
        _yaml().dump(data, text)
        candidate = lines[0] + text.getvalue().replace("\n", newline) + lines[-1]
        if _says(candidate, target):
            return candidate
    except (_yaml_error(), ValueError, TypeError, AttributeError):
        pass
    return dump_head(to_json(target), list(current) + list(changes), newline, style="yaml") \
        or f"{YAML_FENCE}{newline}{YAML_FENCE}{newline}"


def _says(candidate: str, target: Mapping[str, Any]) -> bool:
    parsed = split(candidate)
    return parsed.problem is None and parsed.head == candidate \
        and same_value(parsed.meta, to_json(dict(target)))
