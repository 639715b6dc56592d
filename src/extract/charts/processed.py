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


def _read(processed: str | Path, name: str) -> pd.DataFrame:
    path = Path(processed) / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found — run `reviewfigs run --out {processed}` first")
    return pd.read_parquet(path)


def load_metrics(processed: str | Path) -> pd.DataFrame:
    """processed/metrics.parquet: the table metrics.csv holds, with its exact dtypes and the text as printed."""
    return _read(processed, "metrics.parquet")


def load_figures(processed: str | Path) -> pd.DataFrame:
    """processed/figures.parquet (every figure found, classified or not)."""
    return _read(processed, "figures.parquet")


def document_names(processed: str | Path) -> dict[str, str]:
    """doc_id -> a readable name such as "2026年浙江省政府工作报告", for source lines.

    Built from figures.parquet (region, doctype) and the publication year: the catalog copy in processed/
    when there is one, else a four-digit year inside the doc_id (the catalog's naming convention).
    """
    processed = Path(processed)
    published: dict[str, str] = {}
    for name in ("catalog.csv", "documents.csv"):
        path = processed / name
        if path.is_file():
            cat = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
            if {"doc_id", "published"} <= set(cat.columns):
                published.update(dict(zip(cat["doc_id"], cat["published"].fillna(""), strict=False)))
    names: dict[str, str] = {}
    try:
        figs = load_figures(processed)
    except (FileNotFoundError, ImportError, OSError, ValueError):
        return names
    for row in figs.drop_duplicates("doc_id").to_dict("records"):
        names[str(row["doc_id"])] = readable_name(row, published.get(row["doc_id"], ""))
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
