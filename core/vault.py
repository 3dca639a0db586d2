"""The vault façade: one object that wires the parts and offers the item API the UIs use.

Parts (see docs/architecture.md): `store` (a `DocStorage`), `repo` (`DocRepo`: loaded
documents and the root index), `files` (`VaultFiles`, the only door to the user's files),
`mirror` (`FileMirror`: scan, ingest, render once, journals), `items` (`Items`: resolve,
read, create, update, complete, delete, write_file), `links` (`VaultLinks`: outgoing links,
backlinks, unresolved links, link targets), `maintenance` (doctor, index rebuilds). The sync
replica (`core.replica`) works on the same parts. Tests may inject `storage`, `files` or
`index`. All writers hold `lock` (threads and processes alike).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from solo.core.config import Config, load_config, save_config
from solo.core.engine import identity
from solo.core.engine.attachments import KIND as ATTACHMENT
from solo.core.engine.crdt import CrdtError
from solo.core.engine.docrepo import DocRepo
from solo.core.engine.doctor import (
    Progress,
    layout_problems,
    open_sqlite_or_quarantine,
    sync_name_problem,
)
from solo.core.engine.events import ORIGIN_LOCAL, DocEvent, FileEvent, Origin, Unsubscribe
from solo.core.engine.files import VaultFiles
from solo.core.engine.index import Hit, Index, Row
from solo.core.engine.items import Item, Items
from solo.core.engine.journal import ActionJournal
from solo.core.engine.linkindex import LinkIndex
from solo.core.engine.linkquery import VaultLinks
from solo.core.engine.lock import VaultLock
from solo.core.engine.maintenance import Maintenance
from solo.core.engine.mirror import FileMirror, ScanReport
from solo.core.engine.storage import DocStorage
from solo.core.engine.store import DocStore, StoreError
from solo.core.errors import NotAVault, VaultError
from solo.core.model.ids import document_url

__all__ = ["Item", "NotAVault", "ScanReport", "Vault", "VaultError", "find_vault"]

SOLO_DIR = ".solo"
ChangeListener = Callable[[list[str]], None]
Derived = TypeVar("Derived", Index, LinkIndex)


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds `.solo/`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SOLO_DIR).is_dir():
            return folder
    return None


class Vault:
    """An open vault. Thread-safe for one process; safe beside other Solo processes."""

    def __init__(self, root: Path, *, storage: DocStorage | None = None,
                 files: VaultFiles | None = None, index: Index | None = None) -> None:
        self.root = root.resolve()
        self.solo_dir = self.root / SOLO_DIR
        if not self.solo_dir.is_dir():
            raise NotAVault(f"{self.root} is not a Solo vault (no {SOLO_DIR}/); run `solo init`")
        for problem in layout_problems(self.solo_dir):
            raise VaultError(f"{problem}; run `solo doctor` to repair it")
        self.notices: list[str] = []  # repairs made while opening, for doctor and the CLI
        self.lock = VaultLock(self.solo_dir / "lock")
        self.store: DocStorage = storage if storage is not None else DocStore(self.solo_dir / "store")
        self.index = index if index is not None else self._open_derived("index.sqlite", Index)
        self.actor = identity.device_actor(self.solo_dir)
        self.root_id = identity.root_id(self.solo_dir)
        self.repo = DocRepo(self.store, self.actor, root_id=self.root_id)
        self.files = files if files is not None else VaultFiles(self.root)
        self.mirror = FileMirror(self.files, self.repo, self.index, self.solo_dir,
                                 self._open_derived("links.sqlite", LinkIndex))
        self.config_path = self.solo_dir / "config.toml"
        self.config: Config = load_config(self.config_path)
        self.mirror.attachments.max_bytes = int(self.config.attachments_max_mb * 1024 * 1024)
        self.journal = ActionJournal(self.solo_dir)
        self.items = Items(self.mirror, self.index, self.lock, self.journal)
        self.links = VaultLinks(self.mirror.links, self.index, self.files, self.lock, self.items)
        self.maintenance = Maintenance(self.repo, self.mirror, self.index, self.lock)
        self.notices += self.maintenance.rebuild_lost(self.links.rebuild)

    def _open_derived(self, name: str, kind: type[Derived]) -> Derived:
        """A derived SQLite file of `.solo/`, set aside (noted) and made anew if not a database."""
        opened, notice = open_sqlite_or_quarantine(self.solo_dir / name, self.solo_dir, kind)
        assert isinstance(opened, kind)
        if notice:
            self.notices.append(notice)
        return opened

    @classmethod
    def init(cls, root: Path, root_id: str | None = None, *,
             storage: DocStorage | None = None) -> Vault:
        """Make `root` a vault (existing files are kept and ingested by the first scan);
        with `root_id`, one that joins another device's vault."""
        solo = root / SOLO_DIR
        (solo / "store").mkdir(parents=True, exist_ok=True)
        identity.init_identity(solo, storage if storage is not None else DocStore(solo / "store"),
                               root_id)
        (solo / ".gitignore").write_text("*\n")
        return cls(root, storage=storage)

    @property
    def url(self) -> str:
        """The `automerge:` URL a second device needs to join this vault."""
        return document_url(self.root_id)

    def save_config(self) -> None:
        save_config(self.config_path, self.config)

    def close(self) -> None:
        self.mirror.line_tasks.close()
        self.index.close()
        self.mirror.links.close()
        self.repo.forget_all()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- events ------------------------------------------------------------------------
    def on_change(self, listener: ChangeListener) -> Unsubscribe:
        """Call `listener(paths)` after files were ingested, written or removed; returns
        the function that unsubscribes it. `on_file_event` gives the origin too."""
        return self.mirror.events.add(lambda event: listener(list(event.paths)))

    def on_file_event(self, listener: Callable[[FileEvent], None]) -> Unsubscribe:
        return self.mirror.events.add(listener)

    def on_doc_event(self, listener: Callable[[DocEvent], None]) -> Unsubscribe:
        """Call `listener(event)` (under the vault lock) whenever a document gains changes."""
        return self.repo.on_change(listener)

    # --- files (through the mirror) ------------------------------------------------------
    def abs(self, rel: str) -> Path:
        return self.files.path(rel)

    def scan(self, origin: Origin = ORIGIN_LOCAL,
             progress: Callable[[int, int], None] | None = None) -> ScanReport:
        """Bring the store and index up to date with the files (stat first, read only changes);
        `progress(done, total)` hears how far a bulk ingest of new files is."""
        if not self.store.exists(self.root_id):
            if self.index.count():
                raise VaultError(f"{self.root}: the root index document {self.root_id} is "
                                 "missing from .solo/store; run `solo doctor` to rebuild it")
            raise VaultError(f"{self.root}: this vault has not received its index from a server "
                             "yet; run `solo sync`")
        if self.mirror.pending.ids():  # a crash left remote changes stored but not written
            from solo.core.engine.replica import finish_pending  # (the sync side, only then)

            finish_pending(self)
        with self.lock:
            report = self.mirror.scan(origin, progress)
        for path in [*report.added, *(new for _, new in report.renamed)]:
            problem = sync_name_problem(path)
            if problem is not None:
                report.problems.setdefault(path, problem)
        return report

    def ingest(self, paths: Iterable[str], origin: Origin = ORIGIN_LOCAL) -> dict[str, str | None]:
        """Ingest these vault-relative paths as they are now (missing ones are removed)."""
        with self.lock:
            results = self.mirror.ingest(paths, origin)
        for path, problem in results.items():
            named = sync_name_problem(path) if problem is None and self.files.exists(path) \
                else None
            if named is not None:
                results[path] = named
                import logging  # (loaded for this rare warning only, not by every command)

                logging.getLogger(__name__).warning(named)
        return results

    def moved(self, old: str, new: str, origin: Origin = ORIGIN_LOCAL) -> None:
        """A file was renamed (seen by the watcher): keep its identity."""
        with self.lock:
            if self.mirror.keep_identity(old, new, origin):
                return
        self.ingest([p for p in (old, new) if self.mirror.is_vault_file(p)], origin)

    # --- items (delegated) ---------------------------------------------------------------
    def rows(self, kind: str | None = None, statuses: Iterable[str] | None = None,
             tag: str | None = None, where: Mapping[str, str] | None = None, *,
             open_tasks: bool = False) -> list[Row]:
        """Index rows (no attachments unless `kind` asks for them); `open_tasks`: closed
        tasks left out (what a default list hides)."""
        rows = self.index.rows(kind, list(statuses) if statuses else None, tag, where,
                               open_tasks=open_tasks)
        return rows if kind else [r for r in rows if r.kind != ATTACHMENT]

    def attachments(self) -> list[Row]:
        """Every attachment (non-Markdown file) the vault mirrors or skipped, by path."""
        return self.index.rows(ATTACHMENT)

    def line_tasks(self) -> list[Row]:
        """The checkbox tasks inside notes, as task rows (`core.linetasks`)."""
        return self.items.line_tasks()

    def tasks(self, statuses: Iterable[str] | None = None) -> list[Row]:
        """Every task: task files, then checkbox tasks in notes; of these statuses."""
        wanted = set(statuses) if statuses else None
        lines = [r for r in self.line_tasks() if wanted is None or (r.status or "inbox") in wanted]
        return self.rows("task", wanted) + lines

    def resolve(self, ref: str) -> Row:
        return self.items.resolve(ref)

    def read(self, ref: str | Row) -> Item:
        return self.items.read(ref)

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        return self.index.search(text, limit)

    def create(self, kind: str, title: str, fields: Mapping[str, Any] | None = None,
               body: str = "", folder: str | None = None) -> Item:
        return self.items.create(kind, title, fields, body, folder,
                                 front_matter=self.config.front_matter)

    def update(self, ref: str | Row, set_fields: Mapping[str, Any] | None = None,
               unset: Iterable[str] = (), body: str | None = None, *,
               action: str | None = "modify", expect_body: str | None = None) -> Item:
        """`action`: what `solo undo` calls it (None: not journalled, e.g. an editor's autosave);
        `expect_body`: write only over this body (else `BodyChanged`, see `Items.update`)."""
        return self.items.update(ref, set_fields, unset, body, action=action,
                                 expect_body=expect_body)

    def complete(self, ref: str | Row, today: dt.date | None = None, *,
                 force: bool = False) -> tuple[Item, Item | None]:
        return self.items.complete(ref, today, force=force)

    def delete(self, ref: str | Row) -> Row:
        return self.items.delete(ref)

    # --- maintenance (delegated) ---------------------------------------------------------
    def doctor(self, repair: bool = True, full: bool = False,
               progress: Progress | None = None) -> list[str]:
        """Repair store damage, bring the files in (scan), then check and report (see
        `core.doctor`); returns the findings (empty: nothing wrong)."""
        findings = list(self.notices)
        self.notices.clear()
        findings += self.maintenance.repair_store(repair, progress)
        if self.store.exists(self.root_id):
            try:
                self.scan()
            except (StoreError, CrdtError) as exc:  # only when not repairing
                findings.append(str(exc))
                return findings
        findings += self.maintenance.doctor(repair, full, progress)
        return findings
