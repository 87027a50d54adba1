"""The front page: what happened lately and who says so, before the date-sorted list.

A reader opens a news digest to learn the day's news. The front page leads with the top stories
(the same event reported by several sources: among the recent stories, those most sources
report), each with its lead article and the other sources' headlines; then a few articles for
each of the main topics; then the latest articles. No article is shown twice.

"Recent" is measured from the newest article of the site, not from the clock, so a build gives
the same page whenever it runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Callable

from .core import Article, StoryIndex, Taxonomy

TOP_STORIES = 5         # stories leading the page
OTHERS_SHOWN = 4        # other sources' headlines under a lead article
TOPIC_SECTIONS = 4      # main topics with a section of their own
PER_SECTION = 3         # articles in a topic section
RECENT_DAYS = 2         # stories reported in these last days compete for the top...
CANDIDATES = 20         # ...or the most recently reported this many, if there are fewer


@dataclass(frozen=True)
class TopStory:
    story_id: str                     # "" for an article no other source reported
    lead_id: str                      # the article shown in full: the first report
    other_ids: tuple[str, ...]        # the first report of each other source, in order
    source_count: int


@dataclass(frozen=True)
class TopicSection:
    topic_slug: str
    article_ids: tuple[str, ...]      # newest first


@dataclass(frozen=True)
class Front:
    stories: tuple[TopStory, ...]
    sections: tuple[TopicSection, ...]
    shown: frozenset                  # every article id above, for the latest list to leave out


def _latest_groups(articles: tuple[Article, ...], stories: StoryIndex | None, enough: int,
                   article_of: Callable[[str], Article]) -> list[tuple[str, list[Article]]]:
    """The groups of articles (story id and its articles, oldest first; an article in no story is
    a group of its own) with an article in the last RECENT_DAYS, and more than `enough` groups
    in all: the newest articles are read until both hold, and then to the end of their date.
    A group not reached has all its articles older than those of every group reached, so these
    are the first groups in the order of their latest articles, however large the site."""
    since = articles[0].date - timedelta(days=RECENT_DAYS)
    groups: list[tuple[str, list[Article] | None]] = []
    seen: set[str] = set()
    stop = None
    for article in articles:
        if stop is not None and article.date < stop:
            break
        story_id = stories.story_of.get(article.id, "") if stories is not None else ""
        if not story_id:
            groups.append(("", [article]))
        elif story_id not in seen:
            seen.add(story_id)
            groups.append((story_id, None))   # its articles, from the story, below
        if stop is None and article.date < since and len(groups) > enough:
            stop = article.date
    return [(sid, group if group is not None else [article_of(i) for i in stories.story(sid).article_ids])
            for sid, group in groups]


def _top_story(story_id: str, group: list[Article], has_page: bool) -> TopStory:
    seen = {group[0].source}
    others = []
    for article in group[1:]:
        if article.source not in seen:  # one headline per source: the source's first report
            seen.add(article.source)
            others.append(article.id)
    return TopStory(story_id if has_page else "", group[0].id, tuple(others[:OTHERS_SHOWN]),
                    len({a.source or a.id for a in group}))


def top_stories(articles: tuple[Article, ...], stories: StoryIndex | None, limit: int = TOP_STORIES,
                article_of: Callable[[str], Article] | None = None) -> tuple[TopStory, ...]:
    """The stories to lead with: among the recent ones, those most sources report, then the fresher.

    Recent means reported in the last RECENT_DAYS before the newest article, widened to the
    CANDIDATES most recently reported stories on a quiet site, so the front page always has
    stories to choose among and an old story needs more sources than a fresh one to lead.
    """
    if not articles:
        return ()
    if article_of is None:
        article_of = {a.id: a for a in articles}.__getitem__
    groups = sorted(_latest_groups(articles, stories, CANDIDATES, article_of),
                    key=lambda g: (-g[1][-1].date.timestamp(), g[1][-1].id))
    since = groups[0][1][-1].date - timedelta(days=RECENT_DAYS)
    recent = [g for g in groups if g[1][-1].date >= since]
    candidates = recent if len(recent) >= CANDIDATES else groups[:CANDIDATES]
    ranked = sorted(candidates, key=lambda g: -len({a.source or a.id for a in g[1]}))  # stable: fresher first
    return tuple(_top_story(story_id, group, len(group) > 1) for story_id, group in ranked[:limit])


def topic_sections(articles: tuple[Article, ...], topics: Taxonomy, shown: set[str],
                   limit: int = TOPIC_SECTIONS, per_section: int = PER_SECTION) -> tuple[TopicSection, ...]:
    """The main topics (most articles among the newest ones) with their newest articles not shown yet.

    Main means most written about lately: topics are counted over the newest articles (a page's
    worth for each section), so an old topic with many archived articles does not crowd out the news.
    """
    window = articles[:limit * per_section * 4]
    counts: dict[str, int] = {}
    for article in window:
        for name in article.topics:
            slug = topics.slug(name)
            counts[slug] = counts.get(slug, 0) + 1
    sections = []
    taken = set(shown)
    for slug in sorted(counts, key=lambda s: (-counts[s], topics.term(s).name.casefold(), s)):
        ids = tuple(islice((i for i in topics.term(slug).article_ids if i not in taken), per_section))
        if not ids:
            continue
        taken.update(ids)
        sections.append(TopicSection(slug, ids))
        if len(sections) == limit:
            break
    return tuple(sections)


def front_page(articles: tuple[Article, ...], stories: StoryIndex | None, topics: Taxonomy,
               article_of: Callable[[str], Article] | None = None) -> Front:
    """Articles newest first, their stories and topics into what the front page shows
    (`article_of`: an article by id, when the caller has a table of them)."""
    leading = top_stories(articles, stories, article_of=article_of)
    shown = {i for s in leading for i in (s.lead_id, *s.other_ids)}
    sections = topic_sections(articles, topics, shown)
    shown.update(i for section in sections for i in section.article_ids)
    return Front(leading, sections, frozenset(shown))
