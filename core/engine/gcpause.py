"""Pausing Python's cyclic garbage collector while a bulk of acyclic objects is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build many objects that hold no reference cycles (index rows, stat results) without
    a collection every few hundred of them, each of which walks every object made so far
    (a fifth of reading 10,000 rows). Nothing built here is garbage, so nothing is missed:
    the next collection after the block sees it all."""
    if not gc.isenabled():  # paused already (an outer block, another thread): leave it so
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
