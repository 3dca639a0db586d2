"""`solo config`, `solo kinds`, the field schema and docs/reference.md, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from support.solo_cli import run_solo, solo_env

from solo.core import config as solo_config
from solo.core.model import kinds as model
from solo.core.model import schema

REPO = Path(__file__).resolve().parents[2]


def test_init_writes_a_commented_config_that_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "v"
    assert run_solo("init", str(root)).returncode == 0
    text = (root / ".solo" / "config.toml").read_text()
    # every key is commented out, so the defaults can still change in a later version
    assert all(table == {} for table in tomllib.loads(text).values())
    for setting in solo_config.settings():
        name = setting.key.rsplit(".", 1)[-1]
        if "<" not in name:
            assert f"# {name} = " in text or name == "remotes", name
    uncommented = "\n".join(line[2:] if line.startswith("# ") and " = " in line
                            and not line.startswith("# Key remap") else line
                            for line in text.splitlines()
                            if not line.startswith(('# url', '# token', '# "app.')))
    assert tomllib.loads(uncommented)["work"]["days"] == solo_config.WorkConfig().days
    (root / ".solo" / "config.toml").write_text('[assistant]\nmodel = "mine"\n')
    assert run_solo("init", str(root)).returncode == 0  # an existing config is left alone
    assert (root / ".solo" / "config.toml").read_text() == '[assistant]\nmodel = "mine"\n'


def test_config_shows_values_and_sources_and_warns_about_unknown_keys(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root))
    (root / ".solo" / "config.toml").write_text(
        '[assistant]\nmodel = "qwen2.5"\nmodle = "x"\n[keys]\n"app.quitt" = "ctrl+q"\n')
    result = run_solo("--vault", str(root), "config", "--json",
                      env=solo_env(OLLAMA_HOST="http://127.0.0.1:9"))
    assert result.returncode == 0, result.stderr
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["assistant.model"]["value"] == "qwen2.5"
    assert rows["assistant.model"]["source"] == ".solo/config.toml"
    assert rows["assistant.host"] == {"key": "assistant.host", "value": "http://127.0.0.1:9",
                                      "source": "$OLLAMA_HOST",
                                      "default": "http://127.0.0.1:11434"}
    assert rows["work.focus_minutes"]["source"] == "default"
    assert ("solo: warning: .solo/config.toml: unknown key 'modle' in [assistant]; "
            "did you mean 'model'?") in result.stderr
    assert "unknown binding id 'app.quitt' in [keys]; did you mean 'app.quit'?" in result.stderr
    listed = run_solo("--vault", str(root), "list")
    assert listed.returncode == 0 and "unknown key 'modle'" in listed.stderr
    text = run_solo("--vault", str(root), "config").stdout
    assert "assistant.model" in text and "(.solo/config.toml)" in text


def test_kinds_lists_every_kind_and_shows_one(tmp_path: Path) -> None:
    listing = json.loads(run_solo("kinds", "--json").stdout)
    assert [k["kind"] for k in listing] == list(model.KINDS)
    resource = json.loads(run_solo("kinds", "resource", "--json").stdout)
    period = next(f for f in resource["fields"] if f["name"] == "period")
    assert resource["folder"] == "stack" and period["choices"] == ["monthly", "yearly", "once"]
    text = run_solo("kinds", "resource").stdout
    assert "period" in text and "monthly, yearly, once" in text
    assert "progress" in run_solo("kinds", "goal").stdout
    bad = run_solo("kinds", "resourc")
    assert bad.returncode == 1 and "did you mean 'resource'?" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_schema_names_the_closest_field_for_an_unknown_key() -> None:
    assert schema.unknown_keys("resource", {"billing": "monthly", "cost": 3, "id": "x"}) == [
        "unknown key 'billing' for resource; did you mean 'period'?"]
    assert schema.unknown_keys("task", {"prioritty": "high"}) == [
        "unknown key 'prioritty' for task; did you mean 'priority'?"]
    every = {spec.name for kind in model.KINDS for spec in model.fields_for(kind)}
    assert every == {f.name for k in schema.kinds() for f in k.fields}


def test_docs_reference_is_up_to_date() -> None:
    generated = subprocess.run([sys.executable, "-m", "solo.tui.reference"], capture_output=True,
                               text=True, check=True, timeout=60).stdout
    committed = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert generated == committed, ("docs/reference.md is stale: run "
                                    "`.venv/bin/python -m solo.tui.reference > docs/reference.md`")
    for command in ("solo config", "solo kinds", "solo add", "solo serve"):
        assert f"`{command}`" in committed
    assert "| `period` |" in committed and "`assistant.model`" in committed


def test_saving_the_config_writes_only_what_differs_from_the_defaults(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root))
    assert run_solo("--vault", str(root), "remote", "add", "ws://127.0.0.1:3030",
                    "--token", "t").returncode == 0
    text = (root / ".solo" / "config.toml").read_text()
    saved = {key: value for key, value in tomllib.loads(text).items() if value != {}}
    assert saved == {"remotes": [{"url": "ws://127.0.0.1:3030", "token": "t"}]}
    assert "# Solo vault settings. Every key is listed" in text  # the template's comments stay
    rows = {r["key"]: r for r in json.loads(run_solo("--vault", str(root), "config",
                                                     "--json").stdout)}
    assert rows["work.focus_minutes"]["source"] == "default"
    assert rows["remotes"]["value"] == [{"url": "ws://127.0.0.1:3030", "token": "***"}]
