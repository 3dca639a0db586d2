"""The content calendar: posts by pipeline status, the month's published posts, and key results that count posts or followers.

A key result says what it counts with a `counts` key in its table:

    key_results = [{ name = "Articles published", target = 12, counts = "posts" },
                   { name = "LinkedIn followers", target = 500, counts = "followers",
                     channel = "linkedin" }]

`counts = "posts"` is the number of published posts linked to the goal (`goal = "…"`), with
a `publish` day on or before today; `"followers"` the sum of their `followers_gained`;
`"views"` and `"reactions"` the sums of those. An optional `channel` keeps one channel, an
optional `base` is added (followers you had before you logged posts). The count replaces
`current`; a key result without `counts` keeps its hand-written `current`.
This module needs only rows: `career` calls it, so it must not import `career`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from solo.core.engine.index import Row
from solo.core.model.dates import as_date
from solo.core.model.kinds import POST_STATUSES

COUNTS: dict[str, str | None] = {"posts": None, "followers": "followers_gained",
                                 "views": "views", "reactions": "reactions"}
"""What a key result's `counts` may name → the post field summed (None: count the posts)."""


def metric(row: Row, name: str) -> int:
    """A whole, non-negative metric of a post (0 when missing or malformed)."""
    value = row.fields.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if math.isfinite(value) and value > 0 else 0


def is_published(row: Row, today: dt.date) -> bool:
    """Published: status "published" and, when a `publish` day is given, not after today."""
    if row.kind != "post" or row.problem or row.fields.get("status") != "published":
        return False
    day = as_date(row.fields.get("publish"))
    return day is None or day <= today


def counted_current(entry: Mapping[str, object], posts: Iterable[Row], today: dt.date,
                    names_goal: Callable[[object], bool]) -> float | None:
    """The value a key result that `counts` something gets from the goal's published posts;
    None when it counts nothing (or something Solo does not know)."""
    what = entry.get("counts")
    if not isinstance(what, str) or what.strip().lower() not in COUNTS:
        return None
    summed = COUNTS[what.strip().lower()]
    channel = entry.get("channel")
    base = entry.get("base")
    total = base if isinstance(base, int | float) and not isinstance(base, bool) \
        and math.isfinite(base) else 0
    for row in posts:
        if not is_published(row, today) or not names_goal(row.fields.get("goal")):
            continue
        if isinstance(channel, str) and channel.strip() \
                and str(row.fields.get("channel", "")).lower() != channel.strip().lower():
            continue
        total += 1 if summed is None else metric(row, summed)
    return float(total)


@dataclass(frozen=True)
class Post:
    """A post as the content calendar shows it."""

    path: str
    title: str
    channel: str
    status: str
    publish: dt.date | None
    url: str
    views: int
    reactions: int
    followers_gained: int
    goal: str | None


def post_of(row: Row) -> Post:
    goal = row.fields.get("goal")
    url = row.fields.get("url")
    return Post(path=row.path, title=row.title, channel=str(row.fields.get("channel") or ""),
                status=str(row.fields.get("status") or "idea"),
                publish=as_date(row.fields.get("publish")),
                url=url if isinstance(url, str) else "", views=metric(row, "views"),
                reactions=metric(row, "reactions"),
                followers_gained=metric(row, "followers_gained"),
                goal=goal if isinstance(goal, str) and goal else None)


def _rows(rows: Iterable[Row], include_private: bool) -> list[Row]:
    return [r for r in rows if r.kind == "post" and not r.problem
            and (include_private or not r.private)]


def pipeline(rows: Iterable[Row], include_private: bool = True) -> dict[str, list[Post]]:
    """Status → posts (idea, draft, scheduled, published; every status present), each list by
    publish day (undated last), then title."""
    out: dict[str, list[Post]] = {status: [] for status in POST_STATUSES}
    for row in _rows(rows, include_private):
        post = post_of(row)
        out.setdefault(post.status, []).append(post)
    for posts in out.values():
        posts.sort(key=lambda p: (p.publish or dt.date.max, p.title.lower()))
    return out


def published_between(rows: Iterable[Row], since: dt.date | None, until: dt.date,
                      include_private: bool = False) -> list[Post]:
    """Published posts with a publish day within [since, until] (undated ones only when
    `since` is None), newest first."""
    out = []
    for row in _rows(rows, include_private):
        if not is_published(row, until):
            continue
        post = post_of(row)
        if post.publish is None and since is not None:
            continue
        if since is not None and post.publish is not None and post.publish < since:
            continue
        out.append(post)
    return sorted(out, key=lambda p: p.publish or dt.date.min, reverse=True)


def month_published(rows: Sequence[Row], today: dt.date) -> list[Post]:
    """This month's published posts, newest first."""
    return published_between(rows, today.replace(day=1), today, include_private=True)


def metrics_line(post: Post) -> str:
    """"1 240 views · 85 reactions · +12 followers", leaving out zeros."""
    bits = [f"{post.views} views" if post.views else "",
            f"{post.reactions} reactions" if post.reactions else "",
            f"+{post.followers_gained} followers" if post.followers_gained else ""]
    return " · ".join(b for b in bits if b)


def pipeline_facts(rows: Sequence[Row], today: dt.date) -> list[tuple[Row, str]]:
    """Posts not yet published, and the ones published this month, as (row, one line) for the
    assistant's structured facts."""
    out = []
    first = today.replace(day=1)
    for row in sorted(_rows(rows, True), key=lambda r: str(r.fields.get("publish") or "9")):
        post = post_of(row)
        if post.status != "published":
            when = f", publish {post.publish}" if post.publish else ""
            out.append((row, f"{post.channel or 'post'} {post.status}{when}"))
        elif post.publish and first <= post.publish <= today:
            metrics = metrics_line(post)
            out.append((row, f"{post.channel or 'post'} published {post.publish}"
                        + (f": {metrics}" if metrics else "")))
    return out


def counted_fields(goal: Row, post_rows: Iterable[Row], today: dt.date) -> dict[str, object]:
    """The goal's fields with each counting key result's `current` filled in from its posts
    (a post names the goal by file stem, path or id), for readers of raw fields."""
    names = {goal.path.lower().removesuffix(".md"), goal.path.rsplit("/", 1)[-1].lower()
             .removesuffix(".md"), (goal.doc_id or "").lower()} - {""}

    def names_goal(ref: object) -> bool:
        if not isinstance(ref, str):
            return False
        key = ref.strip().removeprefix("[[").removesuffix("]]").split("|", 1)[0]
        return key.strip().lower().removesuffix(".md") in names

    fields = dict(goal.fields)
    results = fields.get("key_results")
    if isinstance(results, list):
        shown = list(post_rows)
        fields["key_results"] = [
            {**kr, "current": counted} if isinstance(kr, Mapping) and (
                counted := counted_current(kr, shown, today, names_goal)) is not None else kr
            for kr in results]
    return fields
