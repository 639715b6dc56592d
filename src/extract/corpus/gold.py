"""Score extracted figures against hand-checked gold (the two gold formats of contract.md).

    score = score_gold(figs, load_gold("gold/yongkang_2021_npc-review.csv"))
    score.precision, score.recall, score.f1, score.misses, score.false_positives, score.mislabels

    result = score_key_facts({doc_id: figs, ...}, load_key_facts("gold/key_facts.csv"))
    result.recall, result.misses, result.year_mismatches

``reviewfigs check FILE.pdf --gold GOLD.csv``, ``reviewfigs check --catalog CATALOG --key-facts KEY.csv`` and
``reviewfigs check --catalog CATALOG --pages GOLD_DIR`` (page gold: per document, table cells and text apart)
print the numbers and every miss, false positive and mislabel, then one line ``reviewfigs check: PASS|FAIL: …``.
Exit codes, for CI: 0 when the score reaches its threshold (``--min-f1``, default 0.95, for F1 of a gold file or
the overall F1 of page gold; ``--min-recall``, default 0.95, for key facts) and every document was read; 1 when
it does not or a document cannot be read; 2 when the command cannot start (arguments, gold or catalog files).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract import terminal
from extract.corpus.workers import Limits, warm_up
from extract.model import META_FIELDS, DocMeta, Figure

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
        problems.append(f"year {_shown(fig.year)} != {row.year}")
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
# Page gold: every figure of some pages, checked by hand (contract.md "Page gold")
# ---------------------------------------------------------------------------------------------------------


@dataclass
class PageGoldRow:
    doc: str
    page: int
    kind: str  # required | optional | negative (the note's first word)
    table: bool  # a table cell ("table" in the note)
    surface: str
    value: float | None
    unit: str
    qualifier: str
    metric: str
    stance: str
    year: int | None
    note: str
    row_label: str = ""
    row_region: str = ""
    column_label: str = ""


def load_page_gold(folder: str | Path) -> dict[str, tuple[list[int], list[PageGoldRow]]]:
    """doc -> (checked pages, gold rows) from ``folder``/CHECKED.csv and ``folder``/<doc>.csv."""
    folder = Path(folder)
    checked = pd.read_csv(folder / "CHECKED.csv", dtype=str, keep_default_na=False)
    out: dict[str, tuple[list[int], list[PageGoldRow]]] = {}
    for record in checked.to_dict("records"):
        doc = record["doc"].strip()
        pages = sorted(int(p) for p in record["pages"].split())
        rows: list[PageGoldRow] = []
        path = folder / f"{doc}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else pd.DataFrame()
        for r in frame.to_dict("records"):
            note = r.get("note", "").strip()
            kind = note.split(";")[0].strip()
            if kind not in GOLD_KINDS:
                raise ValueError(f"{path}: note must start with required, optional or negative: {note[:40]!r}")
            rows.append(PageGoldRow(doc=doc, page=int(r["page"]), kind=kind,
                                    table="table" in [w.strip() for w in note.split(";")],
                                    surface=r["surface"], value=_float(r["value"]), unit=r.get("unit", ""),
                                    qualifier=r.get("qualifier") or "exact", metric=r.get("metric", ""),
                                    stance=r.get("stance", ""), year=_int(r.get("year", "")), note=note,
                                    row_label=r.get("row_label", ""), row_region=r.get("row_region", ""),
                                    column_label=r.get("column_label", "")))
        out[doc] = (pages, rows)
    return out


def page_gold_mislabel(row: PageGoldRow, fig: Figure) -> str:
    """What a found figure got wrong of the row's labels (year, stance, metric, region), or ''."""
    problems = []
    if row.year is not None and row.year != fig.year:
        problems.append(f"year {_shown(fig.year)} != {row.year}")
    if row.stance and row.stance != fig.stance:
        problems.append(f"stance {fig.stance} != {row.stance}")
    if row.metric and row.metric != fig.metric:
        problems.append(f"metric {fig.metric or '(none)'} != {row.metric}")
    if row.row_region and not _same_region(row.row_region, fig.region):
        problems.append(f"region {fig.region or '(none)'} != {row.row_region}")
    return "; ".join(problems)


def _same_region(gold: str, found: str) -> bool:
    """本级 rows name the document region's own government: the gold says 宿州市本级, the figure 宿州市."""
    return found == gold or (gold.endswith("本级") and found == gold[: -len("本级")])


@dataclass
class PageScore:
    """Figures of the checked pages against their gold. ``found`` needs value, unit and qualifier on the right
    page; ``labelled`` also year, stance, metric and region as the gold gives them."""

    found: list[tuple[PageGoldRow, Figure]] = field(default_factory=list)
    misses: list[PageGoldRow] = field(default_factory=list)
    false_positives: list[Figure] = field(default_factory=list)
    mislabels: list[tuple[PageGoldRow, Figure, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # documents that could not be read

    def part(self, table: bool) -> PageScore:
        """The score of table cells (``table``) or of text figures alone."""
        return PageScore(found=[(r, f) for r, f in self.found if r.table == table],
                         misses=[r for r in self.misses if r.table == table],
                         false_positives=[f for f in self.false_positives if (f.origin == "table") == table],
                         mislabels=[m for m in self.mislabels if m[0].table == table])

    def __add__(self, other: PageScore) -> PageScore:
        return PageScore(self.found + other.found, self.misses + other.misses,
                         self.false_positives + other.false_positives, self.mislabels + other.mislabels,
                         self.errors + other.errors)

    @property
    def precision(self) -> float:
        tp, fp = len(self.found), len(self.false_positives)
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.misses)
        return len(self.found) / total if total else 1.0

    @property
    def labelled_recall(self) -> float:
        """Share of required rows found with every label right."""
        total = len(self.found) + len(self.misses)
        return (len(self.found) - len(self.mislabels)) / total if total else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_pages(figs: list[Figure], pages: list[int], rows: list[PageGoldRow]) -> PageScore:
    """Match the figures of ``pages`` to the gold rows of those pages, one to one: required rows first, then
    optional ones (each may excuse several figures). Among candidates with the row's value, unit and qualifier
    the one printed as the surface, with the row's labels, is taken first."""
    score = PageScore()
    on_pages = [f for f in figs if f.page in pages]
    free = list(range(len(on_pages)))

    def rank(row: PageGoldRow, fig: Figure) -> tuple:
        return (fig.text != row.surface, bool(page_gold_mislabel(row, fig)),
                bool(row.row_label) and fig.row_label != row.row_label,
                bool(row.column_label) and fig.column_label != row.column_label)

    def take(row: PageGoldRow) -> Figure | None:
        candidates = [i for i in free if on_pages[i].page == row.page and same_value(row.value, on_pages[i].value)
                      and row.unit == on_pages[i].unit and row.qualifier == on_pages[i].qualifier]
        if not candidates:
            return None
        best = min(candidates, key=lambda i: rank(row, on_pages[i]))
        free.remove(best)
        return on_pages[best]

    for row in (r for r in rows if r.kind == "required" and r.page in pages):
        fig = take(row)
        if fig is None:
            score.misses.append(row)
            continue
        score.found.append((row, fig))
        problem = page_gold_mislabel(row, fig)
        if problem:
            score.mislabels.append((row, fig, problem))
    for row in (r for r in rows if r.kind == "optional" and r.page in pages):
        while take(row) is not None:
            pass
    score.false_positives = [on_pages[i] for i in free]
    return score


def document_figures(path: Path, meta: DocMeta, limits: Limits | None = None) -> tuple[list[Figure], str]:
    """The figures of one document read in a worker under the limits of `reviewfigs run`, and '' or the one
    line saying why it failed; its warnings are printed one line each, as a run prints them."""
    from extract.corpus.workers import Task, run_isolated
    from extract.figures import extract_document

    outcome = run_isolated(Task(str(path), meta, "check"), extract_document, limits or Limits())
    for warning in outcome.warnings:
        print(f"reviewfigs: {path}: warning: {warning}", file=sys.stderr)
    if not outcome.ok:
        return [], outcome.error
    return [Figure(**record) for record in outcome.figures], ""


def check_pages(gold_dir: Path, catalog: Path, progress: bool = True,
                limits: Limits | None = None) -> dict[str, PageScore]:
    """doc_id -> PageScore for every document of the page gold (read through its catalog row)."""
    from extract.corpus.catalog import load_catalog

    gold = load_page_gold(gold_dir)
    entries = {e.doc_id: e for e in load_catalog(catalog)}
    scores: dict[str, PageScore] = {}
    for doc in gold:
        if doc not in entries:
            raise ValueError(f"{gold_dir}: {doc} is not in {catalog}")
    for doc in terminal.progress(list(gold), "checking", enabled=progress):
        pages, rows = gold[doc]
        entry = entries[doc]
        figs, error = document_figures(entry.path, entry.meta(), limits)
        scores[doc] = score_pages(figs, pages, rows)
        if error:
            scores[doc].errors.append(f"{entry.file}: {error}")
    return scores


def print_page_scores(scores: dict[str, PageScore], out=None) -> None:
    out = out or sys.stdout

    def line(name: str, s: PageScore) -> str:
        n = len(s.found) + len(s.misses)
        return (f"{name:42s} P {s.precision:.3f}  R {s.recall:.3f}  labelled R {s.labelled_recall:.3f}  "
                f"({len(s.found)}/{n} found, {len(s.false_positives)} false positives, {len(s.mislabels)} mislabelled)")

    for doc, score in scores.items():
        for error in score.errors:
            print(f"ERROR {doc}: {error}", file=out)
        for row in score.misses:
            where = f" [{row.row_label} / {row.column_label}]" if row.table else ""
            print(f"MISS {doc} p{row.page} {row.surface} [{_number(row.value)} {row.unit} {row.qualifier}]{where}", file=out)
        for fig in score.false_positives:
            print(f"FALSE POSITIVE {doc} {_describe(fig)}", file=out)
        for row, _fig, problem in score.mislabels:
            print(f"MISLABEL {doc} p{row.page} {row.surface}: {problem}", file=out)
    for doc, score in scores.items():
        print(line(doc, score), file=out)
    total = sum(scores.values(), PageScore())
    print(line("table cells", total.part(table=True)), file=out)
    print(line("text figures", total.part(table=False)), file=out)
    print(line("overall", total), file=out)


# ---------------------------------------------------------------------------------------------------------
# reviewfigs check
# ---------------------------------------------------------------------------------------------------------


def _describe(fig: Figure) -> str:
    where = f"p{fig.page}" if fig.page else "p?"
    return (f"{fig.text} [{_number(fig.value)} {fig.unit} {fig.qualifier}] {fig.stance} {fig.metric or '-'} "
            f"{_shown(fig.year)} «{fig.subject}» {where}: {(fig.sentence or '')[:60]}")


def _shown(value: object) -> str:
    """A value for a report line: a missing one is "(none)", never Python's None or nan."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(none)"
    return str(value)


def _number(value: float | None) -> str:
    return "(none)" if value is None or math.isnan(value) else f"{value:g}"


def print_gold_score(score: GoldScore, out=None) -> None:
    out = out or sys.stdout
    print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
          f"(found {len(score.found)}, missed {len(score.misses)}, false positives "
          f"{len(score.false_positives)}, optional found {len(score.optional_found)})", file=out)
    for row in score.misses:
        print(f"MISS {row.surface} [{_number(row.value)} {row.unit} {row.qualifier}] anchor {row.anchor}", file=out)
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
        print(f"MISS {doc_id} {fact.metric} {fact.stance} {fact.surface} [{_number(fact.value)} {fact.qualifier}]{hint}",
              file=out)
    for doc_id, fact, fig in score.year_mismatches:
        print(f"MISLABEL {doc_id} {fact.metric} {fact.surface}: year {_shown(fig.year)} != {_shown(fact.year)}",
              file=out)


def run_command(args: argparse.Namespace) -> int:
    """Exit 0 when the score reaches its threshold (--min-f1, --min-recall), 1 when it does not or a document
    cannot be read, 2 when the command cannot start (arguments, gold or catalog files)."""
    for name in ("min_f1", "min_recall"):
        if not 0 <= getattr(args, name) <= 1:
            print(f"reviewfigs check: --{name.replace('_', '-')} must be between 0 and 1", file=sys.stderr)
            return 2
    from extract.corpus.catalog import RowProblemsError, meta_for_file

    limits = Limits.from_arguments(args)
    if limits.problem():
        print(f"reviewfigs check: {limits.problem()}", file=sys.stderr)
        return 2
    warm_up()  # each document is read in a worker forked from here: import the extractor once
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
            return 2
        except ValueError as err:
            print(f"reviewfigs: {err}", file=sys.stderr)
            return 2
        figs, error = document_figures(path, meta, limits)
        if error:
            print(f"reviewfigs: {path}: {error}", file=sys.stderr)
            return 1
        score = score_gold(figs, gold)
        print_gold_score(score)
        return verdict("F1", score.f1, args.min_f1)
    if args.catalog and args.key_facts:
        return _check_catalog(Path(args.catalog), Path(args.key_facts), args.min_recall, limits)
    if args.catalog and args.pages:
        try:
            scores = check_pages(Path(args.pages), Path(args.catalog), limits=limits)
        except (OSError, ValueError, RowProblemsError) as err:
            print(f"reviewfigs check: {err}", file=sys.stderr)
            return 2
        print_page_scores(scores)
        total = sum(scores.values(), PageScore())
        unread = sum(bool(s.errors) for s in scores.values())  # scored: their gold rows count as misses
        return verdict("overall F1", total.f1, args.min_f1,
                       note=f"{unread} unreadable document(s) scored as misses" if unread else "")
    print("reviewfigs check: give FILE --gold GOLD.csv, --catalog CATALOG --key-facts KEY.csv, "
          "or --catalog CATALOG --pages GOLD_DIR", file=sys.stderr)
    return 2


def catalog_metas(catalog: Path) -> list[tuple[Path, DocMeta]]:
    """(path, meta) of every document of a catalog (validated by extract.corpus.catalog)."""
    from extract.corpus.catalog import load_catalog

    return [(entry.path, entry.meta()) for entry in load_catalog(catalog)]


def _check_catalog(catalog: Path, key_facts: Path, min_recall: float, limits: Limits | None = None) -> int:
    from extract.corpus.catalog import CatalogError

    try:
        documents = catalog_metas(catalog)
        facts = load_key_facts(key_facts)
    except CatalogError as err:
        for line in err.lines():
            print(f"reviewfigs: {line}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as err:
        print(f"reviewfigs: {key_facts}: {err}", file=sys.stderr)
        return 2
    figures_by_doc: dict[str, list[Figure]] = {}
    failed = 0
    for path, meta in terminal.progress(documents, "checking"):
        figs, error = document_figures(path, meta, limits)
        if error:
            print(f"reviewfigs: {path}: {error}", file=sys.stderr)
            failed += 1
        else:
            figures_by_doc[meta.doc_id] = figs
            terminal.detail(f"reviewfigs check: {meta.doc_id}: {len(figs)} figure(s)")
    score = score_key_facts(figures_by_doc, facts)
    print_key_fact_score(score)
    return verdict("key facts recall", score.recall, min_recall, failed)


def verdict(what: str, score: float, minimum: float, unreadable: int = 0, note: str = "") -> int:
    """Print the line CI reads and return the exit code: 0 when ``score`` reaches ``minimum`` and no document
    that the score leaves out was unreadable (``unreadable``), else 1."""
    passed = score >= minimum and not unreadable
    why = [f"{what} {score:.3f} {'>=' if score >= minimum else '<'} {minimum:g}"]
    if unreadable:
        why.append(f"{unreadable} document(s) could not be read")
    why += [note] if note else []
    print(f"reviewfigs check: {'PASS' if passed else 'FAIL'}: {'; '.join(why)}")
    return 0 if passed else 1
