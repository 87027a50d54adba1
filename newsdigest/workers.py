"""Worker processes that never outlive the build that started them.

A build killed with SIGKILL cannot stop its workers; orphans would keep rendering into a
dead build and hold the build lock (inherited across fork), so the next build would wait
forever. On Linux each worker asks the kernel to kill it when its parent dies.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: SIGKILL this worker when the process that forked it exits."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
