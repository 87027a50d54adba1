"""Worker processes that never outlive the build that started them.

A build killed with SIGKILL cannot stop its workers; orphans would keep rendering into a
dead build and hold the build lock (inherited across fork), so the next build would wait
forever. On Linux each worker asks the kernel to kill it when its parent dies.
"""
from __future__ import annotations

import ctypes
import gc
import os
from contextlib import contextmanager
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
    gc.enable()  # for the worker's own objects; what it inherited is frozen (see collector_paused)


@contextmanager
def collector_paused():
    """No garbage collection in the build process while it runs.

    A build allocates millions of objects that live until it ends and form few cycles: the
    collector's passes over them cost about a tenth of the build's own time. Before each fork
    the heap is frozen (`fork_ready`), so workers, which collect their own garbage, never walk
    the inherited objects, which would copy every page they touch. Collection resumes, and
    catches up, when the build is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def fork_ready() -> None:
    """Call just before forking workers: see collector_paused."""
    gc.freeze()


# In a worker process only: the function and tasks it inherited from the pool's parent.
_INHERITED: tuple = ()


def _inherit(parent_pid: int, fn, tasks: list) -> None:
    die_with_parent(parent_pid)
    global _INHERITED
    _INHERITED = (fn, tasks)


def _run_task(index: int):
    fn, tasks = _INHERITED
    return fn(tasks[index])


def fork_imap(fn, tasks: list, workers: int, ordered: bool = True, renew: int | None = None):
    """fn(t) for each task, yielded as they finish, on forked worker processes when there are
    several workers (in task order when `ordered`).

    The workers inherit fn and everything it refers to (closures, the model, large indexes)
    through fork, as the pool's initializer arguments: nothing is pickled but the task number
    and the result. This is the one process pool of a build.

    `renew`: fresh workers after each `renew` tasks per worker. Reading an inherited object
    writes its reference count, which copies the memory page it lies on into the worker: a
    worker that goes through many tasks (the render's) ends up with a private copy of most of
    the parent's heap. A fresh one holds copies of what its own tasks read. (Not the pool's
    maxtasksperchild: the pool forks those from a thread, and die_with_parent's signal follows
    the thread that forked, which ends before the pool is torn down.)
    """
    if workers <= 1 or len(tasks) <= 1:
        yield from (fn(task) for task in tasks)
        return
    if renew is not None and len(tasks) > renew * workers:
        for start in range(0, len(tasks), renew * workers):
            yield from fork_imap(fn, tasks[start:start + renew * workers], workers, ordered)
        return
    import multiprocessing
    fork_ready()
    with multiprocessing.get_context("fork").Pool(min(workers, len(tasks)), _inherit,
                                                  (os.getpid(), fn, tasks)) as pool:
        run = pool.imap if ordered else pool.imap_unordered
        yield from run(_run_task, range(len(tasks)), chunksize=1)


def fork_map(fn, tasks: list, workers: int) -> list:
    """[fn(t) for t in tasks], on forked worker processes when there are several workers."""
    return list(fork_imap(fn, tasks, workers))
