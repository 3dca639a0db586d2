"""Child process for the crash test: writes and ingests in a loop, acknowledging each edit (`defer`: as a one-shot command)."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.vault import Vault


def main(root: str, seed: int, defer: bool) -> None:
    rng = random.Random(seed)
    vault = Vault(Path(root))
    vault.mirror.defer_revs = defer  # as a one-shot command: root entries left to dirty/
    vault.scan()
    for step in range(10_000):
        token = f"tok{seed}x{step}"
        notes = [r for r in vault.rows("note")]
        action = rng.random()
        if action < 0.35 or not notes:
            item = vault.create("note", f"Note {token}", body=f"{token}\n")
            ack = item.path
        elif action < 0.7:
            row = rng.choice(notes)
            item = vault.read(row)
            vault.update(row, body=item.body + f"{token}\n" + "filler " * rng.randint(0, 200))
            ack = row.path
        else:  # an editor saves (atomically, like vim), then Solo ingests
            row = rng.choice(notes)
            path = vault.abs(row.path)
            text = path.read_text(encoding="utf-8")
            atomic_write_bytes(path, (text + f"{token}\n").encode())
            vault.ingest([row.path])
            ack = row.path
        print(f"ack {ack} {token}", flush=True)
        os.sched_yield()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:] == ["defer"])
