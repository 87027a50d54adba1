"""The static search index: Pagefind run over the article pages of the slot being built.

Pagefind's output is not byte-for-byte reproducible (its filter files vary from run to run),
so the index is rebuilt only when an article page changed, and otherwise carried over as is.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .errors import NewsdigestError, Problem

INDEX_DIR = "pagefind"
HINT = "install pagefind (pip install 'pagefind[extended]'), or set search = false in site.toml"


def build_search_index(slot: Path, scratch: Path) -> dict[str, bytes]:
    """Pagefind's bundle for the article pages in `slot`, as {output path: bytes}. Pagefind
    writes it into `scratch`, which is removed afterwards (or by the next build, if killed)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        command = [sys.executable, "-m", "pagefind", "--site", str(slot), "--glob", "articles/**/index.html",
                   "--output-path", str(scratch), "--silent"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {exc}", HINT)) from None
        if done.returncode != 0:
            reason = ((done.stderr or done.stdout).strip().splitlines() or ["pagefind failed"])[-1]
            raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {reason}", HINT))
        return {f"{INDEX_DIR}/{p.relative_to(scratch).as_posix()}": p.read_bytes()
                for p in sorted(scratch.rglob("*")) if p.is_file()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
