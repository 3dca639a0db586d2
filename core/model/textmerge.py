"""Three-way merge of plain text at character level, with cursor mapping (for live editors)."""

from __future__ import annotations

import fast_diff_match_patch

_DIFF_TIME_LIMIT = 0.5


def _edits(base: str, other: str) -> tuple[list[str], list[bool]]:
    """Per base position: text `other` inserts before it, and whether `other` deletes it."""
    inserts = [""] * (len(base) + 1)
    deleted = [False] * len(base)
    position = other_position = 0
    for op, length in fast_diff_match_patch.diff(base, other, timelimit=_DIFF_TIME_LIMIT,
                                                 checklines=False, cleanup="Semantic"):
        if op == "=":
            position += length
            other_position += length
        elif op == "-":
            for index in range(position, position + length):
                deleted[index] = True
            position += length
        else:
            inserts[position] += other[other_position:other_position + length]
            other_position += length
    return inserts, deleted


def merge3(base: str, ours: str, theirs: str, cursor: int = 0) -> tuple[str, int]:
    """Apply the changes base→theirs onto ours; return the merged text and `cursor` mapped.

    Both sides' insertions are kept (ours first where they meet); a base character goes
    when either side deleted it. `cursor` is an index into `ours`; the result's cursor sits
    at the same place in the merged text, shifted by what was inserted or deleted before it.
    """
    cursor = max(0, min(cursor, len(ours)))
    if theirs == base or theirs == ours:
        return ours, cursor
    if ours == base:
        return theirs, _map_cursor(base, theirs, cursor)
    our_ins, our_del = _edits(base, ours)
    their_ins, their_del = _edits(base, theirs)
    out: list[str] = []
    out_len = ours_pos = 0
    new_cursor: int | None = None
    for position in range(len(base) + 1):
        mine = our_ins[position]
        if mine:
            if new_cursor is None and ours_pos <= cursor < ours_pos + len(mine):
                new_cursor = out_len + cursor - ours_pos
            out.append(mine)
            ours_pos += len(mine)
            out_len += len(mine)
        if new_cursor is None and ours_pos == cursor:
            new_cursor = out_len
        if their_ins[position]:
            out.append(their_ins[position])
            out_len += len(their_ins[position])
        if position == len(base):
            break
        if not our_del[position]:
            ours_pos += 1
            if not their_del[position]:
                out.append(base[position])
                out_len += 1
    return "".join(out), out_len if new_cursor is None else new_cursor


def _map_cursor(old: str, new: str, cursor: int) -> int:
    """Where index `cursor` of `old` lands in `new` (inserts at the cursor go after it)."""
    position = new_position = 0
    for op, length in fast_diff_match_patch.diff(old, new, timelimit=_DIFF_TIME_LIMIT,
                                                 checklines=False, cleanup="Semantic"):
        if op == "=":
            if cursor < position + length:
                return new_position + cursor - position
            position += length
            new_position += length
        elif op == "-":
            if cursor < position + length:
                return new_position
            position += length
        else:
            if cursor < position:
                break
            if position < cursor:
                new_position += length
            elif position == cursor:
                return new_position
    return min(new_position + max(cursor - position, 0), len(new))
