"""The cyclic garbage collector during start-up: paused by the command line before Textual is
imported, resumed by the app once its first frame is painted.

Importing Textual and reading the policy make some 10^5 objects and little cyclic garbage, and
each collection meanwhile walks them all: about 15 % of the CPU to the first frame of a 1 MB
policy. Textual pauses the collector the same way while it scrolls. Only a pause made here is
resumed here: a program that turned the collector off itself keeps it off. No Textual import.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Turn the collector off until :func:`resume_collector` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Turn the collector back on if :func:`pause_collector` turned it off.

    Everything made meanwhile is moved to the oldest generation first (``gc.freeze`` and
    ``gc.unfreeze``, which collect nothing): left in the youngest, the first allocation after
    ``gc.enable`` would walk all of it at once, some 15 ms just as the first frame is drawn.
    It is collected later with the long-lived objects, like any other."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.unfreeze()
        gc.enable()
