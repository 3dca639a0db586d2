"""A vault's identity in `.solo/`: the device's actor id (`device`) and the root document id (`vault`)."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.crdt import Doc, new_actor_id
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.engine.storage import DocStorage
from solo.core.errors import VaultError
from solo.core.model.ids import is_document_id, new_document_id


def device_actor(solo_dir: Path) -> bytes:
    """This device's actor id, made (and saved) on first use."""
    try:
        return bytes.fromhex((solo_dir / "device").read_text().strip())
    except (FileNotFoundError, ValueError):
        actor = new_actor_id()
        atomic_write_bytes(solo_dir / "device", actor.hex().encode() + b"\n")
        return actor


def root_id(solo_dir: Path) -> str:
    """The id of the vault's root index document (its identity)."""
    path = solo_dir / "vault"
    try:
        found = path.read_text().strip()
    except FileNotFoundError as exc:
        raise VaultError(f"{path} is missing: the vault has no identity; "
                         "run `solo init` again or clone it") from exc
    if not is_document_id(found):
        raise VaultError(f"{path}: not a document id: {found!r}")
    return found


def init_identity(solo_dir: Path, storage: DocStorage, joined_root: str | None) -> None:
    """Give a new vault a device id and a root: a fresh, empty root index document, or
    `joined_root` (another device's vault, whose root arrives with the first sync)."""
    actor = device_actor(solo_dir)
    vault_file = solo_dir / "vault"
    if vault_file.exists():
        return
    new_root = joined_root or new_document_id()
    if joined_root is None:
        doc = Doc.new(actor)
        with doc.change() as edit:
            edit.put(["solo"], {"format": 1, "kind": "vault-index"})
            edit.put(["files"], {})
        storage.create(new_root, doc)
    atomic_write_bytes(vault_file, (new_root + "\n").encode())
