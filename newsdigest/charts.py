"""Charts drawn at build time as inline SVG: no JavaScript, accessible, deterministic.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>` (a
sentence with the figures a reader would look for), and has a table of the same data for
readers who cannot see it (`*_rows` give the rows, `table_html` the table). Every name and URL
comes from articles, so every one is escaped; URLs other than relative and http(s) ones are
dropped. Numbers are written with fixed precision, so the same data gives the same bytes.

Colours are `currentColor` (the text colour); classes the theme's CSS may style: `chart`,
`chart-bar`, `chart-line`, `chart-node`, `chart-edge`, `chart-label`, `chart-axis` (for
example a halo in the page's background colour behind labels:
`.chart-label { paint-order: stroke; stroke: var(--background); stroke-width: 3px }`).
"""
from __future__ import annotations

import html
import math
import re
from collections import Counter
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Iterable, Sequence

from .slug import name_key, short_hash

_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
SVG_NS = "http://www.w3.org/2000/svg"
LABEL_CHARS = 22


# --- escaping and numbers ------------------------------------------------------------------------

def esc(text: object) -> str:
    """Text safe in XML and HTML content and in double- or single-quoted attributes."""
    return html.escape(_XML_ILLEGAL.sub("", str(text)), quote=True)


def safe_url(url: str) -> str:
    """The URL if it is relative or http(s), else "" (no javascript:, data: or the like)."""
    url = _XML_ILLEGAL.sub("", url or "").strip()
    if any(ch in url for ch in "\t\n\r"):
        return ""
    match = _SCHEME.match(url)
    if match and match.group(1).lower() not in ("http", "https"):
        return ""
    return url


def num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def short(name: str, limit: int = LABEL_CHARS) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _open(kind: str, title: str, desc: str, width: int, height: int, data: object) -> tuple[str, str]:
    """The opening of an accessible SVG, and its id (stable: from the kind, title and data)."""
    cid = f"chart-{kind}-{short_hash(repr((kind, title, data)), 8)}"
    head = (f'<svg xmlns="{SVG_NS}" class="chart chart-{kind}" role="img" '
            f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" id="{cid}">'
            f'<title id="{cid}-title">{esc(title)}</title><desc id="{cid}-desc">{esc(desc)}</desc>')
    return head, cid


# --- tables --------------------------------------------------------------------------------------

def table_html(caption: str, headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A small data table: the first cell of each row is its header; a cell may be (text, url)."""
    out = [f'<table class="chart-data"><caption>{esc(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{esc(h)}</th>' for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for n, cell in enumerate(row):
            tag = "th" if n == 0 else "td"
            scope = ' scope="row"' if n == 0 else ""
            if isinstance(cell, tuple):
                text, url = cell
                url = safe_url(url)
                inner = f'<a href="{esc(url)}">{esc(text)}</a>' if url else esc(text)
            else:
                inner = esc(cell)
            out.append(f"<{tag}{scope}>{inner}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --- chart data ----------------------------------------------------------------------------------

def week_label(day: date) -> str:
    return _monday_label(day.toordinal() - day.weekday())


@lru_cache(maxsize=8192)  # every actor's chart labels the same few hundred weeks
def _monday_label(monday: int) -> str:
    year, week, _ = date.fromordinal(monday).isocalendar()
    return f"{year}-W{week:02d}"


def weekly_counts(dates: Iterable[datetime], tz: tzinfo, start: date | None = None,
                  end: date | None = None) -> list[tuple[str, int]]:
    """Articles per ISO week in the timezone, every week from the first to the last (or from
    `start` to `end`), empty weeks included: ("2024-W35", 3)."""
    days = [d.astimezone(tz).date() for d in dates]
    if not days and (start is None or end is None):
        return []
    first = start or min(days)
    last = end or max(days)
    # Weeks as the ordinal of their Monday: counting and stepping are integer operations.
    counts = Counter(d.toordinal() - d.weekday() for d in days)
    return [(_monday_label(monday), counts.get(monday, 0))
            for monday in range(first.toordinal() - first.weekday(), last.toordinal() + 1, 7)]


def co_mentions(actor_lists: Iterable[Sequence[str]], center: str, k: int = 8) -> list[tuple[str, int]]:
    """The k actors named most often in the same articles as `center`: (name, articles).

    Names are compared by name key and shown in their most used spelling; ties by name.
    """
    target = name_key(center)
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for names in actor_lists:
        keys = {name_key(n): n for n in names if name_key(n)}
        if target not in keys:
            continue
        for key, name in keys.items():
            if key != target:
                counts[key] += 1
                spellings.setdefault(key, Counter())[name] += 1
    best = sorted(counts, key=lambda key: (-counts[key], key))[:k]
    return [(min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0], counts[key]) for key in best]


# --- articles per week ---------------------------------------------------------------------------

def weekly_counts_rows(counts: Sequence[tuple[str, int]]) -> list[tuple[str, str]]:
    return [(label, str(n)) for label, n in counts]


def weekly_counts_table(counts: Sequence[tuple[str, int]], caption: str) -> str:
    return table_html(caption, ("Week", "Articles"), weekly_counts_rows(counts))


def weekly_counts_desc(counts: Sequence[tuple[str, int]]) -> str:
    if not counts:
        return "No articles."
    total = sum(n for _, n in counts)
    peak_label, peak = max(counts, key=lambda c: (c[1], c[0]))  # the latest of equal peaks
    return (f"{_plural(total, 'article')} in {_plural(len(counts), 'week')}, from {counts[0][0]} to "
            f"{counts[-1][0]}; the most in one week: {peak} ({peak_label}).")


def weekly_counts_svg(counts: Sequence[tuple[str, int]], title: str, desc: str | None = None) -> str:
    """A bar per week, oldest on the left; each bar has a tooltip with its week and count."""
    counts = [(str(label), max(0, int(n))) for label, n in counts]
    width, height = 600, 160
    left, right, top, bottom = 34, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    head, _ = _open("weekly", title, desc or weekly_counts_desc(counts), width, height, counts)
    out = [head]
    peak = max((n for _, n in counts), default=0)
    base = top + plot_h
    out.append(f'<g class="chart-axis" fill="currentColor" font-size="10">'
               f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="currentColor" '
               f'stroke-width="1"/>'
               f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>'
               f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>')
    if counts:
        out.append(f'<text x="{left}" y="{height - 6}">{esc(counts[0][0])}</text>')
        if len(counts) > 1:
            out.append(f'<text x="{width - right}" y="{height - 6}" text-anchor="end">{esc(counts[-1][0])}</text>')
    out.append("</g>")
    if counts:
        slot = plot_w / len(counts)
        bar = max(slot * 0.8, 0.5)
        out.append('<g class="chart-bar" fill="currentColor">')
        for n, (label, value) in enumerate(counts):
            h = plot_h * value / peak if peak else 0.0
            x = left + n * slot + (slot - bar) / 2
            out.append(f'<rect x="{num(x)}" y="{num(base - h)}" width="{num(bar)}" height="{num(h)}">'
                       f'<title>{esc(label)}: {_plural(value, "article")}</title></rect>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


# --- co-mention network --------------------------------------------------------------------------

MAX_NEIGHBOURS = 12


def _ranked(neighbours: Sequence[tuple[str, float, str]]) -> list[tuple[str, float, str]]:
    cleaned = [(" ".join(str(name).split()), max(0.0, float(weight)), url or "") for name, weight, url in neighbours]
    cleaned.sort(key=lambda t: (-t[1], name_key(t[0]), t[0], t[2]))
    return cleaned[:MAX_NEIGHBOURS]


def _weight_text(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else num(weight)


def network_rows(center: str, neighbours: Sequence[tuple[str, float, str]]) -> list[tuple]:
    """(name or (name, url), weight) per neighbour, closest first."""
    return [((name, url) if safe_url(url) else name, _weight_text(w)) for name, w, url in _ranked(neighbours)]


def network_table(center: str, neighbours: Sequence[tuple[str, float, str]], caption: str) -> str:
    return table_html(caption, ("Named with " + center, "Articles together"), network_rows(center, neighbours))


def network_desc(center: str, neighbours: Sequence[tuple[str, float, str]]) -> str:
    ranked = _ranked(neighbours)
    if not ranked:
        return f"{center} is not named together with anyone else."
    names = "; ".join(f"{name} ({_weight_text(w)})" for name, w, _ in ranked)
    return f"Named most often together with {center}, with the number of articles: {names}."


def network_svg(center: str, neighbours: Sequence[tuple[str, float, str]], title: str,
                desc: str | None = None) -> str:
    """The centre and its closest neighbours on a circle, closest first from the top, going
    clockwise (with an even number, turned half a step so that no line runs down through the
    centre's label); line and dot sizes grow with the weight. Neighbours with a URL are links.

    A screen reader reads the chart as one image (its title and description); the table of
    `network_rows` carries the same links for keyboard and screen reader users, so the links
    in the picture are left out of the tab order.
    """
    ranked = _ranked(neighbours)
    width, height = 480, 340
    cx, cy, radius = width / 2, height / 2, 118.0
    head, _ = _open("network", title, desc or network_desc(center, neighbours), width, height,
                    (center, ranked))
    out = [head]
    top = max((w for _, w, _ in ranked), default=0.0)
    points = []
    for n, (name, weight, url) in enumerate(ranked):
        turn = 0.5 if len(ranked) % 2 == 0 else 0.0
        angle = -math.pi / 2 + 2 * math.pi * (n + turn) / len(ranked)
        share = weight / top if top else 0.0
        points.append((name, weight, url, math.cos(angle), math.sin(angle), share))
    out.append('<g class="chart-edge" stroke="currentColor" stroke-opacity="0.5">')
    for name, weight, url, c, s, share in points:
        out.append(f'<line x1="{num(cx)}" y1="{num(cy)}" x2="{num(cx + radius * c)}" y2="{num(cy + radius * s)}" '
                   f'stroke-width="{num(1 + 4 * share)}"/>')
    out.append("</g>")
    out.append('<g class="chart-node" fill="currentColor" font-size="11">')
    for name, weight, url, c, s, share in points:
        x, y = cx + radius * c, cy + radius * s
        anchor = "start" if c > 0.2 else "end" if c < -0.2 else "middle"
        lx = x + 10 * c + (4 if anchor == "start" else -4 if anchor == "end" else 0)
        ly = y + 12 * s + (4 if abs(s) < 0.9 else (8 if s > 0 else -2))
        node = (f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(4 + 6 * share)}"/>'
                f'<text class="chart-label" x="{num(lx)}" y="{num(ly)}" text-anchor="{anchor}">{esc(short(name))}</text>'
                f'<title>{esc(name)}: {_plural(int(weight), "article") if float(weight).is_integer() else num(weight)}'
                f' with {esc(center)}</title>')
        link = safe_url(url)
        if link:
            out.append(f'<a href="{esc(link)}" tabindex="-1">{node}</a>')
        else:
            out.append(f"<g>{node}</g>")
    out.append("</g>")
    out.append(f'<g class="chart-node chart-center" fill="currentColor" font-size="12" font-weight="bold">'
               f'<circle cx="{num(cx)}" cy="{num(cy)}" r="12"/>'
               f'<text class="chart-label" x="{num(cx)}" y="{num(cy + 28)}" text-anchor="middle">{esc(short(center))}</text>'
               f'<title>{esc(center)}</title></g>')
    out.append("</svg>")
    return "".join(out)


# --- sparkline -----------------------------------------------------------------------------------

def sparkline_rows(values: Sequence[int], labels: Sequence[str] | None = None) -> list[tuple[str, str]]:
    labels = list(labels) if labels is not None else [str(n + 1) for n in range(len(values))]
    return [(str(label), str(int(v))) for label, v in zip(labels, values)]


def sparkline_table(values: Sequence[int], caption: str, labels: Sequence[str] | None = None,
                    header: str = "Week") -> str:
    return table_html(caption, (header, "Articles"), sparkline_rows(values, labels))


def sparkline_desc(values: Sequence[int]) -> str:
    if not values:
        return "No data."
    return (f"{_plural(len(values), 'value')}, from {int(values[0])} to {int(values[-1])}; "
            f"lowest {int(min(values))}, highest {int(max(values))}, {int(sum(values))} in all.")


def sparkline_svg(values: Sequence[int], title: str, desc: str | None = None) -> str:
    """A small line of the values, oldest on the left, with a dot on the latest."""
    values = [max(0, int(v)) for v in values]
    width, height, pad = 100, 24, 3
    head, _ = _open("sparkline", title, desc or sparkline_desc(values), width, height, values)
    out = [head]
    if values:
        peak = max(values)
        step = (width - 2 * pad) / (len(values) - 1) if len(values) > 1 else 0.0
        points = [(pad + n * step if len(values) > 1 else width / 2,
                   height - pad - ((height - 2 * pad) * v / peak if peak else 0.0)) for n, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{num(x)},{num(y)}" for x, y in points)
            out.append(f'<polyline class="chart-line" fill="none" stroke="currentColor" stroke-width="1.5" '
                       f'stroke-linejoin="round" points="{path}"/>')
        x, y = points[-1]
        out.append(f'<circle class="chart-line" cx="{num(x)}" cy="{num(y)}" r="2" fill="currentColor"/>')
    out.append("</svg>")
    return "".join(out)
