"""Page plan and rendering.

The plan turns the site model into pages: an output path, a template and a context made only
of plain values (strings, numbers, lists, dicts), with every link and date already resolved.
So a page's bytes are a function of its template and its context alone, which is what lets a
build key each page by a hash of both and skip the ones whose key did not change.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .articles import Article
from .errors import NewsdigestError, Problem
from .feeds import FeedSpec
from .markup import relative_root
from .model import SiteModel
from .taxonomy import Taxonomy

THEME = Path(__file__).parent / "theme"
KIND_TITLES = {"person": "People", "organisation": "Organisations", "country": "Countries",
               "place": "Places", "": "Other"}
KIND_LABELS = {"person": "Person", "organisation": "Organisation", "country": "Country", "place": "Place", "": ""}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class Page:
    url_path: str             # "" for the home page, "topics/x/" for a folder page, "404.html" for a file
    template: str
    context: dict = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.url_path + "index.html" if self.url_path == "" or self.url_path.endswith("/") else self.url_path


# --- environment --------------------------------------------------------------------------------

def template_dirs(site_templates: Path) -> list[Path]:
    """The site's own templates/ first, then the default theme: overrides go file by file."""
    return [d for d in (site_templates, THEME) if d.is_dir()]


def make_environment(site_templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(site_templates)]),
        autoescape=True,  # everything shown comes from untrusted article text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def template_fingerprint(env: jinja2.Environment, name: str, _seen: set | None = None) -> str:
    """Hash of a template and everything it extends, includes or imports."""
    seen = _seen if _seen is not None else set()
    if name in seen:
        return ""
    seen.add(name)
    source, filename, _ = env.loader.get_source(env, name)
    h = hashlib.sha256(source.encode())
    from jinja2 import meta
    for ref in sorted(r for r in meta.find_referenced_templates(env.parse(source)) if r):
        h.update(template_fingerprint(env, ref, seen).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Assets:
    """Static files with content-hashed names, so browsers may cache them forever."""

    files: dict  # logical name ("style.css") -> (output path, bytes)

    def url_map(self) -> dict[str, str]:
        return {name: out for name, (out, _) in self.files.items()}


def collect_assets(site_templates: Path) -> Assets:
    files: dict[str, tuple[str, bytes]] = {}
    for base in reversed(template_dirs(site_templates)):  # theme first, site overrides after
        static = base / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                name = path.relative_to(static).as_posix()
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()[:10]
                stem, dot, suffix = name.rpartition(".")
                hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
                files[name] = (f"static/{hashed}", data)
    return Assets(files)


# --- views: plain values for templates ----------------------------------------------------------

def _local(when, model: SiteModel):
    local = when.astimezone(model.config.timezone)
    return {"iso": local.isoformat(), "text": local.strftime(model.config.date_format)}


def term_links(tax: Taxonomy, names) -> list[dict]:
    links = []
    for name in names:
        slug = tax.slug(name)
        links.append({"name": tax.term(slug).name, "url": f"{tax.key}/{slug}/"})
    return links


class Views:
    """Builds (and memoises) the plain-value views of articles that many pages share."""

    def __init__(self, model: SiteModel):
        self.model = model
        self._cards: dict[str, dict] = {}

    def card(self, article: Article) -> dict:
        card = self._cards.get(article.id)
        if card is None:
            card = {
                "id": article.id, "title": article.title, "url": article.url_path,
                "date": _local(article.date, self.model), "source": article.source,
                "summary": article.summary, "lang": article.lang, "dir": article.dir,
                "topics": term_links(self.model.topics, article.topics),
                "actors": term_links(self.model.actors, article.actors),
            }
            self._cards[article.id] = card
        return card

    def cards(self, ids) -> list[dict]:
        return [self.card(self.model.article(i)) for i in ids]


def paginate(url_path: str, ids: tuple[str, ...], per_page: int) -> list[tuple[str, tuple[str, ...], dict]]:
    """(page url, ids on that page, pager) for a list; the first page lives at url_path itself."""
    chunks = [ids[i:i + per_page] for i in range(0, len(ids), per_page)] or [()]
    urls = [url_path] + [f"{url_path}page/{n}/" for n in range(2, len(chunks) + 1)]
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        pager = {"number": n, "count": len(chunks),
                 "newer": urls[n - 2] if n > 1 else None,
                 "older": urls[n] if n < len(chunks) else None}
        pages.append((urls[n - 1], chunk, pager))
    return pages


def feed_specs(model: SiteModel) -> list[FeedSpec]:
    n = model.config.feed_size
    specs = [FeedSpec(model.config.title, model.config.description, "", "feed.xml", "atom.xml",
                      tuple(a.id for a in model.articles[:n]))]
    for tax in model.taxonomies:
        for term in tax.terms:
            base = f"{tax.key}/{term.slug}/"
            specs.append(FeedSpec(f"{term.name} · {model.config.title}",
                                  f"Articles about {term.name} in {model.config.title}",
                                  base, base + "feed.xml", base + "atom.xml", term.article_ids[:n]))
    return specs


def _feeds_for(model: SiteModel, spec_page: str | None, title: str | None) -> list[dict]:
    site = model.config
    feeds = [{"title": f"{site.title} (RSS)", "type": "application/rss+xml", "url": site.absolute("feed.xml")},
             {"title": f"{site.title} (Atom)", "type": "application/atom+xml", "url": site.absolute("atom.xml")}]
    if spec_page is not None:
        feeds += [{"title": f"{title} (RSS)", "type": "application/rss+xml", "url": site.absolute(spec_page + "feed.xml")},
                  {"title": f"{title} (Atom)", "type": "application/atom+xml", "url": site.absolute(spec_page + "atom.xml")}]
    return feeds


def plan_pages(model: SiteModel) -> list[Page]:
    views = Views(model)
    per_page = model.config.items_per_page
    pages: list[Page] = []
    all_ids = tuple(a.id for a in model.articles)

    for url, ids, pager in paginate("", all_ids, per_page):
        pages.append(Page(url, "index.html", {"articles": views.cards(ids), "pager": pager,
                                              "title": "" if pager["number"] == 1 else f"Page {pager['number']}",
                                              "feeds": _feeds_for(model, None, None)}))

    for article in model.articles:
        older, newer = model.neighbours(article)
        view = dict(views.card(article))
        view.update({
            "body_html": article.body_html, "author": article.author, "section": article.section,
            "dateline": article.dateline, "original_url": article.url,
            "updated": _local(article.updated, model) if article.updated else None,
        })
        pages.append(Page(article.url_path, "article.html", {
            "article": view, "title": article.title, "description": article.summary,
            "older": views.card(older) if older else None, "newer": views.card(newer) if newer else None,
            "feeds": _feeds_for(model, None, None)}))

    for tax in model.taxonomies:
        groups = [{"kind": kind, "title": KIND_TITLES.get(kind, kind.title()),
                   "terms": [{"name": t.name, "url": f"{tax.key}/{t.slug}/", "count": len(t.article_ids)}
                             for t in terms]}
                  for kind, terms in (tax.by_kind() if tax.key == "actors" else [("", list(tax.terms))])]
        pages.append(Page(f"{tax.key}/", "taxonomy.html", {
            "taxonomy": {"key": tax.key, "title": tax.title}, "groups": groups, "title": tax.title,
            "feeds": _feeds_for(model, None, None)}))
        for term in tax.terms:
            base = f"{tax.key}/{term.slug}/"
            for url, ids, pager in paginate(base, term.article_ids, per_page):
                pages.append(Page(url, "term.html", {
                    "taxonomy": {"key": tax.key, "title": tax.title, "singular": tax.singular},
                    "term": {"name": term.name, "url": base, "kind": KIND_LABELS.get(term.kind, ""),
                             "description": term.description, "count": len(term.article_ids),
                             "feed": base + "feed.xml", "atom": base + "atom.xml"},
                    "articles": views.cards(ids), "pager": pager,
                    "title": term.name if pager["number"] == 1 else f"{term.name}, page {pager['number']}",
                    "feeds": _feeds_for(model, base, term.name)}))

    months = [{"label": f"{MONTHS[m.month - 1]} {m.year}", "url": m.url_path, "count": len(m.article_ids)}
              for m in model.months]
    pages.append(Page("archive/", "archive.html", {"months": months, "title": "Archive",
                                                   "feeds": _feeds_for(model, None, None)}))
    for month, label in zip(model.months, months):
        for url, ids, pager in paginate(month.url_path, month.article_ids, per_page):
            pages.append(Page(url, "month.html", {"month": label, "articles": views.cards(ids), "pager": pager,
                                                  "title": label["label"], "feeds": _feeds_for(model, None, None)}))

    pages.append(Page("404.html", "404.html", {"title": "Page not found", "feeds": []}))
    return pages


def page_key(page: Page, fingerprint: str, globals_key: str) -> str:
    payload = json.dumps([page.url_path, page.template, page.context], sort_keys=True,
                         ensure_ascii=False, default=str)
    return hashlib.sha256(f"{__version__}\0{fingerprint}\0{globals_key}\0{payload}".encode()).hexdigest()


def render_page(env: jinja2.Environment, page: Page, site_globals: dict) -> bytes:
    # The 404 page is served at any depth, so it links from the site's absolute base path.
    root = site_globals["base_path"] if page.url_path == "404.html" else relative_root(page.url_path)
    template = None
    try:
        template = env.get_template(page.template)
        html = template.render(site_globals, root=root, page_url=page.url_path,
                               canonical=site_globals["base_url"] + page.url_path, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise NewsdigestError(Problem(exc.filename or exc.name or page.template, f"template error: {exc.message}",
                                      "fix the template; the previous site stays published", exc.lineno)) from None
    except jinja2.TemplateError as exc:
        where = template.filename if template is not None and template.filename else page.template
        raise NewsdigestError(Problem(where, f"template error while rendering /{page.url_path}: {exc}",
                                      "fix the template; the previous site stays published")) from None
    return html.encode("utf-8")


def site_globals(model: SiteModel, assets: Assets) -> dict[str, Any]:
    c = model.config
    return {
        "site": {"title": c.title, "description": c.description, "language": c.language, "author": c.author},
        "base_url": c.base_url, "base_path": c.base_path, "assets": assets.url_map(),
        "nav": [{"title": "Latest", "url": ""}, {"title": "Topics", "url": "topics/"},
                {"title": "Actors", "url": "actors/"}, {"title": "Archive", "url": "archive/"}],
        "description": c.description, "generator": f"newsdigest {__version__}",
    }
