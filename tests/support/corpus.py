"""Small synthetic corpora for build tests: deterministic for a given seed."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsdigest.config import Paths
from newsdigest.frontmatter import dump

TOPICS = ["Security", "Diplomacy", "Energy", "Water", "Economy", "Cybersecurity"]
ACTORS = ["Layla Haddad", "Henrik Aalto", "Karim al-Saadi", "Iraq", "Jordan", "Turkey", "NATO",
          "United Nations", "World Bank", "Zoë Lefèvre", "سلمان العبيدي", "Omar Jabouri"]
SOURCES = ["Tigris Wire", "Gulf Monitor", "Basra Daily"]
WORDS = ("the ministry said talks would continue next week while officials reviewed the figures "
         "for water energy trade and security along the border with new funding and staff").split()


@dataclass
class Doc:
    slug: str
    id: str
    title: str
    date: datetime
    topics: list[str]
    actors: list[str] | None
    body: str
    source: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def rel(self) -> str:
        return f"content/articles/{self.date:%Y}/{self.date:%m}/{self.slug}.md"

    def text(self) -> str:
        meta = {"id": self.id, "title": self.title, "date": self.date.isoformat(), "source": self.source,
                "topics": self.topics, "actors": self.actors, **self.extra}
        if self.actors is None:      # the build extracts them from the text
            del meta["actors"]
        return dump(meta, self.body)

    def write(self, root: Path) -> Path:
        path = root / self.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text(), encoding="utf-8")
        return path


def make_doc(rng: random.Random, n: int, start=datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=3)))) -> Doc:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
    paragraphs = [" ".join(words[i:i + 30]).capitalize() + "." for i in range(0, len(words), 30)]
    return Doc(
        slug=f"story-{n}",
        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        title=f"Story {n}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
        date=start + timedelta(minutes=rng.randint(0, 60 * 24 * 400)),
        topics=rng.sample(TOPICS, rng.randint(1, 2)),
        actors=rng.sample(ACTORS, rng.randint(1, 3)),
        body="\n\n".join(paragraphs),
        source=rng.choice(SOURCES),
    )


def write_site(root: Path, docs: list[Doc], config: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(config or 'title = "Test digest"\nbase_url = "https://example.org/t/"\n'
                                    'timezone = "Asia/Baghdad"\nitems_per_page = 5\nfeed_size = 8\n')
    for doc in docs:
        doc.write(root)


def inbox_site(root: Path) -> Paths:
    """An empty site folder with content/inbox, for ingest tests."""
    (root / "content" / "inbox").mkdir(parents=True)
    return Paths(root)


CHANGES = ("add", "add", "edit", "edit", "delete", "retopic", "redate")


def random_change(rng: random.Random, root: Path, docs: list[Doc], number: int, step: int,
                  changes=CHANGES) -> str:
    """Apply one random change to a site's articles (docs is updated); `number` names a new
    article. "newest" adds one dated after every other, as news arrives. Returns the change."""
    op = rng.choice(changes)
    if op in ("add", "newest") or len(docs) < 5:
        doc = make_doc(rng, number)
        if op == "newest":
            doc.date = max(d.date for d in docs) + timedelta(minutes=rng.randint(1, 600))
        docs.append(doc)
        doc.write(root)
        return op
    doc = rng.choice(docs)
    (root / doc.rel).unlink()
    if op == "delete":
        docs.remove(doc)
        return op
    if op == "edit":
        doc.title += " (updated)"
        doc.body += "\n\nA new paragraph with a [link](/topics/)."
    elif op == "retopic":
        doc.topics = [rng.choice(["Energy", "Water", "Elections"])]
        doc.actors = doc.actors[:1] + ["New Actor %d" % step]
    else:
        doc.date = doc.date.replace(year=2023)
    doc.write(root)
    return op

