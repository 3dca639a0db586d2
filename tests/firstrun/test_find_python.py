"""scripts/find-python and `make demo`, run for real against fake interpreters and a fake solo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = REPO / "scripts" / "find-python"


def fake_python(folder: Path, name: str, version: str) -> Path:
    """An executable that answers the probe's two questions like Python `version` would."""
    major, minor = (int(part) for part in version.split("."))
    path = folder / name
    path.write_text(
        "#!/bin/sh\n"
        f'case "$2" in *sys.exit*) [ {minor} -ge 11 ] && [ {minor} -le 12 ] && [ {major} -eq 3 ];'
        f' exit $?;; *executable*) echo "{path}";; *version_info*) echo "{version}";; esac\n')
    path.chmod(0o755)
    return path


def probe(path_dirs: list[Path], *args: str, py: str | None = None) -> subprocess.CompletedProcess[str]:
    # Only the fake folders: the probe needs nothing but /bin/sh and its builtins.
    env = {"PATH": os.pathsep.join(map(str, path_dirs)),
           "HOME": os.environ.get("HOME", "/tmp")}
    if py is not None:
        env["PY"] = py
    return subprocess.run([str(PROBE), *args], env=env, capture_output=True, text=True,
                          timeout=30, check=False)


def test_only_a_313_python3_gives_one_line_saying_what_works(tmp_path: Path) -> None:
    fake_python(tmp_path, "python3", "3.13")
    result = probe([tmp_path])
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "python3 is 3.13" in lines[0] and "3.11 or 3.12" in lines[0]
    assert "uv python install 3.12" in lines[0] and "PY=" in lines[0]


def test_a_python312_beside_a_313_python3_is_chosen(tmp_path: Path) -> None:
    fake_python(tmp_path, "python3", "3.13")
    chosen = fake_python(tmp_path, "python3.12", "3.12")
    result = probe([tmp_path])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(chosen)


def test_a_supported_python3_is_used_when_nothing_newer_is_there(tmp_path: Path) -> None:
    chosen = fake_python(tmp_path, "python3", "3.11")
    assert probe([tmp_path]).stdout.strip() == str(chosen)


def test_uv_provides_one_when_no_python_on_path_is_supported(tmp_path: Path) -> None:
    fake_python(tmp_path, "python3", "3.13")
    managed = tmp_path / "managed"
    managed.mkdir()
    chosen = fake_python(managed, "python3.12", "3.12")
    uv = tmp_path / "uv"
    uv.write_text(f'#!/bin/sh\n[ "$1 $2 $3" = "python find 3.12" ] && echo "{chosen}"\n')
    uv.chmod(0o755)
    result = probe([tmp_path])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(chosen)


def test_py_given_is_used_alone_and_refused_when_unsupported(tmp_path: Path) -> None:
    fake_python(tmp_path, "python3.12", "3.12")
    old = fake_python(tmp_path, "python3.13", "3.13")
    result = probe([tmp_path], py=str(old))
    assert result.returncode == 1
    assert f"PY={old} is Python 3.13" in result.stderr and "3.11 or 3.12" in result.stderr
    assert probe([tmp_path], "--check", str(old)).returncode == 1
    assert probe([tmp_path], "--check", str(tmp_path / "python3.12")).returncode == 0


def make_demo(tmp_path: Path, demo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`make demo` with BIN pointing at a fake solo that records how it was called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    solo = bin_dir / "solo"
    if not solo.exists():
        solo.write_text('#!/bin/sh\necho "solo $*" >> "$(dirname "$0")/calls"\n'
                        'if [ "$1" = init ]; then mkdir -p "$2/.solo"; fi\n')
        solo.chmod(0o755)
    return subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "demo",
                           f"BIN={bin_dir}", f"DEMO={demo}", *extra],
                          capture_output=True, text=True, timeout=60, check=False)


def test_make_demo_prints_the_vault_path_and_keeps_it_between_runs(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        return
    demo = tmp_path / "demo"
    first = make_demo(tmp_path, demo)
    assert first.returncode == 0, first.stderr
    assert f"Demo vault: a fresh copy of examples/vault at {demo}" in first.stdout
    assert (demo / "goals").is_dir()
    mine = demo / "notes" / "mine.md"
    mine.write_text("kept\n")
    second = make_demo(tmp_path, demo)
    assert second.returncode == 0, second.stderr
    assert f"Demo vault: {demo} (kept" in second.stdout and mine.read_text() == "kept\n"
    third = make_demo(tmp_path, demo, "DEMO_RESET=1")
    assert third.returncode == 0, third.stderr
    assert not mine.exists() and "fresh copy" in third.stdout
    calls = (tmp_path / "bin" / "calls").read_text().splitlines()
    assert calls.count(f"solo init {demo}") == 2 and calls.count(f"solo --vault {demo}") == 3


def test_make_demo_refuses_to_use_the_example_vault_itself(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        return
    before = sorted(p.name for p in (REPO / "examples" / "vault").rglob("*"))
    result = make_demo(tmp_path, REPO / "examples" / "vault", "DEMO_RESET=1")
    assert result.returncode != 0 and "inside examples/" in result.stderr
    assert sorted(p.name for p in (REPO / "examples" / "vault").rglob("*")) == before
