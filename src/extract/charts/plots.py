"""Every chart the notebooks draw, in newsroom style, from the tidy tables in processed/.

A chart states its finding in the title, names the metric and unit in the subtitle, cites the documents
and pages it comes from, and shows qualifiers (≈ about, ≥ at least, ranges as intervals). Data stay in base
units (元, 人); only the axis is scaled for reading (亿元, 万人). Each chart is saved as PNG and SVG with a CSV
of exactly the plotted rows beside it (doc_id, page and text of every value), so a reader can check it.

    from extract.charts import plots, processed
    metrics = processed.load_metrics("processed")
    chart = plots.years_chart(metrics, metric="gdp_growth", regions=["金华市"])
    plots.save_chart(chart, "figures", "jinhua_gdp_growth")
"""

from __future__ import annotations

import importlib.resources
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.transforms

matplotlib.use("Agg")  # charts are files; no display needed (also inside papermill kernels)

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from extract.charts import processed  # noqa: E402
from extract.grammar.taxonomy import display_name  # noqa: E402
from extract.safety import atomic_writer, write_csv_safely  # noqa: E402

CJK_FAMILY = "Noto Sans CJK SC"
INK, MUTED, ACCENT, TARGET_INK = "#222222", "#767676", "#1f5f8b", "#c0392b"
PALETTE = ["#1f5f8b", "#c0392b", "#2e8b57", "#b8860b", "#6a3d9a", "#555555", "#d2691e", "#008b8b"]

QUALIFIER_MARKS = {"about": "≈", "at_least": "≥", "more_than": ">", "at_most": "≤"}
BOUND_MARKERS = {"at_least": "^", "more_than": "^", "at_most": "v"}
# Units scaled for reading: (base unit, threshold, factor, shown unit), largest first.
# Per-capita incomes (66081元) read best in 元, so 万元 starts at a million.
UNIT_SCALES = [("元", 1e8, 1e8, "亿元"), ("元", 1e6, 1e4, "万元"), ("美元", 1e8, 1e8, "亿美元"),
               ("美元", 1e4, 1e4, "万美元"), ("人", 1e4, 1e4, "万人"), ("人次", 1e4, 1e4, "万人次"),
               ("吨", 1e4, 1e4, "万吨"), ("亩", 1e4, 1e4, "万亩")]
PLOTTED_COLUMNS = ["region", "adcode", "admin_level", "year", "period", "metric", "stance", "value", "low",
                   "high", "unit", "qualifier", "doc_id", "page", "text"]


# --- fonts ------------------------------------------------------------------------------------------
def cjk_font_path() -> Path:
    """The Noto Sans CJK collection shipped by the noto-cjk package."""
    return Path(str(importlib.resources.files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))


def setup_fonts() -> str:
    """Register Noto Sans CJK with matplotlib and make it the default; returns the family name.

    Safe to call many times. DejaVu Sans stays as a fallback for the few symbols CJK fonts lack.
    """
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(cjk_font_path()))
    plt.rcParams.update({
        "font.family": [CJK_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font has no U+2212; use the ASCII hyphen-minus
        "svg.fonttype": "path",
        "svg.hashsalt": "reviewfigs",  # stable ids in SVG output
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "text.color": INK,
    })
    return CJK_FAMILY


# --- formatting -------------------------------------------------------------------------------------
def metric_name(metric: str, admin_level: str = "") -> str:
    name = display_name(metric)
    return name.replace("地区生产总值", "国内生产总值") if admin_level == "nation" else name


def unit_scale(unit: str, values: Iterable[float]) -> tuple[float, str]:
    """(factor, shown unit) to divide base-unit values by, e.g. 元 and 6.0e11 -> (1e8, "亿元")."""
    finite = [abs(v) for v in values if v is not None and not pd.isna(v)]
    biggest = max(finite, default=0.0)
    for base, threshold, factor, shown in UNIT_SCALES:
        if unit == base and biggest >= threshold:
            return factor, shown
    return 1.0, unit


def format_number(value: float) -> str:
    """Short and exact enough: 6011.27, 6.8, 136, 1.2万 is left to the unit scale."""
    if pd.isna(value):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    digits = 2 if abs(value) < 100 else 1
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def value_label(row: pd.Series | dict, factor: float = 1.0, unit: str = "") -> str:
    """The value as a reader should see it: qualifier mark, interval for ranges, unit ("≈6%", "6.5–7%")."""
    qualifier = str(row.get("qualifier") or "exact")
    suffix = unit if unit in ("%", "‰") else ""
    if qualifier == "range" and not pd.isna(row.get("low")) and not pd.isna(row.get("high")):
        return f"{format_number(row['low'] / factor)}–{format_number(row['high'] / factor)}{suffix}"
    return f"{QUALIFIER_MARKS.get(qualifier, '')}{format_number(row['value'] / factor)}{suffix}"


def source_line(rows: pd.DataFrame, doc_names: dict[str, str] | None = None, limit: int = 12) -> str:
    """"来源：2026年浙江省政府工作报告 第2页；…" naming every document and page the rows come from."""
    doc_names = doc_names or {}
    pages: dict[str, list[int]] = {}
    for row in rows.itertuples():
        doc = str(row.doc_id)
        page = None if pd.isna(row.page) else int(row.page)
        pages.setdefault(doc, [])
        if page is not None and page not in pages[doc]:
            pages[doc].append(page)
    parts = []
    for doc, nums in pages.items():
        where = f" 第{'、'.join(str(p) for p in sorted(nums))}页" if nums else ""
        parts.append(f"{doc_names.get(doc, doc)}{where}")
    shown = parts[:limit]
    more = f"等{len(parts)}份文件" if len(parts) > limit else ""
    return "来源：" + "；".join(shown) + more


# --- chart container and saving ---------------------------------------------------------------------
@dataclass
class Chart:
    figure: MplFigure
    rows: pd.DataFrame  # exactly the plotted rows, base units
    title: str
    notes: list[str] = field(default_factory=list)


def _frame(title: str, subtitle: str, source: str, note: str = "", size=(9, 5.6),
           left: float = 0.9) -> tuple[MplFigure, plt.Axes]:
    """A figure with title, subtitle, axes and a footer (note + source), laid out in inches so the
    blocks never overlap whatever the figure height and however many lines the source needs."""
    setup_fonts()
    width, height = size
    per_line = int((width - 0.4) * 72 / 9)  # CJK characters of 8.5 pt that fit across the figure
    footer_lines = wrap_text(note, per_line) + wrap_text(source, per_line)
    footer_h = 0.15 + 0.17 * len(footer_lines)
    top_block = 0.95  # title + subtitle
    axis_labels = 0.55  # tick labels and axis label under the axes
    fig = plt.figure(figsize=(width, height + 0.17 * max(0, len(footer_lines) - 1)))
    height = fig.get_figheight()
    bottom = footer_h + axis_labels
    ax = fig.add_axes((left / width, bottom / height, 1 - (left + 0.35) / width,
                       1 - (bottom + top_block) / height))
    fig.text(0.18 / width, 1 - 0.18 / height, title, fontsize=15, color=INK, va="top", ha="left")
    fig.text(0.18 / width, 1 - 0.55 / height, subtitle, fontsize=10.5, color=MUTED, va="top", ha="left")
    fig.text(0.18 / width, 0.12 / height, "\n".join(footer_lines), fontsize=8.5, color=MUTED, va="bottom",
             ha="left", linespacing=1.35)
    return fig, ax


def wrap_text(text: str, width: int) -> list[str]:
    """Split a line of mostly CJK text at "；" into lines of about ``width`` characters (CJK counts 1)."""
    if not text:
        return []
    lines, line = [], ""
    for part in re.split(r"(?<=；)", text):
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = "　　" + part  # indent continuation lines under "来源："
        else:
            line += part
    lines.append(line)
    return lines


def save_chart(chart: Chart, out_dir: str | Path, name: str) -> dict[str, Path]:
    """Write NAME.png, NAME.svg and NAME.csv (the plotted rows) into out_dir, each atomically."""
    if not re.fullmatch(r"[\w.\-]+", name) or name.startswith("."):
        raise ValueError(f"chart name {name!r}: use letters, digits, '.', '_' or '-' only")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {ext: out / f"{name}.{ext}" for ext in ("png", "svg", "csv")}
    for ext in ("png", "svg"):
        with atomic_writer(paths[ext], durable=False) as tmp:
            chart.figure.savefig(tmp, format=ext, metadata={"Date": None} if ext == "svg" else None)
    write_rows_csv(chart.rows, paths["csv"])
    return paths


def write_rows_csv(rows: pd.DataFrame, path: Path) -> None:
    """CSV (UTF-8 with BOM for Excel) of the plotted rows; text cells that look like formulas neutralised."""
    columns = [c for c in PLOTTED_COLUMNS if c in rows.columns] + \
        [c for c in rows.columns if c not in PLOTTED_COLUMNS]
    write_csv_safely(rows[columns], path)


# --- selecting rows ---------------------------------------------------------------------------------
def is_span(period: object) -> bool:
    """True for multi-year periods such as 2017-2021 (five-year totals are never mixed with years)."""
    return isinstance(period, str) and bool(re.fullmatch(r"\d{4}\s*[-–]\s*\d{4}", period.strip()))


def select(metrics: pd.DataFrame, metric: str | None = None, regions: Sequence[str] | None = None,
           years: Sequence[int] | None = None, stance: str = "both") -> pd.DataFrame:
    """Rows for one metric, some regions (names or adcodes), a year range and a stance."""
    rows = metrics
    if metric is not None:
        rows = rows[rows["metric"] == metric]
    if regions:
        wanted = {str(r) for r in regions}
        rows = rows[rows["region"].isin(wanted) | rows["adcode"].astype(str).isin(wanted)]
    if years:
        lo, hi = min(years), max(years)
        rows = rows[(rows["year"] >= lo) & (rows["year"] <= hi)]
    if stance in ("actual", "target"):
        rows = rows[rows["stance"] == stance]
    return rows.copy()


# --- years chart ------------------------------------------------------------------------------------
def years_chart(metrics: pd.DataFrame, metric: str, regions: Sequence[str] | None = None,
                years: Sequence[int] | None = None, stance: str = "both",
                doc_names: dict[str, str] | None = None) -> Chart:
    """One metric over the years, a line per region; targets dashed beside results.

    Five-year totals (period like 2017-2021) are left out and mentioned in a note.
    """
    rows = select(metrics, metric, regions, years, stance)
    spans = rows[rows["period"].map(is_span)]
    rows = rows[~rows["period"].map(is_span)].sort_values(["region", "stance", "year"])
    if rows.empty:
        raise ValueError(f"no yearly values for metric {metric!r} with these parameters")
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, pd.concat([rows["value"], rows["low"], rows["high"]]))
    title = _years_finding(rows, metric, factor, shown_unit)
    levels = set(rows["admin_level"].dropna()) if "admin_level" in rows else set()
    subtitle = f"{metric_name(metric, levels.pop() if len(levels) == 1 else '')}，单位：{shown_unit or '—'}；实心点为实际值" + \
        ("，空心点为预期目标" if (rows["stance"] == "target").any() else "") + \
        ("；点线跨过缺少数据的年份" if _has_gaps(rows) else "") + \
        _bounds_legend(rows)
    note = f"不含{len(spans)}个多年合计值（如{spans['period'].iloc[0]}），以免与年度值混淆" if len(spans) else ""
    fig, ax = _frame(title, subtitle, source_line(rows, doc_names), note)

    region_list = list(dict.fromkeys(rows["region"]))
    all_years = sorted(int(y) for y in rows["year"].dropna().unique())
    offset = 0.12 if (rows["stance"] == "target").any() else 0.0
    for i, region in enumerate(region_list):
        color = PALETTE[i % len(PALETTE)]
        for stance_name, shift in (("actual", 0.0), ("target", offset)):
            part = rows[(rows["region"] == region) & (rows["stance"] == stance_name)]
            if part.empty:
                continue
            actual = rows[(rows["region"] == region) & (rows["stance"] == "actual")]
            _draw_series(ax, part, factor, shown_unit, color, stance_name, shift,
                         results=dict(zip(actual["year"].astype(int), actual["value"] / factor, strict=False)))
        last = rows[(rows["region"] == region)].sort_values("year").iloc[-1]
        if len(region_list) > 1:  # label lines directly instead of a legend box
            shift = offset if last["stance"] == "target" else 0.0
            ax.annotate(region, (last["year"] + shift, last["value"] / factor), xytext=(8, 0),
                        textcoords="offset points", color=color, fontsize=9, va="center", ha="left",
                        annotation_clip=False)
    ax.set_xticks(all_years)
    ax.set_xticklabels([str(y) for y in all_years], rotation=0 if len(all_years) <= 10 else 45)
    ax.set_xlim(min(all_years) - 0.6, max(all_years) + (1.4 if len(region_list) > 1 else 0.6))
    ax.margins(y=0.14)  # room for the labels above results and below targets
    _zero_baseline(ax, rows, factor)
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    return Chart(fig, rows[[c for c in PLOTTED_COLUMNS if c in rows]].reset_index(drop=True), title,
                 [note] if note else [])


def _bounds_legend(rows: pd.DataFrame) -> str:
    present = set(rows["qualifier"].dropna())
    parts = (["三角向上为下限（≥）"] if present & {"at_least", "more_than"} else []) + \
        (["三角向下为上限（≤）"] if "at_most" in present else [])
    return "；" + "，".join(parts) if parts else ""


def _has_gaps(rows: pd.DataFrame) -> bool:
    for _, part in rows.groupby(["region", "stance"]):
        years = sorted(int(y) for y in part["year"].dropna())
        if any(b - a > 1 for a, b in zip(years, years[1:], strict=False)):
            return True
    return False


def _draw_series(ax, part: pd.DataFrame, factor: float, unit: str, color: str, stance: str,
                 shift: float, results: dict[int, float] | None = None) -> None:
    xs = part["year"].astype(float).to_numpy() + shift
    ys = (part["value"] / factor).to_numpy(dtype=float)
    # Solid lines join consecutive years only; a thin dotted line crosses years the documents do not
    # report, so the reader sees the direction without mistaking it for yearly data.
    style = "--" if stance == "target" else "-"
    for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=False):
        if x1 - x0 > 1.01:
            ax.plot([x0, x1], [y0, y1], color=color, linewidth=0.9, linestyle=":", alpha=0.8)
        else:
            ax.plot([x0, x1], [y0, y1], color=color, linewidth=2, linestyle=style)
    face = "white" if stance == "target" else color
    # Bounds keep their meaning on every point, labelled or not: ▲ at least / more than, ▼ at most.
    markers = part["qualifier"].map(BOUND_MARKERS).fillna("o").to_numpy()
    for marker in dict.fromkeys(markers):
        keep = markers == marker
        ax.scatter(xs[keep], ys[keep], s=44 if marker != "o" else 36, marker=marker, facecolor=face,
                   edgecolor=color, linewidth=1.6, zorder=3)
    # Long series are labelled at their ends only (the axis gives the rest): labels never pile up.
    labelled = set(range(len(xs))) if len(xs) <= 4 else {0, len(xs) - 1}
    for i, (x, y, (_, row)) in enumerate(zip(xs, ys, part.iterrows(), strict=False)):
        _interval(ax, x, row, factor, color, vertical=True)
        if i not in labelled:
            continue
        label = value_label(row, factor, unit)
        below = False
        if stance == "target":  # a target's label goes on the side away from that year's result: no collision
            label = f"目标{label}"
            result = (results or {}).get(int(row["year"]))
            below = result is None or result >= y
        ax.annotate(label, (x, y), xytext=(0, -9 if below else 7), textcoords="offset points",
                    ha="center", va="top" if below else "baseline", fontsize=8.5, color=color)


def _interval(ax, pos: float, row: pd.Series, factor: float, color: str, vertical: bool) -> None:
    # Ranges and one-sided bounds drawn as intervals: a range as a bar, "≥" as an arrowless open bar.
    low, high = row.get("low"), row.get("high")
    if row.get("qualifier") != "range" or pd.isna(low) or pd.isna(high):
        return
    if vertical:
        ax.vlines(pos, low / factor, high / factor, color=color, linewidth=3, alpha=0.35)
    else:
        ax.hlines(pos, low / factor, high / factor, color=color, linewidth=3, alpha=0.35)


def _zero_baseline(ax, rows: pd.DataFrame, factor: float) -> None:
    values = rows["value"] / factor
    if (values < 0).any():
        ax.axhline(0, color=MUTED, linewidth=0.8)
    elif rows["unit"].iloc[0] not in ("%", "‰", "个百分点"):
        ax.set_ylim(bottom=0)  # levels start at zero; growth rates may zoom


def _years_finding(rows: pd.DataFrame, metric: str, factor: float, unit: str) -> str:
    actual = rows[rows["stance"] == "actual"].dropna(subset=["year"])
    if actual.empty:
        first = rows.iloc[0]
        return f"{first['region']}{metric_name(metric)}目标：{value_label(first, factor, unit)}{_unit_word(unit)}"
    regions = list(dict.fromkeys(actual["region"]))
    if len(regions) == 1:
        first, last = actual.iloc[0], actual.iloc[-1]
        if first["year"] == last["year"]:
            return f"{last['region']}{last['year']}年{metric_name(metric)}为{value_label(last, factor, unit)}" \
                   f"{_unit_word(unit)}"
        verb = "升至" if last["value"] > first["value"] else "降至" if last["value"] < first["value"] else "持平于"
        return (f"{last['region']}{metric_name(metric, str(last.get('admin_level', '')))}从{first['year']}年的{value_label(first, factor, unit)}{_unit_word(unit)}"
                f"{verb}{last['year']}年的{value_label(last, factor, unit)}{_unit_word(unit)}")
    # Several regions, usually over different years: say which way each moved, not who is "highest".
    moves: dict[str, list[str]] = {"上升": [], "下降": [], "持平": []}
    for region in regions:
        part = actual[actual["region"] == region].sort_values("year")
        if len(part) < 2:
            continue
        first, last = part["value"].iloc[0], part["value"].iloc[-1]
        moves["上升" if last > first else "下降" if last < first else "持平"].append(region)
    said = [(word, names) for word, names in moves.items() if names]
    if sum(len(names) for _, names in said) == 1:  # one region has a trend: say it as for one region
        return _years_finding(actual[actual["region"] == said[0][1][0]], metric, factor, unit)
    if len(said) == 1 and len(said[0][1]) == len(regions):
        return f"{'、'.join(regions)}{metric_name(metric)}均{said[0][0]}"
    if said:
        return f"{metric_name(metric)}：" + "，".join(f"{'、'.join(n)}{w}" for w, n in said)
    return f"{'、'.join(regions)}{metric_name(metric)}"


def _unit_word(unit: str) -> str:
    return "" if unit in ("%", "‰", "") else unit


# --- regions chart ----------------------------------------------------------------------------------
def latest_per_region(rows: pd.DataFrame) -> pd.DataFrame:
    """For each region (and stance) the row of its latest year: used when the year parameter is "latest"."""
    if rows.empty:  # pandas cannot group an empty frame by columns it then drops
        return rows
    return rows.sort_values("year").groupby(["region", "stance"], dropna=False).tail(1)


def rows_for_year(rows: pd.DataFrame, year: int | str) -> pd.DataFrame:
    """Rows of one year. ``"latest"``: each region's latest year (values labelled with their years);
    ``"common"``: the year most regions report (the latest such year), so the regions compare like with like."""
    if year == "latest":
        return latest_per_region(rows)
    if year == "common":
        counts = rows.groupby("year")["region"].nunique()
        if counts.empty:
            return rows
        best = counts[counts == counts.max()].index.max()
        return rows[rows["year"] == best]
    return rows[rows["year"] == int(year)]


def _when(year: int | str, rows: pd.DataFrame) -> str:
    if year == "latest" and rows["year"].nunique() > 1:
        return f"各地最近一年（{rows['year'].min()}–{rows['year'].max()}年）"
    return f"{rows['year'].iloc[0]}年"


def regions_chart(metrics: pd.DataFrame, metric: str, year: int | str = "latest",
                  regions: Sequence[str] | None = None, stance: str = "actual",
                  doc_names: dict[str, str] | None = None) -> Chart:
    """Regions ranked by one metric in one year (or each region's latest year), horizontal bars."""
    rows = select(metrics, metric, regions, None, stance)
    rows = rows[~rows["period"].map(is_span)]
    rows = rows_for_year(rows, year)
    if rows.empty:
        raise ValueError(f"no values for metric {metric!r} in year {year} with these parameters")
    actual = rows[rows["stance"] == "actual"]
    order_rows = actual if not actual.empty else rows
    order = list(order_rows.sort_values("value")["region"])  # smallest first: matplotlib draws bottom-up
    order += [r for r in dict.fromkeys(rows["region"]) if r not in order]
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, pd.concat([rows["value"], rows["low"], rows["high"]]))
    mixed_years = rows["year"].nunique() > 1
    title = _regions_finding(order_rows, metric, year, factor, shown_unit, mixed_years)
    subtitle = f"{metric_name(metric)}，{_when(year, rows)}，单位：{shown_unit or '—'}" + \
        ("；空心框为预期目标" if (rows["stance"] == "target").any() and (rows["stance"] == "actual").any() else "")
    height = max(3.8, 1.6 + 0.42 * len(order))
    fig, ax = _frame(title, subtitle, source_line(rows, doc_names), size=(9, height))
    both = rows["stance"].nunique() > 1
    bar_h = 0.38 if both else 0.62
    for i, region in enumerate(order):
        for stance_name, shift in (("actual", bar_h / 2 if both else 0), ("target", -bar_h / 2)):
            part = rows[(rows["region"] == region) & (rows["stance"] == stance_name)]
            if part.empty:
                continue
            row = part.iloc[0]
            value = row["value"] / factor
            target = stance_name == "target"
            ax.barh(i + shift, value, height=bar_h, color="white" if target else ACCENT,
                    edgecolor=TARGET_INK if target else ACCENT, linestyle="--" if target else "-",
                    linewidth=1.4)
            _interval(ax, i + shift, row, factor, INK, vertical=False)
            label = value_label(row, factor, shown_unit) + (f"（{row['year']}年）" if mixed_years else "")
            if target:
                label = "目标" + label
            ax.annotate(label, (value, i + shift), xytext=(4 if value >= 0 else -4, 0),
                        textcoords="offset points", va="center", ha="left" if value >= 0 else "right",
                        fontsize=9, color=TARGET_INK if target else INK)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=10)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    values = rows["value"] / factor
    lo, hi = min(0.0, values.min()), max(0.0, values.max())
    pad = (hi - lo) * 0.25 or 1  # room for the value labels at the bar ends
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    ax.axvline(0, color=MUTED, linewidth=0.8)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    plotted = rows.set_index("region").loc[order].reset_index()
    return Chart(fig, plotted[[c for c in PLOTTED_COLUMNS if c in plotted]], title)


def _regions_finding(rows: pd.DataFrame, metric: str, year, factor: float, unit: str, mixed: bool) -> str:
    ranked = rows.sort_values("value", ascending=False)
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    when = "" if mixed else f"{top['year']}年"

    def part(row) -> str:
        # A tie across different years names no single year; the bars carry each region's year.
        one_year = mixed and (ranked["value"] == row["value"]).sum() == 1
        yr = f"{row['year']}年" if one_year else ""
        return f"{yr}{value_label(row, factor, unit)}{_unit_word(unit)}"

    def tied(value) -> str:  # every region sharing the value, so a tie is not reported as a lead
        return "、".join(ranked[ranked["value"] == value]["region"])
    if len(ranked) == 1 or top["value"] == bottom["value"]:
        return f"{when}{tied(top['value'])}{metric_name(metric)}为{part(top)}"
    return (f"{when}{metric_name(metric)}：{tied(top['value'])}最高（{part(top)}），"
            f"{tied(bottom['value'])}最低（{part(bottom)}）")


# --- placement chart (longitude / latitude) ---------------------------------------------------------
def coordinates(adcodes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """adcode -> (longitude, latitude) from the gazetteer; codes it does not place are left out."""
    from extract.grammar.gazetteer import GazetteerError, lookup

    found: dict[str, tuple[float, float]] = {}
    for code in {str(a)[:6] for a in adcodes if isinstance(a, str) and a}:
        try:
            place = lookup(adcode=code)
        except GazetteerError:
            continue
        if place.longitude is not None and place.latitude is not None:
            found[code] = (float(place.longitude), float(place.latitude))
    return found


def placement_chart(metrics: pd.DataFrame, metric: str, year: int | str = "latest",
                    regions: Sequence[str] | None = None, stance: str = "actual",
                    doc_names: dict[str, str] | None = None) -> Chart:
    """Regions placed by longitude/latitude, marker area proportional to the value (negative: hollow)."""
    rows = select(metrics, metric, regions, None, stance if stance != "both" else "actual")
    rows = rows[~rows["period"].map(is_span)]
    rows = rows_for_year(rows, year)
    coords = coordinates(rows["adcode"].dropna())
    rows = rows[rows["adcode"].map(lambda a: isinstance(a, str) and a[:6] in coords)]
    if rows.empty:
        raise ValueError(f"no values with known coordinates for metric {metric!r} in year {year}")
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, rows["value"])
    mixed_years = rows["year"].nunique() > 1
    top = rows.sort_values("value", ascending=False).iloc[0]
    leaders = "、".join(rows[rows["value"] == top["value"]]["region"])  # a tie names every leader
    in_year = "" if mixed_years else f"{top['year']}年"
    title = f"{in_year}{metric_name(metric)}：{leaders}最高（{value_label(top, factor, shown_unit)}" \
            f"{_unit_word(shown_unit)}）" if len(rows) > 1 else f"{top['region']}{metric_name(metric)}"
    subtitle = f"{metric_name(metric)}，{_when(year, rows)}，单位：{shown_unit or '—'}；圆面积与数值成正比，按经纬度放置" + \
        ("；空心圆为负值" if (rows["value"] < 0).any() else "")
    fig, ax = _frame(title, subtitle, source_line(rows, doc_names), size=(8, 6.4))
    biggest = max(abs(rows["value"]).max(), 1e-12)
    lons = [coords[a[:6]][0] for a in rows["adcode"]]
    lats = [coords[a[:6]][1] for a in rows["adcode"]]
    pad = max(0.3, (max(lons) - min(lons)) * 0.2, (max(lats) - min(lats)) * 0.2)
    ax.set_xlim(min(lons) - pad, max(lons) + pad)
    ax.set_ylim(min(lats) - pad, max(lats) + pad)
    ax.set_aspect(1 / math.cos(math.radians(sum(lats) / len(lats))))  # equal distances east and north
    placed: list = []
    markers = []
    for row in rows.sort_values("value", ascending=False).itertuples():
        lon, lat = coords[row.adcode[:6]]
        area = max(900 * abs(row.value) / biggest, 12)
        negative = row.value < 0
        ax.scatter(lon, lat, s=area, facecolor="white" if negative else ACCENT, zorder=2,
                   edgecolor=TARGET_INK if negative else ACCENT, alpha=1 if negative else 0.45, linewidth=1.4)
        ax.scatter(lon, lat, s=6, color=INK, zorder=3)  # the exact place, whatever the circle's size
        markers.append((row, lon, lat, math.sqrt(area) / 2))
    # Labels avoid every circle and every label placed before them.
    dpi_scale = fig.dpi / 72
    for _, lon, lat, radius in markers:
        cx, cy = ax.transData.transform((lon, lat))
        r = radius * dpi_scale
        placed.append(matplotlib.transforms.Bbox([[cx - r, cy - r], [cx + r, cy + r]]))
    for row, lon, lat, radius in markers:
        label = f"{row.region} {value_label(row._asdict(), factor, shown_unit)}"
        if mixed_years:
            label += f"（{row.year}年）"
        placed.append(_place_label(fig, ax, label, lon, lat, radius, placed))
    ax.set_xlabel("经度（°E）")
    ax.set_ylabel("纬度（°N）")
    ax.grid(color="#f0f0f0", linewidth=0.8)
    ax.set_axisbelow(True)
    return Chart(fig, rows[[c for c in PLOTTED_COLUMNS if c in rows]].reset_index(drop=True), title)


def _place_label(fig, ax, text: str, x: float, y: float, radius: float, placed: list):
    """Put a point's label right, left, below or above its marker, the first place that overlaps no
    label already placed (a tiny greedy labeller: enough for the dozens of regions a chart shows)."""
    renderer = fig.canvas.get_renderer()
    gap = radius + 3
    candidates = [((gap, 0), "left", "center"), ((-gap, 0), "right", "center"),
                  ((0, -gap), "center", "top"), ((0, gap), "center", "bottom"),
                  ((gap, -gap), "left", "top"), ((-gap, gap), "right", "bottom")]
    label = None
    for (dx, dy), ha, va in candidates:
        if label is not None:
            label.remove()
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=9, color=INK, zorder=4)
        box = label.get_window_extent(renderer)
        own = matplotlib.transforms.Bbox.from_bounds(*ax.transData.transform((x, y)), 0, 0)
        if not any(box.overlaps(other) and not other.contains(own.x0, own.y0) for other in placed):
            return box
    return label.get_window_extent(renderer)


def figure_table_chart(figures: pd.DataFrame, doc_id: str) -> Chart:
    """Bar chart of how many figures a document has per metric (unclassified shown as 未分类)."""
    rows = figures[figures["doc_id"] == doc_id].copy()
    if rows.empty:
        raise ValueError(f"document {doc_id!r} has no figures")
    counts = rows.assign(metric=rows["metric"].fillna("").replace("", "未分类")) \
        .groupby("metric").size().sort_values()
    title = f"{doc_id}：共找到{len(rows)}个数字，{int((rows['metric'].fillna('') == '').sum())}个未分类"
    fig, ax = _frame(title, "按指标统计的数字个数（个）", source_line(rows), size=(9, max(3.8, 1.6 + 0.3 * len(counts))))
    ax.barh(range(len(counts)), counts.to_numpy(), color=ACCENT, height=0.6)
    ax.set_yticks(range(len(counts)))
    ax.set_yticklabels([metric_name(m) if m != "未分类" else m for m in counts.index], fontsize=9)
    for i, n in enumerate(counts.to_numpy()):
        ax.annotate(str(n), (n, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return Chart(fig, rows[[c for c in PLOTTED_COLUMNS if c in rows]].reset_index(drop=True), title)


def close(chart: Chart) -> None:
    plt.close(chart.figure)


# --- what the notebooks call ------------------------------------------------------------------------
def _written(chart: Chart, paths: dict[str, Path], **extra) -> dict:
    return {"title": chart.title, "rows": len(chart.rows), **{k: str(v) for k, v in paths.items()}, **extra}


def years_report(p) -> list[dict]:
    """Draw and save one years chart per metric for params.YearsParams ``p``; returns what was written.

    With no metrics given, every metric with values in at least ``p.min_years`` years is drawn."""
    table = p.metrics_table
    names = p.doc_names
    metrics = list(p.metrics)
    if not metrics:
        rows = select(table, None, p.regions, p.years, p.stance)
        rows = rows[~rows["period"].map(is_span) & rows["metric"].notna()]
        # A metric qualifies when some region has results in min_years years: that is a trend to show.
        counts = rows.groupby(["metric", "region"])["year"].nunique().groupby("metric").max()
        metrics = sorted(counts[counts >= p.min_years].index)
        if not metrics:
            raise ValueError(f"no region has values of one metric in {p.min_years}+ years for these parameters "
                             f"(metrics present: {', '.join(sorted(table['metric'].dropna().unique())) or 'none'})")
    written = []
    for metric in metrics:
        regions = p.regions or regions_with_years(select(table, metric, None, p.years, p.stance), p.min_years)
        chart = years_chart(table, metric, regions, p.years, p.stance, names)
        written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{_file_stem(metric)}"), metric=metric))
        close(chart)
    return written


def regions_with_years(rows: pd.DataFrame, min_years: int) -> list[str]:
    """Regions with results in at least ``min_years`` years (targets when there are no results): a region
    seen in one year has no trend and would only crowd a years chart. All regions when none qualifies."""
    yearly = rows[~rows["period"].map(is_span)]
    if (yearly["stance"] == "actual").any():
        yearly = yearly[yearly["stance"] == "actual"]
    counts = yearly.groupby("region")["year"].nunique()
    keep = sorted(counts[counts >= min_years].index)
    return keep or sorted(counts.index)


def region_rows(p, metric: str | None = None) -> pd.DataFrame:
    """Rows of params.RegionsParams ``p``'s metric (or ``metric``) limited to its admin levels and parent."""
    metric = p.metric if metric is None else metric
    rows = p.metrics_table[p.metrics_table["metric"] == metric]
    if p.admin_level:
        rows = rows[rows["admin_level"].isin(p.admin_level)]
    if p.parent_adcode:
        rows = rows[processed.children_of(rows, p.parent_adcode)]
    return rows


def regions_report(p) -> list[dict]:
    """Ranked bars and the longitude/latitude placement for params.RegionsParams ``p``: its metric, then each
    subject key's series."""
    written = []
    series = ([p.metric] if p.metric else []) + list(getattr(p, "key_series", []))
    for metric in series:
        written += _regions_charts(p, metric, strict=metric == p.metric)
    return written


def _regions_charts(p, metric: str, strict: bool) -> list[dict]:
    rows = region_rows(p, metric)
    if rows.empty:
        where = f" in {p.parent}" if p.parent else ""
        levels = f" at level {', '.join(p.admin_level)}" if p.admin_level else ""
        if strict:
            raise ValueError(f"no values of metric {metric!r}{where}{levels}")
        return [{"title": f"no chart: no values of {metric!r}{where}{levels}", "rows": 0}]
    names = p.doc_names
    regions = list(dict.fromkeys(rows["region"].dropna()))
    written = []
    chart = regions_chart(rows, metric, p.year, regions, p.stance, names)
    stem = _file_stem(metric)
    written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{stem}_ranked"), kind="ranked"))
    close(chart)
    try:
        chart = placement_chart(rows, metric, p.year, regions, p.stance, names)
    except ValueError as exc:  # no coordinates: the ranked chart still stands
        written.append({"title": f"no placement chart: {exc}", "rows": 0})
    else:
        written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{stem}_map"), kind="map"))
        close(chart)
    return written


def _file_stem(series: str) -> str:
    """A file-name part for a metric id or a subject key's series (地区生产总值（%） -> 地区生产总值_pct)."""
    stem = series.replace("（%）", "_pct").replace("（‰）", "_permille")
    stem = re.sub(r"[（）()]", "_", stem)
    stem = re.sub(r"[^\w.\-]", "_", stem).strip("_.") or "series"
    return stem[:80]


# --- targets chart: did they reach the target? ------------------------------------------------------
MET_COLORS = {"yes": "#2e8b57", "no": "#c0392b", "unclear": MUTED}
MET_WORDS = {"yes": "达到", "no": "未达到", "unclear": "无法判断"}
TARGET_ROW_COLUMNS = ["region", "adcode", "admin_level", "metric", "year", "unit", "target_value", "target_low",
                      "target_high", "target_qualifier", "target_text", "target_doc_id", "target_locator",
                      "result_value", "result_text", "result_doc_id", "result_locator", "met", "margin", "rule"]
RATE_UNITS = ("%", "‰", "个百分点")
MAX_TARGET_PANELS = 8


def _page_of(locator: object) -> float:
    match = re.match(r"p(\d+)", str(locator or ""))
    return float(match.group(1)) if match else float("nan")


def _target_sources(rows: pd.DataFrame, doc_names: dict[str, str] | None) -> str:
    docs = pd.DataFrame({
        "doc_id": list(rows["target_doc_id"]) + list(rows["result_doc_id"]),
        "page": [_page_of(x) for x in list(rows["target_locator"]) + list(rows["result_locator"])],
    })
    return source_line(docs, doc_names)


def _band(row: pd.Series, factor: float) -> tuple[float, float | None, float | None]:
    """(target line, band bottom, band top) in axis units: 左右 a band of the tolerance targets.csv uses, a range
    its bounds, 以上/以内 an open side; an exact target is its line alone."""
    value = float(row["target_value"]) / factor
    qualifier = row["target_qualifier"]
    if qualifier == "about":
        tolerance = 0.5 if row["unit"] in RATE_UNITS else abs(value) * 0.05
        return value, value - tolerance, value + tolerance
    if qualifier == "range" and not pd.isna(row["target_low"]) and not pd.isna(row["target_high"]):
        return value, float(row["target_low"]) / factor, float(row["target_high"]) / factor
    if qualifier in ("at_least", "more_than") and not pd.isna(row["target_low"]):
        return float(row["target_low"]) / factor, float(row["target_low"]) / factor, None
    if qualifier == "at_most" and not pd.isna(row["target_high"]):
        return float(row["target_high"]) / factor, None, float(row["target_high"]) / factor
    return value, None, None


def targets_chart(targets: pd.DataFrame, metric: str, regions: Sequence[str] | None = None,
                  years: Sequence[int] | None = None, doc_names: dict[str, str] | None = None) -> Chart:
    """Each year's target (a band for 左右 and ranges, a line for an exact target, an open side for 以上/以内)
    against the result, one panel per region; results green when met, red when not (targets.csv's rule)."""
    rows = targets[targets["metric"] == metric]
    if regions:
        wanted = {str(r) for r in regions}
        rows = rows[rows["region"].isin(wanted) | rows["adcode"].astype(str).isin(wanted)]
    if years:
        rows = rows[(rows["year"] >= min(years)) & (rows["year"] <= max(years))]
    rows = rows.sort_values(["region", "year"])
    if rows.empty:
        raise ValueError(f"no year has both a target and a result of metric {metric!r} with these parameters")
    region_list = list(dict.fromkeys(rows["region"]))[:MAX_TARGET_PANELS]
    rows = rows[rows["region"].isin(region_list)]
    unit = str(rows["unit"].iloc[0])
    factor, shown = unit_scale(unit, pd.concat([rows["target_value"], rows["result_value"]]))
    met = int((rows["met"] == "yes").sum())
    name = metric_name(metric, str(rows["admin_level"].iloc[0]))
    where = region_list[0] if len(region_list) == 1 else f"{len(region_list)}个地区的"
    title = f"{where}{name}：{len(rows)}个年度目标中{met}个达到"
    subtitle = f"{name}，单位：{shown or '—'}；灰线、灰带为预期目标，▲▼为下限、上限；绿点达到，红点未达到"
    note = "判定规则见 processed/targets.csv 的 rule 列（左右：±0.5个百分点或目标的5%以内，或好于目标）"
    height = 3.2 + 2.2 * len(region_list)
    fig, ax = _frame(title, subtitle, _target_sources(rows, doc_names), note, size=(9, min(height, 16)))
    box = ax.get_position()
    ax.remove()
    gap = 0.04 * box.height if len(region_list) > 1 else 0.0
    panel_h = (box.height - gap * (len(region_list) - 1)) / len(region_list)
    all_years = sorted(int(y) for y in rows["year"].unique())
    for i, region in enumerate(region_list):
        bottom = box.y1 - (i + 1) * panel_h - i * gap
        ax = fig.add_axes((box.x0, bottom, box.width, panel_h))
        part = rows[rows["region"] == region]
        for _, row in part.iterrows():
            x = int(row["year"])
            line, low, high = _band(row, factor)
            if low is not None and high is not None:
                ax.fill_between([x - 0.3, x + 0.3], low, high, color="#d9d9d9", linewidth=0)
            ax.hlines(line, x - 0.3, x + 0.3, color=MUTED, linewidth=2)
            if low is not None and high is None:
                ax.scatter([x + 0.34], [line], marker="^", s=30, color=MUTED)
            if high is not None and low is None:
                ax.scatter([x + 0.34], [line], marker="v", s=30, color=MUTED)
            y = float(row["result_value"]) / factor
            color = MET_COLORS.get(str(row["met"]), MUTED)
            ax.scatter([x], [y], s=42, color=color, zorder=3)
            ax.annotate(f"{format_number(y)}{unit if unit in RATE_UNITS else ''}", (x, y), xytext=(0, 7),
                        textcoords="offset points", ha="center", fontsize=8.5, color=color)
        ax.set_xticks(all_years)
        ax.set_xticklabels([str(y) for y in all_years] if i == len(region_list) - 1 else [])
        ax.set_xlim(min(all_years) - 0.6, max(all_years) + 0.6)
        ax.margins(y=0.2)
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        ax.set_axisbelow(True)
        if len(region_list) > 1:
            ax.set_title(region, fontsize=10, color=INK, loc="left")
    return Chart(fig, rows[[c for c in TARGET_ROW_COLUMNS if c in rows]].reset_index(drop=True), title, [note])


def targets_report(p) -> list[dict]:
    """One targets chart per metric for params.TargetsParams ``p`` (metrics=[]: every metric that has target
    and result in ``p.min_years`` years of one region); [] with a note when the tables pair none."""
    table = p.targets_table
    metrics = list(p.metrics)
    if not metrics:
        counts = table.groupby(["metric", "region"])["year"].nunique().groupby("metric").max() \
            if not table.empty else pd.Series(dtype=int)
        metrics = sorted(counts[counts >= p.min_years].index)
    written = []
    for metric in metrics:
        try:
            chart = targets_chart(table, metric, p.regions, p.years, p.doc_names)
        except ValueError as exc:
            written.append({"title": f"no chart: {exc}", "rows": 0, "metric": metric})
            continue
        written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{metric}"), metric=metric))
        close(chart)
    return written
