"""The field schema of every kind (type, allowed values, meaning, example, derived fields), built from `model`."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from solo.core.model import kinds as model

TYPE_NAMES: dict[str, str] = {
    "str": "text", "int": "whole number", "number": "number", "bool": "true/false",
    "date": "date (YYYY-MM-DD)", "datetime": "local date-time (YYYY-MM-DDTHH:MM)",
    "list_of_str": "list of text", "ref": "reference (file stem or id)",
    "refs": "list of references", "key_results": "list of {name, target, current}",
    "minutes": "minutes (whole number)", "recurrence": 'rule ("every week")',
    "bool_or_str": "true/false or a name",
}
EXAMPLES: dict[str, str] = {
    "str": '"text"', "int": "3", "number": "12.5", "bool": "true", "date": "2026-12-01",
    "datetime": "2026-12-01T09:30:00", "list_of_str": '["cloud", "work"]', "ref": '"cloud-cert"',
    "refs": '["python", "aws"]', "minutes": "30", "recurrence": '"every month"',
    "bool_or_str": '"AWS SAA"',
    "key_results": '[{ name = "Labs", target = 10, current = 3 }]',
}
DERIVED: dict[str, tuple[tuple[str, str], ...]] = {
    "goal": (
        ("progress", "0–1: mean over key results of min(current / target, 1), else the share "
         "of linked tasks done (`solo show --json`, `solo report goals`)."),
        ("overdue / at_risk", "Past the target date while open / behind the time elapsed."),
        ("linked_tasks, linked_achievements, linked_learning", "Items whose `goal` names it."),
    ),
    "resource": (("monthly cost", "cost / 12 when yearly, cost when monthly "
                  "(`solo report spend`)."),),
    "task": (("overdue", "Open with `due` before today (Today screen, assistant facts)."),),
    "focus": (("time per day, task, goal, skill", "Sum of `minutes` (`solo report time`)."),),
    "block": (("overlaps / outside hours", "Blocks of the same day that collide; a block "
               "reaching outside the working hours, or on a day off (`solo plan`)."),
              ("goal", "The block's `goal`, else its task's (planned vs focused in reviews)."),),
    "person": (("last contact", "The later of `last_contact` and the date of the newest note "
                "linking [[them]] (its `date`, else the date its file name starts with, else "
                "`created`); never written back."),
               ("due", "Last contact + `cadence` (`solo people --due`)."),),
    "post": (("counted key results", "A goal's key result with `counts = \"posts\"` (or "
              "followers, views, reactions; optional `channel`, `base`) counts its published "
              "posts."),),
}

# Keys Solo writes itself beside the schema's fields.
OWN_KEYS: frozenset[str] = frozenset({"id", "completions", "uuid"})
OWN_KIND_KEYS: dict[str, frozenset[str]] = {"review": frozenset({"progress"})}

# Words people use for a field under another name (tried before spelling similarity).
SYNONYMS: dict[str, str] = {
    "billing": "period", "billed": "period", "frequency": "period", "price": "cost",
    "amount": "cost", "deadline": "due", "due_date": "due", "state": "status",
    "labels": "tags", "tag": "tags", "prio": "priority", "renewal": "renews",
    "effort": "estimate", "repeat": "recur", "recurrence": "recur",
}


@dataclass(frozen=True)
class Field:
    """One front-matter key of a kind, as a user reads it."""

    name: str
    type: str
    choices: tuple[str, ...]
    doc: str
    example: str
    default: Any = None
    common: bool = False


@dataclass(frozen=True)
class Kind:
    """A kind: its default folder, its fields and the values Solo derives from them."""

    name: str
    folder: str
    fields: tuple[Field, ...]
    derived: tuple[tuple[str, str], ...]


def _example(spec: model.FieldSpec) -> str:
    if spec.choices:
        return f'"{spec.default or spec.choices[0]}"'
    if spec.name == "currency":
        return '"EUR"'
    return EXAMPLES.get(spec.type, "")


def _field(spec: model.FieldSpec, common: bool, kind_name: str) -> Field:
    example = f'"{kind_name}"' if spec.name == "kind" else _example(spec)
    return Field(spec.name, TYPE_NAMES.get(spec.type, spec.type), spec.choices, spec.doc,
                 example, spec.default, common)


def kind(name: str) -> Kind:
    """The schema of one kind; raises KeyError naming the closest kind for an unknown one."""
    if name not in model.KINDS:
        close = difflib.get_close_matches(name, model.KINDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"unknown kind {name!r}{hint} (one of: {', '.join(model.KINDS)})")
    common = {spec.name for spec in model.COMMON_FIELDS}
    return Kind(name, model.DEFAULT_FOLDERS[name],
                tuple(_field(spec, spec.name in common, name) for spec in model.fields_for(name)),
                DERIVED.get(name, ()))


def kinds() -> list[Kind]:
    """Every kind, in the model's order."""
    return [kind(name) for name in model.KINDS]


def unknown_keys(kind_name: str, fields: Mapping[str, Any]) -> list[str]:
    """One line per front-matter key the kind does not define, with the closest known key.

    Unknown keys are allowed (Solo keeps them); this is for warnings such as a resource's
    `billing`, which Solo would not use as `period`. Solo's own keys (`OWN_KEYS`: `id`, a
    repeating task's `completions`, a Taskwarrior task's `uuid`, a review's `progress`) are
    never reported, and neither are a note's: its properties are the user's own (an Obsidian
    vault uses any names it likes).
    """
    if kind_name == "note":
        return []
    known = [spec.name for spec in model.fields_for(kind_name)]
    out = []
    for key in fields:
        if key in known or key in OWN_KEYS or key in OWN_KIND_KEYS.get(kind_name, ()):
            continue
        synonym = SYNONYMS.get(key.lower())
        close = [synonym] if synonym in known else difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        out.append(f"unknown key {key!r} for {kind_name}{hint}")
    return out


def as_json(item: Kind) -> dict[str, Any]:
    """A kind as plain data for `--json`."""
    return {"kind": item.name, "folder": item.folder,
            "fields": [{"name": f.name, "type": f.type, "choices": list(f.choices),
                        "doc": f.doc, "example": f.example, "default": f.default,
                        "common": f.common} for f in item.fields],
            "derived": [{"name": n, "doc": d} for n, d in item.derived]}
