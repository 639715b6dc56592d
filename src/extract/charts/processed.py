"""The processed tables as the charts read them: from the parquet files `reviewfigs run` writes beside the CSVs
(exact dtypes, text exactly as printed: the CSVs' spreadsheet-safe apostrophes never reach a chart), plus the
few lookups charts need (a readable name per document, the regions inside a parent).

    metrics = load_metrics("processed")
    counties = region_table(load_figures("processed"), column="一般债务")   # one table's regions, one column
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract.model import DOCTYPES
from extract.safety import published


def _read(processed: str | Path, name: str) -> pd.DataFrame:
    path = published(processed) / name  # one run's set, even while the next run publishes its own
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found — run `reviewfigs run --out {processed}` first")
    return pd.read_parquet(path)


def load_metrics(processed: str | Path) -> pd.DataFrame:
    """processed/metrics.parquet: the table metrics.csv holds, with its exact dtypes and the text as printed."""
    return _read(processed, "metrics.parquet")


def load_targets(processed: str | Path) -> pd.DataFrame:
    """processed/targets.parquet: each year's target paired with its result (targets.csv's table)."""
    return _read(processed, "targets.parquet")


def load_figures(processed: str | Path) -> pd.DataFrame:
    """processed/figures.parquet (every figure found, classified or not)."""
    return _read(processed, "figures.parquet")


def document_names(processed: str | Path) -> dict[str, str]:
    """doc_id -> a readable name such as "2026年浙江省政府工作报告", for source lines.

    Built from figures.parquet (region, doctype) and the publication year: the catalog copy in processed/
    when there is one, else a four-digit year inside the doc_id (the catalog's naming convention).
    """
    processed = Path(processed)
    years: dict[str, str] = {}
    for name in ("catalog.csv", "documents.csv"):
        path = published(processed) / name
        if path.is_file():
            cat = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
            if {"doc_id", "published"} <= set(cat.columns):
                years.update(dict(zip(cat["doc_id"], cat["published"].fillna(""), strict=False)))
    names: dict[str, str] = {}
    try:
        figs = load_figures(processed)
    except (FileNotFoundError, ImportError, OSError, ValueError):
        return names
    for row in figs.drop_duplicates("doc_id").to_dict("records"):
        names[str(row["doc_id"])] = readable_name(row, years.get(row["doc_id"], ""))
    return names


def readable_name(row, published: str = "") -> str:
    """"2024年金华市统计公报" for a figures row (a dict or Series with doc_id, region, doctype, published)."""
    own = row.get("published")
    own = "" if own is None or pd.isna(own) else str(own)
    year = published or own or _year_in_doc_id(str(row.get("doc_id", "")))
    kind = DOCTYPES.get(str(row.get("doctype", "")), DOCTYPES["other"])
    region = next((v for v in (row.get("doc_region"), row.get("region")) if isinstance(v, str) and v), "")
    return f"{year + '年' if year else ''}{region}{kind}"


def _year_in_doc_id(doc_id: str) -> str:
    match = re.search(r"(?:^|[_.-])((?:19|20)\d\d)(?:[_.-]|$)", doc_id)
    return match.group(1) if match else ""


def children_of(table: pd.DataFrame, parent_adcode: str) -> pd.Series:
    """True for rows whose region lies inside the parent (adcode prefix: 33 province, 3307 city)."""
    prefix = parent_adcode.rstrip("0")
    if len(prefix) % 2:  # keep whole two-digit levels: 330700 -> 3307, 330000 -> 33
        prefix += "0"
    codes = table["adcode"].astype("string").fillna("")
    return codes.str.startswith(prefix) & (codes != parent_adcode)


# --- subject keys: compare what has no metric ------------------------------------------------------
def key_metric(key: str, unit: str) -> str:
    """The name a subject key's values take in the metrics-shaped table: the key and its unit (a level and its
    growth share a key; 地区生产总值（元） and 地区生产总值（%） are two series)."""
    return f"{key}（{unit}）" if unit else key


def subject_key_table(figures: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """metrics.csv's table built from subject keys instead of metric ids (the same selection rule, the same
    columns; ``metric`` holds key_metric(key, unit)), for the keys given (all when None)."""
    from extract.corpus import tables  # metrics.csv's selection rule, not a second one

    rows = figures[figures["subject_key"].astype(str) != ""]
    if keys:
        rows = rows[rows["subject_key"].isin(keys)]
    rows = rows.assign(metric=[key_metric(k, u) for k, u in zip(rows["subject_key"], rows["unit"], strict=True)])
    return tables.select_metrics(rows)


def shared_subject_keys(figures: pd.DataFrame, min_regions: int = 2, min_years: int = 2) -> pd.DataFrame:
    """The subject keys (with their unit) that several regions or several years report: what can be compared
    though it has no metric. Columns key, unit, regions, years, figures, classified (share with a metric),
    examples (up to three regions)."""
    rows = figures[figures["subject_key"].astype(str) != ""]
    columns = ["key", "unit", "regions", "years", "figures", "classified", "examples"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby(["subject_key", "unit"], dropna=False)
    table = pd.DataFrame({
        "regions": grouped["region"].nunique(), "years": grouped["year"].nunique(), "figures": grouped.size(),
        "classified": grouped["metric"].agg(lambda m: round(float((m.astype(str) != "").mean()), 2)),
        "examples": grouped["region"].agg(lambda r: "、".join(list(dict.fromkeys(r))[:3])),
    }).reset_index().rename(columns={"subject_key": "key"})
    table = table[(table["regions"] >= min_regions) | (table["years"] >= min_years)]
    return table.sort_values(["regions", "years", "figures"], ascending=False, kind="stable")[columns] \
        .reset_index(drop=True)


TABLE_RE = re.compile(r"table (\d+) row (\d+) col (\d+)")


@dataclass
class RegionTable:
    """The rows of one printed table that name regions, one column of it: what a ranking of regions shows."""

    doc_id: str
    table: int  # the table's number (its first part, when it goes on over pages)
    column: str  # the column label
    rows: pd.DataFrame  # one figure per region row (the document region's own total left out)
    total: pd.DataFrame  # the document region's total row, when the table prints one
    pages: list[int] = field(default_factory=list)


def table_keys(figures: pd.DataFrame) -> pd.DataFrame:
    """The table cells of ``figures`` with their table number and a ``table_key``: consecutive tables of one
    document with the same column labels are one table printed over several pages."""
    cells = figures[figures["origin"] == "table"].copy()
    if cells.empty:
        return cells.assign(table=pd.Series(dtype="Int64"), table_key=pd.Series(dtype="Int64"))
    found = cells["locator"].astype(str).str.extract(TABLE_RE)
    cells["table"] = pd.to_numeric(found[0], errors="coerce").astype("Int64")
    keys: dict[tuple[str, int], int] = {}
    for doc_id, part in cells.groupby("doc_id", sort=False):
        previous: tuple[int, frozenset] | None = None
        for number in sorted(part["table"].dropna().unique()):
            labels = frozenset(part.loc[part["table"] == number, "column_label"])
            if previous is not None and number == previous[0] + 1 and labels == previous[1]:
                keys[(doc_id, int(number))] = keys[(doc_id, previous[0])]
            else:
                keys[(doc_id, int(number))] = int(number)
            previous = (int(number), labels)
    cells["table_key"] = [keys.get((d, int(t)), 0) if not pd.isna(t) else 0
                          for d, t in zip(cells["doc_id"], cells["table"], strict=True)]
    return cells


def _region_rows(cells: pd.DataFrame) -> pd.Series:
    """Cells whose row names a region: another region than the document's, or its own level (本级)."""
    return (cells["adcode"] != cells["doc_adcode"]) | cells["row_label"].astype(str).str.contains("本级")


def region_table(figures: pd.DataFrame, doc_id: str = "", table: int = 0, column: str = "") -> RegionTable:
    """One table's regions in one column. With no doc_id / table, the table naming the most regions; with no
    column, the first column whose figures have a metric, else the first column. ``column`` may be part of a
    column label (一般债务 picks 2024年债务余额（决算数） / 一般债务 if only one label holds it)."""
    cells = table_keys(figures)
    if doc_id:
        cells = cells[cells["doc_id"] == doc_id]
    if table:
        cells = cells[cells["table_key"] == table]
    regional = cells[_region_rows(cells)].copy()
    # regions down one column (region rows), not across a row (a table whose columns are counties); a table
    # of one row per region before a list repeating them (projects by county)
    regional["place"] = regional["adcode"].astype(str) + regional["row_label"].astype(str).str.contains("本级").map(
        {True: "本级", False: ""})
    groups = regional.groupby(["doc_id", "table_key", "column_label"], sort=False)["place"]
    ranking = pd.DataFrame({"regions": groups.nunique(), "repeats": groups.apply(lambda s: s.value_counts().max())})
    ranking = ranking[ranking["regions"] >= 2]
    if ranking.empty:
        where = f" in {doc_id}" if doc_id else ""
        raise ValueError(f"no table{where} has two or more rows naming regions")
    ranking = ranking.assign(order=range(len(ranking))).sort_values(["regions", "repeats", "order"],
                                                                     ascending=[False, True, True])
    best_doc, best_table, _ = ranking.index[0]
    cells = cells[(cells["doc_id"] == best_doc) & (cells["table_key"] == best_table)]
    labels = list(dict.fromkeys(cells["column_label"]))
    if column:
        chosen = [c for c in labels if c == column] or [c for c in labels if column in c]
        if len(chosen) != 1:
            options = "; ".join(labels)
            raise ValueError(f"column {column!r} names {len(chosen)} columns of table {best_table}: {options}")
        label = chosen[0]
    else:
        classified = [c for c in labels if (cells.loc[cells["column_label"] == c, "metric"].fillna("") != "").any()]
        label = (classified or labels)[0]
    part = cells[cells["column_label"] == label]
    regional = part[_region_rows(part)].drop_duplicates("row_label")
    total = part[(part["adcode"] == part["doc_adcode"]) & ~part["row_label"].astype(str).str.contains("本级")]
    pages = sorted(int(p) for p in part["page"].dropna().unique())
    return RegionTable(str(best_doc), int(best_table), str(label), regional.reset_index(drop=True),
                       total.head(1).reset_index(drop=True), pages)
