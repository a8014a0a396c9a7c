"""No pauses of the cycle collector while a month's records are built.

A month is hundreds of thousands of small records (events, sources, trace entries) that
hold no reference cycles: reference counting frees every one of them. CPython's cycle
collector nonetheless walks all the live ones again each time enough new objects have
been made, which cost reading and evaluating a 10,000-employee month about 40% of their
time. The stages that build them run inside `without_cycle_collection`; collection
resumes as it was when they return. Results never depend on when it runs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["without_cycle_collection"]


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The cycle collector off for the block, and on again after it if it was on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
