"""Pause Python's cyclic garbage collector while sovcheck builds large acyclic data.

Loading an inventory, validating it and auditing it allocate millions of containers that
live until the end of the run and hold no reference cycles. Each allocation burst makes
the collector walk every live object again (generation 2), which costs a third of an
audit of a large inventory and grows faster than the inventory. Reference counting still
frees everything as usual; only the cycle search is deferred to the end of the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cycle collector inside the block (re-entrant; restores the old state)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
