"""The static search index: Pagefind bundles of the articles, one per shard.

Pagefind cannot update an index, only make a new one, and making one for the whole site costs
memory in proportion to it (about 0.2 MB per article). So the articles are cut into shards by
publication date, each indexed on its own into pagefind/<shard>/, and the search page merges
them (Pagefind's multisite mode). Pagefind is handed each article's record, made from the
model (record_of), not the rendered page: it reads nothing from disk, and a shard is re-made only
when one of its records changed (not when a related link or a neighbour of a page did). News
arrives at the recent end, so adding an article re-indexes one small shard: the newest day's.

The shards are a pure function of the articles' dates (a clean build makes the same ones):
- the newest article's day: shards of their own, of at most TODAY_CAP articles in date order
  (Pagefind costs about 1.5 ms per record plus 0.05 s a run, so a new article, the newest, costs
  the records of the day's last shard, not its month's hundreds);
- the rest of the newest article's month: packed by day into shards of at most RECENT_CAP articles;
- the rest of its year, and each earlier year: packed by month, at most SHARD_CAP per shard.
When the day turns, the past day joins its month's shards, and when the month (or year) turns,
the past month joins its year: those shards are re-made once (a compaction). A day or month
larger than a cap is cut in date order.

Pagefind's output is not byte-for-byte reproducible (its filter files vary from run to run),
which is why a shard is carried over as is when its records did not change.
"""
from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import threading
from itertools import groupby
from operator import attrgetter, itemgetter
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Iterator

from .core import Article, SiteModel, Taxonomy, id_of, memoized
from .errors import NewsdigestError, Problem
from .order import KeptOrder
from .render import plain_label

INDEX_DIR = "pagefind"
UI_DIR = f"{INDEX_DIR}/ui/"                 # Pagefind's UI scripts and styles, once for all shards
SHARD_LIST = f"{INDEX_DIR}/shards.json"     # the search page reads which bundles to merge
SHARD_CAP = 2000     # articles per shard: bounds Pagefind's peak memory (about 0.35 GB)
RECENT_CAP = 500     # articles per shard of the newest month
TODAY_CAP = 50       # articles per shard of the newest day: what a new article re-indexes at most
# Files Pagefind writes into every bundle for its user interfaces; the shards need only one copy.
UI_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
HINT = "install pagefind (pip install 'pagefind[extended]'), or set search = false in site.toml"


@dataclass(frozen=True)
class Shard:
    name: str                       # its bundle is pagefind/<name>/
    pages: tuple[str, ...]          # the article pages in it, relative to the site root

    @property
    def prefix(self) -> str:
        return f"{INDEX_DIR}/{self.name}/"


@dataclass(frozen=True)
class Entry:
    date: datetime
    id: str
    page: str


def _entry_key(entry: Entry) -> tuple:
    return (entry.date, entry.id)


def plan_shards(entries: list[Entry], tz: tzinfo, cap: int = SHARD_CAP, recent_cap: int = RECENT_CAP,
                today_cap: int = TODAY_CAP, memo: dict | None = None, changed: list | None = None) -> list[Shard]:
    """The shards for these article pages, newest first (the order the search page merges them).
    `memo` (the live engine's, for one timezone) keeps the entries in date order and each one's
    local day, by id with the entry it was read from: a change sorts and dates only its own.
    `changed` (with `memo`): the entries new or another object since the memo's call, when known."""
    if not entries:
        return []
    if memo is not None:
        if "order" not in memo:
            memo["order"], changed = KeptOrder(), None
        return _kept_plan(memo["order"].sort(entries, id_of, _entry_key, changed), tz, cap, recent_cap, today_cap,
                          memo, changed)
    ordered = sorted(entries, key=_entry_key)
    newest = ordered[-1].date.astimezone(tz).date()
    groups: dict[tuple, list[tuple[str, Entry]]] = {}
    by_day: dict = {}      # local day -> (its group, its label): made once a day, not once an article
    for entry in ordered:
        day = entry.date.astimezone(tz).date()
        found = by_day.get(day)
        if found is None:
            group, label = _group_of(day, newest)
            found = by_day[day] = (groups.setdefault(group, []), label)
        found[0].append((found[1], entry))
    shards = []
    for group, units in groups.items():
        shards += _pack(units, {("recent",): recent_cap, ("today",): today_cap}.get(group, cap))
    return sorted(shards, key=lambda s: s.name, reverse=True)


_PAGE = attrgetter("page")


def _group_of(day, newest) -> tuple[tuple, str]:
    """The group of a local day (the newest day's, its month's, or its year's) and its unit's label."""
    if day == newest:
        return ("today",), f"{day:%Y-%m-%d}"
    if (day.year, day.month) == (newest.year, newest.month):
        return ("recent",), f"{day:%Y-%m-%d}"
    return ("year", day.year), f"{day:%Y-%m}"


def _kept_plan(ordered: tuple, tz: tzinfo, cap: int, recent_cap: int, today_cap: int, memo: dict,
               changed: list | None) -> list[Shard]:
    """plan_shards with the engine's memo: each entry's local day kept by id with the entry
    (brought up to date from `changed` when known), the days looked up by map and the entries
    taken a day at a time (groupby, slices: C), not one at a time (10,000 at each drop)."""
    days = memo.get("days")
    if days is None or changed is None:
        last, days = days or {}, {}
        for entry in ordered:
            found = last.get(entry.id)
            days[entry.id] = found if found is not None and found[0] is entry else (
                entry, entry.date.astimezone(tz).date())
    else:
        memo["days"] = None   # until brought up to date (in place)
        for entry in changed:
            days[entry.id] = (entry, entry.date.astimezone(tz).date())
        if len(days) != len(ordered):
            for gone in days.keys() - set(map(id_of, ordered)):
                del days[gone]
    memo["days"] = days
    day_list = list(map(itemgetter(1), map(days.__getitem__, map(id_of, ordered))))
    pages = list(map(_PAGE, ordered))
    newest = day_list[-1]
    runs: dict[tuple, list[list]] = {}   # group -> [label, its pages] in date order, a label once
    at = 0
    for day, same in groupby(day_list):
        n = len(list(same))
        group, label = _group_of(day, newest)
        mine = runs.setdefault(group, [])
        if mine and mine[-1][0] == label:
            mine[-1][1].extend(pages[at:at + n])
        else:
            mine.append([label, pages[at:at + n]])
        at += n
    shards = []
    for group, units in runs.items():
        shards += _pack_runs(units, {("recent",): recent_cap, ("today",): today_cap}.get(group, cap))
    return sorted(shards, key=lambda s: s.name, reverse=True)


def _pack_runs(runs: list[list], cap: int) -> list[Shard]:
    """_pack of the units given as runs: (label, its pages), each label once, in date order."""
    packs: list[tuple[str, list[str]]] = []
    current: list[str] = []
    starts: dict[str, int] = {}
    for label, pages in runs:
        at = 0
        while at < len(pages):
            if current and (len(current) >= cap or (at == 0 and len(current) + len(pages) > cap)):
                current = []
            if not current:
                starts[label] = starts.get(label, 0) + 1
                packs.append((label if starts[label] == 1 else f"{label}.{starts[label]}", current))
            take = min(cap - len(current), len(pages) - at)
            current.extend(pages[at:at + take])
            at += take
    return [Shard(name, tuple(pages)) for name, pages in packs]


def _pack(units: list[tuple[str, Entry]], cap: int) -> list[Shard]:
    """Consecutive units (days or months, in date order) packed into shards of at most `cap`
    articles; a unit is split only when it alone is larger. A shard is named after its first unit."""
    sizes: dict[str, int] = {}
    for label, _ in units:
        sizes[label] = sizes.get(label, 0) + 1
    packs: list[tuple[str, list[str]]] = []
    current: list[str] = []
    starts: dict[str, int] = {}
    previous = None
    for label, entry in units:
        new_unit = label != previous
        if current and (len(current) >= cap or (new_unit and len(current) + sizes[label] > cap)):
            current = []
        if not current:
            starts[label] = starts.get(label, 0) + 1
            name = label if starts[label] == 1 else f"{label}.{starts[label]}"
            packs.append((name, current))
        current.append(entry.page)
        previous = label
    return [Shard(name, tuple(pages)) for name, pages in packs]


# --- what is indexed: each article's record, made from the model ---------------------------------

@dataclass(frozen=True)
class Record:
    """What Pagefind indexes of one article, handed to it as a small HTML document made from the
    model: the article page's <html lang>, its title, dateline and body, and its filter and meta
    values, marked as article.html marks them. Pagefind turns it into text with its own rules
    (block elements end sentences, headings weigh more, marked parts ignored), so results,
    excerpts and ranking are those of the page, without reading or parsing the page itself."""
    url: str                        # from the site root, "/articles/.../"; search.js adds the base
    html: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.url}\0{self.html}".encode()).hexdigest()


def record_digest(article: Article, model: SiteModel, last: dict | None = None, kept: dict | None = None,
                  stamp: tuple | None = None) -> str:
    """record_of(article, model).digest. The live engine passes the digests of its last build
    (`last`, for one config) by article, each with the `stamp` of what its record is made from
    (see outputs.search_bundles); what this build used goes into `kept`."""
    if last is None or stamp is None:
        return record_of(article, model).digest
    found = last.get(article.id)
    digest = found[1] if found is not None and found[0] == stamp else record_of(article, model).digest
    if kept is not None:
        kept[article.id] = (stamp, digest)
    return digest


def _marks(article: Article, model: SiteModel) -> str:
    config = model.config
    date = article.date.astimezone(config.timezone).strftime(config.date_format)
    marks = [f'<span data-pagefind-meta="date">{escape(date)}</span>']
    for tax in model.taxonomies:    # one filter per taxonomy, by the names its pages show
        marks += [_filter_mark(tax, name) for name in tax.shown.terms_of(article)]
    return "".join(marks)


def record_of(article: Article, model: SiteModel) -> Record:
    config = model.config
    marks = _marks(article, model)
    dateline = f'<p class="dateline">{escape(article.dateline)}</p>' if article.dateline else ""
    html = (f'<!doctype html><html lang="{escape(config.language)}"><body><article data-pagefind-body>'
            f'<h1 data-pagefind-meta="title" data-pagefind-ignore>{escape(article.title)}</h1>'
            f'<div>{dateline}{article.body_html}</div>'
            f'<div hidden data-pagefind-ignore>{marks}</div></article></body></html>')
    return Record("/" + article.url_path, html)


def _filter_mark(tax: Taxonomy, name: str) -> str:
    # Made once per term name of a model's taxonomy: every build keys every shard by its records.
    made = memoized(tax, "search_marks", dict)
    mark = made.get(name)
    if mark is None:
        label = escape(plain_label(tax.term(tax.slug(name)).name))
        mark = made[name] = f'<span data-pagefind-filter="{escape(tax.singular)}">{label}</span>'
    return mark


def shard_list(shards: list[Shard]) -> bytes:
    return json.dumps([s.prefix for s in shards]).encode()


def index_records(prefix: str, records: list[Record]) -> dict[str, bytes]:
    """Pagefind's bundle for these records, as {output path: bytes}, without UI files."""
    files = _pagefind_bundle(records)
    return {prefix + rel: data for rel, data in files.items() if not rel.startswith(UI_FILES)}


def ui_files(record: Record) -> dict[str, bytes]:
    """Pagefind's UI scripts and styles (the same for any index of one Pagefind version)."""
    files = _pagefind_bundle([record])
    return {UI_DIR + rel: data for rel, data in files.items() if rel.startswith(UI_FILES)}


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


# --- talking to Pagefind --------------------------------------------------------------------------

TIMEOUT = 1800      # seconds for one bundle; Pagefind is killed after it


def _pagefind_bundle(records: list[Record]) -> dict[str, bytes]:
    """One Pagefind index of these records, its files returned, not written: nothing is written
    outside the build's slot, and no folder of pages is needed."""
    def requests():     # made as they are sent: a shard's requests are not all held at once
        yield {"type": "NewIndex", "config": None}
        for r in records:
            yield {"type": "AddFile", "index_id": 0, "file_path": None, "url": r.url, "file_contents": r.html}
        yield {"type": "GetFiles", "index_id": 0}

    answers = _pagefind_service(requests(), len(records) + 2)
    for record, answer in zip(records, answers[1:-1]):
        if answer.get("type") != "IndexedFile":
            raise NewsdigestError(Problem("site.toml", f"the search index could not take {record.url}: "
                                          f"{answer.get('message', answer)}", HINT))
    files = answers[-1].get("files")
    if files is None:
        raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {answers[-1]}", HINT))
    return {f["path"]: base64.b64decode(f["content"]) for f in files}


def _pagefind_service(requests: Iterator[dict], count: int) -> list[dict]:
    """The answers of one `pagefind --service` process to these `count` requests, in their order.

    This is the service that Pagefind's Python and Node packages drive: each message is base64 of
    a JSON object ending in a comma, both ways, answered in order. It is spoken to here because
    the Python package's PagefindIndex reads one answer per 0.1 s poll (2,000 records would take
    200 s); here a thread writes the requests while this one reads the answers as they come."""
    from pagefind.service import get_executable
    executable = get_executable()
    if executable is None:
        raise NewsdigestError(Problem("site.toml", "the search index could not be built: no pagefind program", HINT))
    try:
        process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {exc}", HINT)) from None
    errors: list[bytes] = []
    threads = [threading.Thread(target=_send, args=(process.stdin, requests), daemon=True),
               threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)]
    for thread in threads:
        thread.start()
    timer = threading.Timer(TIMEOUT, process.kill)
    timer.start()
    answers: dict[int, dict] = {}
    try:
        for message in _messages(process.stdout):
            answer = json.loads(base64.b64decode(message))
            answers[answer.get("message_id")] = answer.get("payload") or {}
            if len(answers) >= count:
                break
    finally:
        timer.cancel()
        process.kill()              # it has answered everything (or failed): nothing more to wait for
        process.wait()
        threads[1].join()
    missing = [n for n in range(1, count + 1) if n not in answers]
    if missing:
        said = (errors[0] if errors else b"").decode(errors="replace").strip().splitlines()
        reason = said[-1] if said else f"pagefind stopped (exit status {process.returncode}, timeout {TIMEOUT} s)"
        raise NewsdigestError(Problem("site.toml", f"the search index could not be built: {reason}", HINT))
    return [answers[n] for n in range(1, count + 1)]


def _send(pipe, requests: Iterator[dict]) -> None:
    try:
        for number, payload in enumerate(requests, 1):
            pipe.write(base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode()) + b",")
        pipe.flush()
    except (BrokenPipeError, ValueError):   # the service stopped (or was stopped): the reader says why
        pass
    # The input stays open: the service exits as soon as its input ends, answered or not.


def _messages(stream):
    """The comma-ended messages read from `stream` until it ends."""
    parts: list[bytes] = []
    while chunk := stream.read1(1 << 20):
        if b"," not in chunk:
            parts.append(chunk)
            continue
        *complete, rest = (b"".join(parts) + chunk).split(b",")
        yield from complete
        parts = [rest]
