"""File names for new items: slugs from titles and the first free path in a folder."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_SPECIAL_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i",
    "&": " and ", "@": " at ",
})
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
MAX_SLUG = 60


def slugify(title: str) -> str:
    """A file-name stem from a title: lowercase ASCII kebab-case, accents transliterated
    ("Réunion équipe" → "reunion-equipe"), at most 60 characters (cut at a hyphen when
    possible), never empty ("untitled"), never a reserved Windows name ("con" → "con-item"),
    never starting with "." or "-".
    """
    text = unicodedata.normalize("NFKD", str(title).translate(_SPECIAL_LETTERS))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1].rfind("-")
        slug = slug[:cut] if cut >= MAX_SLUG // 2 else slug[:MAX_SLUG]
        slug = slug.strip("-")
    if not slug:
        return "untitled"
    if slug in _RESERVED:
        return f"{slug}-item"
    return slug


MAX_NAME_TRIES = 10_000


def unique_path(folder: str, slug: str, exists: Callable[[str], bool]) -> str:
    """The first free vault-relative path "folder/slug.md", then "folder/slug-2.md", -3…

    `exists` is asked about each candidate path; `folder` may be "" for the vault root.
    Raises ValueError after 10,000 taken names.
    """
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    for number in range(1, MAX_NAME_TRIES + 1):
        candidate = f"{prefix}{slug}.md" if number == 1 else f"{prefix}{slug}-{number}.md"
        if not exists(candidate):
            return candidate
    raise ValueError(f"no free file name for {slug!r} in {folder or 'the vault root'!r}")
