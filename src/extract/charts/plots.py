"""Every chart the notebooks draw, in newsroom style, from the tidy tables in processed/.

A chart states its finding in the title, names the metric and unit in the subtitle, cites the documents
and pages it comes from, and shows qualifiers (≈ about, ≥ at least, ranges as intervals). Data stay in base
units (元, 人); only the axis is scaled for reading (亿元, 万人). Each chart is saved as PNG and SVG with a CSV
of exactly the plotted rows beside it (doc_id, page and text of every value), so a reader can check it.

Honest by construction, and checked on the rendered figure before it is saved (extract.charts.audit):
- a region of the data that a chart leaves out is named in its footnote with the reason;
- regions whose levels differ tenfold or more get panels of their own (small multiples), never one axis;
  more than three regions are small multiples too, and so is any line chart whose labels would collide;
- levels start at zero; rates get an axis at least a point wide, so a 0.1-point dip is not a plunge;
- a region and a region inside it (金华市 and its county 东阳市) are never ranked side by side: the larger one is
  a reference line on the ranking and named in the map's footnote;
- circle areas of rates are scaled over the values' own span (the subtitle says so), so 5.0% and 5.5% differ;
- labels never overlap one another (a label that finds no free spot is left out; the CSV has every value).

    from extract.charts import plots, processed
    metrics = processed.load_metrics("processed")
    chart = plots.years_chart(metrics, metric="gdp_growth", regions=["金华市"])
    plots.save_chart(chart, "figures", "jinhua_gdp_growth")
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # charts are files; no display needed (also inside papermill kernels)

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from extract.charts import processed  # noqa: E402
from extract.charts.fonts import CJK_FAMILY, cjk_font_path, setup_fonts  # noqa: E402, F401 (re-exported)
from extract.charts.layout import (  # noqa: E402
    AROUND,
    BELOW_FIRST,
    LINE_END,
    Canvas,
    LabelPlacer,
    around,
    new_canvas,
)
from extract.grammar.taxonomy import display_name  # noqa: E402
from extract.model import ADMIN_LEVEL_NAMES, ADMIN_LEVELS  # noqa: E402
from extract.safety import atomic_writer, write_csv_safely  # noqa: E402

INK, MUTED, ACCENT, TARGET_INK = "#222222", "#767676", "#1f5f8b", "#c0392b"
PALETTE = ["#1f5f8b", "#c0392b", "#2e8b57", "#b8860b", "#6a3d9a", "#555555", "#d2691e", "#008b8b"]

QUALIFIER_MARKS = {"about": "≈", "at_least": "≥", "more_than": ">", "at_most": "≤"}
BOUND_MARKERS = {"at_least": "^", "more_than": "^", "at_most": "v"}
# Units scaled for reading: (base unit, threshold, factor, shown unit), largest first.
# Per-capita incomes (66081元) read best in 元, so 万元 starts at a million.
UNIT_SCALES = [("元", 1e12, 1e12, "万亿元"), ("元", 1e8, 1e8, "亿元"), ("元", 1e6, 1e4, "万元"),
               ("美元", 1e8, 1e8, "亿美元"), ("美元", 1e4, 1e4, "万美元"), ("人", 1e4, 1e4, "万人"),
               ("人次", 1e4, 1e4, "万人次"), ("吨", 1e4, 1e4, "万吨"), ("亩", 1e4, 1e4, "万亩")]
RATE_UNITS = ("%", "‰", "个百分点")
PLOTTED_COLUMNS = ["region", "adcode", "admin_level", "year", "period", "metric", "stance", "value", "low",
                   "high", "unit", "qualifier", "doc_id", "page", "text"]
MAGNITUDE_SPLIT = 10.0  # levels this many times apart never share an axis
MAX_LINES_PER_PANEL = 3
FOOTNOTE_NAMES = 40  # regions named per reason in a footnote before "等N个"


class ChartCheckError(Exception):
    """A chart failed the check of its rendered figure (extract.charts.audit); str() lists the problems."""


# --- formatting -------------------------------------------------------------------------------------
def metric_name(metric: str, admin_level: str = "", rows: pd.DataFrame | None = None) -> str:
    """How a chart names a metric: the taxonomy's display name (国内生产总值 for the nation); for an id the
    taxonomy does not know, the subject the documents print most often, never the id itself."""
    name = display_name(metric)
    if name == metric and re.fullmatch(r"[A-Za-z0-9_]+", metric or ""):
        subjects = rows["subject"].dropna().astype(str) if rows is not None and "subject" in rows else pd.Series()
        subjects = subjects[subjects.str.strip() != ""]
        name = subjects.value_counts().index[0] if not subjects.empty else "未命名指标"
    return name.replace("地区生产总值", "国内生产总值") if admin_level == "nation" else name


def unit_scale(unit: str, values: Iterable[float]) -> tuple[float, str]:
    """(factor, shown unit) to divide base-unit values by, e.g. 元 and 6.0e11 -> (1e8, "亿元")."""
    finite = [abs(v) for v in values if v is not None and not pd.isna(v)]
    biggest = max(finite, default=0.0)
    for base, threshold, factor, shown in UNIT_SCALES:
        if unit == base and biggest >= threshold:
            return factor, shown
    if unit and not is_rate(unit) and unit not in {u for u, *_ in UNIT_SCALES}:
        # any other count (套, 标准箱, 公里): 亿 and 万 as Chinese print them, never 1e7 on the axis
        if biggest >= 1e9:
            return 1e8, f"亿{unit}"
        if biggest >= 1e5:
            return 1e4, f"万{unit}"
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


def omission_note(omitted: dict[str, str]) -> str:
    """"未画出：义乌市、武义县（无2024年数据）；…": every region left out, grouped by the reason."""
    if not omitted:
        return ""
    by_reason: dict[str, list[str]] = {}
    for region, reason in omitted.items():
        by_reason.setdefault(reason, []).append(region)
    parts = []
    for reason, names in by_reason.items():
        shown = "、".join(names[:FOOTNOTE_NAMES]) + (f"等{len(names)}个地区" if len(names) > FOOTNOTE_NAMES else "")
        parts.append(f"{shown}（{reason}）")
    return "未画出：" + "；".join(parts)


def is_rate(unit: str) -> bool:
    return unit in RATE_UNITS


# --- chart container and saving ---------------------------------------------------------------------
@dataclass
class Chart:
    figure: MplFigure
    rows: pd.DataFrame  # exactly the plotted rows, base units
    title: str
    notes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # every region of the data asked for: drawn or footnoted
    omitted: dict[str, str] = field(default_factory=dict)  # region -> why it is not drawn
    headings: list[Text] = field(default_factory=list, repr=False)  # title and subtitle
    footer: Text | None = field(default=None, repr=False)


def _chart(canvas: Canvas, rows: pd.DataFrame, title: str, notes: list[str], regions: Iterable[str],
           omitted: dict[str, str], columns: Sequence[str] = PLOTTED_COLUMNS) -> Chart:
    return Chart(canvas.figure, rows[[c for c in columns if c in rows]].reset_index(drop=True), title,
                 [n for n in notes if n], list(dict.fromkeys(regions)), omitted, [canvas.title, canvas.subtitle],
                 canvas.footer)


def check_chart(chart: Chart) -> None:
    """Raise ChartCheckError when the rendered chart fails extract.charts.audit."""
    from extract.charts.audit import audit

    problems = audit(chart)
    if problems:
        raise ChartCheckError(f"chart {chart.title!r} fails its check: " + "; ".join(problems))


def save_chart(chart: Chart, out_dir: str | Path, name: str) -> dict[str, Path]:
    """Check the rendered chart (ChartCheckError), then write NAME.png, NAME.svg and NAME.csv (the plotted
    rows) into out_dir, each atomically."""
    if not re.fullmatch(r"[\w.\-]+", name) or name.startswith("."):
        raise ValueError(f"chart name {name!r}: use letters, digits, '.', '_' or '-' only")
    check_chart(chart)
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


def _largest_first(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered nation, provinces, cities, counties, each level by adcode (a stable, familiar order)."""
    rank = rows["admin_level"].map({level: i for i, level in enumerate(ADMIN_LEVELS)}).fillna(len(ADMIN_LEVELS))
    return rows.assign(_rank=rank, _code=rows["adcode"].astype(str)).sort_values(["_rank", "_code", "region"]) \
        .drop(columns=["_rank", "_code"])


def one_unit(rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The rows in the unit most of them have (one axis, one unit: 亿斤 and 亿吨 are never drawn on one scale),
    and a footnote saying how many values in which other units were left out."""
    units = rows["unit"].fillna("").astype(str)
    if units.nunique() <= 1:
        return rows, ""
    main = units.value_counts().index[0]
    others = rows[units != main]
    listed = "、".join(f"{n}个以{u or '无单位'}计" for u, n in others["unit"].fillna("").value_counts().items())
    return rows[units == main], f"不含{listed}的值（单位与图中的{main}不同，不画在同一刻度上）"


def magnitude_ratio(rows: pd.DataFrame) -> float:
    """How many times larger the largest region's typical value is than the smallest's (1 for one region)."""
    typical = rows.assign(size=rows["value"].abs()).groupby("region")["size"].median()
    typical = typical[typical > 0]
    return float(typical.max() / typical.min()) if len(typical) > 1 else 1.0


# --- axes -------------------------------------------------------------------------------------------
def value_limits(values: Iterable[float], unit: str) -> tuple[float, float]:
    """The value axis: levels from zero; rates around their values but at least a point wide (and a quarter of
    the largest value), so that a 0.1-point dip on 9.2–9.3 reads as the small move it is. Padded for labels."""
    finite = [float(v) for v in values if v is not None and not pd.isna(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if not is_rate(unit):
        lo, hi = min(0.0, lo), max(0.0, hi)
        span = (hi - lo) or 1.0
        return lo - (0.16 * span if lo < 0 else 0.0), hi + 0.16 * span
    least = max(1.0, 0.25 * max(abs(lo), abs(hi)))
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
        if finite and min(finite) >= 0 > lo:  # no negative axis for values that are all positive
            lo, hi = 0.0, least
    pad = 0.16 * (hi - lo)
    bottom = lo - pad
    if finite and min(finite) >= 0 and bottom < 0 <= lo:
        bottom = 0.0 if lo > 0.5 * pad else -pad
    return bottom, hi + pad


def year_ticks(ax, years: list[int], spacing_pt: float = 27.0) -> list[int]:
    """The years to tick, each at least ``spacing_pt`` from the next (set the x limits first): from the last year
    backwards, so the latest year is always labelled."""
    low, high = ax.get_xlim()
    per_year = ax.get_position().width * ax.figure.get_figwidth() * 72 / ((high - low) or 1)
    kept: list[int] = []
    for year in sorted(years, reverse=True):
        if not kept or (kept[-1] - year) * per_year >= spacing_pt:
            kept.append(year)
    return sorted(kept)


def _grid(ax, axis: str) -> None:
    ax.grid(axis=axis, color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)


# --- years chart ------------------------------------------------------------------------------------
def years_chart(metrics: pd.DataFrame, metric: str, regions: Sequence[str] | None = None,
                years: Sequence[int] | None = None, stance: str = "both",
                doc_names: dict[str, str] | None = None, min_years: int = 1) -> Chart:
    """One metric over the years, a line per region; targets dashed beside results.

    ``regions`` None: every region of the table with values in at least ``min_years`` years (results and
    targets counted together); the others are named in the footnote. Five-year totals (period like 2017-2021)
    are left out and mentioned too. One panel for up to three regions of like magnitude, else small multiples.
    """
    chosen = select(metrics, metric, regions, years, stance)
    data_regions = list(dict.fromkeys(chosen.sort_values("region")["region"]))
    chosen, unit_note = one_unit(chosen)
    spans = chosen[chosen["period"].map(is_span)]
    rows = chosen[~chosen["period"].map(is_span)].sort_values(["region", "stance", "year"])
    omitted: dict[str, str] = {r: "只有多年合计值" if r in set(spans["region"]) else "数值的单位与图中不同"
                               for r in data_regions if r not in set(rows["region"])}
    if regions is None and min_years > 1:
        counts = rows.groupby("region")["year"].nunique()
        few = counts[counts < min_years]
        if len(few) < len(counts):  # when no region qualifies, all are drawn rather than none
            omitted.update({r: f"仅{n}年有数据，不成走势" for r, n in few.items()})
            rows = rows[~rows["region"].isin(few.index)]
    if regions:
        for wanted in regions:
            if wanted not in set(chosen["region"]) and wanted not in set(chosen["adcode"].astype(str)):
                omitted[str(wanted)] = "无此指标的数据"
    if rows.empty:
        raise ValueError(f"no yearly values for metric {metric!r} with these parameters")
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, pd.concat([rows["value"], rows["low"], rows["high"]]))
    region_list = list(dict.fromkeys(_largest_first(rows)["region"]))
    separate = not is_rate(unit) and magnitude_ratio(rows) >= MAGNITUDE_SPLIT
    levels = set(rows["admin_level"].dropna()) if "admin_level" in rows else set()
    name = metric_name(metric, levels.pop() if len(levels) == 1 else "", rows)
    title = _years_finding(rows, metric, factor, shown_unit)
    subtitle = f"{name}，单位：{shown_unit or '—'}；实心点为实际值" + \
        ("，空心点为预期目标" if (rows["stance"] == "target").any() else "") + \
        ("；点线跨过缺少数据的年份" if _has_gaps(rows) else "") + _bounds_legend(rows) + \
        ("；各小图纵轴刻度不同（数值相差十倍以上）" if separate else "")
    notes = [f"不含{len(spans)}个多年合计值（如{spans['period'].iloc[0]}），以免与年度值混淆" if len(spans) else "",
             unit_note, omission_note(omitted)]
    footer = [*[n for n in notes if n], source_line(rows, doc_names)]
    one_panel = len(region_list) == 1 or (not separate and len(region_list) <= MAX_LINES_PER_PANEL)
    attempts = [True, False] if one_panel and len(region_list) > 1 else [one_panel]
    for i, together in enumerate(attempts):
        canvas, placed = _draw_years(rows, region_list, together, not separate, factor, shown_unit, title,
                                     subtitle, footer)
        if placed or i == len(attempts) - 1:
            break
        plt.close(canvas.figure)  # the lines' names collide on one axis: one panel per region instead
    return _chart(canvas, rows, title, notes, data_regions, omitted)


def _draw_years(rows: pd.DataFrame, region_list: list[str], together: bool, shared_y: bool, factor: float,
                unit: str, title: str, subtitle: str, footer: list[str]) -> tuple[Canvas, bool]:
    """Draw the lines on one axes (``together``) or one panel per region; returns the canvas and whether every
    required label (the lines' names) found a free spot."""
    panels = [region_list] if together else [[r] for r in region_list]
    ncols = 1 if len(panels) == 1 else 2 if len(panels) in (2, 4) else 3
    canvas = new_canvas(title, subtitle, footer, panels=len(panels), ncols=ncols)
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(region_list)}
    offset = 0.12 if (rows["stance"] == "target").any() else 0.0
    all_values = pd.concat([rows["value"], rows["low"], rows["high"]]) / factor
    series = []  # (ax, region, stance, part, xs, ys)
    for ax, group in zip(canvas.axes, panels, strict=True):
        part_rows = rows[rows["region"].isin(group)]
        for region in group:
            actual = part_rows[(part_rows["region"] == region) & (part_rows["stance"] == "actual")]
            results = dict(zip(actual["year"].astype(int), actual["value"] / factor, strict=False))
            for stance_name, shift in (("actual", 0.0), ("target", offset)):
                part = part_rows[(part_rows["region"] == region) & (part_rows["stance"] == stance_name)]
                if part.empty:
                    continue
                xs, ys = _draw_series(ax, part, factor, colors[region], stance_name, shift)
                series.append((ax, region, stance_name, part, xs, ys, results))
        years = sorted(int(y) for y in part_rows["year"].dropna().unique())
        room = 1.6 if together and len(group) > 1 else 0.6
        ax.set_xlim(min(years) - 0.6, max(years) + room)
        ticks = year_ticks(ax, years)
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(y) for y in ticks])
        ax.tick_params(labelsize=9)
        own = pd.concat([part_rows["value"], part_rows["low"], part_rows["high"]]) / factor
        low, high = value_limits(all_values if shared_y else own, unit)
        ax.set_ylim(low, high)
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)  # no "1e7" above the axis
        if not is_rate(unit) and ((part_rows["value"] / factor) % 1 == 0).all():
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts (次, 项) get whole-number ticks
        if low < 0 < high:
            ax.axhline(0, color=MUTED, linewidth=0.8)
        _grid(ax, "y")
        if not together:
            ax.set_title(group[0], loc="left", fontsize=10.5, color=colors[group[0]], pad=6)
    placer = LabelPlacer(canvas.figure)
    for ax, _region, _stance, _part, xs, ys, _results in series:
        placer.block_points(ax, xs, ys)
        placer.block_line(ax, xs, ys)
    if together and len(region_list) > 1:  # the lines' names at their last points: required
        for region in region_list:
            last = rows[rows["region"] == region].sort_values(["year", "stance"]).iloc[-1]
            shift = offset if last["stance"] == "target" else 0.0
            placer.place(canvas.axes[0], region, (last["year"] + shift, last["value"] / factor), LINE_END,
                         required=True, color=colors[region], fontsize=9)
    for rank in range(3):  # last points first, then first points, then the rest of short series
        for ax, region, stance_name, part, xs, ys, results in series:
            _value_labels(placer, ax, part, xs, ys, factor, unit, colors[region], stance_name, results, rank)
    return canvas, not placer.failed


def _value_labels(placer: LabelPlacer, ax, part: pd.DataFrame, xs, ys, factor: float, unit: str, color: str,
                  stance: str, results: dict[int, float], rank: int) -> None:
    n = len(xs)
    order = [n - 1] if rank == 0 else [0] if rank == 1 else list(range(1, n - 1)) if n <= 4 else []
    for i in order:
        if n == 1 and rank == 1:
            continue
        row = part.iloc[i]
        label = value_label(row, factor, unit)
        spots = AROUND
        if stance == "target":  # a target's label goes first to the side away from that year's result
            label = f"目标{label}"
            result = results.get(int(row["year"]))
            spots = BELOW_FIRST if result is None or result >= ys[i] else AROUND
        placer.place(ax, label, (xs[i], ys[i]), spots, color=color)


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


def _draw_series(ax, part: pd.DataFrame, factor: float, color: str, stance: str, shift: float):
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
    for x, (_, row) in zip(xs, part.iterrows(), strict=False):
        _interval(ax, x, row, factor, color, vertical=True)
    return list(xs), list(ys)


def _interval(ax, pos: float, row: pd.Series, factor: float, color: str, vertical: bool) -> None:
    # Ranges drawn as intervals: a translucent bar from low to high.
    low, high = row.get("low"), row.get("high")
    if row.get("qualifier") != "range" or pd.isna(low) or pd.isna(high):
        return
    if vertical:
        ax.vlines(pos, low / factor, high / factor, color=color, linewidth=3, alpha=0.35)
    else:
        ax.hlines(pos, low / factor, high / factor, color=color, linewidth=3, alpha=0.35)


def _years_finding(rows: pd.DataFrame, metric: str, factor: float, unit: str) -> str:
    actual = rows[rows["stance"] == "actual"].dropna(subset=["year"])

    def name_of(part: pd.DataFrame, level: str = "") -> str:
        return metric_name(metric, level, part)

    if actual.empty:
        first = rows.iloc[0]
        return f"{first['region']}{name_of(rows)}目标：{value_label(first, factor, unit)}{_unit_word(unit)}"
    regions = list(dict.fromkeys(actual["region"]))
    if len(regions) == 1:
        first, last = actual.iloc[0], actual.iloc[-1]
        level = str(last.get("admin_level", ""))
        if first["year"] == last["year"]:
            return f"{last['region']}{last['year']}年{name_of(actual, level)}为{value_label(last, factor, unit)}" \
                   f"{_unit_word(unit)}"
        verb = "升至" if last["value"] > first["value"] else "降至" if last["value"] < first["value"] else "持平于"
        return (f"{last['region']}{name_of(actual, level)}从{first['year']}年的{value_label(first, factor, unit)}"
                f"{_unit_word(unit)}{verb}{last['year']}年的{value_label(last, factor, unit)}{_unit_word(unit)}")
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
        return f"{'、'.join(regions)}{name_of(actual)}均{said[0][0]}"
    if said:
        return f"{name_of(actual)}：" + "，".join(f"{'、'.join(n)}{w}" for w, n in said)
    return f"{'、'.join(regions)}{name_of(actual)}"


def _unit_word(unit: str) -> str:
    return "" if unit in ("%", "‰", "") else unit


# --- which regions a ranking compares -----------------------------------------------------------------
def latest_per_region(rows: pd.DataFrame) -> pd.DataFrame:
    """For each region (and stance) the row of its latest year: used when the year parameter is "latest"."""
    if rows.empty:  # pandas cannot group an empty frame by columns it then drops
        return rows
    return rows.sort_values("year").groupby(["region", "stance"], dropna=False).tail(1)


def chosen_year(rows: pd.DataFrame, year: int | str) -> int | None:
    """The one year a comparison is made in: the year given, or for ``"common"`` the year most regions report
    (the latest such year); None for ``"latest"`` (each region its own)."""
    if year == "latest":
        return None
    if year == "common":
        counts = rows.groupby("year")["region"].nunique()
        return int(counts[counts == counts.max()].index.max()) if not counts.empty else None
    return int(year)


def rows_for_year(rows: pd.DataFrame, year: int | str) -> pd.DataFrame:
    """Rows of one year. ``"latest"``: each region's latest year (values labelled with their years);
    ``"common"``: the year most regions report (the latest such year), so the regions compare like with like."""
    when = chosen_year(rows, year)
    if year == "latest":
        return latest_per_region(rows)
    return rows if when is None else rows[rows["year"] == when]


def _inside(code: str, parent: str) -> bool:
    """True when adcode ``code`` lies inside ``parent`` (330783 in 330700, 330700 in 330000)."""
    prefix = parent.rstrip("0")
    if len(prefix) % 2:
        prefix += "0"
    return code != parent and bool(prefix) and code.startswith(prefix)


def split_parents(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(peers, parents): a region that contains another region of ``rows`` (a city and its county) is a parent;
    rankings compare peers only and show parents as references."""
    codes = {str(c) for c in rows["adcode"].dropna()}
    parent_codes = {p for p in codes if any(_inside(c, p) for c in codes)}
    is_parent = rows["adcode"].astype(str).isin(parent_codes)
    return rows[~is_parent], rows[is_parent]


def compared_rows(metrics: pd.DataFrame, metric: str, year: int | str, regions: Sequence[str] | None,
                  stance: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The peers' rows of the year compared, the parents' rows of that year, and every other region of the
    data with the reason it is not compared."""
    rows = select(metrics, metric, regions, None, stance)
    rows, _unit_note = one_unit(rows[~rows["period"].map(is_span)])
    peers, parents = split_parents(rows)
    when = chosen_year(peers, year)
    peers_now, parents_now = (latest_per_region(peers), latest_per_region(parents)) if when is None else \
        (peers[peers["year"] == when], parents[parents["year"] == when])
    everything = select(metrics, metric, regions, None, stance)
    yearly = everything[~everything["period"].map(is_span)]
    omitted: dict[str, str] = {r: "数值的单位与图中不同" if r in set(yearly["region"]) else "只有多年合计值"
                               for r in dict.fromkeys(everything["region"]) if r not in set(rows["region"])}
    for region, part in peers.groupby("region", sort=False):
        if region not in set(peers_now["region"]):
            omitted[str(region)] = f"无{when}年数据，最近为{int(part['year'].max())}年"
    for region in dict.fromkeys(parents["region"]):
        if region not in set(parents_now["region"]):
            omitted[str(region)] = f"为图中地区的上级，且无{when}年数据"
    return peers_now, parents_now, omitted


def _when(year: int | str, rows: pd.DataFrame) -> str:
    if year == "latest" and rows["year"].nunique() > 1:
        return f"各地最近一年（{rows['year'].min()}–{rows['year'].max()}年）"
    return f"{rows['year'].iloc[0]}年"


# --- regions chart ----------------------------------------------------------------------------------
def regions_chart(metrics: pd.DataFrame, metric: str, year: int | str = "latest",
                  regions: Sequence[str] | None = None, stance: str = "actual",
                  doc_names: dict[str, str] | None = None, omitted: dict[str, str] | None = None) -> Chart:
    """Regions ranked by one metric in one year (or each region's latest year), horizontal bars. A region that
    contains others of the data (a city and its counties) is a dashed reference line, not a bar. ``omitted``:
    regions the caller left out already (another admin level, outside the parent), named in the footnote."""
    every = select(metrics, metric, regions, None, stance)
    rows, parents, left_out = compared_rows(metrics, metric, year, regions, stance)
    left_out = {**(omitted or {}), **left_out}
    if rows.empty:
        raise ValueError(f"no values for metric {metric!r} in year {year} with these parameters")
    actual = rows[rows["stance"] == "actual"]
    order_rows = actual if not actual.empty else rows
    order = list(order_rows.sort_values("value")["region"])  # smallest first: matplotlib draws bottom-up
    order += [r for r in dict.fromkeys(rows["region"]) if r not in order]
    unit = str(rows["unit"].iloc[0])
    scale_rows = pd.concat([rows, parents])
    factor, shown_unit = unit_scale(unit, pd.concat([scale_rows["value"], scale_rows["low"], scale_rows["high"]]))
    mixed_years = scale_rows["year"].nunique() > 1
    name = metric_name(metric, "", rows)
    title = _regions_finding(order_rows, metric, factor, shown_unit, mixed_years, parents, name)
    subtitle = f"{name}，{_when(year, rows)}，单位：{shown_unit or '—'}" + \
        ("；空心框为预期目标" if (rows["stance"] == "target").any() and (rows["stance"] == "actual").any() else "") + \
        ("；虚线为上级地区" if not parents.empty else "")
    notes = [omission_note(left_out)]
    extra_rows = 1 if not parents.empty else 0
    height = max(1.6, 0.42 * (len(order) + extra_rows) + 0.5)
    canvas = new_canvas(title, subtitle, [*[n for n in notes if n], source_line(scale_rows, doc_names)],
                        panel_height=height, left=1.6)
    fig, ax = canvas.figure, canvas.axes[0]
    both = rows["stance"].nunique() > 1
    bar_h = 0.38 if both else 0.62
    values = pd.concat([rows["value"], parents["value"]]) / factor
    lo, hi = min(0.0, values.min()), max(0.0, values.max())
    pad = (hi - lo) * 0.3 or 1  # room for the value labels at the bar ends
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    ax.set_ylim(-0.6, len(order) - 0.4 + extra_rows)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=10)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    _grid(ax, "x")
    bars = []
    for i, region in enumerate(order):
        for stance_name, shift in (("actual", bar_h / 2 if both else 0), ("target", -bar_h / 2)):
            part = rows[(rows["region"] == region) & (rows["stance"] == stance_name)]
            if part.empty:
                continue
            row = part.iloc[0]
            target = stance_name == "target"
            ax.barh(i + shift, row["value"] / factor, height=bar_h, color="white" if target else ACCENT,
                    edgecolor=TARGET_INK if target else ACCENT, linestyle="--" if target else "-", linewidth=1.4)
            _interval(ax, i + shift, row, factor, INK, vertical=False)
            bars.append((i + shift, row, target))
    for parent in parents.itertuples():
        ax.axvline(parent.value / factor, color=MUTED, linewidth=1.2, linestyle="--", zorder=1)
    placer = LabelPlacer(fig)
    for y, row, target in bars:
        value = row["value"] / factor
        label = ("目标" if target else "") + value_label(row, factor, shown_unit) + \
            (f"（{row['year']}年）" if mixed_years else "")
        side = [((4, 0), "left", "center"), ((-4, 0), "right", "center")]
        placer.place(ax, label, (value, y), side if value >= 0 else side[::-1], required=True, fontsize=9,
                     color=TARGET_INK if target else INK)
    for parent in parents.itertuples():
        label = f"{parent.region} {value_label(parent._asdict(), factor, shown_unit)}" + \
            (f"（{parent.year}年）" if mixed_years else "")
        spots = [((4, dy), "left", "center") for dy in (0, -11, 11)] + \
            [((-4, dy), "right", "center") for dy in (0, -11, 11)]
        placer.place(ax, label, (parent.value / factor, len(order) - 0.5 + extra_rows * 0.5), spots,
                     required=True, fontsize=9, color=MUTED)
    if placer.failed:
        raise ChartCheckError(f"no room for the labels {placer.failed} of the ranking")
    plotted = pd.concat([rows.set_index("region").loc[order].reset_index(), parents])
    return _chart(canvas, plotted, title, notes, [*every["region"], *(omitted or {})], left_out)

def _bar_axis(ax, labels: list[str], values: pd.Series) -> None:
    """Horizontal bars' axis: a label per bar, no left spine, room for the value labels at the bar ends."""
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=10)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    lo, hi = min(0.0, values.min()), max(0.0, values.max())
    pad = (hi - lo) * 0.25 or 1
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)


def _regions_finding(rows: pd.DataFrame, metric: str, factor: float, unit: str, mixed: bool,
                     parents: pd.DataFrame, name: str) -> str:
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
        finding = f"{when}{tied(top['value'])}{name}为{part(top)}"
        if len(parents) == 1 and len(ranked) == 1:
            parent = parents.iloc[0]
            word = "高于" if top["value"] > parent["value"] else "低于" if top["value"] < parent["value"] else "等于"
            finding += f"，{word}{parent['region']}（{part(parent)}）"
        return finding
    return (f"{when}{name}：{tied(top['value'])}最高（{part(top)}），"
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


SMALLEST_AREA, LARGEST_AREA = 110.0, 900.0  # points² of the smallest and largest circle


def circle_areas(values: pd.Series, unit: str) -> tuple[pd.Series, str]:
    """Marker areas and the subtitle's words for them. Levels: area proportional to the value. Rates (all of
    one sign): area over the values' own span, smallest to largest circle, so 5.0% and 5.5% differ visibly;
    the words say where the scale starts."""
    size = values.abs()
    lo, hi = float(size.min()), float(size.max())
    same_sign = (values > 0).all() or (values < 0).all()
    if is_rate(unit) and same_sign and hi > lo:
        areas = SMALLEST_AREA + (LARGEST_AREA - SMALLEST_AREA) * (size - lo) / (hi - lo)
        return areas, "圆越大数值越高（面积从最小值起缩放，不从零起算）"
    biggest = max(hi, 1e-12)
    return (LARGEST_AREA * size / biggest).clip(lower=12), "圆面积与数值成正比"


def placement_chart(metrics: pd.DataFrame, metric: str, year: int | str = "latest",
                    regions: Sequence[str] | None = None, stance: str = "actual",
                    doc_names: dict[str, str] | None = None, omitted: dict[str, str] | None = None) -> Chart:
    """Regions placed by longitude/latitude, marker area for the value (negative: hollow). Parents of other
    regions of the data, and regions the gazetteer cannot place, are named in the footnote."""
    stance = stance if stance != "both" else "actual"
    every = select(metrics, metric, regions, None, stance)
    rows, parents, left_out = compared_rows(metrics, metric, year, regions, stance)
    left_out = {**(omitted or {}), **left_out}
    if rows.empty:
        raise ValueError(f"no values for metric {metric!r} in year {year}")
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, pd.concat([rows["value"], parents["value"]]))
    mixed_years = pd.concat([rows, parents])["year"].nunique() > 1
    for parent in parents.itertuples():
        left_out[parent.region] = f"为图中地区的上级，{value_label(parent._asdict(), factor, shown_unit)}" + \
            (f"（{parent.year}年）" if mixed_years else "") + "，不与下辖地区并列"
    coords = coordinates(rows["adcode"].dropna())
    placeable = rows["adcode"].map(lambda a: isinstance(a, str) and a[:6] in coords)
    for region in rows.loc[~placeable, "region"]:
        left_out[region] = "地名库中无经纬度"
    rows = rows[placeable]
    if rows.empty:
        raise ValueError(f"no values with known coordinates for metric {metric!r} in year {year}")
    name = metric_name(metric, "", rows)
    top = rows.sort_values("value", ascending=False).iloc[0]
    leaders = "、".join(rows[rows["value"] == top["value"]]["region"])  # a tie names every leader
    in_year = "" if mixed_years else f"{top['year']}年"
    title = f"{in_year}{name}：{leaders}最高（{value_label(top, factor, shown_unit)}" \
            f"{_unit_word(shown_unit)}）" if len(rows) > 1 else \
        f"{in_year}{top['region']}{name}为{value_label(top, factor, shown_unit)}{_unit_word(shown_unit)}"
    areas, scale_words = circle_areas(rows["value"], unit)
    subtitle = f"{name}，{_when(year, rows)}，单位：{shown_unit or '—'}；{scale_words}，按经纬度放置" + \
        ("；空心圆为负值" if (rows["value"] < 0).any() else "")
    labels = {row.region: f"{row.region} {value_label(row._asdict(), factor, shown_unit)}" +
              (f"（{row.year}年）" if mixed_years else "") for row in rows.itertuples()}
    notes = [omission_note(left_out)]
    crowded: list[str] = []
    for _attempt in range(4):  # a label with no free spot is named in the footnote instead, and the map redrawn
        canvas, unplaced = _draw_map(rows, coords, areas, labels, title, subtitle,
                                     [*notes, _crowded_note(crowded), source_line(rows, doc_names)], set(crowded))
        if not unplaced:
            break
        plt.close(canvas.figure)
        crowded += unplaced
    else:
        raise ChartCheckError(f"no room for the labels {unplaced} of the map")
    notes.append(_crowded_note(crowded))
    return _chart(canvas, rows, title, notes, [*every["region"], *(omitted or {})], left_out)


def _crowded_note(labels: list[str]) -> str:
    return "圆旁放不下、在此列出：" + "；".join(labels) if labels else ""


def _draw_map(rows: pd.DataFrame, coords: dict, areas: pd.Series, labels: dict[str, str], title: str,
              subtitle: str, footer: list[str], skip: set[str]) -> tuple[Canvas, list[str]]:
    """The map with a circle per region and every label not in ``skip``; returns the labels with no free spot."""
    canvas = new_canvas(title, subtitle, [part for part in footer if part], width=8, panel_height=4.6, left=1.4)
    fig, ax = canvas.figure, canvas.axes[0]
    lons = [coords[a[:6]][0] for a in rows["adcode"]]
    lats = [coords[a[:6]][1] for a in rows["adcode"]]
    _map_limits(ax, lons, lats)
    markers = []
    for row, area in sorted(zip(rows.itertuples(), areas, strict=True), key=lambda p: -p[1]):
        lon, lat = coords[row.adcode[:6]]
        negative = row.value < 0
        ax.scatter(lon, lat, s=area, facecolor="white" if negative else ACCENT, zorder=2,
                   edgecolor=TARGET_INK if negative else ACCENT, alpha=1 if negative else 0.45, linewidth=1.4)
        ax.scatter(lon, lat, s=6, color=INK, zorder=3)  # the exact place, whatever the circle's size
        markers.append((row, lon, lat, math.sqrt(area) / 2))
    ax.set_xlabel("经度（°E）")
    ax.set_ylabel("纬度（°N）")
    ax.grid(color="#f0f0f0", linewidth=0.8)
    ax.set_axisbelow(True)
    placer = LabelPlacer(fig)
    for _row, lon, lat, radius in markers:  # labels avoid every circle
        placer.block_points(ax, [lon], [lat], radius_pt=radius)
    for row, lon, lat, radius in markers:
        if labels[row.region] not in skip:
            placer.place(ax, labels[row.region], (lon, lat), around(radius + 3), required=True, fontsize=9,
                         leader_after=8)  # beyond the first ring of spots a line shows whose label it is
    return canvas, placer.failed


def _map_limits(ax, lons: list[float], lats: list[float]) -> None:
    """Limits that keep a degree of latitude 1/cos(latitude) times a degree of longitude on screen (equal
    distances east and north), widened in one direction to fill the panel."""
    pad = max(0.3, (max(lons) - min(lons)) * 0.25, (max(lats) - min(lats)) * 0.25)
    x_range, y_range = max(lons) - min(lons) + 2 * pad, max(lats) - min(lats) + 2 * pad
    stretch = 1 / math.cos(math.radians(sum(lats) / len(lats)))
    box = ax.get_position()
    width, height = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
    # on screen: height / y_range == stretch * width / x_range
    if height / y_range > stretch * width / x_range:
        y_range = height * x_range / (stretch * width)
    else:
        x_range = stretch * width * y_range / height
    x_mid, y_mid = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    ax.set_xlim(x_mid - x_range / 2, x_mid + x_range / 2)
    ax.set_ylim(y_mid - y_range / 2, y_mid + y_range / 2)


def figure_table_chart(figures: pd.DataFrame, doc_id: str, doc_names: dict[str, str] | None = None) -> Chart:
    """Bar chart of how many figures a document has per metric (unclassified shown as 未分类)."""
    rows = figures[figures["doc_id"] == doc_id].copy()
    if rows.empty:
        raise ValueError(f"document {doc_id!r} has no figures")
    counts = rows.assign(metric=rows["metric"].fillna("").replace("", "未分类")) \
        .groupby("metric").size().sort_values()
    named = (doc_names or {}).get(doc_id) or processed.readable_name(rows.iloc[0])
    title = f"{named}：共找到{len(rows)}个数字，{int((rows['metric'].fillna('') == '').sum())}个未分类"
    canvas = new_canvas(title, "按指标统计的数字个数（个）", [source_line(rows, doc_names)],
                        panel_height=max(1.6, 0.3 * len(counts) + 0.4), left=2.6)
    ax = canvas.axes[0]
    ax.barh(range(len(counts)), counts.to_numpy(), color=ACCENT, height=0.6)
    ax.set_yticks(range(len(counts)))
    ax.set_yticklabels([metric_name(m, "", rows[rows["metric"] == m]) if m != "未分类" else m
                        for m in counts.index], fontsize=9)
    ax.set_xlim(0, counts.max() * 1.15 + 1)
    ax.set_ylim(-0.6, len(counts) - 0.4)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    placer = LabelPlacer(canvas.figure)
    for i, n in enumerate(counts.to_numpy()):
        placer.place(ax, str(n), (n, i), [((3, 0), "left", "center")], required=True, fontsize=8.5)
    return _chart(canvas, rows, title, [], [], {})


def close(chart: Chart) -> None:
    plt.close(chart.figure)


# --- what the notebooks call ------------------------------------------------------------------------
def _written(chart: Chart, paths: dict[str, Path], **extra) -> dict:
    return {"title": chart.title, "rows": len(chart.rows), "left out": omission_note(chart.omitted),
            **{k: str(v) for k, v in paths.items()}, **extra}


def years_report(p) -> list[dict]:
    """Draw and save one years chart per metric for params.YearsParams ``p``; returns what was written.

    With no metrics given, every metric with values in at least ``p.min_years`` years is drawn."""
    table = p.metrics_table
    names = p.doc_names
    metrics = list(p.metrics)
    if not metrics:
        rows = select(table, None, p.regions, p.years, p.stance)
        rows = rows[~rows["period"].map(is_span) & rows["metric"].notna()]
        # A metric qualifies when some region has values in min_years years: that is a trend to show.
        counts = rows.groupby(["metric", "region"])["year"].nunique().groupby("metric").max()
        metrics = sorted(counts[counts >= p.min_years].index)
        if not metrics:
            raise ValueError(f"no region has values of one metric in {p.min_years}+ years for these parameters "
                             f"(metrics present: {', '.join(sorted(table['metric'].dropna().unique())) or 'none'})")
    written = []
    for metric in metrics:
        chart = years_chart(table, metric, p.regions or None, p.years, p.stance, names, min_years=p.min_years)
        written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{_file_stem(metric)}"), metric=metric))
        close(chart)
    return written


def region_rows(p, metric: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows of params.RegionsParams ``p``'s metric (or ``metric``) limited to its admin levels and parent region,
    and every other region of that metric with the reason it is out of scope."""
    metric = p.metric if metric is None else metric
    everything = select(p.metrics_table, metric, None, None, p.stance)
    rows = everything
    if p.admin_level:
        rows = rows[rows["admin_level"].isin(p.admin_level)]
    if p.parent_adcode:
        rows = rows[processed.children_of(rows, p.parent_adcode)]
    scope = []
    if p.admin_level:
        scope.append(f"只比较{'、'.join(ADMIN_LEVEL_NAMES.get(level, level) for level in p.admin_level)}地区")
    if p.parent:
        scope.append(f"位于{p.parent}")
    out = {str(r): f"不在所选范围（{'、'.join(scope)}）" for r in dict.fromkeys(everything["region"]) if r not in set(rows["region"])}
    return rows, out


def regions_report(p) -> list[dict]:
    """Ranked bars and the longitude/latitude placement for params.RegionsParams ``p``: its metric, then each
    subject key's series."""
    written = []
    series = ([p.metric] if p.metric else []) + list(getattr(p, "key_series", []))
    for metric in series:
        written += _regions_charts(p, metric, strict=metric == p.metric)
    return written


def _regions_charts(p, metric: str, strict: bool) -> list[dict]:
    rows, out_of_scope = region_rows(p, metric)
    if rows.empty:
        where = f" in {p.parent}" if p.parent else ""
        levels = f" at level {', '.join(p.admin_level)}" if p.admin_level else ""
        if strict:
            raise ValueError(f"no values of metric {metric!r}{where}{levels}")
        return [{"title": f"no chart: no values of {metric!r}{where}{levels}", "rows": 0}]
    names = p.doc_names
    written = []
    chart = regions_chart(rows, metric, p.year, None, p.stance, names, omitted=out_of_scope)
    stem = _file_stem(metric)
    written.append(_written(chart, save_chart(chart, p.figures, f"{p.name}_{stem}_ranked"), kind="ranked"))
    close(chart)
    try:
        chart = placement_chart(rows, metric, p.year, None, p.stance, names, omitted=out_of_scope)
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
    every_region = list(dict.fromkeys(rows["region"]))
    region_list = every_region[:MAX_TARGET_PANELS]
    omitted = {r: f"每图最多{MAX_TARGET_PANELS}个地区" for r in every_region[MAX_TARGET_PANELS:]}
    rows = rows[rows["region"].isin(region_list)]
    unit = str(rows["unit"].iloc[0])
    factor, shown = unit_scale(unit, pd.concat([rows["target_value"], rows["result_value"]]))
    met = int((rows["met"] == "yes").sum())
    name = metric_name(metric, str(rows["admin_level"].iloc[0]))
    where = region_list[0] if len(region_list) == 1 else f"{len(region_list)}个地区的"
    title = f"{where}{name}：{len(rows)}个年度目标中{met}个达到"
    subtitle = f"{name}，单位：{shown or '—'}；灰线、灰带为预期目标，▲▼为下限、上限；绿点达到，红点未达到"
    notes = ["判定规则见 processed/targets.csv 的 rule 列（左右：±0.5个百分点或目标的5%以内，或好于目标）",
             omission_note(omitted)]
    canvas = new_canvas(title, subtitle, [*[n for n in notes if n], _target_sources(rows, doc_names)],
                        panels=len(region_list), ncols=1, panel_height=1.9 if len(region_list) > 1 else 3.8)
    all_years = sorted(int(y) for y in rows["year"].unique())
    points = []
    for ax, region in zip(canvas.axes, region_list, strict=True):
        part = rows[rows["region"] == region]
        values = []
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
            values += [line, y, *(v for v in (low, high) if v is not None)]
            points.append((ax, x, y, f"{format_number(y)}{unit if is_rate(unit) else ''}", color, line))
        ax.set_xlim(min(all_years) - 0.6, max(all_years) + 0.6)
        ticks = year_ticks(ax, all_years)
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(y) for y in ticks])
        ax.tick_params(labelsize=9)
        ax.set_ylim(*value_limits(values, unit))
        _grid(ax, "y")
        if len(region_list) > 1:
            ax.set_title(region, fontsize=10, color=INK, loc="left")
    placer = LabelPlacer(canvas.figure)
    for ax, x, y, _label, _color, line in points:  # labels keep off the results and the target lines
        placer.block_points(ax, [x], [y])
        placer.block_line(ax, [x - 0.3, x + 0.3], [line, line])
    for ax, x, y, label, color, _line in points:
        placer.place(ax, label, (x, y), AROUND, color=color)
    return _chart(canvas, rows, title, notes, every_region, omitted, columns=TARGET_ROW_COLUMNS)


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


# --- the regions of one table -------------------------------------------------------------------------
def table_regions_chart(found: processed.RegionTable, doc_names: dict[str, str] | None = None) -> Chart:
    """The regions of one printed table ranked by one of its columns (a province's counties by debt balance),
    the table and its pages cited; the document region's own total, if printed, is named in the subtitle."""
    rows = found.rows.sort_values("value")
    if rows.empty:
        raise ValueError(f"table {found.table} of {found.doc_id} has no region rows in column {found.column!r}")
    unit = str(rows["unit"].iloc[0])
    factor, shown_unit = unit_scale(unit, rows["value"])
    names = [str(r) for r in rows["row_label"]]
    top = rows.iloc[-1]
    what = found.column.replace(" / ", "")
    year = "" if rows["year"].nunique() != 1 or pd.isna(top["year"]) or f"{int(top['year'])}年" in what \
        else f"{int(top['year'])}年"
    title = f"{year}{what}：{top['row_label']}最高（{value_label(top, factor, shown_unit)}{_unit_word(shown_unit)}）" \
        if len(rows) > 1 else f"{top['row_label']}{what}"
    pages = "、".join(str(p) for p in found.pages)
    subtitle = f"{what}，单位：{shown_unit or '—'}；表{found.table}（第{pages}页）"
    if not found.total.empty:
        total = found.total.iloc[0]
        subtitle += f"；{total['row_label']}合计{value_label(total, factor, shown_unit)}{_unit_word(shown_unit)}"
    canvas = new_canvas(title, subtitle, [source_line(rows, doc_names)],
                        panel_height=max(1.6, 0.42 * len(rows) + 0.5), left=1.6)
    fig, ax = canvas.figure, canvas.axes[0]
    placer = LabelPlacer(fig)
    for i, row in enumerate(rows.itertuples()):
        value = row.value / factor
        ax.barh(i, value, height=0.62, color=ACCENT)
    _bar_axis(ax, names, rows["value"] / factor)
    for i, row in enumerate(rows.itertuples()):
        value = row.value / factor
        side = [((4, 0), "left", "center"), ((-4, 0), "right", "center")]
        placer.place(ax, value_label(row._asdict(), factor, shown_unit), (value, i),
                     side if value >= 0 else side[::-1], required=True, fontsize=9, color=INK)
    if placer.failed:
        raise ChartCheckError(f"no room for the labels {placer.failed} of the table's ranking")
    plotted = rows.iloc[::-1].reset_index(drop=True)
    keep = [c for c in PLOTTED_COLUMNS + ["row_label", "column_label", "locator"] if c in plotted]
    return _chart(canvas, plotted, title, [], [], {}, keep)


def table_regions_report(p) -> list[dict]:
    """The ranked regions of one table for params.TableParams ``p``. With no document or table named and no
    table of regions in the processed tables, says so and draws nothing (the notebook runs on any corpus)."""
    try:
        found = processed.region_table(processed.load_figures(p.processed), p.doc_id, p.table, p.column)
    except ValueError as exc:
        if p.doc_id or p.table or p.column:
            raise
        return [{"title": f"nothing to rank: {exc}", "rows": 0}]
    chart = table_regions_chart(found, p.doc_names)
    written = [_written(chart, save_chart(chart, p.figures, f"{p.name}_{found.doc_id}_t{found.table}"),
                        doc_id=found.doc_id, table=found.table, column=found.column)]
    close(chart)
    return written
