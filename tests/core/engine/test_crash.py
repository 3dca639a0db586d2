"""SIGKILL at random points during ingest and writes: acknowledged edits survive, nothing tears."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from solo.core.engine.docform import render_doc
from solo.core.engine.docrepo import doc_rev
from solo.core.model import fileformat
from solo.core.vault import Vault

WORKER = Path(__file__).with_name("crash_worker.py")
ROUNDS = 12


def run_and_kill(root: Path, seed: int, delay: float,
                 defer: bool = False) -> list[tuple[str, str]]:
    """Start a worker, wait for its first acknowledged edit (a loaded machine may take long to
    start Python), let it write for `delay` more seconds, then SIGKILL it mid-work."""
    child = subprocess.Popen([sys.executable, str(WORKER), str(root), str(seed),
                              *(["defer"] if defer else [])],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate()
    assert "Traceback" not in err, err
    acks = []
    for line in [first, *out.splitlines()]:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ack":
            acks.append((parts[1], parts[2]))
    return acks


def verify(root: Path, acked: list[tuple[str, str]]) -> None:
    with Vault(root) as vault:
        vault.scan()
        files = {rel: vault.abs(rel).read_bytes() for rel, _ in vault.mirror.walk()}
        for rel, data in files.items():
            parsed = fileformat.split(data.decode("utf-8"))  # no torn, undecodable file
            assert parsed.problem is None, (rel, parsed.problem)
        for rel, token in acked:
            assert rel in files, f"acknowledged file {rel} is missing"
            assert token in files[rel].decode(), f"acknowledged edit {token} lost from {rel}"
        for row in vault.rows():
            assert row.doc_id, row.path
            doc = vault.repo.load(row.doc_id)
            assert render_doc(doc).encode() == files[row.path], row.path
            entry = vault.repo.root_entry(row.doc_id)  # listed, with its rev, by the scan
            assert entry and entry["path"] == row.path and entry["rev"] == doc_rev(doc), row
        assert vault.mirror.dirty.ids() == []
        assert vault.doctor(repair=False) == []


@pytest.mark.parametrize("defer", [False, True], ids=["lasting", "one-shot"])
def test_sigkill_during_writes_loses_no_acknowledged_edit(tmp_path: Path, defer: bool) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    Vault.init(root).close()
    rng = random.Random(1234)
    acked: list[tuple[str, str]] = []
    for round_number in range(ROUNDS):
        acks = run_and_kill(root, round_number, rng.uniform(0.0, 0.8), defer)
        assert acks, "the worker was killed before it acknowledged any edit"
        acked += acks
        verify(root, acked)
    assert len(acked) >= ROUNDS  # every kill came while a worker was writing
    print(f"{len(acked)} acknowledged edits over {ROUNDS} kills")
