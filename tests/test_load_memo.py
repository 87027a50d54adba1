"""cached.LoadMemo: the live engine's load reads and places only the files a watcher reports
changed, and what it returns is always what a load of the whole folder returns, clashes
(two files with one page or one id) and unreadable articles included."""
from __future__ import annotations

import random
from pathlib import Path

from newsdigest.articles import ArticleFiles
from newsdigest.cache import Cache
from newsdigest.cached import LoadMemo, load_articles
from newsdigest.config import parse_config


def _text(rng: random.Random, n: int) -> str:
    if rng.random() < 0.08:
        return f"---\nid: broken-{n}\ntitle: Broken\ndate: 21/03/2024\n---\nBody.\n"   # a bad date: skipped
    # Few ids and days, so that pages and ids clash now and then (the first in path order wins).
    ident = f"id-{rng.randint(0, 400)}"
    day = rng.randint(1, 3)
    return f"---\nid: {ident}\ntitle: Article {n}\ndate: 2024-05-0{day}T0{rng.randint(0, 9)}:00:00+00:00\n---\nBody {n}.\n"


def test_a_load_from_the_memo_is_a_load_of_the_whole_folder_after_random_changes(tmp_path):
    root = tmp_path.resolve()
    folder = root / "content" / "articles"
    config, _ = parse_config('base_url = "https://example.org/"\n')
    rng = random.Random(16)
    made = 0
    for _ in range(40):
        made += 1
        path = folder / f"2024/0{rng.randint(1, 3)}/s{rng.randint(0, 200)}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_text(rng, made))
    files, memo = ArticleFiles(), LoadMemo()
    cache = Cache(tmp_path / "cache.sqlite")   # parsed once per text: the whole loads read it
    load_articles(root, folder, config, Cache(None), scan=files.scan(folder, root), memo=memo)
    kept_placed = clashes = 0
    for step in range(150):
        existing = sorted(p for p in folder.rglob("*.md"))
        op = rng.choice(["add", "add", "edit", "edit", "delete", "retitle", "none"])
        changed: list[Path] = []
        if op == "add" or not existing:
            made += 1
            path = folder / f"2024/0{rng.randint(1, 3)}/s{rng.randint(0, 200)}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_text(rng, made))
            changed = [path]
        elif op == "edit":
            made += 1
            path = rng.choice(existing)
            path.write_text(_text(rng, made))
            changed = [path]
        elif op == "retitle":   # the same id and date: the article keeps its place
            path = rng.choice(existing)
            path.write_text(path.read_text().replace("title: ", "title: More ", 1))
            changed = [path]
        elif op == "delete":
            for path in rng.sample(existing, min(len(existing), rng.randint(1, 2))):
                path.unlink()
                changed.append(path)
        for path in changed:
            files.note(path)
        before = memo.published
        got = load_articles(root, folder, config, Cache(None), scan=files.scan(folder, root), memo=memo)
        whole = load_articles(root, folder, config, cache)
        assert got[0] == whole[0], (step, op)
        assert [str(p) for p in got[1]] == [str(p) for p in whole[1]], (step, op)
        kept_placed += memo.published is before
        clashes += any("same" in p.message for p in whole[1])
    # Most changes were placed into the kept list, not decided by a pass over every article;
    # clashes were there to be decided.
    assert kept_placed > 75 and clashes > 20, (kept_placed, clashes)


def test_a_file_that_cannot_be_read_stops_the_memo_until_a_whole_load(tmp_path):
    root = tmp_path.resolve()
    folder = root / "content" / "articles"
    config, _ = parse_config('base_url = "https://example.org/"\n')
    folder.mkdir(parents=True)
    first = folder / "a.md"
    first.write_text("---\nid: a\ntitle: A\ndate: 2024-05-01T00:00:00+00:00\n---\nA.\n")
    files, memo = ArticleFiles(), LoadMemo()
    load_articles(root, folder, config, Cache(None), scan=files.scan(folder, root), memo=memo)
    second = folder / "b.md"
    second.write_text("---\nid: b\ntitle: B\ndate: 2024-05-02T00:00:00+00:00\n---\nB.\n")
    files.note(second)
    articles, _ = load_articles(root, folder, config, Cache(None), scan=files.scan(folder, root), memo=memo)
    assert [a.id for a in articles] == ["b", "a"]
    second.unlink()
    second.mkdir()   # listed as a folder now: gone as an article
    files.note(second)
    articles, _ = load_articles(root, folder, config, Cache(None), scan=files.scan(folder, root), memo=memo)
    assert [a.id for a in articles] == ["a"]
