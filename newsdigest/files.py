"""Reading what users put in content/: regular files only.

A FIFO named `x.md` blocks the first read forever (holding the build lock), and a device
can stream without end. Every file from content/ is opened without blocking, checked to be a
regular file, and only then read. Anything else is an OSError naming the file, which the
callers already report as "cannot read".
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class NotRegularFile(OSError):
    def __init__(self, path: Path | str, kind: str):
        super().__init__(errno.EINVAL, f"is {kind}, not a regular file (only regular files are read)", str(path))


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path | str) -> bytes:
    """The bytes of a regular file; NotRegularFile (an OSError) for anything else, at once."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, kind_of(mode))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            fd = -1  # closed by the file object
            return fh.read()
    finally:
        if fd >= 0:
            os.close(fd)


def read_regular_text(path: Path | str) -> str:
    return read_regular(path).decode("utf-8")
