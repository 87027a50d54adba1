"""Actors and topics through the whole build: the seeds ingested, extracted and published."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import SEEDS, needs_seeds
from newsdigest.cli import main


@pytest.fixture
def seeded(tmp_path):
    root = tmp_path / "seeded"
    (root / "content/inbox").mkdir(parents=True)
    (root / "site.toml").write_text('title = "Seeds"\nbase_url = "https://example.org/"\ntimezone = "Asia/Baghdad"\n')
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / "content/inbox" / seed.name)
    assert main(["--root", str(root), "build"]) == 0
    return root


def actor_page(root, slug):
    return (root / "site/actors" / slug / "index.html").read_text()


def article_links(html):
    return set(re.findall(r'href="\.\./\.\./articles/(\d{4}/\d{2}/[^"]+)/"', html))


@needs_seeds
def test_one_actor_per_person_across_both_seeds(seeded):
    site = seeded / "site"
    slugs = {p.name for p in (site / "actors").iterdir() if p.is_dir()}
    assert "qasim-al-araji" in slugs and "thomas-goffus" in slugs
    assert not slugs & {"al-araji", "tom-goffus", "goffus", "iraqi-news-agency", "ina", "shafaq-news"}
    for slug in ("qasim-al-araji", "thomas-goffus", "nato"):
        links = article_links(actor_page(seeded, slug))
        assert {l[:7] for l in links} == {"2023/04", "2024/08"}, (slug, links)
    assert {"giovanni-maria-iannucci", "javier-colomina"} <= slugs


@needs_seeds
def test_actor_page_shows_kind_aliases_roles_and_co_mentions(seeded):
    html = actor_page(seeded, "qasim-al-araji")
    assert "Person" in html
    roles = re.findall(r'<li><time datetime="([\d-]+)">[\d-]+</time> · ([^<]+) <span', html)
    assert roles and [d for d, _ in roles] == sorted(d for d, _ in roles)
    assert any("National Security Ad" in t for _, t in roles), roles
    assert re.search(r'href="\.\./\.\./actors/nato/"><bdi>NATO</bdi></a> <span class="count">\(2 articles\)', html)


@needs_seeds
def test_the_ina_article_is_about_security_and_topics_list_their_actors(seeded):
    security = (seeded / "site/topics/security/index.html").read_text()
    assert "Iraq: NATO&#39;s mission is advisory, not combat" in security or "NATO's mission is advisory" in security
    assert "Most mentioned actors" in security


@needs_seeds
def test_explain_and_review_commands(seeded, capsys):
    article = next((seeded / "content/articles/2024/08").glob("*.md"))
    assert main(["explain", str(article), "--root", str(seeded)]) == 0
    out = capsys.readouterr().out
    assert "Qasim al-Araji" in out and "Security" in out
    assert main(["actors", "--review", "--root", str(seeded)]) == 0
    review = capsys.readouterr().out
    assert "Merges made" in review
    # Articles are named by title and file, never by id alone.
    assert '"Iraq: NATO' in review and "content/articles/2024/08/" in review
    assert not re.search(r"\b[0-9a-f]{8}-[0-9a-f]{4}-", review), review


@needs_seeds
def test_an_editors_correction_in_front_matter_sticks_across_rebuilds(seeded):
    article = next((seeded / "content/articles/2023/04").glob("*.md"))
    text = article.read_text()
    text = text.replace("\n---\n", "\nactors: [Qasim al-Araji, NATO, Brussels Office]\ntopics: [Diplomacy]\n---\n", 1)
    article.write_text(text)
    for _ in range(2):
        assert main(["--root", str(seeded), "build"]) == 0
        assert (seeded / "site/actors/brussels-office/index.html").is_file()
        # Goffus is now only in the 2024 article (as "Tom Goffus"), and the 2023 page no longer lists him.
        goffus = [p for p in (seeded / "site/actors").iterdir() if "goffus" in p.name]
        assert len(goffus) == 1 and len(article_links((goffus[0] / "index.html").read_text())) == 1
        page = next((seeded / "site/articles/2023/04").glob("*/index.html")).read_text()
        assert "topics/diplomacy/" in page and "topics/cybersecurity/" not in page and "goffus" not in page


@needs_seeds
def test_extraction_on_worker_processes_gives_the_same_result(seeded, monkeypatch):
    import newsdigest.enrich as enrich_module
    from newsdigest.cached import load_articles
    from newsdigest.config import Paths, load_config
    from newsdigest.extract.gazetteer import load_gazetteer
    from newsdigest.extract.topics import load_topic_rules
    from conftest import REPO

    paths = Paths(REPO)  # the sample site's 15 articles, with and without actors in front matter
    config, _ = load_config(paths)
    articles, _ = load_articles(paths.root, paths.articles, config)
    seeds, _ = load_articles(seeded, seeded / "content/articles", config)
    articles += seeds
    gazetteer, _ = load_gazetteer(paths.content)
    rules, _ = load_topic_rules(paths.content)
    one = enrich_module.enrich(articles, config, gazetteer, rules)
    monkeypatch.setattr(enrich_module, "PARALLEL_EXTRACT", 1)
    monkeypatch.setattr(enrich_module, "EXTRACT_BATCH", 3)
    two = enrich_module.enrich(articles, config, gazetteer, rules, workers=2)
    assert two == one
    assert any(a.actors for a in two[0]) and any(not a.actors_given for a in articles)
