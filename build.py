#!/usr/bin/env python3
"""Thin entry point: `python build.py ARGS` is `newsdigest ARGS`."""
import sys
from pathlib import Path

# Let `python build.py` work from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsdigest.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
