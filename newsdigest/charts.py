"""Charts drawn at build time as inline SVG: no JavaScript, accessible, deterministic.

Readable at any width: an SVG here has no viewBox, so its units are CSS pixels and nothing in
it is scaled; text keeps the size the stylesheet gives it (at least 12 px) on a phone and on a
desktop. Across the width, positions are percentages, so a chart fills its column; heights
are fixed pixels. The plot is the SVG's content box: the y-axis labels sit at negative x, in
the padding the theme gives `.chart-svg` on the left.

Time axes are continuous: every week or month from the first to the last has its slot, empty
ones included, so the spacing tells the truth. The y axis has a few round ticks.

Each chart is named by a heading on the page (the template writes it; its id is passed in),
described by a visible caption (a sentence with the figures a reader would look for) and
followed by a table of the same data. Names and URLs come from articles, so every one is
escaped; URLs other than relative and http(s) ones are dropped. Numbers have fixed precision
and ids come from the data, so the same data gives the same bytes.

Colours: `currentColor` in the markup, overridden by the theme's CSS through its colour
variables (light and dark). Classes: `chart-svg`, `chart-bar`, `chart-grid`, `chart-axis`,
`chart-tick`, `chart-label`.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from .slug import short_hash

_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
SVG_NS = "http://www.w3.org/2000/svg"
LABEL_CHARS = 22

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKS_UP_TO = 26        # a span of up to half a year is counted by week, a longer one by month
# Label spacing is planned for the narrowest plot the theme gives a chart (a 390 px phone less
# the page margins and the y-axis gutter), with text of the theme's chart size.
PLOT_WIDTH = {"wide": 300, "narrow": 200}
CHAR_PX = 8.0           # a generous average width of a 13 px system-ui character
LABEL_GAP = 12.0        # at least this much space between two axis labels
RIGHT_ROOM = 12.0       # how far the last label may run past the plot (the theme's right padding)
STEPS = {"month": (1, 2, 3, 6, 12, 24, 60, 120), "week": (1, 2, 4, 8, 13, 26, 52, 104)}


# --- escaping and numbers ------------------------------------------------------------------------

# Charts are drawn for thousands of terms a build, and their period names, counts, coordinates
# and axes repeat from chart to chart: the small pure functions below are memoised.

@lru_cache(maxsize=16384, typed=True)
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


@lru_cache(maxsize=16384, typed=True)
def num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never "-0"."""
    if not value:
        return "0"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(fraction: float) -> str:
    return num(100 * fraction) + "%"


def short(name: str, limit: int = LABEL_CHARS) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


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


# --- periods -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Axis:
    """A continuous time axis: the first day of every week (Monday) or month, oldest first."""

    unit: str                   # "week" or "month"
    starts: tuple[date, ...]

    def plain(self) -> dict:
        return {"unit": self.unit, "starts": [d.isoformat() for d in self.starts]}

    @classmethod
    def from_plain(cls, value: Mapping) -> "Axis":
        return cls(str(value["unit"]), tuple(date.fromisoformat(s) for s in value["starts"]))


def unit_for(first: date, last: date) -> str:
    return "week" if (last - first).days < WEEKS_UP_TO * 7 else "month"


def period_start(day: date, unit: str) -> date:
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def axis_between(first: date, last: date, unit: str | None = None) -> Axis:
    """Every period from the one holding `first` to the one holding `last`."""
    unit = unit or unit_for(first, last)
    start, end = period_start(first, unit), period_start(last, unit)
    if unit == "week":
        return Axis(unit, tuple(date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1, 7)))
    months = (end.year - start.year) * 12 + end.month - start.month
    return Axis(unit, tuple(date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)
                            for n in range(months + 1)))


def local_days(dates: Iterable[datetime], tz: tzinfo) -> list[date]:
    return [d.astimezone(tz).date() for d in dates]


def counts_on(axis: Axis, days: Iterable[date]) -> list[int]:
    """How many of the days fall in each period of the axis (days outside it are not counted)."""
    counts: Counter = Counter()
    for day, n in Counter(days).items():   # counted by day first (C): a period a day, not an article
        counts[period_start(day, axis.unit)] += n
    return [counts.get(start, 0) for start in axis.starts]


def period_label(start: date, unit: str, with_year: bool = True) -> str:
    """An axis label: "Jan 2024" or "Feb" for a month, "8 Jan 2024" or "15 Jan" for a week."""
    text = f"{start.day} {MONTHS[start.month - 1]}" if unit == "week" else MONTHS[start.month - 1]
    return f"{text} {start.year}" if with_year else text


def period_name(start: date, unit: str) -> str:
    """A period in full, for tables and tooltips: "Jan 2024", "week of 8 Jan 2024"."""
    return f"week of {period_label(start, unit)}" if unit == "week" else period_label(start, unit)


def span_text(axis: Axis) -> str:
    if not axis.starts:
        return ""
    first, last = (period_label(d, axis.unit) for d in (axis.starts[0], axis.starts[-1]))
    if len(axis.starts) == 1:
        return period_name(axis.starts[0], axis.unit)
    return f"weeks of {first} to {last}" if axis.unit == "week" else f"{first} to {last}"


# --- scales --------------------------------------------------------------------------------------

def nice_ticks(peak: int, most: int = 5) -> list[int]:
    """Round, evenly spaced counts from 0 to at least `peak`, at most `most` of them (>= 2)."""
    peak = max(1, int(peak))
    most = max(2, most)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            top = -(-peak // step) * step
            if top // step + 1 <= most:
                return list(range(0, top + 1, step))
        magnitude *= 10


def peak_ticks(counts: Sequence[int]) -> list[int]:
    """For small charts: 0 and the tallest bar, whatever it is, so its label reads as its height."""
    return [0, max(1, max(counts, default=0))]


def _aligned(axis: Axis, index: int, step: int) -> bool:
    if axis.unit == "month":
        start = axis.starts[index]
        return (start.year * 12 + start.month - 1) % step == 0
    return index % step == 0


def _text_px(text: str) -> float:
    return len(text) * CHAR_PX


def axis_labels(axis: Axis, width: float = PLOT_WIDTH["wide"]) -> list[tuple[int, str]]:
    """(period index, label) for the x axis: the densest round step whose labels fit side by
    side in a plot `width` px wide; the year is named on the first label and when it changes."""
    n = len(axis.starts)
    if not n:
        return []
    labels: list[tuple[int, str]] = []
    for step in STEPS[axis.unit]:
        labels, year = [], None
        for i in range(n):
            if _aligned(axis, i, step):
                start = axis.starts[i]
                text = period_label(start, axis.unit, with_year=start.year != year)
                year = start.year
                labels.append((i, text))
        while labels and width * labels[-1][0] / n + _text_px(labels[-1][1]) > width + RIGHT_ROOM:
            labels.pop()
        spaced = all(width * (b[0] - a[0]) / n >= _text_px(a[1]) + LABEL_GAP for a, b in zip(labels, labels[1:]))
        if spaced and labels:
            return labels
    return [(0, period_label(axis.starts[0], axis.unit))]


# --- drawing -------------------------------------------------------------------------------------

def _chart_id(kind: str, data: object) -> str:
    return f"chart-{kind}-{short_hash(repr((kind, data)), 8)}"


def _svg_open(cid: str, kind: str, height: float, label: str, labelled_by: str | None) -> str:
    """An accessible SVG without viewBox (see the module's docstring): named by the heading
    `labelled_by` (or its own title), described by the figure's caption."""
    name = f'aria-labelledby="{esc(labelled_by)}"' if labelled_by else f'aria-labelledby="{cid}-title"'
    return (f'<svg xmlns="{SVG_NS}" class="chart chart-svg chart-{kind}" role="img" {name} '
            f'aria-describedby="{cid}-caption" width="100%" height="{num(height)}" id="{cid}">'
            f'<title id="{cid}-title">{esc(label)}</title>')


def _y_axis(ticks: Sequence[int], top: float, plot_h: float, labelled: Sequence[int] | None = None) -> str:
    """Grid lines across the plot at the ticks; each tick (or those `labelled`) labelled in the
    gutter on the left."""
    return _y_axis_of(tuple(ticks), top, plot_h, None if labelled is None else tuple(labelled))


@lru_cache(maxsize=1024)
def _y_axis_of(ticks: tuple[int, ...], top: float, plot_h: float, labelled: tuple[int, ...] | None) -> str:
    out = ['<g class="chart-grid" stroke="currentColor" stroke-width="1">']
    marks = []
    for t in ticks:
        y = top + plot_h - plot_h * t / ticks[-1]
        out.append(f'<line x1="0" y1="{num(y)}" x2="100%" y2="{num(y)}"/>')
        if labelled is None or t in labelled:
            marks.append(f'<text x="-6" y="{num(y)}" dy="0.35em" text-anchor="end">{t}</text>')
    out.append('</g><g class="chart-tick" fill="currentColor">')
    out += marks
    out.append("</g>")
    return "".join(out)


def _bars(axis: Axis, counts: Sequence[int], top_tick: int, top: float, plot_h: float, what: str) -> str:
    """A bar per period, in its slot of the continuous axis; an empty period keeps its slot
    (a bar of height 0) and every bar has a tooltip naming its period and count."""
    width = _slots(len(axis.starts))[1]
    out = ['<g class="chart-bar" fill="currentColor">']
    for (opening, period), value in zip(_bar_slots(axis), counts):
        out.append(f'{opening}{_bar_box(value, top_tick, top, plot_h, width)}{period}{_bar_count(value, what)}</title></rect>')
    out.append("</g>")
    return "".join(out)


# Charts are drawn for thousands of terms a build: the bars' slots and tooltips repeat.

@lru_cache(maxsize=1024)
def _slots(n: int) -> tuple[tuple[str, ...], str]:
    """The x of each of n bars, and their width, as percentages of the plot."""
    return (tuple(pct((i + 0.1) / n) for i in range(n)), pct(0.8 / n)) if n else ((), "")


@lru_cache(maxsize=4096)
def _bar_box(value: int, top_tick: int, top: float, plot_h: float, width: str) -> str:
    """A bar's y, width and height attributes: its value on a scale up to top_tick."""
    h = plot_h * value / top_tick if top_tick else 0.0
    return f'y="{num(top + plot_h - h)}" width="{width}" height="{num(h)}"'


@lru_cache(maxsize=1024)
def _bar_slots(axis: Axis) -> tuple[tuple[str, str], ...]:
    """Each bar's markup but for its size and count: its x, and its period (as data and as the
    start of its tooltip)."""
    xs = _slots(len(axis.starts))[0]
    return tuple((f'<rect x="{x}" ', f' data-period="{start.isoformat()}"><title>{esc(period_name(start, axis.unit))}: ')
                 for x, start in zip(xs, axis.starts))


@lru_cache(maxsize=4096)
def _bar_count(value: int, what: str) -> str:
    """The end of a bar's tooltip ("3 articles"); escaping a text piece by piece is escaping it whole."""
    return esc(_plural(value, what))


@lru_cache(maxsize=1024)
def _x_axis(axis: Axis, base: float, width: float) -> str:
    """The baseline, and a tick and a label at the start of each labelled period."""
    n = len(axis.starts)
    out = [f'<g class="chart-axis" stroke="currentColor" stroke-width="1">'
           f'<line x1="0" y1="{num(base)}" x2="100%" y2="{num(base)}"/>']
    labels = axis_labels(axis, width)
    out += [f'<line x1="{pct(i / n)}" y1="{num(base)}" x2="{pct(i / n)}" y2="{num(base + 5)}"/>' for i, _ in labels]
    out.append('</g><g class="chart-label" fill="currentColor">')
    out += [f'<text x="{pct(i / n)}" y="{num(base + 19)}" dx="2">{esc(text)}</text>' for i, text in labels]
    out.append("</g>")
    return "".join(out)


def _figure(cid: str, svg: str, caption: str, table: str, summary: str, caption_class: str = "") -> str:
    hidden = f' class="{caption_class}"' if caption_class else ""
    return (f'<figure class="chart"><figcaption id="{cid}-caption"{hidden}>{esc(caption)}</figcaption>{svg}'
            f'<details><summary>{summary}</summary>{table}</details></figure>')


TOP = 10.0          # room above the plot for half of the top tick's label
X_LABELS = 24.0     # room below the plot for the x-axis labels


# --- articles per period -------------------------------------------------------------------------

def counts_desc(axis: Axis, counts: Sequence[int]) -> str:
    if not counts:
        return "No articles."
    total = sum(counts)
    peak = max(counts)
    when = period_name(axis.starts[max(i for i, c in enumerate(counts) if c == peak)], axis.unit)  # latest peak
    empty = sum(1 for c in counts if not c)
    gaps = f"; {_plural(empty, axis.unit)} with none" if empty else ""
    return (f"{_plural(total, 'article')} in {_plural(len(counts), axis.unit)}, {span_text(axis)}; "
            f"the most in one {axis.unit}: {peak} ({when}){gaps}.")


def counts_rows(axis: Axis, counts: Sequence[int]) -> list[tuple[str, str]]:
    return [(period_name(start, axis.unit), str(n)) for start, n in zip(axis.starts, counts)]


def counts_chart(data: Mapping, title: str, heading_id: str | None = None, size: str = "wide") -> str:
    """A bar chart of articles per period ({"unit", "starts", "counts"}), with a y axis of
    round ticks, the x axis labelled, a caption and the data as a table. `size` "narrow" is
    the small version for lists (two ticks, a lower plot, labels spaced for a narrow column)."""
    axis = Axis.from_plain(data)
    counts = [max(0, int(c)) for c in data["counts"]][:len(axis.starts)]
    cid = _chart_id("counts", (title, axis, counts))
    wide = size == "wide"
    plot_h = 120.0 if wide else 40.0
    ticks = nice_ticks(max(counts, default=0)) if wide else peak_ticks(counts)
    svg = [_svg_open(cid, "counts" if wide else "counts-small", TOP + plot_h + X_LABELS, title, heading_id),
           _y_axis(ticks, TOP, plot_h),
           _bars(axis, counts, ticks[-1], TOP, plot_h, "article"),
           _x_axis(axis, TOP + plot_h, PLOT_WIDTH[size]), "</svg>"]
    table = table_html(title, (axis.unit.capitalize(), "Articles"), counts_rows(axis, counts))
    if wide:
        return _figure(cid, "".join(svg), counts_desc(axis, counts), table, "The data")
    # In a list, the range is said once above it (`span_text`): each caption is for screen readers.
    return _figure(cid, "".join(svg), counts_desc(axis, counts), table,
                   f'<span class="visually-hidden">{esc(title)}: </span>data', caption_class="visually-hidden")


# --- named together over time --------------------------------------------------------------------

ROW_LABEL = 20.0    # a row's name above its strip
ROW_PLOT = 28.0     # the strip of bars
ROW_GAP = 10.0


def together_desc(center: str, axis: Axis, rows: Sequence[Mapping]) -> str:
    if not rows:
        return f"{center} is not named together with anyone else."
    return (f"Articles naming {center} with each of the {_plural(len(rows), 'actor')} named most often "
            f"with it, per {axis.unit}, {span_text(axis)}; the number by each strip is its tallest bar.")


def together_rows(axis: Axis, rows: Sequence[Mapping], root: str = "") -> list[tuple]:
    """(name or (name, url), articles together, the periods they were named together); a
    relative URL is taken from the site's root, `root` (the page's way up to it)."""
    out = []
    for r in rows:
        when = ", ".join(f"{period_name(s, axis.unit)} ({c})" for s, c in zip(axis.starts, r["counts"]) if c)
        url = safe_url(r.get("url", ""))
        url = url if not url or _SCHEME.match(url) or url.startswith("/") else root + url
        name = (r["name"], url) if url else r["name"]
        out.append((name, str(sum(r["counts"])), when))
    return out


def together_chart(data: Mapping, center: str, title: str, heading_id: str | None = None, root: str = "") -> str:
    """Who is named with `center`, and when: a strip of bars per other name
    ({"unit", "starts", "rows": [{"name", "url", "counts"}]}), one time axis and one scale
    for all strips, so the strips compare."""
    axis = Axis.from_plain(data)
    rows = [{"name": " ".join(str(r["name"]).split()), "url": r.get("url", ""),
             "counts": [max(0, int(c)) for c in r["counts"]][:len(axis.starts)]} for r in data["rows"]]
    cid = _chart_id("together", (center, title, axis, rows))
    ticks = peak_ticks([c for r in rows for c in r["counts"]])
    row_h = ROW_LABEL + ROW_PLOT + ROW_GAP
    height = TOP + row_h * len(rows) - ROW_GAP + X_LABELS
    svg = [_svg_open(cid, "together", height, title, heading_id)]
    for n, r in enumerate(rows):
        top = TOP + n * row_h + ROW_LABEL
        svg.append(f'<g class="chart-label" fill="currentColor"><text x="0" y="{num(top - 6)}">'
                   f'{esc(short(r["name"]))} · {_plural(sum(r["counts"]), "article")}</text></g>')
        svg.append(_y_axis(ticks, top, ROW_PLOT, (ticks[-1],)))
        svg.append(_bars(axis, r["counts"], ticks[-1], top, ROW_PLOT, f"article with {center}"))
    svg.append(_x_axis(axis, height - X_LABELS, PLOT_WIDTH["wide"]))
    svg.append("</svg>")
    table = table_html(title, ("Named with " + center, "Articles together", "When"), together_rows(axis, rows, root))
    return _figure(cid, "".join(svg), together_desc(center, axis, rows), table, "The data")
