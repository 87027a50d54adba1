"""Hostile text in every field: no page and no feed of the built site carries script that runs.

The payloads (tests/fixtures/xss_payloads.txt) go into every front matter field, the body (as
raw HTML and inside Markdown constructs), topic and actor names, the gazetteer and site.toml.
Fields that validation rejects (a url that is not http(s), a lang that is not a BCP 47 tag)
must make the article reported and skipped; everything accepted must be shown as inert text.
The site is then checked twice: statically (HTML parsed, feeds parsed and their HTML parsed
again) and in Chromium, which opens every page from disk watching for dialogs and the __xss
flag, then runs searches on the search page (served on 127.0.0.1), which renders indexed text.
The theme's own scripts (JSON-LD data, the search page's scripts) are the only ones allowed.
"""
from __future__ import annotations

import functools
import json
import re
import threading
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdigest.config import Paths
from newsdigest.errors import Report
from newsdigest.frontmatter import dump
from newsdigest.markup import ALLOWED_TAGS
from newsdigest.pipeline import BuildOptions, build

from support.browser import screenshot

PAYLOADS_FILE = Path(__file__).parent / "fixtures" / "xss_payloads.txt"
BASE_URL = "https://example.org/digest/"
START = datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=3)))

SITE_TITLE = "</title><script>window.__xss=1</script>"
SITE_DESCRIPTION = "<img src=x onerror=window.__xss=1>"
SITE_AUTHOR = '"><svg onload=alert(1)>'

# Tags neither the theme nor a sanitised body may produce.
FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "input", "button",
    "textarea", "select", "style", "svg", "math", "template", "portal", "marquee", "video",
    "audio", "source", "details", "isindex", "xmp", "plaintext",
}
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction"}
URL_ATTRIBUTES = {"href", "src", "action", "xlink:href", "data", "poster", "background", "cite", "lowsrc",
                  "dynsrc", "ping", "manifest", "codebase", "longdesc", "icon"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
# The scripts the theme itself loads (the search page): empty elements pointing at its assets.
THEME_SCRIPT = re.compile(r"^(\.\./)*(\./)?(pagefind/ui/pagefind-ui\.js|static/[a-z-]+\.[0-9a-f]{6,}\.js)$")
THEME_LINK_RELS = {"stylesheet", "canonical", "alternate", "icon", "apple-touch-icon", "manifest"}

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("⏎", "\n") for line in lines if line.strip() and not line.startswith("# ")]


PAYLOADS = load_payloads()


def collapse(text: str) -> str:
    return " ".join(text.split())


# --- the hostile site -------------------------------------------------------------------------

def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


def article_body(payload: str, n: int) -> str:
    one_line = collapse(payload)
    return "\n\n".join([
        payload,                                   # first paragraph: the lede when there is no summary
        f"Inline: before {one_line} after.",
        f"## {one_line}",
        f"- item {n}\n- {one_line}",
        f"> {one_line}",
        f"| head | {one_line} |\n| --- | --- |\n| cell | {one_line} |",
        f"[a safe link {n}](https://example.org/{n}) and [a site link](/topics/)",
        payload,
    ])


def accepted_article(payload: str, n: int) -> tuple[str, str]:
    """An article whose every field is the payload; all of it passes validation."""
    meta = {
        "id": payload, "title": payload, "date": (START + timedelta(hours=n)).isoformat(),
        "source": payload, "url": "https://example.org/news?q=" + payload, "author": payload,
        "section": payload, "dateline": payload, "lang": "en",
    }
    # Half the payloads name a topic, the other half an actor: every name field sees ~40 payloads,
    # and the browser has half as many term pages to open.
    if n % 2 == 0:
        meta.update(topics=[payload, "Hostile input"], actors=["Hostile actor"], summary=payload)
    else:  # no summary: it is the lede, taken from the body
        meta.update(topics=["Hostile input"], actors=[payload, "Hostile actor"])
    return f"content/articles/2024/03/case-{n:03d}.md", dump(meta, article_body(payload, n))


def rejected_articles() -> dict[str, tuple[str, str]]:
    """File -> (field that must be named in the error, file text); each title has a unique marker."""
    cases = {
        "url": ["javascript:window.__xss=1", "JaVaScRiPt&colon;alert(1)", " javascript:alert(1)",
                "data:text/html,<script>window.__xss=1</script>", "//evil.example/x.js",
                "java\tscript:alert(1)", "vbscript:window.__xss=1"],
        "lang": ['en"><script>window.__xss=1</script>', "en onmouseover=alert(1)", "javascript:alert(1)",
                 "<svg onload=alert(1)>", "en\" dir=\"x"],
        "title": [["<script>window.__xss=1</script>"]],
    }
    files = {}
    n = 0
    for name, values in cases.items():
        for value in values:
            n += 1
            meta = {"id": f"rejected-{n}", "title": f"REJECTED-MARKER-{n} <script>window.__xss=1</script>",
                    "date": START.isoformat(), name: value}
            body = f"REJECTED-MARKER-{n} <script>alert(1)</script>"
            files[f"content/articles/2024/02/rejected-{n:02d}.md"] = (name, dump(meta, body))
    # A YAML tag that would call a Python function with an unsafe loader.
    n += 1
    files[f"content/articles/2024/02/rejected-{n:02d}.md"] = ("", (
        f'---\nid: rejected-{n}\ntitle: !!python/object/apply:os.system ["echo REJECTED-MARKER-{n}"]\n'
        f"date: {START.isoformat()}\n---\n\nbody\n"))
    return files


def write_hostile_site(root: Path) -> dict[str, tuple[str, str]]:
    (root / "content").mkdir(parents=True)
    (root / "site.toml").write_text(
        f"title = {toml_string(SITE_TITLE)}\ndescription = {toml_string(SITE_DESCRIPTION)}\n"
        f"author = {toml_string(SITE_AUTHOR)}\nbase_url = \"{BASE_URL}\"\n"
        "items_per_page = 50\nfeed_size = 200\n"
        'term_feeds = ["rss", "atom", "json"]\n', encoding="utf-8")   # hostile names in every feed format
    gazetteer = []
    for n, payload in enumerate(PAYLOADS[1:12:2]):  # names that are actors (odd articles)
        gazetteer.append(f"[{toml_string(payload)}]\nkind = \"person\"\ndescription = {toml_string(payload)}\n"
                         f"aliases = [{toml_string('alias ' + str(n) + ' ' + payload)}]\n")
    (root / "content" / "actors.toml").write_text("\n".join(gazetteer), encoding="utf-8")
    for n, payload in enumerate(PAYLOADS):
        rel, text = accepted_article(payload, n)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    rejected = rejected_articles()
    for rel, (_, text) in rejected.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return rejected


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    rejected = write_hostile_site(root)
    report = Report(quiet=True)
    result = build(Paths(root), BuildOptions(workers=1), report)
    return root, (root / "site").resolve(), result, report, rejected


# --- static inspection ---------------------------------------------------------------------

def url_scheme(value: str) -> str:
    """The scheme a browser would see: leading/trailing controls and spaces, tabs and newlines go."""
    value = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", value)
    return match.group(1).lower() if match else ""


class Inspector(HTMLParser):
    """Collects everything executable in an HTML document or fragment (entities already decoded)."""

    def __init__(self, fragment: bool):
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.problems: list[str] = []
        self.tags: set[str] = set()
        self.in_head = False
        self.h1: list[str] = []
        self._h1_depth = 0
        self.json_ld: list[str] = []     # contents of the theme's JSON-LD elements
        self.theme_scripts = 0           # elements loading the theme's own script files
        self._script_kind = ""           # inside a script element: "json-ld", "theme" or "foreign"

    @staticmethod
    def _theme_chart(tag: str, attributes: dict) -> bool:
        """The theme's own charts: an <svg class="chart ..." role="img"> picture, and the
        <details> holding its data table (their contents are checked like everything else)."""
        if tag == "svg":
            return (attributes.get("class") or "").startswith("chart ") and attributes.get("role") == "img"
        return tag == "details"

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script":
            self._script(attributes)
        elif tag in FORBIDDEN_TAGS and not (not self.fragment and self._theme_chart(tag, attributes)):
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (self.fragment or "http-equiv" in attributes):
            self.problems.append(f"<meta {attrs}>")
        if tag == "link" and (self.fragment or not self.in_head
                              or not set((attributes.get("rel") or "").split()) <= THEME_LINK_RELS):
            self.problems.append(f"<link {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: event handler")
            if name in FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"<{tag} {name}={value!r}>: forbidden attribute")
            if value is None:
                continue
            urls = [part.split()[0] for part in value.split(",") if part.split()] if name == "srcset" else [value]
            if name in URL_ATTRIBUTES or name == "srcset":
                for url in urls:
                    if url_scheme(url) not in SAFE_SCHEMES:
                        self.problems.append(f"<{tag} {name}={value!r}>: {url_scheme(url)}: URL")
        if tag == "h1":
            self._h1_depth += 1
            self.h1.append("")

    def _script(self, attributes: dict) -> None:
        """Only the theme's scripts: JSON-LD data in the head, or an empty element loading a theme asset."""
        if self.fragment:
            self._script_kind = "foreign"
        elif attributes.get("type") == "application/ld+json" and "src" not in attributes and self.in_head:
            self._script_kind = "json-ld"
            self.json_ld.append("")
        elif THEME_SCRIPT.match(attributes.get("src") or "") and set(attributes) <= {"src", "defer"}:
            self._script_kind = "theme"
            self.theme_scripts += 1
        else:
            self._script_kind = "foreign"
        if self._script_kind == "foreign":
            self.problems.append(f"<script {attributes}> element")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "h1":
            self._h1_depth -= 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_kind = ""
        if tag == "head":
            self.in_head = False
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1

    def handle_data(self, data):
        if self._script_kind == "json-ld":
            self.json_ld[-1] += data
        elif self._script_kind and data.strip():
            self.problems.append(f"script text {data[:60]!r}")
        if self._h1_depth:
            self.h1[-1] += data


def inspect_html(text: str, fragment: bool = False) -> Inspector:
    inspector = Inspector(fragment)
    inspector.feed(text)
    inspector.close()
    opened = len(re.findall(r"<\s*script", text, re.IGNORECASE))
    if opened != len(inspector.json_ld) + inspector.theme_scripts:
        inspector.problems.append(f"{opened} '<script' in the markup, the theme emits "
                                  f"{len(inspector.json_ld) + inspector.theme_scripts}")
    for data in inspector.json_ld:
        if "<" in data:  # "</script" would end it early, "<!--" would change how it is parsed
            inspector.problems.append(f"'<' inside JSON-LD: {data[:80]!r}")
        try:
            json.loads(data)
        except ValueError as exc:
            inspector.problems.append(f"JSON-LD that is not JSON ({exc}): {data[:80]!r}")
    if fragment and not inspector.tags <= ALLOWED_TAGS:
        inspector.problems.append(f"tags outside the allowlist: {sorted(inspector.tags - ALLOWED_TAGS)}")
    return inspector


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def feed_files(site: Path) -> list[Path]:
    """RSS and Atom (.xml but the sitemap), JSON Feed (.json outside the search index) and OPML files."""
    xml = [p for p in site.rglob("*.xml") if p.name != "sitemap.xml"]
    json_feeds = [p for p in site.rglob("*.json") if not p.relative_to(site).as_posix().startswith("pagefind/")]
    return sorted(xml + json_feeds + list(site.rglob("*.opml")))


def xml_feed_parts(tree: ET.Element, rss_item_descriptions: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """(where, HTML) for every element whose text a feed reader renders as HTML, and every URL."""
    parts, urls = [], []
    if tree.tag == "rss":
        for item in tree.iter("item"):
            for element in item:
                if element.tag == CONTENT_ENCODED or (element.tag == "description" and rss_item_descriptions):
                    parts.append((element.tag, element.text or ""))
        urls += [e.text or "" for e in tree.iter("link")]
        urls += [e.get("url", "") for e in tree.iter("enclosure")]
        urls += [e.text or "" for e in tree.iter("guid") if e.get("isPermaLink", "true") == "true"]
    elif tree.tag == "opml":
        urls += [e.get(name) for e in tree.iter("outline") for name in ("xmlUrl", "htmlUrl", "url") if e.get(name)]
    else:
        for element in tree.iter():
            kind = element.get("type")
            if kind == "html":
                parts.append((element.tag, element.text or ""))
            elif kind == "xhtml":
                parts.append((element.tag, "".join(ET.tostring(child, encoding="unicode") for child in element)))
        urls += [e.text or "" for e in tree.iter() if e.tag in (ATOM + "uri", ATOM + "icon", ATOM + "logo")]
        urls += [e.get("src", "") for e in tree.iter(ATOM + "content") if e.get("src") is not None]
    urls += [e.get("href", "") for e in tree.iter() if e.tag in (ATOM + "link", "link") and e.get("href") is not None]
    return parts, urls


def json_feed_parts(feed: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """JSON Feed 1.1: content_html is HTML; title, summary and content_text are plain text."""
    url_keys = ("home_page_url", "feed_url", "next_url", "icon", "favicon", "url", "external_url", "image",
                "banner_image", "avatar")
    parts = [("content_html", item["content_html"]) for item in feed.get("items", []) if "content_html" in item]
    urls = []
    for thing in [feed, *feed.get("authors", []), *feed.get("items", []),
                  *(a for item in feed.get("items", []) for a in item.get("authors", []))]:
        urls += [thing[key] for key in url_keys if thing.get(key)]
    return parts, urls


def feed_problems(site: Path, rss_item_descriptions: bool) -> list[str]:
    problems = []
    for feed in feed_files(site):
        rel = feed.relative_to(site).as_posix()
        if feed.suffix == ".json":
            parts, urls = json_feed_parts(json.loads(feed.read_bytes()))
        else:
            tree = ET.fromstring(feed.read_bytes())
            assert tree.tag in ("rss", ATOM + "feed", "opml"), rel
            parts, urls = xml_feed_parts(tree, rss_item_descriptions)
        for where, fragment in parts:
            problems += [f"{rel} {where}: {p}" for p in inspect_html(fragment, fragment=True).problems]
        for url in urls:
            if url_scheme(url) not in ("http", "https"):
                problems.append(f"{rel}: {url!r} is not an absolute http(s) URL")
    return problems


# --- tests -------------------------------------------------------------------------------------

def test_the_payload_corpus_is_large_varied_and_every_payload_tries_to_run_script():
    assert len(PAYLOADS) >= 40
    assert len({collapse(p) for p in PAYLOADS}) == len(PAYLOADS), "payloads must differ (they double as ids)"
    for payload in PAYLOADS:
        assert "__xss" in payload or "alert" in payload, payload
    corpus = "\n".join(PAYLOADS).lower()
    for needle in ["<script", "onerror=", "<svg", "<math", "javascript&colon;", "data:text/html", "<iframe",
                   "<object", "<embed", "<style", "style=", "<scr<script>", "\"><script", "</title><script",
                   "java\tscript:", "<form action=\"javascript:", "http-equiv=\"refresh\"", "<base href",
                   "](javascript:", "![markdown image](javascript:", "]: javascript:", "<javascript:", "&lt;script"]:
        assert needle in corpus, f"the corpus has no payload with {needle!r}"


@pytest.mark.parametrize("markup", [
    "<script>x()</script>", "<p onclick=x()>p</p>", '<a href=" JaVa&#x09;ScRiPt:x()">a</a>', "<img src=data:x,y>",
    '<img srcset="ok.png 1x, javascript:x() 2x">', "<iframe></iframe>", '<form action="https://e.org/"></form>',
    '<p style="color:red">p</p>', '<meta http-equiv="refresh" content="0">', '<link rel="import" href="x">',
    "<svg><a>x</a></svg>", '<script type="application/ld+json">{"a": "</b>"}</script>',
])
def test_the_static_checker_catches_each_kind_of_executable_markup(markup):
    page = f"<!doctype html><html><head><title>t</title></head><body>{markup}</body></html>"
    assert inspect_html(page).problems
    assert inspect_html(markup, fragment=True).problems


def test_every_accepted_article_is_published_and_each_rejected_one_is_reported_and_skipped(hostile):
    root, site, result, report, rejected = hostile
    assert result.published
    assert result.articles == len(PAYLOADS)
    assert {p.path for p in report.problems} == set(rejected), [str(p) for p in report.problems]
    for rel, (field, _) in rejected.items():
        errors = [p for p in report.errors if p.path == rel]
        assert errors, f"{rel} was not reported"
        assert all("Traceback" not in str(p) for p in errors)
        if field:
            assert any(f"'{field}'" in p.message for p in errors), [str(p) for p in errors]
        marker = re.search(r"REJECTED-MARKER-\d+", (root / rel).read_text()).group(0)
        assert not (site / "articles/2024/02" / Path(rel).stem).exists()
        for out in site.rglob("*"):
            if out.is_file():
                assert marker.encode() not in out.read_bytes(), f"{rel} leaked into {out.relative_to(site)}"


def test_no_page_carries_script_handlers_or_dangerous_urls(hostile):
    _, site, _, _, _ = hostile
    pages = html_pages(site)
    assert len(pages) > 2 * len(PAYLOADS)  # articles, a topic or an actor page each, lists
    problems = []
    for page in pages:
        found = inspect_html(page.read_text(encoding="utf-8")).problems
        problems += [f"{page.relative_to(site)}: {p}" for p in found]
    assert problems == []


def test_accepted_payloads_are_shown_as_text_not_dropped(hostile):
    _, site, _, _, _ = hostile
    for n, payload in enumerate(PAYLOADS):
        html = (site / f"articles/2024/03/case-{n:03d}/index.html").read_text(encoding="utf-8")
        assert inspect_html(html).h1 == [collapse(payload)], payload
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in home  # site.toml description, escaped
    assert "&lt;/title&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;" in home  # site.toml title


def test_feeds_carry_no_executable_markup(hostile):
    _, site, _, _, _ = hostile
    feeds = feed_files(site)
    assert {"feed.xml", "atom.xml"} <= {f.relative_to(site).as_posix() for f in feeds}
    assert len(feeds) > 2 * len(PAYLOADS)  # every topic and actor has its own feeds
    assert feed_problems(site, rss_item_descriptions=False) == []


def test_rss_item_descriptions_carry_no_executable_markup(hostile):
    _, site, _, _, _ = hostile
    assert feed_problems(site, rss_item_descriptions=True) == []


INIT_SCRIPT = """
window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  const original = window[name];
  window[name] = function (...args) { window.__calls.push(name); return original.apply(this, args); };
}
"""

# Run in each page: everything that could execute, as the browser parsed it.
CHECK_SCRIPT = """
() => {
  const bad = [];
  if (typeof window.__xss !== 'undefined') bad.push('window.__xss is ' + String(window.__xss));
  if (window.__calls.length) bad.push('called ' + window.__calls.join(', '));
  const root = 'ROOT';  // the site's root URL, filled in by the test
  for (const el of document.querySelectorAll('script')) {
    const src = typeof el.src === 'string' ? el.src : 'svg';  // an SVG script has no src property
    const data = el.type === 'application/ld+json' && !src && !el.textContent.includes('<');
    const asset = /^(pagefind\\/ui\\/pagefind-ui|static\\/[a-z-]+\\.[0-9a-f]+)\\.js$/;
    const theme = src.startsWith(root) && asset.test(src.slice(root.length)) && !el.textContent.trim();
    if (!data && !theme) bad.push('script ' + el.outerHTML.slice(0, 80));
  }
  // The search box Pagefind's UI draws on the search page: a form that submits nowhere.
  const own = el => el.matches('form.pagefind-ui__form[action="javascript:void(0);"]')
    || el.matches('svg.chart[role="img"]');  // the theme's charts (their contents are checked below)
  for (const el of document.querySelectorAll('iframe, object, embed, base, form, svg, math, meta[http-equiv]'))
    if (!own(el)) bad.push('element <' + el.tagName.toLowerCase() + '>');
  const safe = new Set(['http:', 'https:', 'mailto:', 'file:']);  // file: for pages opened from disk
  for (const el of document.querySelectorAll('*')) {
    if (own(el)) continue;
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name) || attr.name === 'srcdoc')
        bad.push('<' + el.tagName.toLowerCase() + ' ' + attr.name + '>');
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcset'].includes(attr.name)) {
        let protocol;
        try { protocol = new URL(attr.value.split(/[ ,]/)[0], document.baseURI).protocol; } catch (e) { continue; }
        if (!safe.has(protocol)) bad.push('<' + el.tagName.toLowerCase() + ' ' + attr.name + '="' + attr.value + '">');
      }
    }
  }
  return bad;
}
"""

SEARCHES = ["xss", "script", "onerror", "alert", "javascript"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser dropping a connection it no longer needs is not a test failure


@pytest.fixture(scope="module")
def served(hostile):
    """The hostile site over HTTP on 127.0.0.1 (the search page fetches its index, which file:// forbids)."""
    site = hostile[1]
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def watch(page):
    """Record every dialog the page opens (and dismiss it)."""
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}"),
                                      dialog.dismiss()))
    return page


def test_no_script_runs_on_any_page_in_a_real_browser(hostile, browser):
    site = hostile[1]
    context = browser.new_context(offline=True)  # nothing leaves the machine; file:// pages still load
    context.add_init_script(INIT_SCRIPT)
    try:
        page = watch(context.new_page())
        problems = []
        for file in html_pages(site):
            page.goto(file.as_uri(), wait_until="load")
            found = page.evaluate(CHECK_SCRIPT.replace("ROOT", site.as_uri() + "/"))
            problems += [f"{file.relative_to(site)}: {p}" for p in found]
        page.goto((site / "articles/2024/03/case-000/index.html").as_uri(), wait_until="load")
        assert page.locator("h1").inner_text() == collapse(PAYLOADS[0])
        screenshot(page, "xss-hostile-article")
    finally:
        context.close()
    assert page.dialogs == []
    assert problems == []


def test_no_script_runs_on_the_search_page_after_searches(served, browser):
    site, origin = served
    if not (site / "search/index.html").is_file():
        pytest.skip("search is disabled in this build")
    context = browser.new_context()
    context.route(re.compile(r"^(?!" + re.escape(origin) + ")"), lambda route: route.abort())  # local only
    context.add_init_script(INIT_SCRIPT)
    try:
        page = watch(context.new_page())
        page.goto(origin + "search/", wait_until="load")
        box = page.locator(".pagefind-ui__search-input")
        box.wait_for()
        problems = []
        for query in SEARCHES:
            box.fill(query)
            page.locator(".pagefind-ui__result").first.wait_for()
            page.wait_for_timeout(200)  # let images fail and handlers, if any, fire
            problems += [f"search {query!r}: {p}" for p in page.evaluate(CHECK_SCRIPT.replace("ROOT", origin))]
        screenshot(page, "xss-hostile-search")
    finally:
        context.close()
    assert page.dialogs == []
    assert problems == []
