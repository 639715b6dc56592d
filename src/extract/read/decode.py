"""Bytes of a web page or text file -> str, never guessing silently.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8 (GBK text is almost never valid UTF-8, while
UTF-8 bytes mostly decode as wrong GBK); the encoding the document declares (an HTML page's ``<meta charset>`` /
``http-equiv`` or XML declaration), when the bytes decode under it; else detection by charset-normalizer. GB2312 and GBK (and their aliases) are decoded as GB18030, their superset:
pages declared gb2312 use characters outside it (人名, 生僻字). A declaration the bytes contradict is not
trusted (a GBK page labelled utf-8 or iso-8859-1 is common). Bytes that still cannot be decoded become U+FFFD
and the document gets a warning naming the encoding and the count.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# GB2312 and GBK are subsets of GB18030: decode them as GB18030.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "ms936"}
# A single-byte Western declaration on a Chinese page is a template default, not the truth.
_WESTERN = {"latin_1", "iso8859-1", "cp1252", "ascii", "iso8859_1", "windows-1252"}
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.I)


@dataclass
class Decoded:
    text: str
    encoding: str  # Python's codec name, e.g. "gb18030", "utf-8", "utf-16-le"
    warnings: list[str] = field(default_factory=list)


def canonical_encoding(name: str) -> str | None:
    """Python's name for an encoding label, GB2312/GBK mapped to GB18030; None when Python does not know it."""
    label = name.strip().lower()
    if label in ("x-gbk", "gb_2312-80", "x-euc-cn", "gb_2312", "csgb2312"):
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if codec in _GB_FAMILY else codec


def declared_encoding(raw: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KB (canonical name), or None."""
    match = _DECLARED.search(raw[:4096])
    if not match:
        return None
    return canonical_encoding((match.group(1) or match.group(2)).decode("ascii", "replace"))


def decode_bytes(raw: bytes, declared: str | None = None) -> Decoded:
    """``raw`` as text (see the module docstring); ``declared`` is the document's own declaration, if any."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _finish(raw[len(bom):], codec)
    # Strict UTF-8 first: GBK text is almost never valid UTF-8, while UTF-8 bytes mostly decode as (wrong) GBK.
    candidates = ["utf-8"]
    if declared and declared != "utf-8" and not (declared in _WESTERN and any(b > 0x7F for b in raw)):
        candidates.append(declared)
    for codec in candidates:
        try:
            return Decoded(raw.decode(codec), codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return _finish(raw, _detect(raw, declared))


def _detect(raw: bytes, declared: str | None) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        return canonical_encoding(best.encoding) or "gb18030"
    return declared or "gb18030"  # Chinese documents: the likeliest, and a superset of what precedes it


def _finish(raw: bytes, codec: str) -> Decoded:
    text = raw.decode(codec, errors="replace")
    bad = text.count("\ufffd") - raw.decode(codec, errors="ignore").count("\ufffd")
    warnings = []
    if bad:
        warnings.append(f"text decoded as {codec.upper()} with {bad} undecodable byte sequence(s) replaced by "
                        f"\ufffd: figures next to them may be incomplete")
    return Decoded(text, codec, warnings)
