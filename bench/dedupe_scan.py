#!/usr/bin/env python3
"""Ingest's duplicate index built from scratch over a site's articles (its first scan).

    .venv/bin/python bench/corpus.py --count 100000 --format newsdigest --out /tmp/c100000
    nice -n 10 /usr/bin/time -v .venv/bin/python bench/dedupe_scan.py /tmp/c100000 /tmp/dedupe.sqlite

Deletes the store, then times scan_articles over content/articles into it. Prints wall and CPU
seconds, the rows made, the store's size, and the size of its log (-wal) while the index is
still open, as watch keeps it. Peak RSS and bytes written: from /usr/bin/time -v.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdigest.ingest.dedupe import scan_articles  # noqa: E402


def size(path: str) -> int:
    return os.path.getsize(path) if os.path.exists(path) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder (bench/corpus.py --out)")
    parser.add_argument("store", type=Path, help="the index file to make (deleted first)")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.store}{suffix}").unlink(missing_ok=True)
    wall, cpu = time.perf_counter(), time.process_time()
    index = scan_articles(args.site / "content" / "articles", None, args.store)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    docs = index.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    rows = index.db.execute("SELECT COUNT(*) FROM shingles").fetchone()[0]
    log = size(f"{args.store}-wal")
    index.close()
    print(f"first scan: wall {wall:.1f} s, CPU {cpu:.1f} s; {docs} articles, {rows} shingle rows; "
          f"store {size(str(args.store)) / 1e6:.0f} MB, log while open {log / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
