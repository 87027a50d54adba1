"""newsdigest.markup: untrusted Markdown to sanitised HTML, one form for the page and one for feeds."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from conftest import needs_seeds

from newsdigest.config import parse_config
from newsdigest.markup import feed_html, lede_text, relative_root, render_markdown

ARTICLE_PATH = "articles/2024/08/water-talks/"


@pytest.fixture
def config_under_sub_path():
    config, _ = parse_config('base_url = "https://example.org/digest/"\n')
    return config


@pytest.fixture
def config_at_root():
    config, _ = parse_config('base_url = "https://news.example.com"\n')
    return config


def render(text, config):
    """Both forms as readers get them: the page's, and the feed's once base_url is applied."""
    body = render_markdown(text, ARTICLE_PATH)
    return SimpleNamespace(page_html=body.page_html, feed_html=feed_html(body.root_html, config.base_url))


def hrefs(fragment: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', fragment)


# --- sanitising ----------------------------------------------------------------------------

ATTACKS = {
    "script_tag": "<script>alert(1)</script>",
    "script_tag_upper": "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "img_onerror": '<img src="x" onerror="alert(1)">',
    "svg_onload": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "javascript_link": "[click](javascript:alert(1))",
    "javascript_link_mixed_case": "[click](JaVaScRiPt:alert(1))",
    "javascript_link_entities": "[click](&#106;avascript:alert(1))",
    "javascript_link_tab": '<a href="java&#x09;script:alert(1)">click</a>',
    "javascript_link_spaces": '<a href="  javascript:alert(1)">click</a>',
    "data_link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data_image": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "vbscript_link": '<a href="vbscript:msgbox(1)">click</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object_embed": '<object data="x.swf"></object><embed src="x.swf">',
    "style_attribute": '<p style="background:url(javascript:alert(1))">styled</p>',
    "style_tag": "<style>body{display:none}</style>",
    "event_handler_on_div": '<div onmouseover="alert(1)">hover</div>',
    "event_handler_on_link": '<a href="https://example.org/" onclick="alert(1)">x</a>',
    "form_autofocus": '<form action="https://evil.example/"><input onfocus="alert(1)" autofocus></form>',
    "malformed_nested_script": "<scr<script>ipt>alert(1)</script>",
    "unclosed_script": "<script>alert(1)",
    "unquoted_handler": "<img src=x onerror=alert(1)//>",
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base_tag": '<base href="https://evil.example/">',
    "math_xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "class_borrowing": '<p class="masthead">looks official</p>',
}


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_dangerous_markup_never_survives(attack, config_under_sub_path):
    body = render(f"Before.\n\n{attack}\n\nAfter.", config_under_sub_path)
    for html in (body.page_html, body.feed_html):
        lowered = html.lower()
        assert "<script" not in lowered
        assert "<iframe" not in lowered and "<object" not in lowered and "<embed" not in lowered
        assert "<svg" not in lowered and "<math" not in lowered and "<form" not in lowered
        assert "<style" not in lowered and "<meta" not in lowered and "<base" not in lowered
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", lowered)      # no inline event handler
        assert not re.search(r"<[^>]*\sstyle\s*=", lowered)         # no style attribute
        assert not re.search(r"<[^>]*\sclass\s*=\s*\"masthead", lowered)
        for url in re.findall(r'(?:href|src)="([^"]*)"', lowered):
            assert not re.match(r"\s*(javascript|data|vbscript):", url), url
        assert "<p>Before.</p>" in html    # the rest of the article is still there


def test_entity_encoded_tags_stay_text(config_under_sub_path):
    body = render("&lt;script&gt;alert(1)&lt;/script&gt;", config_under_sub_path)
    assert "<script" not in body.page_html
    assert "&lt;script&gt;" in body.page_html


def test_code_showing_html_stays_text(config_under_sub_path):
    body = render("Use `<script>` carefully.\n\n    <img onerror=x>\n", config_under_sub_path)
    assert "<code>&lt;script&gt;</code>" in body.page_html
    assert "&lt;img onerror=x&gt;" in body.page_html


def test_safe_markup_is_kept(config_under_sub_path):
    text = ("Some **bold**, *em* and `code`.\n\n> quoted\n\n- one\n- two\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n![alt text](https://example.org/p.jpg)\n")
    html = render(text, config_under_sub_path).page_html
    for fragment in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<blockquote>",
                     "<li>one</li>", "<table>", "<td>1</td>", 'alt="alt text"', 'src="https://example.org/p.jpg"'):
        assert fragment in html


def test_links_get_rel_noopener(config_under_sub_path):
    html = render("[x](https://other.example/)", config_under_sub_path).page_html
    assert 'rel="noopener noreferrer"' in html


# --- headings ------------------------------------------------------------------------------

def test_headings_are_demoted_below_the_page_title(config_under_sub_path):
    html = render("# One\n\n## Two\n\n###### Six\n\n<h1>Raw</h1>", config_under_sub_path).page_html
    assert "<h1" not in html
    assert "<h2>One</h2>" in html
    assert "<h3>Two</h3>" in html
    assert "<h4>Six</h4>" in html      # no level skipped: h1, h2, h6 become h2, h3, h4
    assert "<h2>Raw</h2>" in html
    only_h3 = render("Lede.\n\n### What was agreed\n\nText.", config_under_sub_path).page_html
    assert "<h2>What was agreed</h2>" in only_h3


# --- links ---------------------------------------------------------------------------------

LINKS = ("[site](/articles/2024/07/oil-deal/) [topic](/topics/security/) [rel](../../07/oil-deal/) "
         "[frag](#notes) [ext](https://other.example/a?b=1) [proto](//cdn.example/x) [mail](mailto:desk@example.org)")


def test_site_root_links_become_relative_to_the_article_page(config_under_sub_path):
    page = hrefs(render(LINKS, config_under_sub_path).page_html)
    assert page[0] == "../../../../articles/2024/07/oil-deal/"
    assert page[1] == "../../../../topics/security/"
    assert page[2] == "../../07/oil-deal/"
    assert page[3] == "#notes"
    assert page[4] == "https://other.example/a?b=1"
    assert page[6] == "mailto:desk@example.org"


def test_page_links_do_not_depend_on_where_the_site_is_deployed(config_under_sub_path, config_at_root):
    assert (render(LINKS, config_under_sub_path).page_html
            == render(LINKS, config_at_root).page_html)


def test_feed_links_are_absolute_under_the_sub_path(config_under_sub_path):
    feed = hrefs(render(LINKS, config_under_sub_path).feed_html)
    assert feed[0] == "https://example.org/digest/articles/2024/07/oil-deal/"
    assert feed[1] == "https://example.org/digest/topics/security/"
    assert feed[2] == "https://example.org/digest/articles/2024/07/oil-deal/"
    assert feed[3] == "https://example.org/digest/articles/2024/08/water-talks/#notes"
    assert feed[4] == "https://other.example/a?b=1"
    assert feed[5] == "https://cdn.example/x"
    assert feed[6] == "mailto:desk@example.org"


def test_feed_links_at_the_domain_root(config_at_root):
    feed = hrefs(render(LINKS, config_at_root).feed_html)
    assert feed[0] == "https://news.example.com/articles/2024/07/oil-deal/"


def test_feed_images_are_absolute(config_under_sub_path):
    body = render("![map](/static/map.png) ![chart](chart.png)", config_under_sub_path)
    assert 'src="https://example.org/digest/static/map.png"' in body.feed_html
    assert 'src="https://example.org/digest/articles/2024/08/water-talks/chart.png"' in body.feed_html
    assert 'src="../../../../static/map.png"' in body.page_html


@pytest.mark.parametrize("url_path, root", [
    ("articles/2024/08/x/", "../../../../"),
    ("topics/security/", "../../"),
    ("", "./"),
    ("index.html", "./"),
])
def test_relative_root(url_path, root):
    assert relative_root(url_path) == root


# --- lede ----------------------------------------------------------------------------------

def test_lede_takes_the_first_paragraph_without_tags():
    html = '<h2>Heading</h2><p>First <a href="/x">para</a> with <strong>bold</strong> &amp; more.</p><p>Second.</p>'
    assert lede_text(html) == "First para with bold & more."


def test_lede_skips_a_paragraph_without_text():
    html = '<p><img src="map.png" alt=""></p>\n<p>The real first sentence.</p>'
    assert lede_text(html) == "The real first sentence."


def test_lede_cuts_at_a_word_boundary():
    html = "<p>" + " ".join(f"word{i}" for i in range(100)) + "</p>"
    lede = lede_text(html, limit=50)
    assert lede.endswith("…")
    assert len(lede) <= 51
    words = lede[:-1].split(" ")
    assert all(re.fullmatch(r"word\d+", w) for w in words)
    assert words == [f"word{i}" for i in range(len(words))]   # no half word


def test_short_lede_is_not_cut():
    assert lede_text("<p>Short.</p>", limit=50) == "Short."


def test_lede_without_paragraphs_uses_the_whole_text():
    assert lede_text("<ul><li>one</li><li>two</li></ul>") == "one two"


# --- the plain-paragraph fast path -------------------------------------------------------------

def full_path(text, config):
    """What the Markdown path makes of a body (the fast path switched off)."""
    from unittest import mock
    with mock.patch("newsdigest.markup.plain_paragraphs", lambda _text: None):
        return render(text, config)


PLAIN_BODIES = [
    "One paragraph.",
    "First line\nsecond line of the same paragraph.\n\nSecond paragraph.\n",
    "\n\n\nLeading and trailing blank lines.\n\n\n\nAnd several between.\n\n",
    '"We will rebuild," said the minister (speaking in Basra) on 12 May.',
    "12 people were hurt; 3,400 left - the count rose 40% (officials: 'provisional').",
    "Ministry: l'accord est signé… «Élysée» – “quoted” ‘single’ — done? Yes!",
    "وزير الداخلية قاسم الأعرجي يستقبل السفير\n\nفقرة ثانية.",
]

NOT_PLAIN_BODIES = [
    "1. a numbered list", "- a bullet", "* star", "+ plus", "> a quote", "# heading", "    code",
    "Title\n=====", "Title\n-----", "a *word*", "a _word_", "a `code`", "[link](https://x.org)",
    "a <b>tag</b>", "AT&T", "a | table", "line with a break  \nnext", "term\n: definition",
    "ends with a space ", "a\tb", "non\u00a0breaking", "2024. A year", "3) item", "~~~\ncode\n~~~",
]


@pytest.mark.parametrize("text", PLAIN_BODIES)
def test_plain_bodies_take_the_fast_path_with_the_markdown_result(text, config_under_sub_path):
    from newsdigest.markup import plain_paragraphs
    assert plain_paragraphs(text) is not None
    assert render(text, config_under_sub_path) == full_path(text, config_under_sub_path)


@pytest.mark.parametrize("text", NOT_PLAIN_BODIES)
def test_anything_markdown_could_read_takes_the_full_path(text):
    from newsdigest.markup import plain_paragraphs
    assert plain_paragraphs(text) is None


def test_fast_path_agrees_with_markdown_on_generated_text(config_under_sub_path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsdigest.markup import plain_paragraphs

    # Letters, digits, the punctuation of news text, Markdown's syntax characters and the
    # line structures that matter (blank lines, leading and trailing spaces).
    alphabet = st.sampled_from(list("abcXYZ019 .,;:'\"()-–!?%$/é“”ع") + ["\n", "\n\n", "  ", "*", "#", "1. ", "- ",
                                                                      ">", "_", "=", "&", "<b>", "`", "\t"])

    fast_ones = []

    @settings(max_examples=400, deadline=None)
    @given(st.lists(alphabet, max_size=40).map("".join))
    def check(text):
        fast = plain_paragraphs(text)
        if fast is not None:
            fast_ones.append(text)
            assert render(text, config_under_sub_path) == full_path(text, config_under_sub_path)

    check()
    assert len(fast_ones) >= 20  # the comparison ran on a fair number of fast-path texts


@needs_seeds
def test_seed_and_sample_bodies_agree_on_both_paths(config_under_sub_path):
    from newsdigest.frontmatter import parse
    from newsdigest.ingest.pipeline import prepare
    from newsdigest.ingest.readers import read
    from newsdigest.markup import plain_paragraphs

    from conftest import REPO, SEEDS
    bodies = [parse(p.read_text(), p.name).body for p in sorted((REPO / "content" / "articles").rglob("*.md"))]
    seeds = [prepare(raw, config_under_sub_path).body for seed in sorted(SEEDS.iterdir()) for raw in read(seed)]
    assert len(seeds) == 2
    bodies += seeds
    assert all(plain_paragraphs(b) is not None for b in seeds)  # cleaned scraped news: the common case
    for body in bodies:
        assert render(body, config_under_sub_path) == full_path(body, config_under_sub_path)
