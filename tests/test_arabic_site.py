"""Issue 18's must-show: the two seeds plus an Arabic INA report of the same kind, built into a site:
one actor page for Qasim al-Araji listing all three articles and showing both spellings; the
Arabic article gets actors and topics."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS, needs_seeds
from newsdigest.cli import main

ARABIC_REPORT = Path(__file__).parent / "fixtures/arabic/ina_araji_nato_baghdad.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("arabic") / "site-root"
    (root / "content/inbox").mkdir(parents=True)
    (root / "site.toml").write_text('title = "Seeds"\nbase_url = "https://example.org/"\ntimezone = "Asia/Baghdad"\n')
    for path in [*sorted(SEEDS.glob("*.txt")), ARABIC_REPORT]:
        shutil.copy(path, root / "content/inbox" / path.name)
    assert main(["--root", str(root), "build"]) == 0
    return root


def arabic_article(root: Path) -> Path:
    return next((root / "content/articles/2024/09").glob("*.md"))


@needs_seeds
def test_one_actor_page_for_qasim_al_araji_lists_all_three_and_shows_both_spellings(site):
    actor_dirs = [p.name for p in (site / "site/actors").iterdir() if p.is_dir()]
    assert [d for d in actor_dirs if "araji" in d or "arji" in d] == ["qasim-al-araji"]
    html = (site / "site/actors/qasim-al-araji/index.html").read_text()
    links = set(re.findall(r'href="\.\./\.\./articles/(\d{4}/\d{2}/[^"]+)/"', html))
    assert {link[:7] for link in links} == {"2023/04", "2024/08", "2024/09"} and len(links) == 3
    assert "<h1" in html and "Qasim al-Araji" in html
    also = re.search(r'Also written as</h2>\s*<p>(.*?)</p>', html, re.S)
    assert also and "<bdi>قاسم الأعرجي</bdi>" in also.group(1)
    # the Arabic title is one of his roles too
    assert "مستشار الأمن القومي" in html


@needs_seeds
def test_the_arabic_article_gets_actors_and_topics(site):
    slug = arabic_article(site).stem
    page = (site / "site/articles/2024/09" / slug / "index.html").read_text()
    for actor in ("qasim-al-araji", "nato", "iraq"):
        assert f"actors/{actor}/" in page, actor
    assert "topics/security/" in page and "topics/diplomacy/" in page
    nato = (site / "site/actors/nato/index.html").read_text()
    assert slug in nato
    assert not [p for p in (site / "site/actors").iterdir() if "wkala" in p.name or "waa" == p.name]


@needs_seeds
def test_explain_shows_the_arabic_phrases_and_names_matched(site, capsys):
    assert main(["explain", str(arabic_article(site)), "--root", str(site)]) == 0
    out = capsys.readouterr().out
    assert "Qasim al-Araji" in out and "قاسم الأعرجي" in out and "حلف شمال الأطلسي" in out
    assert re.search(r"Security: .*الأمن", out)
    assert main(["actors", "--review", "--root", str(site)]) == 0
    assert "Arabic and Latin script" in capsys.readouterr().out
