"""The processed tables: explicit dtypes, pandera schemas checked on write, and the rule that picks one figure
per (region, adcode, admin_level, year, period, metric, stance) for metrics.csv.

Metric selection rule (documented in the README, "processed/metrics.csv"). Among the classified figures of one key, the
chosen one is the first after sorting by:
  0. no flags: a figure flagged ``implausible``, ``garbled_text`` or ``ocr_low_confidence`` is chosen only when
     every candidate is flagged; ``flags`` shows the chosen figure's flags and ``n_flagged`` how many
     candidates were flagged.
  1. the document is *about* that year: for a result (``actual``) the year lies within the document's
     ``covers``; for a target the year lies after it (the plan year of a report). A later report looking back,
     or an earlier one looking ahead, only fills a gap.
  2. the document type suited to the stance: results from a statistical bulletin, then final accounts, then a
     government report or budget report, then people's-congress documents; targets from a government report,
     then a budget report.
  3. the place in the document: earliest page, then highest on the page. Reports state a headline figure
     in their review section first; later mentions are restatements (a summary table, a recap).
  4. doc_id, for a stable order.
The others stay traceable: every candidate is a row of figures.csv, ``n_candidates`` counts them and
``n_values`` counts their distinct values (> 1 means the documents disagree: check them).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from extract.corpus.catalog import covers_span
from extract.model import ADMIN_LEVELS, DOCTYPES, FIGURE_COLUMNS, FLAGS, FORMATS, ORIGINS, QUALIFIERS, STANCES

SEVERITIES = ("error", "warning")

INT_COLUMNS = ("year", "page", "published", "char_start", "char_end")
BOOL_COLUMNS = ("ocr",)
FLOAT_COLUMNS = ("value", "low", "high", "x0", "top", "x1", "bottom")
TARGET_FLOAT_COLUMNS = ("target_value", "target_low", "target_high", "result_value", "margin")
# Columns added to the contract's figure columns: the catalog's years, and corrections' marks.
FIGURE_EXTRA_COLUMNS = ["published", "covers", "corrected", "correction_reason"]
FIGURES_TABLE_COLUMNS = FIGURE_COLUMNS + FIGURE_EXTRA_COLUMNS

METRIC_KEY = ["region", "adcode", "admin_level", "year", "period", "metric", "stance"]
METRICS_COLUMNS = METRIC_KEY + ["value", "low", "high", "unit", "qualifier", "doc_id", "page", "text", "sentence",
                                "subject", "doctype", "corrected", "flags", "n_candidates", "n_values", "n_flagged"]
ERRORS_COLUMNS = ["doc_id", "file", "stage", "error", "severity"]
TARGETS_KEY = ["region", "adcode", "admin_level", "metric", "year"]
TARGETS_COLUMNS = TARGETS_KEY + [
    "unit", "target_value", "target_low", "target_high", "target_qualifier", "target_text", "target_doc_id",
    "target_locator", "result_value", "result_text", "result_doc_id", "result_locator", "met", "margin", "rule"]
MET_VALUES = ("yes", "no", "unclear")
DOCUMENTS_COLUMNS = ["doc_id", "file", "format", "pages", "characters", "ocr_pages", "figures", "classified", "tables",
                     "status", "message"]
DOCUMENT_COUNTS = ("pages", "characters", "ocr_pages", "figures", "classified", "tables")
DOCUMENT_STATUSES = ("ok", "warning", "error")
# processed/checks.csv (extract.corpus.checks): one row per printed total or formula checked.
CHECKS_COLUMNS = ["doc_id", "locator", "page", "kind", "rule", "expected", "found", "difference", "unit", "status",
                  "parts"]
CHECK_KINDS = ("total", "level_growth", "restated")
CHECK_STATUSES = ("ok", "rounding", "mismatch")

DOCTYPE_RANK = {
    "actual": {"stats-bulletin": 0, "final-accounts": 1, "gov-report": 2, "budget-report": 2, "npc-review": 3,
               "npc-report": 3, "other": 4},
    "target": {"gov-report": 0, "budget-report": 1, "npc-report": 2, "npc-review": 2, "stats-bulletin": 3,
               "final-accounts": 4, "other": 4},
}

_ADCODE = pa.Check.str_matches(r"^\d{6}$")
# Values are finite (a 310-digit number once became inf) and bounds ordered, whatever produced them.
_FINITE = pa.Check(lambda s: s.isna() | s.abs().lt(float("inf")), name="finite")
_ORDERED = pa.Check(lambda df: df["low"].isna() | df["high"].isna() | (df["low"] <= df["high"]),
                    name="low <= high")
_YEAR = pa.Check.in_range(1900, 2100)


def _known_flags(flags: str) -> bool:
    return all(flag in FLAGS for flag in flags.split(";")) if flags else True


def _text(nullable: bool = False, checks: list | None = None) -> pa.Column:
    return pa.Column(str, nullable=nullable, checks=checks or [])


FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "doc_id": _text(checks=[pa.Check.str_length(1, 200)]),
        "region": _text(checks=[pa.Check.str_length(1, None)]),
        "adcode": _text(checks=[_ADCODE]),
        "admin_level": _text(checks=[pa.Check.isin(ADMIN_LEVELS)]),
        "doc_region": _text(checks=[pa.Check.str_length(1, None)]),
        "doc_adcode": _text(checks=[_ADCODE]),
        "doctype": _text(checks=[pa.Check.isin(DOCTYPES)]),
        "year": pa.Column("Int64", nullable=True, checks=[_YEAR]),
        "period": _text(checks=[pa.Check.str_matches(r"^(\d{4}(-\d{4})?)?$")]),
        "stance": _text(checks=[pa.Check.isin(STANCES)]),
        "metric": _text(),
        "subject": _text(),
        "value": pa.Column(float, nullable=True, checks=[_FINITE]),
        "low": pa.Column(float, nullable=True, checks=[_FINITE]),
        "high": pa.Column(float, nullable=True, checks=[_FINITE]),
        "unit": _text(),
        "qualifier": _text(checks=[pa.Check.isin(QUALIFIERS)]),
        "text": _text(),
        "sentence": _text(),
        "page": pa.Column("Int64", nullable=True, checks=[pa.Check.ge(1)]),
        "x0": pa.Column(float, nullable=True),
        "top": pa.Column(float, nullable=True),
        "x1": pa.Column(float, nullable=True),
        "bottom": pa.Column(float, nullable=True),
        "locator": _text(checks=[pa.Check.str_length(1, None)]),
        "origin": _text(checks=[pa.Check.isin(ORIGINS)]),
        "ocr": pa.Column(bool),
        "row_label": _text(),
        "column_label": _text(),
        "subject_key": _text(),
        "flags": _text(checks=[pa.Check(lambda s: s.map(_known_flags), element_wise=False)]),
        "char_start": pa.Column("Int64", nullable=True, checks=[pa.Check.ge(0)]),
        "char_end": pa.Column("Int64", nullable=True, checks=[pa.Check.ge(0)]),
        "file": _text(),
        "sha256": _text(checks=[pa.Check.str_matches(r"^([0-9a-f]{64})?$")]),
        "published": pa.Column("Int64", nullable=True, checks=[_YEAR]),
        "covers": _text(),
        "corrected": _text(checks=[pa.Check.isin(("", "fix", "add"))]),
        "correction_reason": _text(),
    },
    checks=[_ORDERED],
    strict=True,
    ordered=True,
)

METRICS_SCHEMA = pa.DataFrameSchema(
    {
        "region": _text(), "adcode": _text(checks=[_ADCODE]), "admin_level": _text(checks=[pa.Check.isin(ADMIN_LEVELS)]),
        "year": pa.Column("Int64", checks=[_YEAR]), "period": _text(), "metric": _text(checks=[pa.Check.str_length(1, None)]),
        "stance": _text(checks=[pa.Check.isin(STANCES)]),
        "value": pa.Column(float, checks=[_FINITE]), "low": pa.Column(float, nullable=True, checks=[_FINITE]),
        "high": pa.Column(float, nullable=True, checks=[_FINITE]),
        "unit": _text(), "qualifier": _text(checks=[pa.Check.isin(QUALIFIERS)]), "doc_id": _text(),
        "page": pa.Column("Int64", nullable=True), "text": _text(), "sentence": _text(), "subject": _text(),
        "doctype": _text(), "corrected": _text(), "flags": _text(checks=[pa.Check(lambda s: s.map(_known_flags))]),
        "n_candidates": pa.Column("Int64", checks=[pa.Check.ge(1)]),
        "n_values": pa.Column("Int64", checks=[pa.Check.ge(1)]),
        "n_flagged": pa.Column("Int64", checks=[pa.Check.ge(0)]),
    },
    checks=[_ORDERED],
    strict=True,
    ordered=True,
    unique=METRIC_KEY,
)

TARGETS_SCHEMA = pa.DataFrameSchema(
    {
        "region": _text(), "adcode": _text(checks=[_ADCODE]), "admin_level": _text(checks=[pa.Check.isin(ADMIN_LEVELS)]),
        "metric": _text(checks=[pa.Check.str_length(1, None)]), "year": pa.Column("Int64", checks=[_YEAR]),
        "unit": _text(), "target_value": pa.Column(float, checks=[_FINITE]),
        "target_low": pa.Column(float, nullable=True, checks=[_FINITE]),
        "target_high": pa.Column(float, nullable=True, checks=[_FINITE]),
        "target_qualifier": _text(checks=[pa.Check.isin(QUALIFIERS)]),
        "target_text": _text(), "target_doc_id": _text(), "target_locator": _text(),
        "result_value": pa.Column(float, checks=[_FINITE]),
        "result_text": _text(), "result_doc_id": _text(), "result_locator": _text(),
        "met": _text(checks=[pa.Check.isin(MET_VALUES)]), "margin": pa.Column(float, nullable=True, checks=[_FINITE]),
        "rule": _text(),
    },
    strict=True,
    ordered=True,
    unique=TARGETS_KEY,
)

ERRORS_SCHEMA = pa.DataFrameSchema(
    {
        "doc_id": _text(), "file": _text(),
        "stage": _text(checks=[pa.Check.str_length(1, None)]),
        "error": _text(checks=[pa.Check.str_length(1, None), pa.Check(lambda s: ~s.str.contains("\n"))]),
        "severity": _text(checks=[pa.Check.isin(SEVERITIES)]),
    },
    strict=True,
    ordered=True,
)


CHECKS_SCHEMA = pa.DataFrameSchema(
    {
        "doc_id": _text(checks=[pa.Check.str_length(1, 200)]),
        "locator": _text(checks=[pa.Check.str_length(1, None)]),
        "page": pa.Column("Int64", nullable=True, checks=[pa.Check.ge(1)]),
        "kind": _text(checks=[pa.Check.isin(CHECK_KINDS)]),
        "rule": _text(),
        "expected": pa.Column(float, nullable=True),
        "found": pa.Column(float, nullable=True),
        "difference": pa.Column(float, nullable=True),
        "unit": _text(),
        "status": _text(checks=[pa.Check.isin(CHECK_STATUSES)]),
        "parts": _text(),
    },
    strict=True,
    ordered=True,
)


DOCUMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "doc_id": _text(checks=[pa.Check.str_length(1, 200)]), "file": _text(),
        "format": _text(checks=[pa.Check.isin(("", *FORMATS))]),
        **{name: pa.Column("Int64", nullable=True, checks=[pa.Check.ge(0)]) for name in DOCUMENT_COUNTS},
        "status": _text(checks=[pa.Check.isin(DOCUMENT_STATUSES)]),
        "message": _text(checks=[pa.Check(lambda s: ~s.str.contains("\n"))]),
    },
    strict=True,
    ordered=True,
    unique=["doc_id"],
)


def typed_frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """A frame with exactly ``columns`` and the dtypes of the contract: Int64 years and pages, float values,
    text everywhere else ('' for missing text, so adcodes keep their leading digits and never become numbers)."""
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    for column in columns:
        if column in INT_COLUMNS or column in ("n_candidates", "n_values", "n_flagged") or column in DOCUMENT_COUNTS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif column in FLOAT_COLUMNS or column in TARGET_FLOAT_COLUMNS or column in ("expected", "found", "difference"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif column in BOOL_COLUMNS:  # a row added by hand has none: False
            frame[column] = frame[column].where(frame[column].notna(), False).astype(bool)
        else:  # missing (None, NaN, NA) -> '', anything else -> str(value)
            frame[column] = frame[column].where(frame[column].notna(), "").astype(str)
    return frame


def figures_table(records: list[dict]) -> pd.DataFrame:
    return FIGURES_SCHEMA.validate(typed_frame(records, FIGURES_TABLE_COLUMNS))


def checked_figures(records: list[dict]) -> tuple[pd.DataFrame, dict[int, str]]:
    """The figures table of ``records`` validated once, and the positions of rows that break FIGURES_SCHEMA,
    each with one line saying how ({} when all is well). Lets a run fail the document that produced a bad row
    instead of the whole run. Problems not tied to a row (a missing column) are raised."""
    frame = typed_frame(records, FIGURES_TABLE_COLUMNS)
    try:
        return FIGURES_SCHEMA.validate(frame, lazy=True), {}
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    bad: dict[int, str] = {}
    for case in cases.itertuples():
        if case.index is None or pd.isna(case.index):
            raise pa.errors.SchemaError(FIGURES_SCHEMA, frame, f"{case.column}: {case.check}")
        what = "the row" if case.schema_context == "DataFrameSchema" else f"{case.column} {case.failure_case!r}"
        bad.setdefault(int(case.index), f"{what} fails {case.check}")
    return frame, bad


class FiguresWriter:
    """figures.csv (as extract.safety.write_csv_safely writes it) and figures.parquet of a set being published,
    written a checked part at a time: the CSV is byte for byte that of the whole table; the Parquet file holds
    the same table, one row group per part."""

    CSV, PARQUET = "figures.csv", "figures.parquet"

    def __init__(self, outputs):
        self.outputs = outputs  # an extract.safety.OutputSet
        self.rows = 0
        self._csv = None
        self._parquet = None  # a pyarrow ParquetWriter, opened with the first rows (an empty part has no types)

    def add(self, frame: pd.DataFrame) -> None:
        import pyarrow
        import pyarrow.parquet as pq

        from extract.safety import csv_text

        if self._csv is None:
            self._csv = open(self.outputs.begin(self.CSV), "w", encoding="utf-8-sig", newline="")
            self._csv.write(csv_text(frame))
        elif len(frame):
            self._csv.write(csv_text(frame, header=False))
        if len(frame):
            if self._parquet is None:
                table = pyarrow.Table.from_pandas(frame, preserve_index=False)
                self._parquet = pq.ParquetWriter(self.outputs.begin(self.PARQUET), table.schema)
            else:
                table = pyarrow.Table.from_pandas(frame, schema=self._parquet.schema, preserve_index=False)
            self._parquet.write_table(table)
        self.rows += len(frame)

    def close(self) -> None:
        """Finish both files (an empty table when no part had rows) and hand them to the set."""
        if self._csv is None:
            self.add(figures_table([]))
        self._csv.close()
        if self._parquet is None:
            figures_table([]).to_parquet(self.outputs.begin(self.PARQUET), index=False)
        else:
            self._parquet.close()
        self.outputs.end(self.PARQUET)
        self.outputs.end(self.CSV)


# The columns of figures.csv that metrics.csv and targets.csv are built from (select_metrics, pair_targets).
CANDIDATE_COLUMNS = [c for c in METRICS_COLUMNS if not c.startswith("n_")] + ["covers", "published", "top", "locator"]


def metric_candidates(figures: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of ``figures`` that metrics.csv and targets.csv choose from (classified, with a year and a
    value): all ranked_candidates looks at; ``columns``: only these."""
    rows = figures[(figures["metric"] != "") & figures["year"].notna() & figures["value"].notna()]
    return rows if columns is None else rows[columns]


def concat_figures(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Parts of the figures table as one (an empty table when there are none)."""
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else metric_candidates(figures_table([]))


def warm_up() -> None:
    """Validate empty tables once. pandera imports its backends and builds its checks on a schema's first
    validation (~0.15 s): a run does this while its workers extract, instead of after them."""
    errors_table([])
    checks_table([])
    documents_table([])
    select_metrics(figures_table([]))
    targets_table([])


def targets_table(records: list[dict]) -> pd.DataFrame:
    return TARGETS_SCHEMA.validate(typed_frame(records, TARGETS_COLUMNS))


def checks_table(records: list[dict]) -> pd.DataFrame:
    """processed/checks.csv's table (CHECKS_COLUMNS), checked by its schema."""
    return CHECKS_SCHEMA.validate(typed_frame(records, CHECKS_COLUMNS))


def errors_table(records: list[dict]) -> pd.DataFrame:
    rows = [{**r, "error": " ".join(str(r.get("error", "")).split())} for r in records]
    return ERRORS_SCHEMA.validate(typed_frame(rows, ERRORS_COLUMNS))


def documents_table(records: list[dict]) -> pd.DataFrame:
    """processed/documents.csv: one row per catalogued document (DOCUMENTS_COLUMNS); counts are empty for a
    document that could not be read."""
    rows = [{**r, "message": " ".join(str(r.get("message", "")).split())} for r in records]
    return DOCUMENTS_SCHEMA.validate(typed_frame(rows, DOCUMENTS_COLUMNS))


def ranked_candidates(figures: pd.DataFrame) -> pd.DataFrame:
    """The classified figures of ``figures`` with a year and a value, best candidate of each METRIC_KEY first
    (the rule in the module docstring); helper columns start with ``_``."""
    usable = metric_candidates(figures).copy()
    if usable.empty:
        return usable
    usable["_fits"] = [0 if _year_fits(y, s, c, p) else 1 for y, s, c, p in
                       zip(usable["year"], usable["stance"], usable["covers"], usable["published"], strict=True)]
    usable["_doctype"] = [DOCTYPE_RANK.get(s, {}).get(d, 9) for s, d in
                          zip(usable["stance"], usable["doctype"], strict=True)]
    usable["_page"] = usable["page"].fillna(1 << 30)
    usable["_top"] = usable["top"].fillna(float("inf"))
    usable["_flagged"] = (usable["flags"] != "").astype(int)
    return usable.sort_values(["_flagged", "_fits", "_doctype", "_page", "_top", "doc_id"], kind="stable")


def select_metrics(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per METRIC_KEY from the classified figures of ``figures``, by the rule in the module docstring."""
    usable = ranked_candidates(figures)
    if usable.empty:
        return METRICS_SCHEMA.validate(typed_frame([], METRICS_COLUMNS))
    groups = usable.groupby(METRIC_KEY, sort=True, dropna=False)
    chosen = groups.head(1).set_index(METRIC_KEY)
    chosen["n_candidates"] = groups.size()
    chosen["n_values"] = groups["value"].nunique()
    chosen["n_flagged"] = groups["_flagged"].sum()
    chosen = chosen.reset_index().sort_values(["adcode", "metric", "stance", "year", "period"], kind="stable")
    return METRICS_SCHEMA.validate(typed_frame(chosen.to_dict("records"), METRICS_COLUMNS))


def _year_fits(year: object, stance: str, covers: str, published: object) -> bool:
    span = covers_span(covers) if covers else None
    if span is None:
        if published is None or published is pd.NA:
            return True
        return int(year) < int(published) if stance == "actual" else int(year) >= int(published)
    if stance == "target":
        return int(year) > span[1]
    return span[0] <= int(year) <= span[1]
