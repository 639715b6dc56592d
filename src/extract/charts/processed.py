"""The processed tables as the charts read them: from the parquet files `reviewfigs run` writes beside the CSVs
(exact dtypes, text exactly as printed: the CSVs' spreadsheet-safe apostrophes never reach a chart), plus the
few lookups charts need (a readable name per document, the regions inside a parent).

    metrics = load_metrics("processed")
"""

from __future__ import annotations

import re
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
