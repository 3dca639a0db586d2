"""Sync commands: `share`, `remote add|list|remove`, `sync`, `clone`, `serve`.

`solo serve` keeps its documents in `--data DIR`, by default `$XDG_DATA_HOME/solo/server`
(`~/.local/share/solo/server`). Its token comes from `--token` or `$SOLO_SERVER_TOKEN`.
Tokens travel both as `?token=` and as an `Authorization: Bearer` header; a refused token
exits 1 with one line and writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from solo.core.config import Remote
from solo.core.model.ids import InvalidId, parse_document_url
from solo.core.vault import SOLO_DIR, Vault
from solo.sync.client import (
    BackgroundSync,
    SyncReport,
    SyncStatus,
    check_remote,
    start_background_sync,
    sync_once,
)
from solo.sync.transport import ConnectError, check_url, display_url
from solo.tui.cli.common import UserError, open_vault, wait_until_stopped
from solo.tui.cli.table import default_server_data


class Progress:
    """One updating line on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < (0.1 if self.tty else 2.0):
            return
        self._last = now
        line = f"{self.label}: {done}/{total} documents"
        if self.tty:
            print(f"\r{line}\x1b[K", end="", file=self.stream, flush=True)
            self._shown = True
        elif total >= 50:
            print(line, file=self.stream, flush=True)

    def end(self) -> None:
        if self._shown:
            print("\r\x1b[K", end="", file=self.stream, flush=True)


def _run_once(vault: Vault, remote: Remote, full: bool) -> SyncReport:
    progress = Progress(f"syncing with {display_url(remote.url)}")
    try:
        return asyncio.run(sync_once(vault, remote, full=full, on_progress=progress))
    except ConnectError as exc:
        raise UserError(str(exc)) from None
    finally:
        progress.end()


def _summary(report: SyncReport) -> str:
    text = (f"Synced with {report.remote}: {report.documents} document(s) exchanged "
            f"in {report.seconds:.1f} s")
    if report.unavailable:
        text += f"; {len(report.unavailable)} not on the server yet"
    return text


def _ca_path(ca: str | None) -> str | None:
    """The CA file as an absolute path (kept in the config, used from any folder)."""
    if ca is None:
        return None
    path = Path(ca).expanduser().resolve()
    if not path.is_file():
        raise UserError(f"--ca {ca}: no such file")
    return str(path)


def _with_ca(remote: Remote, ca: str | None) -> Remote:
    """`remote` verified by `ca` for this run, when given (the config is left as it is)."""
    return remote if ca is None else Remote(remote.url, remote.token, ca)


def _remote_for(vault: Vault, url: str) -> Remote | None:
    for remote in vault.config.remotes:
        if remote.url == url or display_url(remote.url) == display_url(url):
            return remote
    return None


# --- commands -------------------------------------------------------------------------------
def cmd_share(args: argparse.Namespace) -> int:
    with open_vault(args, scan=False) as vault:
        print(vault.url)
    return 0


def cmd_remote(args: argparse.Namespace) -> int:
    with open_vault(args, scan=False) as vault:
        if args.remote_command == "add":
            try:
                check_url(args.url)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            ca = _ca_path(args.ca)
            existing = _remote_for(vault, args.url)
            if existing is not None:
                existing.token = args.token
                existing.ca = ca or existing.ca
                print(f"Updated remote {display_url(args.url)}")
            else:
                vault.config.remotes.append(Remote(args.url, args.token, ca))
                print(f"Added remote {display_url(args.url)}")
            vault.save_config()
        elif args.remote_command == "remove":
            existing = _remote_for(vault, args.url)
            if existing is None:
                raise UserError(f"no remote {args.url!r} (see `solo remote list`)")
            vault.config.remotes.remove(existing)
            vault.save_config()
            print(f"Removed remote {display_url(existing.url)}")
        else:
            for remote in vault.config.remotes:
                print(display_url(remote.url) + ("  (token)" if remote.token else ""))
            if not vault.config.remotes:
                print("(no remotes; add one with `solo remote add ws://HOST:PORT/`)")
    return 0


def _fetch_root(vault: Vault, remotes: list[Remote]) -> None:
    """A vault whose clone was interrupted lacks its root index: fetch it before anything."""
    for remote in remotes:
        print(f"Resuming the clone of {vault.url} from {display_url(remote.url)}",
              file=sys.stderr)
        report = _run_once(vault, remote, full=False)
        for problem in report.problems:
            print(f"solo: warning: {problem}", file=sys.stderr)
        if vault.store.exists(vault.root_id):
            return
    raise UserError(f"no configured server has the vault {vault.url} "
                    "(see `solo remote list`)")


def cmd_sync(args: argparse.Namespace) -> int:
    with open_vault(args, scan=False, lasting=True) as vault:
        if not vault.config.remotes:
            if not vault.store.exists(vault.root_id):
                raise UserError("this clone was interrupted before its server was saved; run "
                                f"`solo clone SERVER_URL {vault.url} {vault.root}` again")
            raise UserError("no remote to sync with; add one with `solo remote add URL`")
        ca = _ca_path(args.ca)
        remotes = [_with_ca(remote, ca) for remote in vault.config.remotes]
        if not vault.store.exists(vault.root_id):
            _fetch_root(vault, remotes)
        scan = vault.scan()
        for problem in scan.problems.values():
            print(f"solo: warning: {problem}", file=sys.stderr)
        if args.once:
            status = 0
            for remote in remotes:
                report = _run_once(vault, remote, args.full)
                for problem in report.problems:
                    print(f"solo: warning: {problem}", file=sys.stderr)
                print(_summary(report))
                status = 1 if report.incomplete else status
            vault.scan()
            return status
        return _sync_live(vault, remotes, args.full)


def _status_printer() -> Callable[[SyncStatus], None]:
    shown: dict[str, str] = {}
    lock = threading.Lock()

    def on_status(status: SyncStatus) -> None:  # called from the sync thread
        if status.state == "syncing":
            return
        with lock:
            if shown.get(status.remote) != status.label:
                shown[status.remote] = status.label
                print(f"sync {status.remote}: {status.label}", flush=True)

    return on_status


def start_watch_sync(vault: Vault) -> BackgroundSync | None:
    """For `solo watch`: live sync with the configured remotes, one line per status change.

    Returns None when the vault has no remote; call `.stop()` on the result when done.
    """
    return start_background_sync(vault, on_status=_status_printer())


def _sync_live(vault: Vault, remotes: list[Remote], full: bool) -> int:
    from solo.core.engine.watch import VaultWatcher

    live = BackgroundSync(vault, remotes, on_status=_status_printer(), full=full)
    print(f"Syncing {vault.root} live (Ctrl-C to stop)", flush=True)
    with VaultWatcher(vault), live:
        wait_until_stopped()
    return 0


def _unfinished_clone(root: Path, root_id: str) -> bool:
    """True when `root` holds a clone of `root_id` that was interrupted (or never synced).

    A folder whose `.solo/` lacks its identity file (killed while it was being written)
    counts too: nothing in it can be anyone's data yet."""
    solo = root / SOLO_DIR
    try:
        found = (solo / "vault").read_text().strip()
    except FileNotFoundError:
        return not (solo / "store").is_dir() or not any((solo / "store").iterdir())
    except OSError:
        return False
    return found == root_id


def cmd_clone(args: argparse.Namespace) -> int:
    try:
        check_url(args.server_url)
        root_id = parse_document_url(args.automerge_url)
    except (ValueError, InvalidId) as exc:
        raise UserError(str(exc)) from None
    root = Path(args.path).expanduser()
    resuming = (root / SOLO_DIR).exists()
    if resuming and not _unfinished_clone(root, root_id):
        raise UserError(f"{root} is already a vault")
    remote = Remote(args.server_url, args.token, _ca_path(args.ca))
    try:  # a refused token or a dead server: fail before writing anything
        asyncio.run(check_remote(remote))
    except ConnectError as exc:
        raise UserError(str(exc)) from None
    created = not root.exists()
    if resuming:
        print(f"Resuming the clone of {args.automerge_url} in {root}", file=sys.stderr)
    root.mkdir(parents=True, exist_ok=True)
    vault = Vault.init(root, root_id=root_id)
    try:
        existing = _remote_for(vault, args.server_url)
        if existing is None:
            vault.config.remotes.append(remote)
        else:
            existing.token = args.token if args.token is not None else existing.token
            existing.ca = remote.ca or existing.ca
        vault.save_config()
        report = _run_once(vault, existing or remote, full=False)
        if report.root_missing or not vault.store.exists(root_id):
            vault.close()
            if created:
                shutil.rmtree(root, ignore_errors=True)
            elif not resuming:
                shutil.rmtree(root / SOLO_DIR, ignore_errors=True)
            raise UserError(f"{display_url(args.server_url)} does not have the vault "
                            f"{args.automerge_url}")
        scan = vault.scan()
        for problem in report.problems + list(scan.problems.values()):
            print(f"solo: warning: {problem}", file=sys.stderr)
        count = vault.index.count()
        print(f"Cloned {args.automerge_url} into {vault.root}: {count} file(s)")
        if report.unavailable:
            print(f"{len(report.unavailable)} document(s) are not on the server yet; "
                  "`solo sync` fetches them later")
    finally:
        vault.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from solo.sync.server import ServerError, main_serve, server_tls

    token = args.token or os.environ.get("SOLO_SERVER_TOKEN") or None
    data = Path(args.data).expanduser() if args.data else default_server_data()

    try:
        tls = server_tls(args.tls_cert, args.tls_key)
    except ServerError as exc:
        raise UserError(f"cannot serve: {exc}") from None
    scheme = "wss" if tls is not None else "ws"

    def ready(port: int) -> None:
        print(f"Serving on {scheme}://{args.host}:{port}/ (data in {data}"
              f"{', token required' if token else ''})", flush=True)

    try:
        return main_serve(args.host, args.port, data, token, ready=ready, tls=tls)
    except (ServerError, OSError) as exc:
        raise UserError(f"cannot serve: {exc}") from None
