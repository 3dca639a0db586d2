"""Item ids by unique prefix: `resolve_prefix` picks the one id a short prefix names, or says which it could be."""

from __future__ import annotations

from collections.abc import Iterable

from solo.core.errors import SoloError

MIN_PREFIX = 2
MAX_CANDIDATES = 10


class PrefixError(SoloError, ValueError):
    """A prefix that names no id, or several (`candidates`, sorted, at most 10)."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


def resolve_prefix(prefix: str, ids: Iterable[str]) -> str:
    """The one id in `ids` that starts with `prefix`.

    Ids are matched case-sensitively first (document ids are base58, where case matters),
    then, when that finds nothing, case-insensitively; an exact id always wins. The prefix
    must be at least 2 characters. Raises PrefixError naming the prefix: too short, no match,
    or ambiguous — then the message lists the candidates (up to 10, with a count of the
    rest) and `candidates` holds them.
    """
    wanted = prefix.strip()
    if len(wanted) < MIN_PREFIX:
        raise PrefixError(f"id prefix {prefix!r} is too short (at least {MIN_PREFIX} characters)")
    pool = set(ids)
    if wanted in pool:
        return wanted
    matches = sorted(i for i in pool if i.startswith(wanted))
    if not matches:
        folded = wanted.casefold()
        matches = sorted(i for i in pool if i.casefold().startswith(folded))
        exact = [i for i in matches if i.casefold() == folded]
        if len(exact) == 1:
            return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise PrefixError(f"no item id starts with {prefix!r}")
    shown = tuple(matches[:MAX_CANDIDATES])
    more = len(matches) - len(shown)
    listing = ", ".join(shown) + (f" and {more} more" if more else "")
    raise PrefixError(f"id prefix {prefix!r} is ambiguous: {listing}", shown)
