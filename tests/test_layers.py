"""The layer rules: core imports neither sync nor tui nor textual; sync never imports tui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _modules(folder: str) -> list[str]:
    found = []
    for path in (REPO / folder).rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] != "__main__":
            found.append("solo." + ".".join(parts))
    return sorted(found)


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", _modules("core"))
def test_core_modules_load_no_higher_layer(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not {m for m in loaded if m.startswith(("solo.sync", "solo.tui", "textual"))}


@pytest.mark.parametrize("module", _modules("sync"))
def test_sync_modules_load_no_tui(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not {m for m in loaded if m.startswith(("solo.tui", "textual"))}


def test_only_crdt_module_imports_automerge() -> None:
    offenders = []
    for path in [*REPO.glob("core/**/*.py"), *REPO.glob("sync/*.py"), *REPO.glob("tui/**/*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "automerge" for n in names) and path.name != "crdt.py":
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_widgets_do_no_io() -> None:
    """Widgets post messages; they never open files, sockets or the vault themselves."""
    banned = {"open", "socket", "subprocess", "sqlite3", "Vault", "ollama", "websockets"}
    offenders = []
    for path in REPO.glob("tui/widgets/*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in banned:
                offenders.append(f"{path.name}: {node.id}")
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module.split(".")[0] in banned or node.module.endswith("vault")):
                offenders.append(f"{path.name}: import {node.module}")
    assert offenders == []


# Attributes the standard library documents despite the underscore.
_PUBLIC_BY_CONTRACT = {"_replace", "_asdict", "_fields", "_make", "_exit"}


def _private_names_defined(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if n.startswith("_")}


def test_no_module_reaches_into_another_modules_private_attributes() -> None:
    """`obj._name` is fine on `self`/`cls` or for a name the same module defines; reaching
    into another module's or object's private parts means the callee lacks a public method."""
    offenders = []
    for path in sorted([*REPO.glob("core/**/*.py"), *REPO.glob("sync/*.py")]):
        tree = ast.parse(path.read_text())
        own = _private_names_defined(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            name = node.attr
            if not name.startswith("_") or name.startswith("__") or name in _PUBLIC_BY_CONTRACT:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if name in own:
                continue
            offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: .{name}")
    assert offenders == []


def test_the_vault_and_the_replica_are_not_imported_in_a_cycle() -> None:
    """The replica works on the vault's parts (`VaultParts`); it never imports the vault."""
    tree = ast.parse((REPO / "core" / "engine" / "replica.py").read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert "solo.core.vault" not in imported
