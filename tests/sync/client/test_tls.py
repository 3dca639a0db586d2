"""TLS (issue 12): `solo serve --tls-cert/--tls-key`, wss:// remotes verified by the system store or `--ca`.

The certificate authority and the server's certificate for 127.0.0.1 are made in the test
(trustme); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import re
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from support.solo_cli import run_solo, solo_env
from support.sync_server import FAST, TOKEN, ServerThread, files, sync, write

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import sync_once
from solo.sync.transport import ConnectError


@pytest.fixture
def ca(tmp_path: Path) -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def cert_files(tmp_path: Path, ca: trustme.CA) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate chain, server key) files for 127.0.0.1."""
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, chain, key = tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key"
    ca.cert_pem.write_to_path(str(ca_file))
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(key))
    return ca_file, chain, key


@pytest.fixture
def tls_server(tmp_path: Path, cert_files: tuple[Path, Path, Path]) -> Iterator[ServerThread]:
    _, chain, key = cert_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain, key)
    server = ServerThread(tmp_path / "server", tls=context).start()
    yield server
    server.stop()


def test_a_wss_sync_works_with_the_ca(tmp_path: Path, tls_server: ServerThread,
                                      cert_files: tuple[Path, Path, Path]) -> None:
    ca_file = str(cert_files[0])
    assert tls_server.url.startswith("wss://127.0.0.1:")
    a = Vault.init(tmp_path / "a")
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    try:
        write(a, "secret.md", "# Secret\n\nover TLS\n")
        sync(a, Remote(tls_server.url, TOKEN, ca_file))
        asyncio.run(sync_once(b, Remote(tls_server.url, TOKEN, ca_file), options=FAST))
        b.scan()
        assert files(b) == files(a)
    finally:
        a.close()
        b.close()


def test_a_wss_sync_without_the_ca_fails_clearly(tmp_path: Path,
                                                 tls_server: ServerThread) -> None:
    a = Vault.init(tmp_path / "a")
    try:
        a.scan()
        with pytest.raises(ConnectError, match="cannot verify the TLS certificate.*--ca FILE"):
            asyncio.run(sync_once(a, Remote(tls_server.url, TOKEN), options=FAST))
    finally:
        a.close()


def test_solo_serve_with_tls_and_clone_with_ca(tmp_path: Path,
                                               cert_files: tuple[Path, Path, Path]) -> None:
    ca_file, chain, key = cert_files
    process = subprocess.Popen(
        [sys.executable, "-m", "solo.tui", "serve", "--port", "0", "--data",
         str(tmp_path / "server"), "--token", TOKEN, "--tls-cert", str(chain),
         "--tls-key", str(key)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=solo_env())
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"wss://127\.0\.0\.1:(\d+)/", line)
        assert found, line + (process.stderr.read() if process.stderr else "")
        url = found.group(0)
        a = Vault.init(tmp_path / "a")
        write(a, "note.md", "# Note\n\nhello\n")
        sync(a, Remote(url, TOKEN, str(ca_file)))
        a.close()

        refused = run_solo("clone", url, a.url, str(tmp_path / "b"), "--token", TOKEN)
        assert refused.returncode == 1
        assert "cannot verify the TLS certificate" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert not (tmp_path / "b").exists()

        cloned = run_solo("clone", url, a.url, str(tmp_path / "b"), "--token", TOKEN,
                          "--ca", str(ca_file))
        assert cloned.returncode == 0, cloned.stderr
        assert (tmp_path / "b" / "note.md").read_text() == "# Note\n\nhello\n"
        again = run_solo("sync", "--once", cwd=tmp_path / "b")  # the CA was kept
        assert again.returncode == 0, again.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(10) == 0
        finally:
            process.kill()
            process.wait()


def test_serve_refuses_half_a_tls_setting(tmp_path: Path,
                                          cert_files: tuple[Path, Path, Path]) -> None:
    result = run_solo("serve", "--port", "0", "--data", str(tmp_path / "s"),
                      "--tls-cert", str(cert_files[1]))
    assert result.returncode == 1
    assert "--tls-key" in result.stderr and "Traceback" not in result.stderr


def test_remote_add_keeps_the_ca_and_sync_uses_it(tmp_path: Path, tls_server: ServerThread,
                                                  cert_files: tuple[Path, Path, Path]) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "note.md", "# Note\n\nvia remote add\n")
    a.close()
    added = run_solo("remote", "add", tls_server.url, "--token", TOKEN, "--ca",
                     str(cert_files[0]), cwd=tmp_path / "a")
    assert added.returncode == 0, added.stderr
    assert "ca = " in (tmp_path / "a" / ".solo" / "config.toml").read_text()
    synced = run_solo("sync", "--once", cwd=tmp_path / "a")
    assert synced.returncode == 0, synced.stderr
    missing = run_solo("remote", "add", tls_server.url, "--ca", str(tmp_path / "nope.pem"),
                       cwd=tmp_path / "a")
    assert missing.returncode == 1 and "no such file" in missing.stderr
