"""What a live engine holds once watch has started, part by part (a dev tool for issue 16's and
17's memory; the user-facing figures are bench/run.py's peak RSS and tree PSS).

Builds the site at ROOT with an engine, as `build.py watch` starts (the first build, then
Engine.index_articles with its warm-up), prints the process's RSS and peak RSS, then walks every
object the engine reaches (gc.get_referents; classes, modules and functions left out) and prints:

- each part's size: the engine's fields, and one level inside (each kind of the held cache,
  each table of the story clustering). An object reached from two parts counts as "shared";
  the inclusive size of a part counts everything it reaches;
- with --types, the sizes by Python type over the whole engine.

    python bench/engine_memory.py ROOT [--types] [--top N]

ROOT: a site folder (e.g. a corpus made by bench/corpus.py --format newsdigest); a ROOT without
site/ gets a cold build, one with site/ and .newsdigest/ the start of watch on a built site. The
walk takes about a minute at 20,000 articles and as much memory again as the engine; sizes are
sys.getsizeof's, so allocator overhead and freed memory held by the allocator are only in RSS."""
from __future__ import annotations

import argparse
import collections
import gc
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_drops import start_engine  # noqa: E402 - bench/engine_drops.py, beside this file
from newsdigest.config import Paths  # noqa: E402
from newsdigest.engine import Engine  # noqa: E402

_NOT_DATA = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType,
             types.MethodType)


def memory() -> str:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return f"RSS {fields['VmRSS']:,.0f} MB, peak RSS {fields['VmHWM']:,.0f} MB"


def reached(root: object) -> dict[int, tuple[int, str]]:
    """id -> (size, type name) of every object `root` reaches."""
    found: dict[int, tuple[int, str]] = {}
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in found or isinstance(obj, _NOT_DATA):
            continue
        found[id(obj)] = (sys.getsizeof(obj), type(obj).__name__)
        stack.extend(gc.get_referents(obj))
    return found


def parts(engine: Engine) -> dict[str, object]:
    """The engine's fields, and one level inside each that is an object with attributes."""
    out: dict[str, object] = {}
    for name in engine.__dataclass_fields__:
        value = getattr(engine, name)
        if value is None:
            continue
        if name == "cache":
            out.update((f"cache[{kind}]", held) for kind, held in value.held.items())
        elif name == "stories":
            out.update((f"stories.clusters.{a}", v) for a, v in vars(value.clusters).items())
            out.update((f"stories.{a}", v) for a, v in vars(value).items() if a != "clusters")
        elif hasattr(value, "__dict__") and not isinstance(value, dict):
            out.update((f"{name}.{a}", v) for a, v in vars(value).items())
        else:
            out[name] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--types", action="store_true", help="sizes by Python type over the whole engine")
    parser.add_argument("--top", type=int, default=30, help="parts to print (largest first)")
    args = parser.parse_args()
    engine, line = start_engine(Paths(args.root.resolve()))
    gc.collect()
    print(f"{line}; engine started: {memory()}")
    owner: dict[int, str] = {}
    sizes: dict[int, tuple[int, str]] = {}
    inclusive: dict[str, int] = {}
    for label, value in parts(engine).items():
        found = reached(value)
        inclusive[label] = sum(size for size, _ in found.values())
        for key in found:
            owner[key] = label if owner.get(key, label) == label else "(shared by two parts or more)"
        sizes.update(found)
    alone: collections.Counter = collections.Counter()
    for key, label in owner.items():
        alone[label] += sizes[key][0]
    print(f"the engine reaches {sum(size for size, _ in sizes.values()) / 1e6:,.1f} MB "
          f"({len(sizes):,} objects); by part, MB reached by that part alone / reached in all:")
    for label, size in alone.most_common(args.top):
        print(f"  {label}: {size / 1e6:,.1f} / {inclusive.get(label, size) / 1e6:,.1f}")
    if args.types:
        by_type: collections.Counter = collections.Counter()
        for size, name in sizes.values():
            by_type[name] += size
        print("by type, MB:")
        for name, size in by_type.most_common(12):
            print(f"  {name}: {size / 1e6:,.1f}")


if __name__ == "__main__":
    main()
