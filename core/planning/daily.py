"""Daily notes and notes made from templates or from an unresolved `[[link]]`, never over a file."""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from typing import Any

from solo.core.config import DailyConfig
from solo.core.engine.paths import UnsafePath, check_relative_path
from solo.core.errors import SoloError
from solo.core.model import fileformat, links, markdown, naming, templates
from solo.core.model import kinds as model
from solo.core.model.templates import TemplateError
from solo.core.vault import Item, Vault, VaultError

__all__ = ["DailyError", "NewNote", "TemplateError", "create_exclusive", "daily_path",
           "heading_line", "link_note_path", "note_for_link", "open_daily",
           "from_template"]


class DailyError(VaultError):
    """A daily-note setting that makes no safe file name, or a template that cannot be read."""


@dataclass(frozen=True)
class NewNote:
    """A note Solo opened or made: its vault-relative path and whether it was just created."""

    path: str
    created: bool


def daily_path(config: DailyConfig, day: dt.date) -> str:
    """`notes/daily/2026-12-01.md` for `day` under the `[daily]` folder and format; DailyError
    naming the setting when the result is not a safe vault path."""
    name = templates.format_moment(config.format, day).strip().strip("/")
    folder = config.folder.strip().strip("/")
    rel = posixpath.join(folder, name) if folder else name
    if not rel.lower().endswith(".md"):
        rel += ".md"
    try:
        return check_relative_path(rel)
    except UnsafePath as exc:
        raise DailyError(f"daily.folder / daily.format make no safe file name: {exc}") from None


def read_template(vault: Vault, rel: str) -> str:
    """The text of a template file in the vault (TemplateError naming it when unreadable)."""
    try:
        return vault.files.read(rel).decode("utf-8")
    except FileNotFoundError:
        raise TemplateError(f"template {rel} does not exist") from None
    except (OSError, UnicodeDecodeError, SoloError) as exc:
        raise TemplateError(f"template {rel} cannot be read: {exc}") from None


def create_exclusive(vault: Vault, rel: str, text: str) -> bool:
    """Write a new file at `rel` unless something is already there (then False, untouched)."""
    with vault.lock:
        if vault.files.exists(rel):
            return False
        vault.items.write_file(rel, text)
        return True


def open_daily(vault: Vault, day: dt.date, now: dt.datetime) -> NewNote:
    """The daily note of `day`, created from `daily.template` (or empty, like Obsidian) when
    missing; an existing note is never rewritten. `{{date}}` is the note's day."""
    config = vault.config.daily
    rel = daily_path(config, day)
    if vault.files.exists(rel):
        return NewNote(rel, False)
    text = ""
    if config.template.strip():
        template = config.template.strip().strip("/")
        if not template.lower().endswith(".md"):
            template += ".md"
        try:
            raw = read_template(vault, template)
        except TemplateError as exc:
            raise DailyError(f"daily.template: {exc}") from None
        when = dt.datetime.combine(day, now.time())
        text = templates.expand(raw, title=posixpath.splitext(posixpath.basename(rel))[0],
                                now=when)
    return NewNote(rel, create_exclusive(vault, rel, text))


def from_template(vault: Vault, name: str, kind: str, title: str, fields: dict[str, Any],
                  now: dt.datetime, body: str = "") -> Item:
    """Create an item titled `title` whose body (and front matter keys) come from the template
    `name` in `notes.templates`, `body` appended; the given fields win over the template's."""
    rel = templates.template_path(vault.config.notes.templates, name, vault.files.exists)
    parsed = fileformat.split(templates.expand(read_template(vault, rel), title=title, now=now))
    if parsed.problem:
        raise TemplateError(f"template {rel}: {parsed.problem}")
    values = {k: v for k, v in parsed.fields.items() if k not in ("kind", "title")}
    values.update(fields)
    text = parsed.body + (("\n" if parsed.body and not parsed.body.endswith("\n") else "")
                          + body if body else "")
    return vault.create(kind, title, values, body=text)


def link_note_path(target: str, source: str | None, folder: str) -> str:
    """Where Obsidian puts the note an unresolved `[[target]]` names: a target with a folder
    at that vault path; else in `folder`, or beside the linking note when `folder` is empty.
    The link's own name is the file name (made safe only when a filesystem would refuse it)."""
    name = links.parse_reference(target).target.strip().strip("/")
    if not name:
        raise VaultError("an empty link names no note")
    if "/" in name:
        base, name = posixpath.split(name)
    else:
        base = folder.strip().strip("/") if folder.strip() else (
            posixpath.dirname(source) if source else model.DEFAULT_FOLDERS["note"])
    for stem in (name, naming.slugify(name)):
        rel = posixpath.join(base, stem + ".md") if base else stem + ".md"
        try:
            return check_relative_path(rel)
        except UnsafePath:
            continue
    raise VaultError(f"[[{target}]] makes no safe file name")


def note_for_link(vault: Vault, target: str, source: str | None,
                  today: dt.date) -> NewNote:
    """The note an unresolved `[[target]]` asks for, created (kind note, a `# Name` heading)
    unless a file already holds its path."""
    rel = link_note_path(target, source, vault.config.notes.new_note_folder)
    if vault.files.exists(rel):
        return NewNote(rel, False)
    name = posixpath.splitext(posixpath.basename(rel))[0]
    title = links.parse_reference(target).target.strip().rsplit("/", 1)[-1] or name
    head = fileformat.with_fields("", {"kind": "note", "created": today},
                                  style=vault.config.front_matter)
    return NewNote(rel, create_exclusive(vault, rel, f"{head}# {title}\n\n"))


def heading_line(body: str, heading: str) -> int | None:
    """The line number (0-based) of the heading `heading` in `body` (case-insensitive,
    ignoring spaces, as Obsidian matches `[[note#Heading]]`), or None."""
    wanted = " ".join(heading.split()).casefold()
    for number, line in enumerate(markdown.lines(body)):
        if line.heading is not None and " ".join(line.heading.text.split()).casefold() == wanted:
            return number
    return None
