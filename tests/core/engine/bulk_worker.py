"""Child process for the bulk-ingest kill test: makes a vault of a folder and ingests it."""

from __future__ import annotations

import sys
from pathlib import Path

from solo.core.vault import Vault


def main(root: str) -> None:
    vault = Vault.init(Path(root)) if not (Path(root) / ".solo").is_dir() else Vault(Path(root))
    vault.scan(progress=lambda done, total: print(f"progress {done} {total}", flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
