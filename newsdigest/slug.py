"""Readable ASCII slugs for any name, including Arabic and accented ones."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from .arabic import WESTERN_DIGITS, transliterate_word
from .core import name_key

_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}
MAX_SLUG = 80


def transliterate(text: str) -> str:
    """Unicode text to ASCII, keeping word boundaries."""
    text = unicodedata.normalize("NFKC", text).translate(WESTERN_DIGITS)
    text = _ARABIC_WORD.sub(lambda m: transliterate_word(m.group(0)), text)
    return anyascii(text)


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens; never empty, never a reserved file name."""
    ascii_text = transliterate(text).lower().replace("'", "").replace("`", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    if not slug:
        slug = "n-" + short_hash(text)
    if slug in _WINDOWS_RESERVED:
        slug += "-x"
    return slug


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def unique_slugs(names) -> dict[str, str]:
    """Slug per name key; names that slug alike get distinct, deterministic slugs.

    The first key in sorted order keeps the plain slug; the others get a suffix derived
    from the name itself, so the result depends only on the set of names, not on order.
    """
    by_slug: dict[str, list[str]] = {}
    for key in sorted({name_key(n) for n in names}):
        by_slug.setdefault(slugify(key), []).append(key)
    result: dict[str, str] = {}
    taken = set(by_slug)
    for slug, keys in by_slug.items():
        result[keys[0]] = slug
        for key in keys[1:]:
            # A longer hash if the suffixed slug is already some other name's plain slug ("c-372946").
            length = 6
            while f"{slug}-{short_hash(key, length)}" in taken and length < 40:
                length += 2
            result[key] = f"{slug}-{short_hash(key, length)}"
            taken.add(result[key])
    return result
