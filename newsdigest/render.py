"""Rendering: the Jinja2 environment (site templates over the default theme), assets, pages."""
from __future__ import annotations

import hashlib
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from . import __version__, charts, urls
from .cache import code_fingerprint
from .errors import NewsdigestError, Problem
from .markup import relative_root
from .core import SiteModel
from .plan import Page

THEME = Path(__file__).parent / "theme"


# --- environment --------------------------------------------------------------------------------

def template_dirs(site_templates: Path) -> list[Path]:
    """The site's own templates/ first, then the default theme: overrides go file by file."""
    return [d for d in (site_templates, THEME) if d.is_dir()]


def templates_signature(site_templates: Path) -> tuple:
    """Every file of the template folders with its size and times: an environment made for one
    signature is good as long as it holds (Jinja reloads an edited template by itself, but not
    one that a new file in templates/ now overrides)."""
    found = []
    for base in template_dirs(site_templates):
        for path in sorted(base.rglob("*")):
            st = path.stat()
            found.append((str(path), st.st_mtime_ns, st.st_ctime_ns, st.st_size))
    return tuple(found)


# Every value a page shows goes through the two hooks below, tens of millions of times in a large
# build; each does what Jinja's own does, without raising and catching an exception per value
# (getattr) or making a Markup object per value (escape).

_DICT_ATTRIBUTES = frozenset(dir(dict))


def escape_output(value) -> str:
    """markupsafe.escape for a value written to the output: the same characters replaced, but a
    plain str comes back as a plain str and Markup as itself, not copied into a new Markup (the
    output is joined into one string either way)."""
    cls = value.__class__
    if cls is str:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    if cls is Markup:
        return value
    return escape(value)


class _CodeGenerator(CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    escape_output = staticmethod(escape_output)

    def getattr(self, obj, attribute: str):
        """`a.b`: an attribute first, then an item, as Jinja's; a plain dict has no attribute but
        its methods, so for any other name its item is looked up straight away."""
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_environment(site_templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The theme's environment; `compiled`: a folder keeping compiled templates between processes."""
    env = Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(site_templates)]),
        autoescape=True,  # everything shown comes from untrusted article text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # No file check per template use: an environment serves one state of the template folders
        # (a one-shot build makes its own; the engine a new one when templates_signature changes).
        auto_reload=False,
        bytecode_cache=_compiled_templates(compiled) if compiled is not None else None,
    )
    env.filters["plain_label"] = plain_label
    env.filters["counts_chart"] = counts_chart
    env.filters["trend_chart"] = trend_chart
    env.filters["together_chart"] = together_chart
    env.filters["axis_span"] = axis_span
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in a folder (.newsdigest/compiled-templates/; Jinja checks each against
    its template's source): what cannot be read or written there is compiled again, never an error."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:   # noqa: BLE001 - a damaged file: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass   # a full disk or a read-only folder: compiled again by the next process


def _compiled_templates(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiling the theme took about a tenth of a second of each build process (the sample
    site's render stage: 0.29-0.36 s, 0.21-0.22 s with it kept). The code is our code
    generator's (_CodeGenerator): a subfolder per newsdigest code hash and Jinja version, the
    others removed."""
    here = folder / hashlib.sha256(f"{code_fingerprint()} {jinja2.__version__}".encode()).hexdigest()[:16]
    try:
        here.mkdir(parents=True, exist_ok=True)
        for other in folder.iterdir():
            if other != here and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return None
    return _CompiledTemplates(str(here))


# Charts are drawn while rendering, from data the page plan put in the context, so pages that
# are not rendered cost nothing. Each comes with a caption and its data as a table, for screen
# readers and anyone who would rather read numbers; the template writes its heading.

def counts_chart(data, title: str, heading_id: str | None = None) -> Markup:
    return Markup(charts.counts_chart(data, title, heading_id))


def trend_chart(counts, axis, title: str) -> Markup:
    """The small chart of a term in a list: its counts on the list's shared time axis."""
    return Markup(charts.counts_chart({**axis, "counts": list(counts)}, title, size="narrow"))


def axis_span(axis) -> str:
    """ "Jan 2024 to May 2025": the periods a time axis covers."""
    return charts.span_text(charts.Axis.from_plain(axis))


def together_chart(data, center: str, title: str, heading_id: str | None = None, root: str = "") -> Markup:
    return Markup(charts.together_chart(data, center, title, heading_id, root))


def plain_label(text: str) -> str:
    """A name for places that show it as HTML after decoding entities (Pagefind's filter labels):
    without '<', '>' and '&' it can only ever be text."""
    return text.replace("<", "").replace(">", "").replace("&", "")


@contextmanager
def template_errors(env: jinja2.Environment, name: str, url_path: str | None = None):
    """Turn Jinja2 exceptions into a problem naming the template file (and line)."""
    hint = "fix the template; the previous site stays published"
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise NewsdigestError(Problem(exc.filename or exc.name or name, f"template error: {exc.message}",
                                      hint, exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        raise NewsdigestError(Problem(f"templates/{name}", f"template error: '{exc.name}' not found",
                                      "add it to templates/ or fix the name that refers to it")) from None
    except jinja2.TemplateError as exc:
        try:
            where = env.get_template(name).filename or name
        except jinja2.TemplateError:
            where = name
        page = f" while rendering /{url_path}" if url_path is not None else ""
        raise NewsdigestError(Problem(where, f"template error{page}: {exc}", hint)) from None


SHARED = "shared"   # the name templates call SharedFragments by: `{{ shared("site-header.html") }}`
EACH = "each"       # and EachFragments by: `{{ each("term-entry.html", terms, root=root) }}`


@dataclass(frozen=True)
class TemplateFacts:
    source: str
    references: tuple       # the templates it extends, includes, imports or shows as shared fragments;
                            # None for a name made at render time
    reads: frozenset        # the names it reads from the values it is rendered with


def _shared_references(tree: nodes.Template):
    """The templates a template shows through `shared(name)` or `each(name, ...)`: they are part
    of its pages too."""
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in (SHARED, EACH) and call.args:
            name = call.args[0]
            yield name.value if isinstance(name, nodes.Const) and isinstance(name.value, str) else None


# (template name, source) -> its references and reads. The environments make_environment builds
# all parse alike, so the answer depends on the source alone.
_PARSED: dict[tuple[str, str], tuple[tuple, frozenset]] = {}


def template_facts(env: jinja2.Environment, name: str) -> TemplateFacts:
    with template_errors(env, name):
        source, filename, _ = env.loader.get_source(env, name)
        found = _PARSED.get((name, source))
        if found is None:   # parsing is most of the cost; every build asks again (watch: per change)
            tree = env.parse(source, name, filename)
            found = _PARSED[(name, source)] = ((*meta.find_referenced_templates(tree), *_shared_references(tree)),
                                                frozenset(meta.find_undeclared_variables(tree)))
    return TemplateFacts(source, *found)


def template_fingerprint(env: jinja2.Environment, name: str, _seen: set | None = None) -> str:
    """Hash of a template and everything it extends, includes, imports or shows as shared fragments."""
    seen = _seen if _seen is not None else set()
    if name in seen:
        return ""
    seen.add(name)
    facts = template_facts(env, name)
    h = hashlib.sha256(facts.source.encode())
    for ref in sorted(r for r in facts.references if r):
        h.update(template_fingerprint(env, ref, seen).encode())
    return h.hexdigest()


def template_reads(env: jinja2.Environment, name: str, _seen: set | None = None) -> frozenset | None:
    """The names a template reads, with those of everything it extends, includes or imports;
    None when it names one of those only at render time (what that reads is not known)."""
    seen = _seen if _seen is not None else set()
    if name in seen:
        return frozenset()
    seen.add(name)
    facts = template_facts(env, name)
    reads = set(facts.reads)
    for ref in facts.references:
        more = template_reads(env, ref, seen) if ref is not None else None
        if more is None:
            return None
        reads |= more
    return frozenset(reads)


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


def page_key(page: Page, fingerprint: str, globals_key: str) -> str:
    """Same key, same bytes: the page's data, its template (and what that uses), the globals."""
    # globals_key already covers the tool's code (see outputs.site_outputs).
    return hashlib.sha256(f"{fingerprint}\0{globals_key}\0{page.url_path}\0{page.template}\0"
                          f"{page.key_data}".encode()).hexdigest()


ROOT_MARK = "\x00root\x00"  # stands for a page's way back to the site root in a shared fragment


class CardFragments:
    """Each article's card, rendered once and shared by every list that shows it.

    An article is on its home page, month, topics, actors and stories: about ten lists at once.
    The `card` macro of macros.html sees only the card, the heading level and the site globals,
    never the page, so its HTML is the same everywhere but for the way back to the site root,
    which is put in last. Available to templates as `card_html(card, root, heading)`, and a whole
    list of cards in one call as `card_html.all(cards, root, heading)`.

    The live engine keeps one from build to build (outputs.Rendering; start() begins each): the
    plan keeps an unchanged article's card as the very same object (never changed once made), so
    a card's HTML is kept with the card while the environment and the site globals are the same
    (a drop at 10,000 articles rendered 371 cards again, each list page's, for the few it changed).
    Cards are kept in generations of KEPT_BUILDS builds: a card no page rendered during a whole
    generation goes (a long watch would otherwise keep every deleted or edited article's).
    """

    def __init__(self):
        self._env = self._globals = None
        self._card = None
        # (card id, heading) -> (the card, its HTML); holding the card keeps its id unique
        self._memo: dict[tuple[str, str], tuple[dict, str]] = {}
        self._older: dict[tuple[str, str], tuple[dict, str]] = {}   # the last generation's
        self._build = 0

    def start(self, env: jinja2.Environment, site_globals: dict) -> None:
        """A build with this environment and these site globals: what was made with others goes."""
        if env is not self._env or site_globals != self._globals:
            self._env, self._card, self._memo, self._older = env, None, {}, {}
        self._globals = site_globals
        self._build += 1
        if self._build % KEPT_BUILDS == 0:
            self._older, self._memo = self._memo, {}

    def _html(self, card: dict, heading: str) -> str:
        key = (card["id"], heading)
        found = self._memo.get(key)
        if found is None:
            found = self._older.get(key)
            if found is not None:
                self._memo[key] = found   # used in this generation: kept into the next
        if found is None or found[0] is not card:
            if self._card is None:
                self._card = self._env.get_template("macros.html").make_module(vars=self._globals).card
            found = self._memo[key] = (card, str(self._card(card, ROOT_MARK, heading)))
        return found[1]

    def __call__(self, card: dict, root: str, heading: str = "h2") -> Markup:
        return Markup(self._html(card, heading).replace(ROOT_MARK, root))

    def all(self, cards: list, root: str, heading: str = "h2") -> Markup:
        """The cards one after the other: what a loop of card_html writes, in one call."""
        return Markup("".join([self._html(card, heading) for card in cards]).replace(ROOT_MARK, root))


# A page's own values that take few different values across the site, so a fragment reading
# them is still shared: its way back to the root (one per depth) and its navigation entry.
FEW_VALUED = ("root", "nav_current")


class SharedFragments:
    """Templates that many pages show alike (the site's header and footer), rendered once per
    build for each different value of what they read. Available to templates as `shared(name)`,
    which writes what `{% include name %}` would.

    What a template reads is found from its source and those of the templates it includes,
    imports or extends. When that is only site-wide values (the site globals, Jinja's globals,
    as the page has them) and FEW_VALUED, its HTML is made once per value of FEW_VALUED it reads.
    A template that reads anything else of the page (its title, its URL), or names a template
    only at render time, is rendered for each page: a site's own masthead.html or footer.html
    may show anything, it is only shared when it can be.
    """

    def __init__(self, env: jinja2.Environment, site_wide: dict):
        self._env, self._site_wide = env, {**env.globals, **site_wide}
        self._plans: dict[str, tuple | None] = {}
        self._memo: dict[tuple, Markup] = {}

    def _plan(self, name: str) -> tuple | None:
        """((site-wide name, its value) for each it reads, the FEW_VALUED names it reads), or
        None: rendered for each page."""
        reads = template_reads(self._env, name)
        if reads is None or not reads <= self._site_wide.keys() | set(FEW_VALUED):
            return None
        return (tuple((n, self._site_wide[n]) for n in sorted(reads - set(FEW_VALUED))),
                tuple(n for n in FEW_VALUED if n in reads))

    @jinja2.pass_context
    def render(self, context, name: str) -> Markup:
        if name not in self._plans:
            self._plans[name] = self._plan(name)
        plan = self._plans[name]
        if plan is not None:
            value_of = context.resolve_or_missing
            for n, value in plan[0]:
                if value_of(n) is not value:   # the page has its own value for a site-wide name
                    break
            else:
                key = (name, *[value_of(n) for n in plan[1]])
                html = self._memo.get(key)
                if html is None:
                    html = self._memo[key] = Markup(self._env.get_template(name).render(context.get_all()))
                return html
        return Markup(self._env.get_template(name).render(context.get_all()))


_PLAIN = frozenset({str, int, type(None)})   # values that stand for themselves in a key


class _Untold(Exception):
    """A value that cannot be told by its content (an object of another class)."""


def _frozen(value):
    """A hashable value, equal for values of equal content and types: what a fragment is kept under."""
    cls = value.__class__
    if cls in _PLAIN:
        return value
    if cls is dict:
        return cls, tuple((k, _frozen(v)) for k, v in value.items())
    if cls is list or cls is tuple:
        return cls, tuple(map(_frozen, value))
    if cls is float or cls is bool or cls is Markup:   # tagged: 1, 1.0 and True are shown differently
        return cls, value
    raise _Untold


# Builds a page's kept entries outlive its last render: each article page of a story keeps the
# story's other reports, so what every page ever rendered kept would grow with the site's stories.
KEPT_BUILDS = 100


class EachFragments:
    """The entries of long lists, each rendered once and kept between builds by what it shows.
    Available to templates as `each(name, items, **values)`, which writes, for each item, what
    the template `name` writes with the page's values, `values`, and the item as `item`.

    The actors index lists every actor (18,700 at 10,000 articles) and a new article changes
    the counts of a few: the whole list was rendered again with each one (and each page of a
    story that a report joins lists all the story's other reports). When `name` (with all
    it includes, imports or extends) reads only `item`, `values` and site-wide values that the
    page has as the site does (as SharedFragments), an entry's HTML is a function of its item and
    the values it reads. It is kept under their content (_frozen), for the page that shows it,
    while the environment (the same template files) and the site-wide values are the same, and
    the page was rendered within the last KEPT_BUILDS builds (swept every KEPT_BUILDS builds, so
    an entry can outlive its page's last render by up to twice that). Otherwise, and for an
    item not told by its content, each entry is rendered with the page.
    The live engine keeps one (outputs.Rendering); start() begins each build.
    """

    def __init__(self):
        self._env = self._site_wide = None
        self._plans: dict[str, tuple | None] = {}
        # (name, page, the values read) -> [build number, {key: html} made in it, the last's]
        self._kept: dict[tuple, list] = {}
        self._build = 0

    def start(self, env: jinja2.Environment, site_globals: dict) -> None:
        """A build with this environment and these site globals: what was made with others goes."""
        site_wide = {**env.globals, **site_globals}
        if env is not self._env or site_wide != self._site_wide:
            self._env, self._plans, self._kept = env, {}, {}
        self._site_wide = site_wide   # this build's very objects, as its pages have them
        self._build += 1
        if self._build % KEPT_BUILDS == 0:   # what pages rendered in none of the last builds kept goes
            self._kept = {where: kept for where, kept in self._kept.items() if kept[0] > self._build - KEPT_BUILDS}

    def _plan(self, name: str) -> tuple | None:
        """(the site-wide names it reads, the others but `item`), or None: rendered with each page."""
        reads = template_reads(self._env, name)
        if reads is None:
            return None
        site_wide = tuple(n for n in sorted(reads) if n in self._site_wide)
        return site_wide, reads - set(site_wide) - {"item"}

    def _memo(self, context, name: str, values: dict) -> list | None:
        """The kept entries of `name` on this page with these values, or None: none kept."""
        if name not in self._plans:
            self._plans[name] = self._plan(name)
        plan = self._plans[name]
        if plan is None or not plan[1] <= values.keys():
            return None
        value_of = context.resolve_or_missing
        if any(n not in values and value_of(n) is not self._site_wide[n] for n in plan[0]):
            return None   # the page has its own value for a site-wide name
        try:
            shown = _frozen({n: values[n] for n in sorted(values.keys() & {*plan[0], *plan[1]})})
        except _Untold:
            return None
        where = (name, value_of("page_url"), shown)
        kept = self._kept.get(where)
        if kept is None:
            kept = self._kept[where] = [self._build, {}, {}]
        elif kept[0] != self._build:   # its first use in this build: what the last one made is kept
            kept[:] = [self._build, {}, kept[1] or kept[2]]
        return kept

    @jinja2.pass_context
    def render(self, context, name: str, items, **values) -> Markup:
        with template_errors(self._env, name):
            template = self._env.get_template(name)
        base = {**context.get_all(), **values}
        kept = self._memo(context, name, values)
        if kept is None:
            return Markup("".join([template.render({**base, "item": item}) for item in items]))
        made, last = kept[1], kept[2]
        found = []
        for item in items:
            try:   # most items are a dict of plain values: their items are their key as they are
                key = tuple(item.items()) if item.__class__ is dict and set(map(type, item.values())) <= _PLAIN \
                    else _frozen(item)
            except _Untold:
                found.append(template.render({**base, "item": item}))
                continue
            html = made.get(key)
            if html is None:
                html = last.get(key)
                if html is None:
                    html = template.render({**base, "item": item})
                made[key] = html
            found.append(html)
        return Markup("".join(found))


def render_globals(env: jinja2.Environment, site_globals: dict, cards: CardFragments | None = None,
                   each: EachFragments | None = None) -> dict:
    """What every page is rendered with: the site globals, the shared card fragments, the
    shared fragments of page chrome and the kept entries of long lists (`cards`, `each`: the
    engine's, kept between builds)."""
    cards = cards if cards is not None else CardFragments()
    cards.start(env, site_globals)
    found = {**site_globals, "card_html": cards}
    found[SHARED] = SharedFragments(env, found).render
    each = each if each is not None else EachFragments()
    each.start(env, site_globals)
    found[EACH] = each.render
    return found


def nav_current(url_path: str, site_globals: dict) -> str | None:
    """The page's own entry in the site's navigation (its URL), or None."""
    return url_path if any(item["url"] == url_path for item in (*site_globals["nav"], *site_globals["more_nav"])) else None


def render_page(env: jinja2.Environment, page: Page, site_globals: dict) -> bytes:
    # The 404 page is served at any depth, so it links from the site's absolute base path.
    root = site_globals["base_path"] if page.url_path == "404.html" else relative_root(page.url_path)
    with template_errors(env, page.template, page.url_path):
        html = env.get_template(page.template).render(site_globals, root=root, page_url=page.url_path,
                                                      nav_current=nav_current(page.url_path, site_globals),
                                                      canonical=site_globals["base_url"] + page.url_path,
                                                      **page.context)
    return html.encode("utf-8")


def site_globals(model: SiteModel, assets: Assets) -> dict[str, Any]:
    c = model.config
    return {
        "site": {"title": c.title, "description": c.description, "language": c.language, "author": c.author},
        "base_url": c.base_url, "base_path": c.base_path, "assets": assets.url_map(),
        # The main nav fits one line at phone width; the rest is linked from every page's foot.
        "nav": [{"title": "Stories", "url": urls.STORIES}]
               + [{"title": tax.title, "url": urls.taxonomy(tax.key)} for tax in model.taxonomies]
               + ([{"title": "Search", "url": urls.SEARCH}] if c.search else []),
        "more_nav": [{"title": "Digests", "url": urls.DIGESTS},
                     {"title": "Archive", "url": urls.ARCHIVE}],
        "description": c.description, "generator": f"newsdigest {__version__}",
    }
