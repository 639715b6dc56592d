"""Split a paragraph into sentences (character spans), the unit a figure's labels are read from.

A sentence ends at 。！？； (with any closing quotes/brackets right after it) and at a line end: blocks
keep a line break only where the document had a list item or a paragraph of its own. Terminators
inside quotes or brackets do not end the sentence (``“……。”`` is one quotation inside a sentence);
ASCII ``.`` never ends one, so decimals such as ``5.5%`` stay whole.
"""

from __future__ import annotations

import re

TERMINATORS = frozenset("。！？；!?;")
# opener -> closer. Quotes and brackets that protect their content from splitting.
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "[": "]"}
CLOSERS = frozenset(PAIRS.values())
# An opener whose closer is farther than this is treated as a stray mark (a typo or a quote that runs
# over a whole section would otherwise glue every sentence of the paragraph together).
MAX_PROTECTED = 200
# The characters the splitter stops at, found by re in C rather than by a Python loop over every character.
_OPENERS = re.compile("[" + re.escape("".join(PAIRS)) + "]")
_BREAKS = re.compile("[\n" + re.escape("".join(sorted(TERMINATORS))) + "]")


def protected_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quoted or bracketed stretch whose closer is within MAX_PROTECTED chars."""
    ranges = []
    for m in _OPENERS.finditer(text):
        i = m.start()
        j = text.find(PAIRS[m.group()], i + 1, i + 1 + MAX_PROTECTED)
        if j != -1:
            ranges.append((i, j + 1))
    return ranges


def _protected_mask(text: str) -> list[bool]:
    mask = [False] * len(text)
    for start, end in protected_ranges(text):
        if end - 1 > start + 1:
            mask[start + 1 : end - 1] = [True] * (end - start - 2)
    return mask


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, whitespace trimmed, empty ones dropped.

    ``text[start:end]`` includes the terminator and any closing quotes/brackets right after it.
    """
    mask = _protected_mask(text)
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    found = _BREAKS.search(text)
    while found is not None:
        i = found.start()
        if text[i] == "\n":
            spans.append((start, i))
            start = i + 1
        elif not mask[i]:
            end = i + 1
            while end < n and (text[end] in TERMINATORS or text[end] in CLOSERS):
                end += 1
            spans.append((start, end))
            start = i = end
            found = _BREAKS.search(text, i)
            continue
        found = _BREAKS.search(text, i + 1)
    spans.append((start, n))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_at(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the span containing ``offset`` (the last span starting at or before it)."""
    found = 0
    for k, (a, _b) in enumerate(spans):
        if a <= offset:
            found = k
        else:
            break
    return found
