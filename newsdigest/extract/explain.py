"""Plain-text reports on extraction: why an article has its actors and topics (`explain`), and
what the editor should look at in the gazetteer (`actors --review`)."""
from __future__ import annotations

from collections import Counter
from typing import Mapping

from ..core import name_key
from .mentions import Mentions
from .resolve import ArticleInput, Resolution
from .names import name_parts
from .topics import FiredRule, TopicAssignment

_HOW = {
    "name": "gazetteer name",
    "alias": "gazetteer alias",
    "demonym": "adjective for the country",
    "discovered": "in no gazetteer",
    "surname": "surname alone",
    "acronym": "abbreviation defined in the text",
}


def explain_article(article: ArticleInput, resolution: Resolution, topics: TopicAssignment | None = None,
                    mentions: Mentions | None = None, section: str = "") -> str:
    """Which actors and topics an article has, the text each was found in, the merges that
    touched them and the topic rules that fired (with their scores)."""
    lines = [article.title or "(untitled)",
             "  " + " | ".join(p for p in (f"id {article.id}", str(article.date)[:10],
                                            f"source {article.source}" if article.source else "",
                                            f"section {section}" if section else "") if p), ""]
    actors = resolution.details.get(article.id, ())
    explicit = article.explicit_actors is not None
    lines.append("Actors" + (" (from the front matter; nothing was extracted)" if explicit else ""))
    if not actors:
        lines.append("  none")
    surfaces = _surface_counts(mentions)
    for n, actor in enumerate(actors, 1):
        info = resolution.actors.get(actor.name)
        known = "gazetteer" if info is not None and info.known else "in no gazetteer"
        lines.append(f"  {n}. {actor.name} ({actor.kind or 'kind unknown'}; {known})")
        if not explicit:
            written = []
            for form in actor.forms:
                count, how = surfaces.get(form, (0, ""))
                label = f'"{form}"' + (f" x{count}" if count > 1 else "")
                written.append(label + (f" ({_HOW.get(how, how)})" if how else ""))
            lines.append("       written: " + ", ".join(written))
            evidence = [e for e in actor.evidence if e not in ("gazetteer", "surname")]
            if evidence:
                lines.append("       read as a name because of: " + ", ".join(evidence))
        if actor.roles:
            lines.append("       roles: " + "; ".join(actor.roles))
    if mentions is not None and not explicit:
        skipped = [m for m in mentions.mentions if not m.actor]
        if skipped:
            lines += ["", "Not counted"]
            seen: set[tuple[str, str]] = set()
            for m in skipped:
                key = (m.surface, m.note or m.how)
                if key not in seen:
                    seen.add(key)
                    lines.append(f'  "{m.surface}": {m.note or m.how}')
        if mentions.singles:
            lines += ["", "Single names left for the corpus to resolve"]
            lines += [f'  "{s.surface}"' + (" (with a title)" if s.titled else "") for s in mentions.singles]
    names = set(a.name for a in actors)
    merges = [m for m in resolution.merges if m.into in names and article.id in m.article_ids]
    if merges:
        lines += ["", "Merges"]
        for m in merges:
            lines.append(f"  {' + '.join(m.names)} -> {m.into}: {m.reason}")
    if topics is not None:
        lines += ["", "Topics"]
        if not topics.topics:
            lines.append("  none")
        for fired in topics.fired:
            lines.append(f"  {fired.rule}: {_why(fired)}")
        if topics.below:
            lines.append("  not chosen:")
            for fired in topics.below[:5]:
                short = (f"score {fired.score:g} below {fired.threshold:g}" if fired.score < fired.threshold else
                         f"{fired.distinct} different phrase(s), {fired.min_phrases} needed")
                lines.append(f"    {fired.rule}: {_phrases(fired)}; {short}")
    return "\n".join(lines) + "\n"


def _surface_counts(mentions: Mentions | None) -> dict[str, tuple[int, str]]:
    if mentions is None:
        return {}
    counts: Counter = Counter()
    how: dict[str, str] = {}
    for m in mentions.mentions:
        if m.actor:
            counts[m.surface] += 1
            how.setdefault(m.surface, m.how)
    return {s: (c, how[s]) for s, c in counts.items()}


def _phrases(fired: FiredRule) -> str:
    return ", ".join(f'"{p}" x{times} ({weight:g})' for p, times, weight in fired.phrases[:8])


def _why(fired: FiredRule) -> str:
    if fired.via == "front matter":
        return "front matter"
    if fired.via == "section":
        return f'the source\'s section "{fired.phrases[0][0]}"'
    if fired.via == "broader":
        return f"{fired.phrases[0][0]} is part of it (broader)"
    best = " (no topic reached its threshold: the best one, with half of it)" if fired.via == "best" else ""
    return f"phrases {_phrases(fired)}; score {fired.score:g}, threshold {fired.threshold:g}{best}"


def review(resolution: Resolution, limit: int = 200, names: Mapping[str, str] | None = None) -> str:
    """What the editor should look at: names in no gazetteer, suspected duplicates, single
    names that could not be attributed, and every merge made, each with its reason.
    `names` gives each article id as the editor knows the article (its title and file)."""
    names = names or {}

    def named(ids) -> str:
        return ", ".join(names.get(i, i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")

    lines = [f"{len(resolution.actors)} actors, {len(resolution.discovered)} in no gazetteer, "
             f"{len(resolution.duplicates)} suspected duplicates, {len(resolution.merges)} merges", ""]
    lines.append("Names in no gazetteer (add them to content/actors.toml to fix their spelling, kind and aliases)")
    if not resolution.discovered:
        lines.append("  none")
    for d in resolution.discovered[:limit]:
        forms = [f for f in d.forms if f != d.name]
        lines.append(f"  {d.articles:>4}  {d.name} ({d.kind or 'kind unknown'}), e.g. article {names.get(d.example, d.example)}"
                     + (f"; written {', '.join(forms[:5])}" if forms else ""))
    if len(resolution.discovered) > limit:
        lines.append(f"  ... and {len(resolution.discovered) - limit} more")
    lines += ["", "Suspected duplicates (not merged; give one the other's name as an alias to merge them)"]
    if not resolution.duplicates:
        lines.append("  none")
    for dup in resolution.duplicates:
        lines.append(f"  {' / '.join(dup.names)}: {dup.reason}")
        if dup.paste:
            lines += ["    to merge them, paste into content/actors.toml:"] + ["      " + p for p in dup.paste.splitlines()]
    lines += ["", "Single names not attributed to anyone"]
    if not resolution.unresolved:
        lines.append("  none")
    for u in resolution.unresolved[:limit]:
        lines.append(f'  "{u.surface}": {u.reason} (articles {named(u.article_ids)})')
    lines += ["", "Merges made"]
    if not resolution.merges:
        lines.append("  none")
    for m in resolution.merges:
        ids = m.article_ids
        where = f"{len(ids)} article{'s' if len(ids) != 1 else ''}: {named(ids)}"
        lines.append(f"  {m.into} <- {', '.join(m.names)}: {m.reason} ({where})")
    frequent = [d for d in resolution.discovered if d.articles >= 2][:limit]
    if frequent:
        lines += ["", "Ready to paste into content/actors.toml (names seen in two articles or more)"]
        for d in frequent:
            # surnames alone and case variants are matched anyway; an alias is only worth
            # writing for another spelling of the full name or an abbreviation
            aliases = [f for f in d.forms if name_key(f) != name_key(d.name)
                       and (len(name_parts(f)) >= 2 or f.isupper())]
            lines.append(f'["{d.name}"]')
            lines.append(f'kind = "{d.kind or "person"}"')
            if aliases:
                lines.append("aliases = [" + ", ".join(f'"{a}"' for a in aliases) + "]")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
