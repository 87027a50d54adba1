"""The live engine's memo of the resolution (extract.resolve.ResolveMemo) gives what resolving
from scratch gives, whatever changed in between: articles added, removed, edited, re-dated."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from newsdigest.extract.mentions import extract_mentions
from newsdigest.extract.resolve import ArticleInput, ResolveMemo, resolve
from newsdigest.extract.gazetteer import default_gazetteer

PEOPLE = ["Tom Goffus", "Thomas Goffus", "Layla Hassan", "Qasim al-Araji", "Qasim Al-Araji", "Karwan Omar"]
TITLES = ["Deputy Assistant Secretary", "Defence Minister", "National Security Adviser", "Governor"]
BODIES = ["NATO", "the Ministry of Water Resources", "the Upper Tigris Basin Authority (UTBA)", "the UTBA"]


def prose(rng: random.Random) -> str:
    person, other = rng.sample(PEOPLE, 2)
    return (f"{rng.choice(TITLES)} {person} met {rng.choice(TITLES)} {other} in Baghdad on Monday. "
            f"{person.split()[-1]} said {rng.choice(BODIES)} would keep working with {rng.choice(BODIES)}.")


def article(rng: random.Random, n: int) -> ArticleInput:
    date = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    if rng.random() < 0.4:
        return ArticleInput(f"a{n}", date, f"Report {n}", "", "Wire", tuple(rng.sample(PEOPLE + ["NATO", "Iraq"], 2)))
    return ArticleInput(f"a{n}", date, f"Report {n}", prose(rng), "Wire")


@pytest.mark.parametrize("seed", [20261203, 3])
def test_resolving_with_the_memo_matches_resolving_from_scratch(seed):
    """Each identity's summary and each article's actors are kept where no member changed
    (_summarise's change set): every step equals a resolution from scratch."""
    rng = random.Random(seed)
    gazetteer = default_gazetteer()
    corpus = [article(rng, n) for n in range(12)]
    memo = ResolveMemo()
    mentions: dict = {}

    def mentions_of(items):   # as the build's cache: the same object while an article is the same
        for a in items:
            key = (a.id, a.date, a.text, a.explicit_actors)
            if a.explicit_actors is None and key not in mentions:
                mentions[key] = extract_mentions(a.text, a.title, gazetteer, a.source)
        return {a.id: mentions[(a.id, a.date, a.text, a.explicit_actors)] for a in items if a.explicit_actors is None}

    assert resolve(corpus, gazetteer, None, mentions_of(corpus), memo) == resolve(corpus, gazetteer, None, mentions_of(corpus))
    for step in range(90):
        change = rng.choice(["add", "remove", "edit", "redate", "redate"])
        if change == "add" or len(corpus) < 4:
            corpus.append(article(rng, 100 + step))
        elif change == "remove":
            corpus.pop(rng.randrange(len(corpus)))
        elif change == "edit":
            i = rng.randrange(len(corpus))
            corpus[i] = replace(article(rng, 0), id=corpus[i].id, date=corpus[i].date)
        else:   # the same actors and text, another day: the actors' articles change order
            i = rng.randrange(len(corpus))
            corpus[i] = replace(corpus[i], date=f"2024-1{rng.randint(0, 2)}-0{rng.randint(1, 9)}")
        found = resolve(corpus, gazetteer, None, mentions_of(corpus), memo)
        assert found == resolve(corpus, gazetteer, None, mentions_of(corpus)), f"step {step}: {change}"
    assert memo.gathered and memo.resolved and memo.actors


def test_a_resolution_that_fails_half_way_leaves_the_memo_as_it_was(monkeypatch):
    """The memo is updated once a resolution is whole: after one that failed between its
    parts (here, summarising the identities), the next resolves what changed since the last
    whole one, as from scratch."""
    from newsdigest.extract import resolve as resolve_module
    rng = random.Random(5)
    gazetteer = default_gazetteer()
    corpus = [article(rng, n) for n in range(10)]
    corpus.append(ArticleInput("listed", "2024-03-10", "Talks", "", "Wire", ("Tom Goffus", "NATO")))
    memo = ResolveMemo()
    resolve(corpus, gazetteer, None, None, memo)
    # Re-dated: the same actors, so the same members; only the change set says its actors'
    # summaries (their articles' dates) are to be made again.
    corpus[-1] = replace(corpus[-1], date="2024-09-01")
    corpus.append(article(rng, 50))
    for part in ("_per_article", "_per_actor"):
        real = getattr(resolve_module, part)

        def failing(*args, **kwargs):
            raise MemoryError("half-way")

        monkeypatch.setattr(resolve_module, part, failing)
        with pytest.raises(MemoryError):
            resolve(corpus, gazetteer, None, None, memo)
        monkeypatch.setattr(resolve_module, part, real)
    assert resolve(corpus, gazetteer, None, None, memo) == resolve(corpus, gazetteer)


@pytest.mark.parametrize("defining, using", [
    ("The Upper Tigris Basin Authority (UTBA) opened a gauge on Monday.", "The UTBA said releases would rise."),
    ("Defence Minister Karwan Omar met NATO officials in Baghdad on Monday.",
     "Minister Omar said the talks would go on."),
])
def test_an_actor_found_through_another_article_goes_when_that_article_does(defining, using):
    """A lone acronym or surname is someone's through another article (its definition, the full
    name): deleting that article takes the identity from an article that did not change."""
    gazetteer = default_gazetteer()
    corpus = [ArticleInput("a1", "2024-05-01", "Gauge opened", defining, "Wire"),
              ArticleInput("a2", "2024-05-02", "Releases", using, "Wire"),
              ArticleInput("a3", "2024-05-03", "Other", "Prime Minister Layla Hassan visited Basra.", "Wire")]
    memo = ResolveMemo()
    first = resolve(corpus, gazetteer, None, None, memo)
    assert first.articles["a2"], "the second article's actor comes from the first"
    for step in (corpus[1:], corpus):          # the defining article deleted, then back
        assert resolve(step, gazetteer, None, None, memo) == resolve(step, gazetteer)



VARIANTS = ["Giovanni Iannucci", "Giovanni Maria Iannucci", "Giovanni di Iannucci", "Giovanni Maria di Iannucci",
            "Karwan Omar", "Karwan Ahmed Omar", "Salman al-Obaidi", "Salman Al-Obaidi", "Salman al-Obeidi"]


@pytest.mark.parametrize("seed", range(4))
def test_an_identity_of_several_keys_has_its_members_in_the_corpus_order(seed):
    """The members are gathered by key (_Corpus): an identity joined from several keys (Giovanni
    Iannucci, Giovanni Maria Iannucci) puts theirs in the corpus's order, not key after key, so
    its other spellings are listed in the order the articles first write them."""
    rng = random.Random(seed)
    corpus = [ArticleInput(f"a{n}", f"2024-05-0{1 + n % 9}", f"Report {n}",
                           f"Defence Minister {rng.choice(VARIANTS)} met Governor {rng.choice(VARIANTS)} in Baghdad "
                           "on Monday.", "Wire") for n in range(12)]
    found = resolve(corpus, default_gazetteer())
    several = 0
    for name, info in found.actors.items():
        first: dict[str, int] = {}
        for n, item in enumerate(corpus):
            for actor in found.details.get(item.id, ()):
                if actor.name == name:
                    for form in actor.forms:
                        first.setdefault(form, n)
        written = [first[form] for form in info.aliases]
        assert written == sorted(written), name
        several += len(written) > 1
    assert several, "an identity with other spellings"


def test_an_article_edited_to_name_the_same_actors_otherwise_has_its_details_made_again():
    """An article whose identities gained or lost a member is summarised again only where its
    members or their names differ (_per_article): an edit that keeps the names but gives
    another role changes its details."""
    gazetteer = default_gazetteer()
    corpus = [ArticleInput("a1", "2024-05-01", "Talks", "Defence Minister Tom Goffus met NATO officials on Monday.",
                           "Wire"),
              ArticleInput("a2", "2024-05-02", "More talks", "Governor Tom Goffus met Layla Hassan in Basra.", "Wire")]
    memo = ResolveMemo()
    first = resolve(corpus, gazetteer, None, None, memo)
    corpus[0] = replace(corpus[0], text="Tom Goffus, the governor, met NATO officials on Monday.")
    again = resolve(corpus, gazetteer, None, None, memo)
    assert again.articles["a1"] == first.articles["a1"] and again.details["a1"] != first.details["a1"]
    assert again == resolve(corpus, gazetteer)


def test_a_name_written_more_often_another_way_is_labelled_so_through_the_memo():
    """An identity is labelled with its most frequent spelling (the look-alikes the review
    lists name it so). The memo keeps each key's count of spellings while its members are the
    same; an article that makes another spelling the more frequent one changes the label."""
    gazetteer = default_gazetteer()
    corpus = [ArticleInput("a1", "2024-01-01", "One", "", "Wire", ("Tom Goffus",)),
              ArticleInput("a2", "2024-01-02", "Two", "", "Wire", ("Thomas Goffus",)),
              ArticleInput("a3", "2024-01-03", "Three", "", "Wire", ("Thomas GOFFUS",))]
    memo = ResolveMemo()

    def look_alikes(found):
        return sorted(names for d in found.duplicates for names in [d.names] if "Tom Goffus" in names)

    first = resolve(corpus, gazetteer, None, {}, memo)
    assert first == resolve(corpus, gazetteer, None, {})
    assert look_alikes(first) == [("Tom Goffus", "Thomas Goffus")]
    corpus.append(ArticleInput("a4", "2024-01-04", "Four", "", "Wire", ("Thomas GOFFUS",)))
    second = resolve(corpus, gazetteer, None, {}, memo)
    assert second == resolve(corpus, gazetteer, None, {})
    assert look_alikes(second) == [("Tom Goffus", "Thomas GOFFUS")]


@pytest.mark.parametrize("seed", [7, 20261204, 11])
def test_articles_added_in_front_are_gathered_alone_and_resolve_as_from_scratch(seed, monkeypatch):
    """News arrives newest first: when the whole change is articles added at the corpus's start,
    only theirs are gathered and put before the last gathering (resolve._gather_added); any
    other change (an edit, a removal, an article added further down) gathers everything. Each
    step, told what changed as the build tells it (`since`), equals a resolution from scratch."""
    from newsdigest.extract import resolve as resolve_module
    gathered_counts: list[int] = []
    real = resolve_module._gather_into

    def counting(found, corpus, *args):
        gathered_counts.append(len(corpus))
        return real(found, corpus, *args)
    monkeypatch.setattr(resolve_module, "_gather_into", counting)
    rng = random.Random(seed)
    gazetteer = default_gazetteer()
    mentions: dict = {}

    def mentions_of(items):
        for a in items:
            if a.explicit_actors is None and a.id not in mentions:
                mentions[a.id] = (a, extract_mentions(a.text, a.title, gazetteer, a.source))
            elif a.explicit_actors is None and mentions[a.id][0] is not a:
                mentions[a.id] = (a, extract_mentions(a.text, a.title, gazetteer, a.source))
        return {a.id: mentions[a.id][1] for a in items if a.explicit_actors is None}

    def lone(n: int) -> ArticleInput:
        # A surname alone (with a title, or with a co-actor, or neither): what the passes after
        # the gathering attribute or leave unresolved, which the next gathering must not see.
        surname = rng.choice(["Goffus", "Hassan", "Omar", "Araji"])
        text = rng.choice([f"Governor {surname} said on Monday that NATO would help.",
                           f"{surname} met NATO officials in Baghdad on Monday.",
                           f"{surname} said the talks would go on."])
        return ArticleInput(f"lone{n}", "2024-10-01", f"Report {n}", text, "Wire")

    def new(n: int) -> ArticleInput:
        return lone(n) if rng.random() < 0.4 else article(rng, n)

    corpus = [article(rng, n) for n in range(10)]
    memo = ResolveMemo()
    resolve(corpus, gazetteer, None, mentions_of(corpus), memo)
    fronts = lone_seen = 0
    for step in range(60):
        last = {a.id: a for a in corpus}
        change = rng.choice(["front", "front", "front", "fronts", "edit", "remove", "middle"])
        if change in ("front", "fronts"):
            corpus[:0] = [new(1000 + 10 * step + k) for k in range(1 if change == "front" else 3)]
        elif change == "edit":
            i = rng.randrange(len(corpus))
            corpus[i] = replace(article(rng, 0), id=corpus[i].id, date=corpus[i].date)
        elif change == "remove" and len(corpus) > 4:
            corpus.pop(rng.randrange(len(corpus)))
        else:
            corpus.insert(rng.randrange(1, len(corpus)), new(1000 + 10 * step))
        since = ({a.id: a for a in corpus if last.get(a.id) is not a}, last.keys() - {a.id for a in corpus})
        gathered_counts.clear()
        found = resolve(corpus, gazetteer, None, mentions_of(corpus), memo, since)
        if change in ("front", "fronts"):
            fronts += 1
            assert gathered_counts == [len(since[0])], (step, change)
        else:
            assert gathered_counts == [len(corpus)], (step, change)
        assert found == resolve(corpus, gazetteer, None, mentions_of(corpus)), f"step {step}: {change}"
        lone_seen += bool(found.merges or found.unresolved)
    assert fronts > 10 and lone_seen > 10
