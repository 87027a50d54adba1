"""Bytes to text: BOMs, UTF-8, the legacy encodings of the region, mojibake repair.

Scraped files arrive as UTF-8 (with or without a byte order mark), as Windows-1256 or
ISO-8859-6 Arabic, or as ISO-8859-1/Windows-1252 Latin text. UTF-8 is tried first because it
almost never decodes by accident; the rest is left to charset-normalizer, restricted to the
encodings we actually meet so that short Latin text is not mistaken for Central European.
Text that decoded cleanly may still carry mojibake from an earlier mis-decoding ("NATOâ€™s");
ftfy repairs that. Binary and undecodable input raise Rejected.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

import ftfy
from charset_normalizer import from_bytes

from .model import Rejected

# Candidate legacy encodings, most likely first (ties go to the earlier one).
LEGACY_ENCODINGS = ["cp1256", "cp1252", "iso8859_6", "latin_1"]

_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
]

_FIX_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,      # readers decide about entities; "&amp;" in a .txt stays as typed
    uncurl_quotes=False,      # clean.py normalises quotes, and records it
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=False,
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    repaired: bool  # ftfy changed the text (mojibake, stray control characters)


def _sniff_binary(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    sample = data[:4096]
    if b"\x00" in sample:
        return "a binary file"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > 0.05:
        return "a binary file"
    return None


def _declared(name: str | None, data: bytes) -> str | None:
    """The encoding a page declares, if it exists and decodes these bytes."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
        data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return codec


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Text of a file's bytes, or Rejected saying why it is not text we can read.

    declared: the encoding the file names for itself (an HTML meta charset), used when the
    bytes are not UTF-8 and decode with it.
    """
    if not data.strip():
        raise Rejected("empty file", "the file has no text; delete it or save the article again")
    encoding = None
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        what = _sniff_binary(data)
        if what:
            raise Rejected(f"not a text file (looks like {what})",
                           "ingest takes .txt, .html, .json, .jsonl and .md files")
    truncated = False
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            if exc.end == len(data) and exc.reason == "unexpected end of data" and not data[:exc.start].isascii():
                # UTF-8 cut off inside its last character (an interrupted download or copy): the
                # rest has multibyte UTF-8 and is valid, so it is UTF-8; only that character is lost.
                data, encoding, truncated = data[:exc.start], "utf-8", True
            else:
                encoding = _declared(declared, data)
        if encoding is None:
            best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
            if best is None or best.chaos > 0.25:
                raise Rejected("cannot decode the text: it is not UTF-8 and no known encoding fits",
                               "save the file as UTF-8") from None
            encoding = best.encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise Rejected(f"cannot decode the text as {encoding}", "save the file as UTF-8") from None
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise Rejected("empty file", "the file has no text; delete it or save the article again")
    fixed = ftfy.fix_text(text, _FIX_CONFIG)
    return Decoded(fixed, encoding + (" (cut off inside its last character)" if truncated else ""), fixed != text)
