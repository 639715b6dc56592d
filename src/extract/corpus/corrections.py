"""raw/corrections.csv: hand corrections that survive re-runs.

Each row fixes one figure, drops a false one, or adds one the extractor missed. A figure is named by
doc_id + page + text (the figure exactly as printed) + occurrence (the n-th such figure on that page, default 1);
in a document without pages (web page, text, Word) by doc_id + locator (``para 41``, ``para 12 table 1 row 3
col 2``, as figures.csv gives it) + text instead — a locator also works for a PDF (``p3``).
Columns: action (fix | drop | add), doc_id, page, locator, text, occurrence, then the fields to set — value,
low, high, unit, qualifier, metric, stance, year, period, subject, sentence — and reason, author (both required).
Lines beginning with '#' are comments.

Corrections are applied after extraction on every run (cached extractions included). A fix or drop whose figure
no longer exists, an add whose figure the extractor now finds itself, and a row naming an unknown doc_id are
reported as stale, never silently ignored. Corrected and added rows carry ``corrected`` = fix | add and the
``correction_reason``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from extract.corpus.catalog import RowProblemsError, UnreadableTable, read_table, row_of
from extract.grammar.numerals import MAX_MAGNITUDE, within_bounds
from extract.model import QUALIFIERS, STANCES

ACTIONS = ("fix", "drop", "add")
KEY_COLUMNS = ("action", "doc_id", "page", "locator", "text", "occurrence")
LOCATOR = re.compile(r"^(?:p\d+|para \d+)(?: table \d+ row \d+ col \d+)?$")
FLOAT_FIELDS = ("value", "low", "high")
INT_FIELDS = ("year",)
TEXT_FIELDS = ("unit", "qualifier", "metric", "stance", "period", "subject", "sentence")
FIELDS = ("value", "low", "high", "unit", "qualifier", "metric", "stance", "year", "period", "subject", "sentence")
# Fields whose values come from a vocabulary of extract.model.
CHOICES = {"qualifier": QUALIFIERS, "stance": STANCES}
COLUMNS = KEY_COLUMNS + FIELDS + ("reason", "author")
HEADER = ",".join(COLUMNS)


class CorrectionsError(RowProblemsError):
    """raw/corrections.csv cannot be used."""


@dataclass
class Correction:
    row: int  # line number in the file (header = 1)
    action: str
    doc_id: str
    page: int | None  # None: named by its locator
    text: str
    occurrence: int = 1
    changes: dict[str, object] = field(default_factory=dict)
    reason: str = ""
    author: str = ""
    locator: str = ""  # names the figure instead of the page (documents without pages)

    def describe(self) -> str:
        where = f"at {self.locator}" if self.locator else f"on page {self.page}"
        return f"row {self.row} ({self.action} {self.text!r} {where} of {self.doc_id})"

    def names(self, figure: dict) -> bool:
        """The figure is the one this row names (but for the occurrence)."""
        if figure.get("doc_id") != self.doc_id or figure.get("text") != self.text:
            return False
        return figure.get("locator") == self.locator if self.locator else figure.get("page") == self.page


def load_corrections(path: str | Path) -> list[Correction]:
    """Read and check ``path``; a missing file means no corrections. Raises CorrectionsError listing every bad row."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        header, rows, problems = read_table(path, comments=True)
    except UnreadableTable as exc:
        raise CorrectionsError(path, [str(exc)]) from None
    if not header:
        return []  # empty, or comments only
    missing = [c for c in ("action", "doc_id", "text", "reason", "author") if c not in header]
    if "page" not in header and "locator" not in header:
        missing.insert(2, "page (or locator)")
    if missing:
        raise CorrectionsError(path, [f"lacks column(s) {', '.join(missing)} (header: {HEADER})"])
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.insert(0, f"unknown column(s) {', '.join(unknown)} (header: {HEADER})")
    corrections = []
    first_row_of: dict[tuple, int] = {}
    for row, cell in rows:
        correction, row_problems = _parse_row(row, cell)
        if correction is not None:
            key = _target(correction)
            if key in first_row_of:
                row_problems.append(f"{'adds' if correction.action == 'add' else 'corrects'} the same figure as "
                                    f"row {first_row_of[key]} (one row per figure: merge them)")
            else:
                first_row_of[key] = row
        problems += [f"row {row}: {p}" for p in row_problems]
        if correction is not None and not row_problems:
            corrections.append(correction)
    if problems:
        raise CorrectionsError(path, sorted(problems, key=row_of))
    return corrections


def _target(correction: Correction) -> tuple:
    """What a row corrects: a fix or drop names a figure; an add names the figure it adds (page, text, value)."""
    if correction.action == "add":
        return ("add", correction.doc_id, correction.page, correction.text, correction.changes.get("value"))
    return ("figure", correction.doc_id, correction.page, correction.text, correction.occurrence)


def _parse_row(row: int, cell: dict[str, str]) -> tuple[Correction | None, list[str]]:
    problems = []
    action = cell.get("action", "").lower()
    if action not in ACTIONS:
        problems.append(f"bad action {cell.get('action', '')!r} (use fix, drop or add)")
    for required in ("doc_id", "text", "reason", "author"):
        if not cell.get(required):
            problems.append(f"empty {required}")
    locator = " ".join(cell.get("locator", "").split())
    page = _to_int(cell.get("page", "")) if cell.get("page", "") or not locator else None
    if locator and not LOCATOR.match(locator):
        problems.append(f"bad locator {locator!r} (as figures.csv gives it: para 41, para 12 table 1 row 3 col 2, p3)")
    if (page is None and not locator) or (page is not None and page < 1):
        problems.append(f"bad page {cell.get('page', '')!r} (a page number from 1, or give the locator)")
    occurrence = _to_int(cell.get("occurrence", "") or "1")
    if occurrence is None or occurrence < 1:
        problems.append(f"bad occurrence {cell.get('occurrence', '')!r} (1 for the first such figure on the page)")
    changes: dict[str, object] = {}
    for name in FIELDS:
        text = cell.get(name, "")
        if not text:
            continue
        if name in FLOAT_FIELDS:
            number = _to_float(text)
            if number is None:
                problems.append(f"bad {name} {text!r} (a number in base units such as 350000000, "
                                f"at most {MAX_MAGNITUDE:.0e})")
            changes[name] = number
        elif name in INT_FIELDS:
            number = _to_int(text)
            if number is None or not 1900 <= number <= 2100:
                problems.append(f"bad {name} {text!r} (a year such as 2021)")
            changes[name] = number
        else:
            if name in CHOICES and text not in CHOICES[name]:
                problems.append(f"bad {name} {text!r} (use {' | '.join(CHOICES[name])})")
            if name == "period" and not re.fullmatch(r"\d{4}(-\d{4})?", text):
                problems.append(f"bad period {text!r} (a year such as 2021 or a span such as 2017-2021)")
            if name == "metric" and text not in _metric_ids():
                problems.append(f"unknown metric {text!r} (see the taxonomy: {_close_metrics(text)})")
            changes[name] = text
    low, high = changes.get("low"), changes.get("high")
    if isinstance(low, float) and isinstance(high, float) and low > high:
        problems.append(f"low {cell['low']!r} is above high {cell['high']!r}")
    if action == "fix" and not changes:
        problems.append("a fix changes nothing (fill at least one of " + ", ".join(FIELDS) + ")")
    if action == "add" and ("value" not in changes or "unit" not in changes):
        problems.append("an add needs at least value and unit")
    if action == "drop" and changes:
        problems.append("a drop takes no values (leave " + ", ".join(changes) + " empty)")
    if problems:
        return None, problems
    return Correction(row, action, cell["doc_id"], page, cell["text"], occurrence, changes,
                      cell["reason"], cell["author"], locator), []


def apply_corrections(figures: list[dict], corrections: list[Correction], documents: dict[str, dict],
                      failed: set[str] = frozenset()) -> tuple[list[dict], list[tuple[str, str]]]:
    """Apply ``corrections`` to ``figures`` (records of figures.csv, in document order).

    ``documents`` maps each catalogued doc_id to its catalog fields (used for added rows); corrections of
    documents in ``failed`` are skipped (their figures are absent on purpose). Returns the corrected records and
    (doc_id, one-line message) per stale correction."""
    corrector = Corrector(corrections, documents, failed)
    kept = corrector.correct(figures)
    added, stale = corrector.finish()
    return kept + added, stale


class Corrector:
    """apply_corrections a part of the figures at a time (a run streams its figures): ``correct`` each part, every
    document's figures within one part, then ``finish`` for the added rows and the stale corrections. A correction
    touches only its own document's figures, so the result is apply_corrections' whatever the parts."""

    def __init__(self, corrections: list[Correction], documents: dict[str, dict], failed: set[str] = frozenset()):
        self.documents = documents
        self._stale: list[tuple[int, str, str]] = []  # (position in corrections, doc_id, message)
        self._added: list[tuple[int, dict]] = []
        self._pending: dict[str, list[tuple[int, Correction]]] = {}
        for k, correction in enumerate(corrections):
            if correction.doc_id not in documents:
                self._stale.append((k, correction.doc_id,
                                    f"correction {correction.describe()}: doc_id not in the catalog"))
            elif correction.doc_id not in failed:
                self._pending.setdefault(correction.doc_id, []).append((k, correction))

    def correct(self, figures: list[dict]) -> list[dict]:
        """``figures`` (whole documents) with the fixes and drops of their documents' corrections applied."""
        doc_ids = dict.fromkeys(f.get("doc_id") for f in figures)
        mine = sorted(item for doc_id in doc_ids for item in self._pending.pop(doc_id, []))
        if not mine:
            return figures
        out = list(figures)  # a fixed row is a new dict: the caller's records are left as they were
        dropped: set[int] = set()
        for k, correction in mine:
            self._apply(k, correction, out, dropped)
        return [f for i, f in enumerate(out) if i not in dropped]

    def finish(self) -> tuple[list[dict], list[tuple[str, str]]]:
        """The rows added by hand and the stale corrections, each in the order of the corrections; corrections
        of documents that had no figures are applied here (to nothing)."""
        for k, correction in sorted(item for items in self._pending.values() for item in items):
            self._apply(k, correction, [], set())
        self._pending = {}
        return [row for _k, row in sorted(self._added, key=lambda a: a[0])], \
            [(doc_id, line) for _k, doc_id, line in sorted(self._stale, key=lambda s: s[0])]

    def _apply(self, k: int, correction: Correction, out: list[dict], dropped: set[int]) -> None:
        def stale(message: str) -> None:
            self._stale.append((k, correction.doc_id, f"correction {correction.describe()}: {message}"))

        matches = [i for i, f in enumerate(out) if correction.names(f)]
        if correction.action == "add":
            if any(_same_value(out[i].get("value"), correction.changes.get("value")) for i in matches):
                stale("the extractor now finds this figure; remove the add")
                return
            self._added.append((k, _added_row(correction, self.documents[correction.doc_id])))
            return
        if len(matches) < correction.occurrence:
            place = "there" if correction.locator else "on that page"
            found = f"only {len(matches)} such figure(s) {place}" if matches else f"no such figure {place}"
            stale(f"figure no longer found ({found}); update or remove the correction")
            return
        index = matches[correction.occurrence - 1]
        if correction.action == "drop":
            dropped.add(index)
            return
        fixed = _fix_row(dict(out[index]), correction)
        if _bounds_disorder(fixed):
            stale(f"not applied, the figure's low {fixed['low']!r} would be above its high {fixed['high']!r} (set both)")
            return
        out[index] = fixed


def _fix_row(record: dict, correction: Correction) -> dict:
    changes = dict(correction.changes)
    qualifier = changes.get("qualifier", record.get("qualifier"))
    if "value" in changes and qualifier in ("exact", "about"):
        changes.setdefault("low", changes["value"])
        changes.setdefault("high", changes["value"])
    if "year" in changes and "period" not in changes and "-" not in str(record.get("period", "")):
        changes["period"] = str(changes["year"])
    record.update(changes)
    record["corrected"] = "fix"
    record["correction_reason"] = f"{correction.reason} ({correction.author})"
    return record


def _bounds_disorder(record: dict) -> bool:
    low, high = record.get("low"), record.get("high")
    try:
        return low is not None and high is not None and float(low) > float(high)
    except (TypeError, ValueError):
        return False


def _added_row(correction: Correction, document: dict) -> dict:
    changes = correction.changes
    value = changes["value"]
    qualifier = changes.get("qualifier", "exact")
    year = changes.get("year")
    if year is None:
        covers = str(document.get("covers") or "")
        year = int(covers.split("-")[-1]) if covers else document.get("published")
    locator = correction.locator or f"p{correction.page}"
    page = correction.page if correction.page is not None else _page_of(locator)
    record = {**document, "page": page, "locator": locator,
              "origin": "table" if " table " in f" {locator} " else "text",
              "text": correction.text, "value": value,
              "low": changes.get("low", value if qualifier in ("exact", "about", "more_than", "at_least") else None),
              "high": changes.get("high", value if qualifier in ("exact", "about", "at_most") else None),
              "unit": changes["unit"], "qualifier": qualifier, "metric": changes.get("metric", ""),
              "stance": changes.get("stance", "actual"), "year": year,
              "period": changes.get("period", str(year) if year else ""),
              "subject": changes.get("subject", ""), "sentence": changes.get("sentence", ""),
              "corrected": "add", "correction_reason": f"{correction.reason} ({correction.author})"}
    return record


def _page_of(locator: str) -> int | None:
    match = re.match(r"^p(\d+)", locator)
    return int(match.group(1)) if match else None


def _same_value(a: object, b: object) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def _metric_ids() -> frozenset[str]:
    from extract.grammar.taxonomy import load_taxonomy

    return frozenset(m.id for m in load_taxonomy())


def _close_metrics(text: str) -> str:
    import difflib

    close = difflib.get_close_matches(text, sorted(_metric_ids()), n=3, cutoff=0.6)
    return f"did you mean {', '.join(close)}?" if close else "src/extract/grammar/taxonomy.yaml lists them"


# Numbers as a person types them: digits, an optional sign, decimals, thousands commas, an exponent. Not
# Python's extras (1_000, inf, nan, Infinity), which float() would take.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d{1,3})?")
_INTEGER = re.compile(r"\d{1,9}")


def _to_int(text: str) -> int | None:
    return int(text) if _INTEGER.fullmatch(text) else None


def _to_float(text: str) -> float | None:
    """A finite number of at most MAX_MAGNITUDE, or None."""
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", ""))
    return value if within_bounds(value) else None
