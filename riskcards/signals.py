"""Hold SIGINT and SIGTERM over a step that must not be cut in two (layer: signals).

Used where an interruption would leave something behind: the bundle swap
(:mod:`riskcards.bundle`) and the start of PDF workers (:mod:`riskcards.render.pdf`). A
signal that arrives meanwhile is recorded and raised again when the step ends, so the
process still stops (or runs its handler), only a moment later. Handlers, not the signal
mask: a process-directed signal is delivered to any thread not blocking it, and Python runs
its handler in the main thread whatever that thread's mask.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _frame: pending.append(signum)) for s in HELD}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)
