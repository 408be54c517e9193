"""Decoding uploaded text files: BOM sniffing, charset detection, and the user's override.

Chinese collection teams export notes from Excel and old CRMs in UTF-8, UTF-8 with a BOM,
GBK/GB18030 (mainland) or Big5 (Taiwan, Hong Kong). We sniff a BOM first (certain), then
try strict UTF-8 (very unlikely to pass by accident on GBK or Big5 bytes), then ask
charset-normalizer, and always let the user override the guess.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from assistant.errors import InvalidInput

# What the user may choose; "auto" means detect.
ENCODING_CHOICES = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "big5")

# GB18030 is a superset of GBK and GB2312: decoding with it loses nothing a GBK file holds.
_CANONICAL = {
    "utf_8": "utf-8", "utf-8": "utf-8", "utf8": "utf-8", "ascii": "utf-8",
    "utf_8_sig": "utf-8-sig", "utf-8-sig": "utf-8-sig",
    "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
    "big5": "big5", "big5hkscs": "big5hkscs", "cp950": "big5",
}
_SAMPLE_BYTES = 256 * 1024


REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Decoded:
    text: str  # undecodable bytes became REPLACEMENT; readers reject the rows holding them
    detected: str  # what detection said ("" when the user chose)
    used: str  # the codec the text was decoded with
    undecodable: int  # how many replacement characters the text holds


def canonical(name: str) -> str:
    """Our spelling of a codec name (gbk -> gb18030, utf8 -> utf-8)."""
    key = codecs.lookup(name).name if name else ""
    return _CANONICAL.get(name.lower(), _CANONICAL.get(key, key))


def detect(data: bytes) -> str:
    """The most likely encoding of DATA, in our spelling; utf-8 for empty input."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:_SAMPLE_BYTES]
    if _is_utf8(sample, complete=len(data) <= _SAMPLE_BYTES):
        return "utf-8"
    best = from_bytes(sample, cp_isolation=["gb18030", "big5", "utf_8", "cp1252"]).best()
    if best is None:
        return "gb18030"  # the most common legacy encoding of our users
    return canonical(best.encoding)


def decode(data: bytes, encoding: str = "auto", *, where: str = "file") -> Decoded:
    """Decode DATA with ENCODING ("auto" detects); bad bytes become REPLACEMENT, not an error.

    One bad row (a truncated last line, a stray byte) must not sink a whole file, so the
    readers report rows holding REPLACEMENT with their row number and keep the others.
    """
    choice = (encoding or "auto").lower()
    if choice not in ENCODING_CHOICES:
        raise InvalidInput(f"{where}: unknown encoding {encoding!r}; choose one of "
                           f"{', '.join(ENCODING_CHOICES)}")
    detected = detect(data) if choice == "auto" else ""
    used = detected if choice == "auto" else canonical(choice)
    if used == "utf-8" and data.startswith(codecs.BOM_UTF8):
        used = "utf-8-sig"  # never leak a BOM into the first column name
    text = data.decode(used, errors="replace")
    return Decoded(text=text, detected=detected, used=used, undecodable=text.count(REPLACEMENT))


def _is_utf8(sample: bytes, *, complete: bool) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        return not complete and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True
