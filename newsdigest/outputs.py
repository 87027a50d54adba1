"""Every file of the site as one kind of thing: a keyed output.

The plan says which pages and feeds exist. Here they become Outputs, together with the static
assets, the digest feeds, the OPML list, the sitemaps and robots.txt: a path, a key (a hash of
everything the bytes depend on) and how to make the bytes. The search index is a set of Bundles
(one per shard, see search.py): files made together by one Pagefind run from the articles' records.
write_outputs() is the one loop that fills a build's slot: an output whose key is the live site's
is carried over, the rest are made (on worker processes when there are many), so an unchanged
site costs a key comparison per file.
"""
from __future__ import annotations

import hashlib
import json
import operator
import os
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import compress, count, filterfalse, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Callable

from . import urls
from .cache import code_fingerprint
from .feeds import (DigestItem, FeedSpec, atom_bytes, digest_feed_bytes, digest_items_html, feed_specs_key,
                    json_feed_bytes, opml_bytes, rss_bytes)
from .core import Article, SiteModel
from .model import changed_since
from .plan import DIGEST_FEED_FORMATS, Current, Page, PlanMemo, _paged_stories, digest_view, feed_specs, plan_pages
from .progress import progress
from .publish import BuildStats, Generation
from .render import (CardFragments, EachFragments, collect_assets, make_environment, page_key, render_globals, render_page, site_globals,
                     template_fingerprint, templates_signature)
from .sitemap import robots_bytes, sitemap_files
from .workers import fork_imap


@dataclass(frozen=True)
class Output:
    path: str                       # relative to the site root
    key: str                        # same key, same bytes
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Bundle:
    """Files made together by one tool run (a shard of the search index): all carried over when
    the key is the live one, all made again otherwise."""
    prefix: str                     # every file of the bundle is under it
    key: str
    make: Callable[[], dict[str, bytes]]   # {path: bytes}


@dataclass(frozen=True)
class SiteOutputs:
    outputs: list[Output]
    bundles: list[Bundle]
    pages: int                      # how many of the outputs are HTML pages


def key_of(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def made(path: str, data: bytes) -> Output:
    """An output cheap enough to make while planning: its key is its bytes."""
    return Output(path, hashlib.sha256(data).hexdigest(), partial(bytes, data))


def site_outputs(model: SiteModel, templates: Path, memo: PlanMemo | None = None,
                 compiled: Path | None = None) -> SiteOutputs:
    """Every output of the site; `compiled`: where compiled templates are kept between processes."""
    env = _environment(templates, memo, compiled)
    assets = collect_assets(templates)
    globals_ = site_globals(model, assets)
    # The whole config is in every page's key: cards and dates depend on timezone and formats.
    globals_key = key_of(globals_, repr(model.config), code_fingerprint())
    rendering = Rendering() if memo is None or memo.rendering is None else memo.rendering
    if memo is not None:
        memo.rendering = rendering   # the one the outputs it keeps render with
    rendering.env, rendering.globals = env, render_globals(env, globals_, rendering.cards, rendering.each)
    pages = plan_pages(model, memo)
    fingerprints: dict[str, tuple[str, str]] = {}   # template -> (its fingerprint, that and globals_key)
    # A page the plan took from the engine's memo is the same object as last build: its key,
    # and its output, stand while its template and the globals do.
    last_keys = memo.page_keys if memo is not None else {}
    keys: dict[int, tuple[Page, str, str, str, Output]] = {}

    def page_output(page: Page) -> Output:
        fp = fingerprints.get(page.template)
        if fp is None:
            made = template_fingerprint(env, page.template)
            fp = fingerprints[page.template] = (made, made + globals_key)
        last = last_keys.get(id(page))
        if last is not None and last[0] is page and last[1] == fp[1]:
            keys[id(page)] = last
            return last[4]
        key = page_key(page, fp[0], globals_key)
        # Rendered with this build's environment and globals, whichever build made the output.
        found = keys[id(page)] = (page, fp[1], key, page.file, Output(page.file, key, partial(_render, rendering, page)))
        return found[4]

    whole = memo.whole.pop("pages", None) if memo is not None else None
    if whole is not None and whole[0][0] is pages and whole[0][1] == globals_key and whole[0][2] is env:
        # The very pages of the last plan (plan_pages), the same globals and templates: their outputs.
        outputs, keys = list(whole[1]), whole[2]
        fingerprints = whole[3]
    elif whole is not None and whole[0][1] == globals_key and whole[0][2] is env and all(
            template_fingerprint(env, name) == fp[0] for name, fp in whole[3].items()):
        # The globals and templates of the last build: every page it kept output for is the
        # same object, its output stands (PlanMemo.page_keys holds the pages, so an id found
        # there is that page's). Looked up by map, in C: a drop keeps some 17,000 of them.
        fingerprints = dict(whole[3])
        entries = list(map(last_keys.get, map(id, pages)))
        for at in list(compress(count(), map(operator.not_, entries))):   # the pages planned again
            page_output(pages[at])
            entries[at] = keys[id(pages[at])]
        keys = dict(zip(map(id, pages), entries))
        outputs = list(map(itemgetter(4), entries))
    else:
        # page_output's first case inline (no call for each of the unchanged pages, 17,000 at
        # 10,000 articles): the page kept, made with the same template and globals.
        outputs = []
        for page in pages:
            last = last_keys.get(id(page))
            fp = fingerprints.get(page.template)
            if last is not None and fp is not None and last[0] is page and last[1] == fp[1]:
                keys[id(page)] = last
                outputs.append(last[4])
            else:
                outputs.append(page_output(page))
    if memo is not None:
        memo.page_keys = keys
        memo.whole["pages"] = ((pages, globals_key, env), list(outputs), keys, fingerprints)
    specs = from_last(memo, "feed specs", (model.articles, *model.taxonomies), lambda: feed_specs(model, memo))
    outputs += feed_outputs(model, specs, memo)
    outputs += [made(out, data) for out, data in assets.files.values()]
    # Every page but the 404 (map and filter: C, over 17,000 pages)
    outputs += other_outputs(model, specs, [*filter(urls.NOT_FOUND.__ne__, map(attrgetter("url_path"), pages))], memo)
    bundles = []
    if model.config.search and model.articles:  # Pagefind cannot index a site without articles
        search_outputs, bundles = search_bundles(model, memo)
        outputs += search_outputs
    return SiteOutputs(outputs, bundles, len(pages))


def from_last(memo: PlanMemo | None, name: str, parts: tuple, make: Callable):
    """make(), or the value the last build made under `name` from the very same `parts` (a
    corpus-wide value made from the model's articles tuple and taxonomies, which the live model
    keeps as the same objects while no article changed: model.site_order, LiveTaxonomy)."""
    if memo is None:
        return make()
    found = memo.whole.get(name)
    if found is not None and len(found[0]) == len(parts) and all(map(operator.is_, found[0], parts)):
        return found[1]
    memo.whole.pop(name, None)   # a build that fails in make() keeps no stale value
    value = make()
    memo.whole[name] = (parts, value)
    return value


class Rendering:
    """What the pages of a build are rendered with: its Jinja environment and globals. The
    outputs an engine keeps from one build to the next (PlanMemo.page_keys) read them when
    made, so a kept output renders with the current build's. Article cards and the entries of
    long lists are kept from one build to the next (render.CardFragments, EachFragments). A snapshot of the engine keeps
    none of these (the environment does not pickle): the next build sets them."""

    def __init__(self):
        self.env = None
        self.globals: dict | None = None
        self.cards, self.each = CardFragments(), EachFragments()

    def __getstate__(self) -> dict:
        return {"env": None, "globals": None, "cards": CardFragments(), "each": EachFragments()}


def _render(rendering: Rendering, page: Page) -> bytes:
    return render_page(rendering.env, page, rendering.globals)


def prime_rendering(memo: PlanMemo) -> None:
    """What the first change after an engine's first build would make while it waits, when that
    build rendered nothing (the site was up to date): the templates of the last plan's pages
    loaded, and the index page of each taxonomy rendered, its bytes dropped, so that its entries
    are kept (render.EachFragments). A change to any term's count renders that page again, and
    made every entry with the first change (the actors index lists 18,700 at 10,000 articles).
    A page that fails here fails, and says so, in the build that needs it."""
    rendering = memo.rendering
    if rendering is None or rendering.env is None:
        return
    wanted = {urls.taxonomy(key) for key in memo.terms}
    indexes = [entry[4] for entry in memo.page_keys.values() if entry[0].url_path in wanted]
    try:
        for name in {entry[0].template for entry in memo.page_keys.values()}:
            rendering.env.get_template(name)
        for output in indexes:
            output.make()
    except Exception:   # noqa: BLE001 - a warm-up: the build that renders it reports the error
        return


def _environment(templates: Path, memo: PlanMemo | None, compiled: Path | None = None):
    """The Jinja environment; the live engine keeps its last one (its compiled templates) while
    the template folders hold the same files."""
    if memo is None:
        return make_environment(templates, compiled)
    signature = templates_signature(templates)
    if memo.environment is None or memo.environment[0] != signature:
        memo.environment = (signature, make_environment(templates, compiled))
    return memo.environment[1]


def search_bundles(model: SiteModel, memo: PlanMemo | None = None) -> tuple[list[Output], list[Bundle]]:
    """One bundle per search shard, keyed by the records Pagefind is given of its articles (so
    adding an article re-makes only its shard), Pagefind's UI files, and the list the search page
    merges. The records come from the model: a bundle reads neither the slot nor a scratch folder.
    `memo`: the live engine's, with the record digests of its last build (search.record_digest)."""
    from .search import (SHARD_LIST, UI_DIR, Entry, index_records, pagefind_version, plan_shards, record_digest,
                         record_of, shard_list, ui_files)
    # Each article's page and entry: the last build's while it is the same object.
    last_rows = memo.search_rows if memo is not None else {}
    # The articles the memo's rows, shard keys and records were last made for (set together at
    # the end), and what changed since (model.changed_since), when known.
    since = memo.whole.pop("search keys", None) if memo is not None else None
    prior = memo.whole.get("search shards") if memo is not None else None   # the last shard plan's
    delta = changed_since(model, since) if since is not None else None

    def row(a: Article) -> tuple:
        page = urls.file_of(a.url_path)
        return (a, page, Entry(a.date, a.id, page))

    def plan() -> tuple:
        if delta is None:
            rows = {}
            for a in model.articles:
                found = last_rows.get(a.id)
                rows[a.id] = found if found is not None and found[0] is a else row(a)
        else:   # the last rows, less the articles gone or another object, with the new ones
            changed, gone = delta
            rows = dict(last_rows)
            for aid in gone:
                del rows[aid]
            rows.update((aid, row(model.article(aid))) for aid in changed)
        found = rows.values()   # (by map and zip: C, over every article)
        article_of = dict(zip(map(itemgetter(1), found), map(itemgetter(0), found)))
        # The entries new or another object since the shard plan's last call: those of the
        # changed articles, when it was made from `since` (the from_last entry of the same build).
        fresh = [rows[aid][2] for aid in delta[0]] if delta is not None and prior is not None and prior[0][0] is since else None
        return rows, article_of, plan_shards(list(map(itemgetter(2), found)), model.config.timezone,
                                             memo=memo.shard_plan if memo is not None else None, changed=fresh)
    # The shards are a function of the articles' dates and pages (and the timezone: the config's)
    rows, article_of, shards = from_last(memo, "search shards", (model.articles,), plan)
    tool = key_of(pagefind_version(), code_fingerprint(), "search")

    def records(pages: tuple[str, ...]) -> list:   # made again when needed, not held: they are as large as the bodies
        return [record_of(article_of[page], model) for page in pages]

    last, kept = (memo.records, {}) if memo is not None else (None, None)
    sources = model.taxonomy("sources")

    def stamp(article) -> tuple | None:
        """What an article's record is made from, beside the config: its file and the names of
        its terms. The plan's card stamp has the file's hash and the topic and actor links (the
        same link objects while their names are the same); the card is held with it, so that the
        objects whose ids the stamp holds outlive it. The source's name as its page shows it."""
        card = memo.card_of(article.id) if memo is not None else None
        if card is None:
            return None
        return (*card, sources.term(sources.slug(article.source)).name if article.source else "")

    def key(shard) -> str:
        return key_of(tool, shard.name, [record_digest(article_of[page], model, last, kept, stamp(article_of[page]))
                                         for page in shard.pages])

    # A shard's key is the last build's when it holds the same pages, each the same article
    # object whose record nothing else can have changed (PlanMemo.records_dirty: a card made
    # again, a source renamed); its articles' record digests are carried with it.
    last_keys = memo.shard_keys if memo is not None else {}
    dirty = memo.records_dirty if memo is not None else set()
    # With what changed known, a shard is the same by its pages, none of them an article
    # changed or dirty.
    if delta is not None:
        kept = last   # brought up to date in place: an entry is used only with its stamp (record_digest)
        for aid in delta[1]:
            kept.pop(aid, None)
        touched = {rows[aid][1] for aid in delta[0] | dirty if aid in rows}
    keys, shard_keys = [], {}
    for shard in shards:
        found = last_keys.get(shard.name)
        if found is not None and found[2] == tool and found[0] == shard.pages and (
                touched.isdisjoint(shard.pages) if delta is not None else (
                    all(a is article_of[page] for a, page in zip(found[1], shard.pages))
                    and not any(a.id in dirty for a in found[1]))):
            if delta is None:
                kept.update((a.id, last[a.id]) for a in found[1] if a.id in last)
        else:
            found = (shard.pages, [article_of[page] for page in shard.pages], tool, key(shard))
        shard_keys[shard.name] = found
        keys.append(found[3])
    bundles = [Bundle(s.prefix, key, lambda s=s: index_records(s.prefix, records(s.pages))) for s, key in zip(shards, keys)]
    bundles.append(Bundle(UI_DIR, key_of(tool, "ui"), lambda: ui_files(records(shards[0].pages[:1])[0])))
    if memo is not None:
        memo.records, memo.search_rows, memo.shard_keys = kept, rows, shard_keys
        memo.whole["search keys"] = model.articles
        # Taken into these keys: a plan taken whole next time (plan_pages) makes no card again.
        memo.records_dirty = set()
    return [made(SHARD_LIST, shard_list(shards))], bundles


FEED_MAKERS = {"rss": rss_bytes, "atom": atom_bytes, "json": json_feed_bytes}


def _feed(fmt: str, spec: FeedSpec, current: Current) -> bytes:
    model = current.model
    return FEED_MAKERS[fmt](spec, [model.article(i) for i in spec.article_ids], model.config)


def feed_outputs(model: SiteModel, specs: list[FeedSpec], memo: PlanMemo | None = None) -> list[Output]:
    """Every feed, keyed by its spec and its articles' files. `memo` (the live engine's plan memo)
    keeps each spec's key and outputs with the articles it was made from: the same spec (the
    same ids) and the very same article objects (unchanged: see enrich.apply_enrichment) give
    the same key. A feed is made from the model of the build that makes it (plan.Current), so
    a kept output holds no earlier model."""
    config_key = key_of(repr(model.config), code_fingerprint())
    last = memo.feed_keys if memo is not None else {}   # PlanMemo.start empties it for another config
    current = memo.current if memo is not None else Current()
    current.model = model
    changed = None   # the ids of the articles new or another object since the last feeds
    if memo is not None:
        found = memo.whole.pop("feeds", None)
        if found is not None and memo.feed_keys is found[2]:
            # The very specs (feed_specs kept: the same articles and terms) and the same articles.
            if found[0][0] is specs and found[0][1] is model.articles:
                memo.whole["feeds"] = found
                return list(found[1])
            delta = changed_since(model, found[0][1])
            changed = delta[0] if delta is not None else None
    article = model.article
    kept: dict = {}
    outputs = []
    for spec in specs:
        found = last.get(spec)
        # A kept spec's articles are those of the last feeds' model: none of them another
        # object now, the same articles.
        if found is None or (not changed.isdisjoint(spec.article_ids) if changed is not None else
                             not all(article(i) is a for i, a in zip(spec.article_ids, found[0]))):
            articles = [article(i) for i in spec.article_ids]
            found = (articles, key := feed_specs_key(spec, articles, config_key),
                     [Output(path, key, partial(_feed, fmt, spec, current)) for fmt, path in spec.paths()])
        kept[spec] = found
        outputs += found[2]
    if memo is not None:
        memo.feed_keys = kept
        memo.whole["feeds"] = ((specs, model.articles), list(outputs), kept)
    return outputs


def other_outputs(model: SiteModel, specs: list[FeedSpec], page_paths: list[str],
                  memo: PlanMemo | None = None) -> list[Output]:
    """The OPML list, the digest feeds, the sitemaps and robots.txt (`memo`: the live engine's,
    which keeps each article's last-modified date and each sitemap line while they hold)."""
    config = model.config
    digest_spec = [FeedSpec(f"{config.title}: digests", "", urls.DIGESTS, (), formats=DIGEST_FEED_FORMATS)]
    listed = specs[:1] + (digest_spec if model.digests else []) + specs[1:]
    # The OPML list names each feed, not its articles: a new article seldom changes it.
    signature = tuple((s.title, s.description, s.page_path, s.kind, s.formats) for s in listed)
    opml = memo.opml if memo is not None else None
    if opml is None or opml[0] != signature:
        opml = (signature, made("feeds.opml", opml_bytes(listed, config)))
        if memo is not None:
            memo.opml = opml
    outputs = [opml[1]]
    if model.digests:
        # A digest's item is the last build's while it shows the same: the same digest object, its
        # entries' first articles (their page, language and direction), which of their stories
        # have a page, and the sources' slugs (where its sources link); the feed is the last
        # one while its items are the same objects (the engine's memo, for one config).
        kept, now = (memo.digest_items, {}) if memo is not None else ({}, None)
        slugs, paged, article = model.taxonomy("sources").slug_of, _paged_stories(model), model.article
        items = []
        for digest in model.digests[: config.feed_size]:
            stamp = (digest, slugs, tuple(article(e.article_ids[0]) for e in digest.entries),
                     tuple(e.story_id in paged for e in digest.entries))
            found = kept.get(digest.key)
            if found is None or found[0] != stamp:
                view = digest_view(model, digest)
                found = (stamp, DigestItem(digest.key, view["title"], view["url"], digest.updated,
                                           digest_items_html(view, config)))
            if now is not None:
                now[digest.key] = found
            items.append(found[1])
        last = memo.digest_feed if memo is not None else None
        if last is None or len(last[0]) != len(items) or not all(map(operator.is_, last[0], items)):
            last = (items, [made(path, digest_feed_bytes(items, config, fmt)) for fmt, path in digest_spec[0].paths()])
        if memo is not None:
            memo.digest_items, memo.digest_feed = now, last
        outputs += last[1]
    outputs += _sitemap_outputs(model, page_paths, memo)
    outputs.append(made("robots.txt", robots_bytes(model)))
    return outputs


def _sitemap_outputs(model: SiteModel, page_paths: list[str], memo: PlanMemo | None) -> list[Output]:
    if memo is None:
        lastmod = {a.url_path: (a.updated or a.date).isoformat() for a in model.articles}
        return [made(name, data) for name, data in sitemap_files(model, page_paths, lastmod).items()]
    found = memo.whole.pop("sitemap", None)
    # The same articles (their pages and dates) and the same pages: the same sitemaps.
    if found is not None and found[0][0] is model.articles and found[0][1] == page_paths:
        memo.whole["sitemap"] = found
        return found[1]
    # What changed since the articles of the last sitemaps, when known (model.changed_since);
    # an article that is the same object has the same page and date.
    delta = changed_since(model, found[0][0]) if found is not None else None
    last = memo.lastmods
    dirty = None   # the pages whose lastmod may have changed (sitemap_files): the changed articles'
    if delta is None:
        kept = {}
        for a in model.articles:
            entry = last.get(a.id)
            kept[a.id] = entry if entry is not None and entry[0] is a else (
                a, a.url_path, (a.updated or a.date).isoformat())
        lastmod = {url: when for _, url, when in kept.values()}
    else:   # the last ones, less the articles gone or another object, with the new ones
        # (changed in place: a build failing on the way leaves no "sitemap" entry, and the
        # next one checks every entry of memo.lastmods by identity, above)
        changed, gone = delta
        kept, lastmod, dirty = last, found[2], set()
        for aid in changed | gone:
            entry = kept.pop(aid, None)
            if entry is not None:
                del lastmod[entry[1]]   # one article a page (articles.py: a clash is an error)
        for aid in changed:
            a = model.article(aid)
            kept[aid] = entry = (a, a.url_path, (a.updated or a.date).isoformat())
            lastmod[entry[1]] = entry[2]
            dirty.add(entry[1])
    memo.lastmods = kept
    # The pages not among the last sitemaps' (the sitemap order's last call: both are kept together)
    new = list(filterfalse(set(found[0][1]).__contains__, page_paths)) if found is not None else None
    files = sitemap_files(model, page_paths, lastmod, memo.sitemap_lines, memo.sitemap_order, dirty, new,
                          memo.sitemap_parts)
    # A section's file that is the same bytes object as last build's keeps its output (not hashed again).
    last, now = memo.sitemap_outputs, {}
    for name, data in files.items():
        found = last.get(name)
        now[name] = found if found is not None and found[0] is data else (data, made(name, data))
    memo.sitemap_outputs = now
    outputs = [output for _, output in now.values()]
    memo.whole["sitemap"] = ((model.articles, page_paths), outputs, lastmod)
    return outputs


CHUNK = 100               # outputs per task handed to a worker
PARALLEL_THRESHOLD = 300  # below this, starting worker processes costs more than it saves
RENEW = 50                # chunks per render worker before fresh ones are forked (workers.fork_imap)


def _make_chunk(gen: Generation, chunk: list[Output]) -> tuple[dict, BuildStats]:
    view = gen.worker_view()
    for output in chunk:
        view.write(output.path, output.make(), output.key)
    return view.manifest, view.stats


def write_outputs(site: SiteOutputs, gen: Generation, workers: int = 1) -> None:
    """Fill the build's slot: carry over every output whose key is unchanged, make the others."""
    todo = gen.carry_same(site.outputs)
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    parallel = workers if len(todo) >= PARALLEL_THRESHOLD else 1
    live = _live_files_of(site.bundles, gen)
    remake = []
    # Unchanged bundles first, so that no file of theirs is cleared from the slot as stale.
    for bundle in site.bundles:
        previous = live[bundle.prefix]
        # every live file of it made with its key (gen.previous_key, by map)
        if previous and not gen.clean and all(map(operator.eq, repeat(bundle.key), map(
                dict.get, map(gen.live_manifest.__getitem__, previous), repeat("key")))):
            if not gen.carry(previous):
                continue
            gen.forget(previous)   # a live file is gone: the bundle is made again, whole
        remake.append(bundle)
    with ThreadPoolExecutor(max_workers=1) as beside:
        # Rendered in this process (a few pages: a change), the bundles are made meanwhile: the
        # search tool runs as a process of its own, on another core. Never beside forked workers:
        # a process forked while another thread runs may inherit a lock that nobody releases.
        bundles = beside.submit(lambda: [bundle.make() for bundle in remake]) if parallel == 1 and remake else None
        # Forked workers inherit the model, templates and the slot without pickling them.
        with progress(len(todo), "rendering") as advance:
            for manifest, stats in fork_imap(partial(_make_chunk, gen), chunks,  # merged as they finish
                                             parallel, ordered=False, renew=RENEW):
                gen.merge(manifest, stats)
                advance(len(manifest))
        made = bundles.result() if bundles is not None else None
    # Without a thread beside (a build of many pages), each bundle's files are written as made:
    # every shard's at once (258 MB of files at 100,000 articles) was the build's highest point.
    for n, bundle in enumerate(remake):
        for rel, data in (made[n] if made is not None else bundle.make()).items():
            gen.write(rel, data, bundle.key)


def _live_files_of(bundles: list[Bundle], gen: Generation) -> dict[str, list[str]]:
    """The live site's files of each bundle, by prefix, sorted."""
    found: dict[str, list[str]] = {bundle.prefix: [] for bundle in bundles}
    if not found:
        return found
    # What every prefix starts with (pagefind/) is looked for first, by map (C): one comparison
    # for each of the site's other files (30,000 at 10,000 articles). Sorted, the files under a
    # prefix are those from it up to the first string after every one it starts (its last
    # character the next one), found by bisection.
    live = gen.live_manifest
    common = os.path.commonprefix(list(found))
    under = sorted(compress(live, map(str.startswith, live, repeat(common))))
    for prefix in found:
        found[prefix] = under[bisect_left(under, prefix):bisect_left(under, prefix[:-1] + chr(ord(prefix[-1]) + 1))]
    return found
