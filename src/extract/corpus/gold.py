"""Score extracted figures against hand-checked gold (the two gold formats of contract.md).

    score = score_gold(figs, load_gold("gold/yongkang_2021_npc-review.csv"))
    score.precision, score.recall, score.f1, score.misses, score.false_positives, score.mislabels

    result = score_key_facts({doc_id: figs, ...}, load_key_facts("gold/key_facts.csv"))
    result.recall, result.misses, result.year_mismatches

``reviewfigs check FILE.pdf --gold GOLD.csv`` and ``reviewfigs check --catalog CATALOG --key-facts KEY.csv``
print the numbers and every miss, false positive and mislabel; they exit 0 (1 when a document cannot be read).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract.model import META_FIELDS, DocMeta, DocumentError, Figure

GOLD_KINDS = ("required", "optional", "negative")


@dataclass
class GoldRow:
    kind: str
    surface: str
    value: float | None
    unit: str
    qualifier: str
    year: int | None
    metric: str
    anchor: str


def _float(text: str) -> float | None:
    try:
        return float(text) if str(text).strip() != "" else None
    except ValueError:
        return None


def _int(text: str) -> int | None:
    value = _float(text)
    return int(value) if value is not None else None


def load_gold(path: str | Path) -> list[GoldRow]:
    """Rows of a per-document gold file (kind, surface, value, unit, qualifier, year, metric, anchor)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"kind", "surface", "value", "unit", "qualifier"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: gold file lacks column(s) {', '.join(sorted(missing))}")
    rows = []
    for record in frame.to_dict("records"):
        kind = record["kind"].strip()
        if kind not in GOLD_KINDS:
            raise ValueError(f"{path}: unknown kind {kind!r} (expected {', '.join(GOLD_KINDS)})")
        rows.append(GoldRow(kind=kind, surface=record["surface"], value=_float(record["value"]),
                            unit=record["unit"], qualifier=record["qualifier"] or "exact",
                            year=_int(record.get("year", "")), metric=record.get("metric", ""),
                            anchor=record.get("anchor", "")))
    return rows


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def gold_matches(row: GoldRow, fig: Figure) -> bool:
    """A required/optional row is found by a figure with equal value, unit and qualifier whose subject or
    sentence contains the row's anchor."""
    if not same_value(row.value, fig.value) or row.unit != fig.unit or row.qualifier != fig.qualifier:
        return False
    return not row.anchor or row.anchor in (fig.subject or "") or row.anchor in (fig.sentence or "")


def hits_negative(row: GoldRow, fig: Figure) -> bool:
    """A figure read out of a negative surface (a date, slogan, code …): its text lies inside that surface
    where the surface stands in the figure's sentence."""
    text = fig.text.strip()
    return bool(text) and text in row.surface and row.surface in (fig.sentence or "")


@dataclass
class GoldScore:
    found: list[tuple[GoldRow, Figure]] = field(default_factory=list)
    misses: list[GoldRow] = field(default_factory=list)
    false_positives: list[Figure] = field(default_factory=list)
    negative_hits: list[tuple[GoldRow, Figure]] = field(default_factory=list)
    optional_found: list[tuple[GoldRow, Figure]] = field(default_factory=list)
    mislabels: list[tuple[GoldRow, Figure, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        tp, fp = len(self.found), len(self.false_positives)
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.misses)
        return len(self.found) / total if total else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _mislabel(row: GoldRow, fig: Figure) -> str:
    problems = []
    if row.metric and row.metric != fig.metric:
        problems.append(f"metric {fig.metric or '(none)'} != {row.metric}")
    if row.year is not None and row.year != fig.year:
        problems.append(f"year {fig.year} != {row.year}")
    return "; ".join(problems)


def score_gold(figs: list[Figure], gold: list[GoldRow]) -> GoldScore:
    """Match figures to gold rows (required first, one to one, an exact surface match preferred).

    Found required rows are true positives; unmatched required rows are misses; every figure matching an
    optional row is ignored; every other figure is a false positive (also listed under negative_hits
    when it came out of a negative surface).
    """
    score = GoldScore()
    free = list(range(len(figs)))

    def take(row: GoldRow) -> Figure | None:
        candidates = [i for i in free if gold_matches(row, figs[i])]
        if not candidates:
            return None
        exact = [i for i in candidates if figs[i].text == row.surface]
        best = (exact or candidates)[0]
        free.remove(best)
        return figs[best]

    for row in (r for r in gold if r.kind == "required"):
        fig = take(row)
        if fig is None:
            score.misses.append(row)
            continue
        score.found.append((row, fig))
        problem = _mislabel(row, fig)
        if problem:
            score.mislabels.append((row, fig, problem))
    # An optional surface may occur several times (五年来 opens many paragraphs): every figure it
    # matches is excused, none counts as a false positive.
    for row in (r for r in gold if r.kind == "optional"):
        while (fig := take(row)) is not None:
            score.optional_found.append((row, fig))
    negatives = [r for r in gold if r.kind == "negative"]
    for i in free:
        fig = figs[i]
        score.false_positives.append(fig)
        for row in negatives:
            if hits_negative(row, fig):
                score.negative_hits.append((row, fig))
                break
    return score


# ---------------------------------------------------------------------------------------------------------
# key_facts.csv
# ---------------------------------------------------------------------------------------------------------


@dataclass
class KeyFact:
    doc: str
    metric: str
    stance: str
    value: float
    unit: str
    qualifier: str
    year: int | None
    surface: str
    snippet: str


def load_key_facts(path: str | Path) -> list[KeyFact]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"doc", "metric", "stance", "value", "qualifier"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: key facts file lacks column(s) {', '.join(sorted(missing))}")
    return [KeyFact(doc=r["doc"], metric=r["metric"], stance=r["stance"], value=float(r["value"]),
                    unit=r.get("unit", ""), qualifier=r["qualifier"], year=_int(r.get("year", "")),
                    surface=r.get("surface", ""), snippet=r.get("sentence_snippet", ""))
            for r in frame.to_dict("records")]


def key_fact_doc(doc_id: str) -> str:
    """A catalog doc_id up to its first dot: the renderings of one document share their facts."""
    return doc_id.split(".", 1)[0]


def fact_matches(fact: KeyFact, fig: Figure) -> bool:
    return (fig.metric == fact.metric and fig.stance == fact.stance and fig.qualifier == fact.qualifier
            and same_value(fig.value, fact.value))


@dataclass
class KeyFactScore:
    found: list[tuple[str, KeyFact, Figure]] = field(default_factory=list)
    misses: list[tuple[str, KeyFact, list[Figure]]] = field(default_factory=list)  # with near candidates
    year_mismatches: list[tuple[str, KeyFact, Figure]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.misses)
        return len(self.found) / total if total else 1.0


def score_key_facts(figures_by_doc: dict[str, list[Figure]], facts: list[KeyFact]) -> KeyFactScore:
    """Each fact must be found in each rendering (doc_id whose part before the first dot is the fact's doc)
    with its metric, stance, qualifier and value; the year is checked and reported, not required."""
    score = KeyFactScore()
    for doc_id in sorted(figures_by_doc):
        figs = figures_by_doc[doc_id]
        for fact in (f for f in facts if f.doc == key_fact_doc(doc_id)):
            matches = [g for g in figs if fact_matches(fact, g)]
            if not matches:
                near = [g for g in figs if same_value(g.value, fact.value) and g.unit == fact.unit]
                score.misses.append((doc_id, fact, near))
                continue
            best = next((g for g in matches if g.year == fact.year), matches[0])
            score.found.append((doc_id, fact, best))
            if fact.year is not None and best.year != fact.year:
                score.year_mismatches.append((doc_id, fact, best))
    return score


# ---------------------------------------------------------------------------------------------------------
# reviewfigs check
# ---------------------------------------------------------------------------------------------------------


def _describe(fig: Figure) -> str:
    where = f"p{fig.page}" if fig.page else "p?"
    return (f"{fig.text} [{fig.value:g} {fig.unit} {fig.qualifier}] {fig.stance} {fig.metric or '-'} "
            f"{fig.year} «{fig.subject}» {where}: {fig.sentence[:60]}")


def print_gold_score(score: GoldScore, out=None) -> None:
    out = out or sys.stdout
    print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
          f"(found {len(score.found)}, missed {len(score.misses)}, false positives "
          f"{len(score.false_positives)}, optional found {len(score.optional_found)})", file=out)
    for row in score.misses:
        print(f"MISS {row.surface} [{row.value:g} {row.unit} {row.qualifier}] anchor {row.anchor}", file=out)
    negative = {id(f): r for r, f in score.negative_hits}
    for fig in score.false_positives:
        tag = f"NEGATIVE {negative[id(fig)].surface}" if id(fig) in negative else "FALSE POSITIVE"
        print(f"{tag} {_describe(fig)}", file=out)
    for row, fig, problem in score.mislabels:
        print(f"MISLABEL {row.surface}: {problem} ({_describe(fig)})", file=out)


def print_key_fact_score(score: KeyFactScore, out=None) -> None:
    out = out or sys.stdout
    print(f"key facts found {len(score.found)}/{len(score.found) + len(score.misses)}  "
          f"recall {score.recall:.3f}  year mismatches {len(score.year_mismatches)}", file=out)
    for doc_id, fact, near in score.misses:
        hint = "; near: " + " | ".join(_describe(g) for g in near[:3]) if near else ""
        print(f"MISS {doc_id} {fact.metric} {fact.stance} {fact.surface} [{fact.value:g} {fact.qualifier}]{hint}",
              file=out)
    for doc_id, fact, fig in score.year_mismatches:
        print(f"MISLABEL {doc_id} {fact.metric} {fact.surface}: year {fig.year} != {fact.year}", file=out)


def run_command(args: argparse.Namespace) -> int:
    from extract.corpus.catalog import meta_for_file
    from extract.figures import extract_document

    if args.file and args.gold:
        path = Path(args.file)
        meta, problems = meta_for_file(path, {name: getattr(args, name, None) for name in META_FIELDS})
        if meta is None:
            print(f"reviewfigs check: {path}: {'; '.join(problems)}", file=sys.stderr)
            return 2
        try:
            gold = load_gold(args.gold)
        except OSError as err:
            print(f"reviewfigs: {args.gold}: cannot read gold file: {err.strerror or err}", file=sys.stderr)
            return 1
        except ValueError as err:
            print(f"reviewfigs: {err}", file=sys.stderr)
            return 1
        try:
            figs = extract_document(path, meta)
        except DocumentError as err:
            print(f"reviewfigs: {path}: {err.reason}", file=sys.stderr)
            return 1
        print_gold_score(score_gold(figs, gold))
        return 0
    if args.catalog and args.key_facts:
        return _check_catalog(Path(args.catalog), Path(args.key_facts))
    print("reviewfigs check: give FILE.pdf --gold GOLD.csv, or --catalog CATALOG --key-facts KEY.csv",
          file=sys.stderr)
    return 2


def catalog_metas(catalog: Path) -> list[tuple[Path, DocMeta]]:
    """(path, meta) of every document of a catalog (validated by extract.corpus.catalog)."""
    from extract.corpus.catalog import load_catalog

    return [(entry.path, entry.meta()) for entry in load_catalog(catalog)]


def _check_catalog(catalog: Path, key_facts: Path) -> int:
    from extract.corpus.catalog import CatalogError
    from extract.figures import extract_document

    try:
        documents = catalog_metas(catalog)
        facts = load_key_facts(key_facts)
    except CatalogError as err:
        for line in err.lines():
            print(f"reviewfigs: {line}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f"reviewfigs: {key_facts}: {err}", file=sys.stderr)
        return 1
    figures_by_doc: dict[str, list[Figure]] = {}
    failed = 0
    for path, meta in documents:
        try:
            figures_by_doc[meta.doc_id] = extract_document(path, meta)
        except DocumentError as err:
            print(f"reviewfigs: {path}: {err.reason}", file=sys.stderr)
            failed += 1
    print_key_fact_score(score_key_facts(figures_by_doc, facts))
    return 1 if failed else 0
