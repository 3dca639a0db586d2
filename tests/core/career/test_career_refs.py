"""Career references resolve by the link index's rules (`links.Resolver`): one resolver."""

from __future__ import annotations

from pathlib import Path

from support.career_helpers import TODAY, make_vault, page

from solo.core.career.progress import Refs, goal_progress
from solo.core.vault import Vault

FILES = {
    "goals/cloud.md": page('kind = "goal"\ntitle = "Cloud Architect"\naliases = ["SA Pro"]'),
    "archive/goals/cloud.md": page('kind = "goal"\ntitle = "Old cloud goal"'),
    "skills/python.md": page('kind = "skill"\ntitle = "Python"\nlevel = 3'),
    "notes/python.md": "# Python notes\n",
    "tasks/a.md": page('kind = "task"\ntitle = "A"\ngoal = "[[SA Pro]]"\nstatus = "done"'),
    "tasks/b.md": page('kind = "task"\ntitle = "B"\ngoal = "archive/goals/cloud"'),
    "tasks/c.md": page('kind = "task"\ntitle = "C"\ngoal = "cloud"'),
}


def test_refs_answer_as_the_link_index_does(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", FILES)
    with Vault(root) as vault:
        rows = vault.rows()
        refs = Refs(rows)
        for ref in ("cloud", "Cloud.md", "[[cloud|shown]]", "SA Pro", "Cloud Architect",
                    "archive/goals/cloud", "goals/cloud", "python", "Plugins/none"):
            found = refs.get(ref)
            target = vault.links.target(ref)
            assert (found.path if found else None) == (target[0] if target else None), ref
        goal = vault.resolve("goals/cloud.md")
        assert refs.get(goal.doc_id) == goal and refs.get(goal.short_id) == goal
        assert refs.get(goal.doc_id[:6]) == goal  # a unique id prefix
        # Several candidates: the shortest path, as for `[[cloud]]` written at the top.
        assert refs.key("cloud", "goal") == "cloud"
        assert refs.get("cloud").path == "goals/cloud.md"
        # A kind asks for the best candidate of that kind, not the first file of the name.
        assert refs.get("python", "skill").path == "skills/python.md"
        assert refs.get("python", "goal") is None
        progress = goal_progress(goal, rows, TODAY, refs)
        assert (progress.tasks_done, progress.tasks_total) == (1, 2)  # a (alias) and c (name)
