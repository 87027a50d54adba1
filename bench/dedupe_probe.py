"""How long ingest's duplicate check (DedupeIndex.find) takes for new articles against the index
of a built site, drop by drop.

    python bench/dedupe_probe.py ROOT SERIES [COUNT]

ROOT: a site whose .newsdigest/dedupe.sqlite holds its articles (one of bench/.work/N/, after
bench/run.py); the store is copied to a temporary folder first, so the site is never changed.
SERIES: the first drop's number, made as bench/engine_drops.py makes its drops (a raw article
new for each number); COUNT drops (default 12). Each is read, cleaned and fingerprinted as ingest
does, then looked up; prints its shingles, the seconds of the lookup alone and what it matched.
A dev tool for docs/benchmarks.md (round 18): the drops of the bench corpus share many generated
phrases, the case that made a lookup count over the whole index."""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_drops import drop_text  # noqa: E402 - bench/engine_drops.py, beside this file
from newsdigest.config import Paths, load_config  # noqa: E402
from newsdigest.ingest.boilerplate import load_furniture  # noqa: E402
from newsdigest.ingest.dedupe import DedupeIndex  # noqa: E402
from newsdigest.ingest.pipeline import prepare  # noqa: E402
from newsdigest.ingest.readers import read  # noqa: E402


def main() -> None:
    root, series0 = Path(sys.argv[1]).resolve(), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    paths = Paths(root)
    config, _ = load_config(paths)
    furniture = load_furniture(paths.content)
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "dedupe.sqlite"
        shutil.copyfile(paths.state / "dedupe.sqlite", store)
        index = DedupeIndex(store)
        start = datetime(2026, 6, 1, 8, 0)
        for series in range(series0, series0 + count):
            text = drop_text(series, 10000, start)
            item = read(Path(f"drop-{series}.txt"), text.encode(), config.sources, furniture, config.ingest.fields)[0]
            fp = prepare(item, config, furniture).fingerprint
            took = time.perf_counter()
            match = index.find(fp)
            took = time.perf_counter() - took
            print(f"drop {series}: {len(fp.shingles)} shingles, {took:.3f} s, "
                  f"{'duplicate of ' + match.path.name if match else 'new'}", flush=True)
        index.close()


if __name__ == "__main__":
    main()
