"""`ingest --explain FILE`: what ingest would take from a file, what it drops and why.

Read-only: nothing is written or moved, so an editor can audit a file before or after.
"""
from __future__ import annotations

from pathlib import Path

from ..config import Paths, SiteConfig
from ..errors import display_path
from ..schema import SCRAPED
from .boilerplate import load_furniture
from .dedupe import scan_articles
from .model import Rejected, RawArticle
from .pipeline import Draft, dedupe_store, prepare
from .readers import read



def _quote(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[:limit - 1] + "…") + '"'


def _at(line: int | None) -> str:
    return f"line {line}" if line is not None else "        "


def _describe(raw: RawArticle, draft: Draft, paths: Paths, index, root: Path) -> list[str]:
    out = []
    for name in (*SCRAPED, "id"):
        if name in draft.meta:
            where = raw.field_lines.get(name)
            suffix = f"   (from line {where})" if where is not None and raw.kind in ("text", "markdown") else ""
            out.append(f"  {name:<9} {draft.meta[name]}{suffix}")
    out += [f"  warning: {what} ({hint})" for what, hint, _ in draft.notes]
    taken = [r for r in draft.removals if r.rule == "header"]
    dropped = sorted((r for r in draft.removals if r.rule != "header"), key=lambda r: r.line or 0)
    if taken:
        out.append(f"  header lines read as metadata ({len(taken)}):")
        out += [f"    {_at(r.line)}  {_quote(r.text)}: {r.why}" for r in taken]
    if dropped:
        out.append(f"  dropped ({len(dropped)}):")
        out += [f"    {_at(r.line)}  [{r.rule}] {_quote(r.text)}: {r.why}" for r in dropped]
    else:
        out.append("  dropped: nothing")
    if draft.fixes:
        out.append(f"  fixed ({len(draft.fixes)}):")
        out += [f"    {_at(f.line)}  [{f.rule}] {_quote(f.before, 80)} -> {_quote(f.after, 80)}" for f in draft.fixes]
    match = index.find(draft.fingerprint)
    if match is not None:
        out.append(f"  result: duplicate of {display_path(match.path, root)} ({match.why})")
    else:
        target = paths.articles / f"{draft.date:%Y}" / f"{draft.date:%m}" / f"{draft.slug}.md"
        out.append(f"  result: would be written as {display_path(target, root)}"
                   + (" (or with a -2, -3 suffix: that name is taken)" if target.exists() else ""))
    out.append(f"  body: {len(draft.body.split())} words in {len(draft.body.split(chr(10) + chr(10)))} paragraphs")
    return out


def explain(path: Path, paths: Paths, config: SiteConfig) -> str:
    """A human report of how one input file would be ingested: metadata found (and where),
    every piece of text dropped with its rule and reason, every fix, and the outcome."""
    path = Path(path)
    root = paths.root
    name = display_path(path, root)
    furniture = load_furniture(paths.content)
    try:
        items = read(path, None, config.sources, furniture, config.ingest.fields)
    except Rejected as exc:
        where = f":{exc.line}" if exc.line else ""
        return f"{name}{where}: rejected: {exc.reason}" + (f" ({exc.hint})" if exc.hint else "") + "\n"
    index = scan_articles(paths.articles, store=dedupe_store(paths))
    lines: list[str] = []
    for item in items:
        if isinstance(item, Rejected):
            where = f":{item.line}" if item.line else ""
            lines.append(f"{name}{where}: rejected: {item.reason}" + (f" ({item.hint})" if item.hint else ""))
            continue
        heading = f"{name}" + (f":{item.line}" if item.line else "")
        heading += f": read as {item.kind}, {item.encoding}" + (", mojibake repaired" if item.repaired else "")
        lines.append(heading)
        try:
            draft = prepare(item, config, furniture)
        except Rejected as exc:
            lines.append(f"  rejected: {exc.reason}" + (f" ({exc.hint})" if exc.hint else ""))
            continue
        lines += _describe(item, draft, paths, index, root)
    return "\n".join(lines) + "\n"
