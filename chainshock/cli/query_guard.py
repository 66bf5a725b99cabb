"""A watchdog for one embedded Cypher query in the ``chainshock cypher`` process.

The embedded engine enforces its own time limit and buffer-pool cap, but some
work escapes both: ``UNWIND range(1, 2000000000)`` builds its list outside
the buffer pool and cannot be interrupted. The guard watches the process
from a thread: past the time limit (plus a grace period) it interrupts the
query, and if the query still runs, or if the process grows by more than
twice the memory cap, it prints one line and ends the process with exit
code 2. Only the CLI uses it: a library caller's process is not ours to end.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["guard", "rss_bytes"]

_GRACE_S = 2.0  # the engine's own limit gets this long to act first
_HARD_S = 5.0  # then an interrupt gets this long before the process ends


def rss_bytes() -> int:
    """This process's resident memory, from /proc (0 where there is no /proc)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    os._exit(2)


@contextlib.contextmanager
def guard(timeout: float, memory_mb: int, interrupt: Callable[[], None] | None = None,
          poll: float = 0.05) -> Iterator[None]:
    """Watch the query run inside the ``with`` block; see the module docstring."""
    done = threading.Event()
    start = time.monotonic()
    base = rss_bytes()
    limit = base + 2 * memory_mb * 1024**2 if memory_mb and base else 0

    def watch() -> None:
        interrupted = False
        while not done.wait(poll):
            elapsed = time.monotonic() - start
            if limit and rss_bytes() > limit:
                _die(
                    f"the query grew this process by more than {2 * memory_mb} MB (twice --memory {memory_mb}) "
                    "and was stopped; narrow it (a LIMIT, smaller ranges) or raise --memory"
                )
            if timeout and elapsed > timeout + _GRACE_S and not interrupted:
                interrupted = True
                if interrupt is not None:
                    with contextlib.suppress(Exception):
                        interrupt()
            if timeout and elapsed > timeout + _GRACE_S + _HARD_S:
                _die(
                    f"the query ran past its time limit ({timeout:g} s) and was stopped; narrow it "
                    "(a LIMIT, fewer hops) or raise --timeout (0: no limit)"
                )

    thread = threading.Thread(target=watch, name="chainshock-query-guard", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
