"""`solo people [--due]`: who you last talked to and whose catch-up is due; `solo posts`: the content calendar.

Last contact follows the rule in `solo.core.career.people` (a note linking `[[Person]]` counts from
the note's date); nothing is written to the people's files.
"""

from __future__ import annotations

import argparse
from typing import Any

from solo.core.career import people, posts
from solo.core.career import progress as career
from solo.core.engine.index import Row
from solo.core.vault import Vault, VaultError
from solo.tui.cli.common import open_vault, print_json, today


def read_body(vault: Vault) -> Any:
    def read(row: Row) -> str | None:
        try:
            return vault.read(row).body
        except VaultError:
            return None
    return read


def contact_list(vault: Vault) -> list[people.Contact]:
    rows = vault.rows()
    return people.contacts(rows, today(), people.mentions(rows, read_body(vault)))


def _contact_json(c: people.Contact) -> dict[str, Any]:
    return {**career.jsonable(c.person), "organisation": c.organisation, "role": c.role,
            "cadence": c.cadence, "last_contact": c.last_contact and c.last_contact.isoformat(),
            "last_contact_from": c.source, "due": c.due and c.due.isoformat(),
            "overdue_days": c.overdue_days if c.due else None, "is_due": c.is_due,
            "notes": [{"path": m.note.path, "title": m.note.title, "date": m.day.isoformat()}
                      for m in c.notes]}


def contact_line(c: people.Contact) -> str:
    who = c.person.title + (f" ({', '.join(b for b in (c.role, c.organisation) if b)})"
                            if c.role or c.organisation else "")
    last = f"last {c.last_contact}" if c.last_contact else "never in touch"
    if c.due is None:
        when = "no cadence"
    elif c.overdue_days > 0:
        when = f"due {c.overdue_days} day(s) ago"
    elif c.overdue_days == 0:
        when = "due today"
    else:
        when = f"due {c.due}"
    return f"{who} — {last} · {c.cadence or '-'} · {when}"


def cmd_people(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        found = contact_list(vault)
    if args.due:
        found = people.due_contacts(found)
    if args.json:
        print_json([_contact_json(c) for c in found])
        return 0
    if not found:
        print("Nobody is due a catch-up." if args.due else
              "No people yet: `solo add person \"Name\" --set cadence=\"every 6 weeks\"`")
        return 0
    for c in found:
        print(("! " if c.is_due else "  ") + contact_line(c))
    return 0


def _post_json(p: posts.Post) -> dict[str, Any]:
    out: dict[str, Any] = career.jsonable(p)
    return out


def cmd_posts(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        rows = vault.rows("post")
    day = today()
    flow = posts.pipeline(rows)
    month = posts.month_published(rows, day)
    if args.json:
        print_json({"pipeline": {s: [_post_json(p) for p in ps] for s, ps in flow.items()},
                    "published_this_month": [_post_json(p) for p in month]})
        return 0
    for status, entries in flow.items():
        print(f"{status.capitalize()} ({len(entries)})")
        for p in entries:
            extra = posts.metrics_line(p) if status == "published" else ""
            print(f"  {p.publish or '          '}  {p.channel:<10} {p.title}"
                  + (f"  · {extra}" if extra else ""))
    print(f"Published in {day:%B %Y}: {len(month)}")
    return 0
