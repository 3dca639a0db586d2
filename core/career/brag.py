"""The brag document: achievements by goal and by skill, finished learning and certifications, as Markdown, HTML or data.

Private items are left out unless asked for: a brag document is made to be shown.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from solo.core.career.posts import Post, metrics_line, published_between
from solo.core.career.progress import ItemRef, Refs, date_of, number, ref_list, stem, visible
from solo.core.engine.index import Row

OTHER = "Other achievements"


@dataclass(frozen=True)
class Achievement:
    item: ItemRef
    date: dt.date | None
    impact: str
    goal: str | None
    skills: list[str]


@dataclass(frozen=True)
class GoalSection:
    """Achievements toward one goal (`goal` is None for the ones serving no goal)."""

    goal: ItemRef | None
    title: str
    achievements: list[Achievement]


@dataclass(frozen=True)
class Finished:
    """A finished course or certification."""

    item: ItemRef
    finished: dt.date | None
    provider: str | None
    hours: float | None
    certification: str | None
    skills: list[str]


@dataclass(frozen=True)
class BragDoc:
    since: dt.date | None
    until: dt.date | None
    goals: list[GoalSection]
    skills: dict[str, list[str]]
    """skill title → titles of the achievements and learning that show it"""
    learning: list[Finished]
    certifications: list[Finished]
    posts: list[Post] = field(default_factory=list)
    """published posts in the range, newest first, with their metrics"""

    @property
    def empty(self) -> bool:
        return not (self.goals or self.learning or self.certifications or self.posts)


def _in_range(day: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    if day is None:
        return since is None and until is None
    return not ((since and day < since) or (until and day > until))


def brag_doc(rows: Sequence[Row], since: dt.date | None = None, until: dt.date | None = None,
             include_private: bool = False) -> BragDoc:
    """Achievements dated within [since, until] grouped by goal (the goal with the most first,
    goal-less ones last; newest first inside), plus learning finished in the range.
    Undated items only appear when no range is given."""
    refs = Refs(rows)
    shown = [r for r in visible(rows) if include_private or not r.private]

    def skill_titles(row: Row) -> list[str]:
        out = []
        for ref in ref_list(row.fields.get("skills")):
            skill = refs.get(ref, "skill")
            out.append(skill.title if skill else ref)
        return out

    sections: dict[str, GoalSection] = {}
    by_skill: dict[str, list[str]] = {}
    for row in shown:
        if row.kind != "achievement":
            continue
        when = date_of(row, "date")
        if not _in_range(when, since, until):
            continue
        goal_refs = ref_list(row.fields.get("goal"))
        goal = refs.get(goal_refs[0], "goal") if goal_refs else None
        key = stem(goal) if goal else (goal_refs[0] if goal_refs else "")
        impact = row.fields.get("impact")
        entry = Achievement(item=ItemRef.of(row), date=when,
                            impact=impact if isinstance(impact, str) else "", goal=key or None,
                            skills=skill_titles(row))
        if key not in sections:
            sections[key] = GoalSection(goal=ItemRef.of(goal) if goal else None,
                                        title=goal.title if goal else (key or OTHER),
                                        achievements=[])
        sections[key].achievements.append(entry)
        for skill in entry.skills:
            by_skill.setdefault(skill, []).append(row.title)
    learning: list[Finished] = []
    certifications: list[Finished] = []
    for row in shown:
        if row.kind != "learning" or row.status != "done":
            continue
        finished = date_of(row, "finished")
        if not _in_range(finished, since, until):
            continue
        cert = row.fields.get("certification")
        provider = row.fields.get("provider")
        study = Finished(item=ItemRef.of(row), finished=finished,
                         provider=provider if isinstance(provider, str) else None,
                         hours=number(row.fields.get("hours")),
                         certification=(cert if isinstance(cert, str) and cert.strip()
                                        else row.title if cert is True else None),
                         skills=skill_titles(row))
        (certifications if study.certification else learning).append(study)
        for skill in study.skills:
            by_skill.setdefault(skill, []).append(row.title)

    def newest(day: dt.date | None) -> dt.date:
        return day or dt.date.min

    goals = []
    for section in sections.values():
        section.achievements.sort(key=lambda a: newest(a.date), reverse=True)
        goals.append(section)
    goals.sort(key=lambda s: (s.goal is None, -len(s.achievements), s.title.lower()))
    return BragDoc(since=since, until=until, goals=goals,
                   skills=dict(sorted(by_skill.items(), key=lambda kv: kv[0].lower())),
                   learning=sorted(learning, key=lambda f: newest(f.finished), reverse=True),
                   certifications=sorted(certifications, key=lambda f: newest(f.finished),
                                         reverse=True),
                   posts=published_between(shown, since, until or dt.date.max, include_private))


def _range(doc: BragDoc) -> str:
    if doc.since and doc.until:
        return f"{doc.since} to {doc.until}"
    if doc.since:
        return f"since {doc.since}"
    if doc.until:
        return f"until {doc.until}"
    return "all time"


def _finished_line(f: Finished) -> str:
    bits = [b for b in (f.provider, f"{f.hours:g} h" if f.hours else None) if b]
    return f"{f.finished or 'undated'} — {f.certification or f.item.title}" + (
        f" ({', '.join(bits)})" if bits else "")


def _post_line(p: Post) -> str:
    metrics = metrics_line(p)
    return (f"{p.publish or 'undated'} — {p.title} ({p.channel or 'post'})"
            + (f": {metrics}" if metrics else ""))


def to_markdown(doc: BragDoc) -> str:
    """The brag document as Markdown, ready to paste into a review or a CV."""
    lines = [f"# Brag document ({_range(doc)})", ""]
    if doc.empty:
        lines += ["Nothing recorded in this period yet: add achievements with "
                  "`solo add achievement`.", ""]
    for section in doc.goals:
        lines += [f"## {section.title}", ""]
        for a in section.achievements:
            line = f"- **{a.date or 'undated'} — {a.item.title}**"
            if a.impact:
                line += f"  \n  Impact: {a.impact}"
            if a.skills:
                line += f"  \n  Skills: {', '.join(a.skills)}"
            lines.append(line)
        lines.append("")
    for heading, entries in (("Certifications", doc.certifications),
                             ("Learning finished", doc.learning)):
        if entries:
            lines += [f"## {heading}", ""] + [f"- {_finished_line(f)}" for f in entries] + [""]
    if doc.posts:
        lines += ["## Published", ""]
        lines += [f"- {_post_line(p)}" + (f" <{p.url}>" if p.url else "")
                  for p in doc.posts] + [""]
    if doc.skills:
        lines += ["## By skill", ""]
        lines += [f"- **{skill}**: {'; '.join(titles)}" for skill, titles in doc.skills.items()]
        lines.append("")
    return "\n".join(lines)


_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46rem;margin:2rem auto;
padding:0 1rem;color:#1d2a30;background:#fff}
h1{font-size:1.7rem;border-bottom:3px solid #0f766e;padding-bottom:.3rem}
h2{font-size:1.2rem;color:#0f766e;margin-top:2rem}
ul{padding-left:1.2rem}li{margin:.5rem 0}.date{color:#52606d;font-variant-numeric:tabular-nums}
.impact{display:block}.skills{display:block;color:#52606d;font-size:.9rem}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def to_html(doc: BragDoc) -> str:
    """The brag document as one self-contained HTML page (inline CSS, every text escaped)."""
    e = html.escape
    title = f"Brag document ({_range(doc)})"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{e(title)}</h1>"]
    if doc.empty:
        out.append("<p>Nothing recorded in this period yet.</p>")
    for section in doc.goals:
        out += [f"<h2>{e(section.title)}</h2>", "<ul>"]
        for a in section.achievements:
            item = (f'<li><span class="date">{e(str(a.date or "undated"))}</span> '
                    f"<strong>{e(a.item.title)}</strong>")
            if a.impact:
                item += f'<span class="impact">Impact: {e(a.impact)}</span>'
            if a.skills:
                item += f'<span class="skills">Skills: {e(", ".join(a.skills))}</span>'
            out.append(item + "</li>")
        out.append("</ul>")
    for heading, entries in (("Certifications", doc.certifications),
                             ("Learning finished", doc.learning)):
        if entries:
            out += [f"<h2>{heading}</h2>", "<ul>"]
            out += [f"<li>{e(_finished_line(f))}</li>" for f in entries]
            out.append("</ul>")
    if doc.posts:
        out += ["<h2>Published</h2>", "<ul>"]
        out += [f"<li>{e(_post_line(p))}" + (f' <a href="{e(p.url)}">{e(p.url)}</a>' if
                                             p.url.startswith(("https://", "http://")) else "")
                + "</li>" for p in doc.posts]
        out.append("</ul>")
    if doc.skills:
        out += ["<h2>By skill</h2>", "<ul>"]
        out += [f"<li><strong>{e(skill)}</strong>: {e('; '.join(titles))}</li>"
                for skill, titles in doc.skills.items()]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
