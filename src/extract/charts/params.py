"""Validate notebook parameters: plain data in, clear one-line errors out.

Papermill injects parameters as literals and only *warns* about names a notebook does not declare, and
`papermill -p metrics '["gdp_growth"]'` passes the list as a string. The notebooks therefore call these
helpers in the cell right after their `parameters` cell. Nothing here evaluates code: strings that look
like lists are read with a JSON/YAML *data* parser, never `eval`.

Every failure raises ParameterError whose message is one line naming the parameter, what was expected and
what was given — for unknown names, the close matches (difflib).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from extract import config
from extract.charts import processed as processed_tables
from extract.model import ADMIN_LEVELS
from extract.model import STANCES as FIGURE_STANCES
from extract.safety import published
from extract.terminal import did_you_mean

STANCES = (*FIGURE_STANCES, "both")  # a chart may draw results, targets or both


class ParameterError(ValueError):
    """A notebook parameter that is not usable; str(err) is one line."""


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: object) -> str:
    return type(value).__name__


# --- types ------------------------------------------------------------------------------------------
def as_text(name: str, value: object, allow_empty: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name}: expected text, got {_type_name(value)} {_show(value)}")
    value = value.strip()
    if not value and not allow_empty:
        raise ParameterError(f"parameter {name}: must not be empty")
    return value


def as_list(name: str, value: object, item: type = str) -> list:
    """A list parameter. Accepts a list, a string holding a JSON/YAML list ('["a","b"]', as papermill -p
    passes it), a comma-separated string ("a,b"), a single scalar, or None/""/[] for "none given"."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = yaml.safe_load(text)  # data only: safe_load builds lists/str/int, never objects
            except yaml.YAMLError as exc:
                raise ParameterError(f"parameter {name}: cannot read {_show(text)} as a list "
                                     f"({str(exc).splitlines()[0]})") from None
        else:
            value = [part.strip() for part in re.split(r"[,，、]", text) if part.strip()]
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        raise ParameterError(f"parameter {name}: expected a list of {item.__name__}, got {_type_name(value)} "
                             f"{_show(value)}")
    return [_as_item(name, v, item) for v in value]


def _as_item(name: str, value: object, item: type):
    if item is int:
        if isinstance(value, bool):
            raise ParameterError(f"parameter {name}: expected whole numbers, got {_show(value)}")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
            return int(value)
        raise ParameterError(f"parameter {name}: expected whole numbers, got {_type_name(value)} {_show(value)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if not isinstance(value, float) else str(int(value)) if value.is_integer() else str(value)
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name}: expected text items, got {_type_name(value)} {_show(value)}")
    return value.strip()


def as_year(name: str, value: object, allow_latest: bool = True) -> int | str:
    """A year (2024, "2024") or, when allowed, "latest" (each region's most recent year) or "common"
    (the year most regions report)."""
    if allow_latest and (value is None or value == "" or value == "latest"):
        return "latest"
    if allow_latest and value == "common":
        return "common"
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name}: expected a year like 2024, got {_show(value)}")
    if isinstance(value, int) and 1900 <= value <= 2100:
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*(19|20)\d\d\s*", value):
        return int(value)
    hint = ', "latest" or "common"' if allow_latest else ""
    raise ParameterError(f"parameter {name}: expected a year like 2024{hint}, got {_type_name(value)} {_show(value)}")


def as_year_range(name: str, value: object) -> list[int]:
    """[] (all years), [first, last], or the text "2015-2024"."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*[-–]\s*\d{4}\s*", value):
        value = [int(y) for y in re.findall(r"\d{4}", value)]
    expected = f"parameter {name}: expected [] or [first, last] years like [2015, 2024], got {_show(value)}"
    try:
        years = as_list(name, value, int)
    except ParameterError:
        raise ParameterError(expected) from None
    if len(years) not in (0, 1, 2) or any(not 1900 <= y <= 2100 for y in years):
        raise ParameterError(expected)
    if len(years) == 2 and years[0] > years[1]:
        raise ParameterError(f"parameter {name}: first year {years[0]} is after last year {years[1]}")
    return years


def as_choice(name: str, value: object, choices: Sequence[str]) -> str:
    text = as_text(name, value)
    if text not in choices:
        raise ParameterError(f"parameter {name}: {_show(text)} is not one of {', '.join(choices)}"
                             + did_you_mean(text, choices))
    return text


def as_bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ParameterError(f"parameter {name}: expected True or False, got {_type_name(value)} {_show(value)}")


# --- known names ------------------------------------------------------------------------------------
def check_known(name: str, values: Iterable[str], known: Iterable[str], what: str) -> None:
    """Fail on the first value not in ``known``, listing close matches and, when short, all known values."""
    known = sorted({str(k) for k in known if isinstance(k, str) and k})
    for value in values:
        if value not in known:
            listing = f"; known: {', '.join(known)}" if len(known) <= 12 else f"; {len(known)} known {what}s"
            raise ParameterError(f"parameter {name}: unknown {what} {_show(value)}"
                                 f"{did_you_mean(value, known)}{listing}")


def resolve_regions(name: str, regions: list[str], table: pd.DataFrame) -> list[str]:
    """Region names or adcodes -> names as they appear in the table; unknown ones fail with close matches."""
    names = set(table["region"].dropna().astype(str))
    by_code = dict(zip(table["adcode"].dropna().astype(str), table.loc[table["adcode"].notna(), "region"],
                       strict=False))
    resolved = []
    for region in regions:
        if region in names:
            resolved.append(region)
        elif region in by_code:
            resolved.append(str(by_code[region]))
        else:
            check_known(name, [region], names | set(by_code), "region")
    return resolved


def resolve_dir(name: str, value: object, default: Path, must_exist: bool = True) -> Path:
    """A folder parameter; "" means the project's default folder (works from any working directory). For
    ``figures`` that is drafts/figures/: a notebook run by hand never writes into figures/, which is the
    scheduled set (`reviewfigs report` always passes its own folder)."""
    text = as_text(name, value)
    path = Path(text).expanduser() if text else default
    if must_exist and not path.is_dir():
        raise ParameterError(f"parameter {name}: folder {str(path)!r} does not exist")
    return path.resolve()


def chart_name(name: str, value: object) -> str:
    text = as_text(name, value, allow_empty=False)
    if not re.fullmatch(r"[A-Za-z0-9_][\w.\-]*", text):
        raise ParameterError(f"parameter {name}: {_show(text)} must be a file name (letters, digits, . _ -)")
    return text


# --- the notebooks' parameter sets ------------------------------------------------------------------
@dataclass
class Common:
    processed: Path
    figures: Path
    metrics_table: pd.DataFrame = field(repr=False)
    doc_names: dict[str, str] = field(default_factory=dict, repr=False)  # doc_id -> name for source lines


def common(processed: object, figures: object) -> Common:
    processed_dir = resolve_dir("processed", processed, config.PROCESSED_DIR)
    if not (processed_dir / "metrics.parquet").is_file():
        raise ParameterError(f"parameter processed: {processed_dir} has no metrics.parquet "
                             f"(run `reviewfigs run --out {processed_dir}` first)")
    figures_dir = resolve_dir("figures", figures, config.DRAFT_FIGURES_DIR, must_exist=False)
    figures_dir.mkdir(parents=True, exist_ok=True)
    processed_dir = published(processed_dir)  # every table from one run's set, even while a run publishes
    return Common(processed_dir, figures_dir, processed_tables.load_metrics(processed_dir),
                  processed_tables.document_names(processed_dir))


@dataclass
class YearsParams(Common):
    regions: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    stance: str = "both"
    name: str = "years"
    min_years: int = 1
    subject_keys: list[str] = field(default_factory=list)


def _min_years(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"parameter min_years: expected a whole number >= 1, got {_show(value)}")
    return value


def with_subject_keys(base: Common, keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The metrics table plus the rows of the subject keys asked for (processed.subject_key_table), and the
    series names those keys take (a key per unit: 地区生产总值（%）). Unknown keys fail with close matches."""
    if not keys:
        return base.metrics_table, []
    figures_table = processed_tables.load_figures(base.processed)
    check_known("subject_keys", keys, figures_table["subject_key"].dropna().astype(str), "subject key")
    key_rows = processed_tables.subject_key_table(figures_table, keys)
    if key_rows.empty:
        raise ParameterError(f"parameter subject_keys: {', '.join(keys)} has no figure with a year and a value")
    table = pd.concat([base.metrics_table, key_rows], ignore_index=True)
    return table, sorted(key_rows["metric"].astype(str).unique())


def years_params(processed: object = "", figures: object = "", regions: object = None, metrics: object = None,
                 years: object = None, stance: object = "both", name: object = "years",
                 min_years: object = 1, subject_keys: object = None) -> YearsParams:
    """Parameters of 02_compare_years. metrics=[] means every metric with yearly values (none when only
    subject_keys are given); subject_keys draws subjects without a metric the same way (one series per unit)."""
    check_injected_names(years_params)
    base = common(processed, figures)
    key_list = as_list("subject_keys", subject_keys)
    table, key_series = with_subject_keys(base, key_list)
    region_list = resolve_regions("regions", as_list("regions", regions), table)
    metric_list = as_list("metrics", metrics)
    check_known("metrics", metric_list, base.metrics_table["metric"].dropna().astype(str), "metric")
    chosen = metric_list + key_series if (metric_list or key_series) else []
    return YearsParams(base.processed, base.figures, table, base.doc_names, region_list, chosen,
                       as_year_range("years", years), as_choice("stance", stance, STANCES),
                       chart_name("name", name), _min_years(min_years), key_list)


@dataclass
class RegionsParams(Common):
    metric: str = ""
    year: int | str = "latest"
    admin_level: list[str] = field(default_factory=list)
    parent: str = ""
    parent_adcode: str = ""
    stance: str = "actual"
    name: str = "regions"
    subject_keys: list[str] = field(default_factory=list)
    key_series: list[str] = field(default_factory=list)  # the subject keys' series names (one per unit)


def regions_params(processed: object = "", figures: object = "", metric: object = "", year: object = "latest",
                   admin_level: object = None, parent: object = "", stance: object = "actual",
                   name: object = "regions", subject_keys: object = None) -> RegionsParams:
    """Parameters of 03_compare_regions: one metric (or subject keys, each compared the same way), a year (or
    "latest"), which regions."""
    check_injected_names(regions_params)
    base = common(processed, figures)
    key_list = as_list("subject_keys", subject_keys)
    table, key_series = with_subject_keys(base, key_list)
    metric_name = as_text("metric", metric, allow_empty=bool(key_series))
    if metric_name:
        check_known("metric", [metric_name], base.metrics_table["metric"].dropna().astype(str), "metric")
    levels = as_list("admin_level", admin_level)
    for level in levels:
        as_choice("admin_level", level, ADMIN_LEVELS)
    parent_name = as_text("parent", parent)
    parent_code = ""
    if parent_name:
        parent_code = _parent_adcode(parent_name)
    return RegionsParams(base.processed, base.figures, table, base.doc_names, metric_name, as_year("year", year), levels,
                         parent_name, parent_code, as_choice("stance", stance, STANCES), chart_name("name", name),
                         key_list, key_series)


def _parent_adcode(parent: str) -> str:
    """The adcode of a parent region (name or code), through the gazetteer."""
    if re.fullmatch(r"\d{6}", parent):
        return parent
    from extract.grammar import gazetteer

    try:
        place = gazetteer.lookup(name=parent)
    except Exception as exc:  # the gazetteer's own one-line reason (unknown or ambiguous)
        raise ParameterError(f"parameter parent: {str(exc).splitlines()[0]}") from None
    return str(place.adcode)


@dataclass
class TargetsParams(Common):
    targets_table: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    regions: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    name: str = "targets"
    min_years: int = 2


def targets_params(processed: object = "", figures: object = "", regions: object = None, metrics: object = None,
                   years: object = None, name: object = "targets", min_years: object = 2) -> TargetsParams:
    """Parameters of 04_targets: targets.csv's rows for some regions and metrics (metrics=[]: every metric one
    region pairs in min_years years)."""
    check_injected_names(targets_params)
    base = common(processed, figures)
    try:
        targets = processed_tables.load_targets(base.processed)
    except FileNotFoundError:
        raise ParameterError(f"parameter processed: {base.processed} has no targets.parquet (run `reviewfigs run "
                             f"--out {base.processed}` again)") from None
    region_list = resolve_regions("regions", as_list("regions", regions), base.metrics_table) if regions else []
    metric_list = as_list("metrics", metrics)
    from extract.grammar.taxonomy import load_taxonomy

    check_known("metrics", metric_list, [m.id for m in load_taxonomy()], "metric")
    return TargetsParams(base.processed, base.figures, base.metrics_table, base.doc_names, targets, region_list,
                         metric_list, as_year_range("years", years), chart_name("name", name), _min_years(min_years))


@dataclass
class DocumentParams(Common):
    doc_id: str = ""
    pdf: Path | None = None
    pages: list[int] = field(default_factory=list)
    max_pages: int = 3
    raw: Path | None = None


def document_params(processed: object = "", figures: object = "", doc_id: object = "", pdf: object = "",
                    pages: object = None, max_pages: object = 3, raw: object = "") -> DocumentParams:
    """Parameters of 01_explore_document: a doc_id of the processed tables, or a PDF path.

    With neither, the document with the most figures is shown (so the notebook runs on any corpus)."""
    check_injected_names(document_params)
    doc = as_text("doc_id", doc_id)
    pdf_text = as_text("pdf", pdf)
    page_list = as_list("pages", pages, int)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or not 1 <= max_pages <= 50:
        raise ParameterError(f"parameter max_pages: expected a whole number 1-50, got {_show(max_pages)}")
    figures_dir = resolve_dir("figures", figures, config.DRAFT_FIGURES_DIR, must_exist=False)
    figures_dir.mkdir(parents=True, exist_ok=True)
    raw_dir = resolve_dir("raw", raw, config.RAW_DIR, must_exist=False)
    if pdf_text:
        pdf_path = Path(pdf_text).expanduser().resolve()
        if not pdf_path.is_file():
            raise ParameterError(f"parameter pdf: file {pdf_text!r} does not exist")
        if pdf_path.suffix.lower() not in (".pdf", ".html", ".htm", ".txt", ".docx"):
            raise ParameterError(f"parameter pdf: {pdf_text!r} is not a .pdf, .html, .txt or .docx file")
        empty = pd.DataFrame(columns=["metric", "region", "adcode", "doc_id"])
        return DocumentParams(Path(), figures_dir, empty, {}, doc or pdf_path.stem, pdf_path, page_list, max_pages,
                              raw_dir)
    base = common(processed, figures)
    figures_table = processed_tables.load_figures(base.processed)
    known = figures_table["doc_id"].dropna().astype(str)
    if not doc:
        if known.empty:
            raise ParameterError(f"parameter doc_id: {base.processed} has no figures at all")
        doc = known.value_counts().index[0]
    check_known("doc_id", [doc], known, "doc_id")
    return DocumentParams(base.processed, base.figures, base.metrics_table, base.doc_names, doc, None, page_list,
                          max_pages, raw_dir)


def declared_parameters(notebook) -> dict[str, str]:
    """name -> default source text of a notebook's ``parameters`` cell (a path or an nbformat notebook)."""
    import ast

    import nbformat

    book = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(str(notebook), as_version=4)
    cell = next((c for c in book.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])),
                None)
    if cell is None:
        return {}
    declared: dict[str, str] = {}
    for node in ast.parse(cell.source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        for target in targets:
            if isinstance(target, ast.Name) and node.value is not None:
                declared[target.id] = ast.get_source_segment(cell.source, node.value) or ""
    return declared


def check_parameter_names(notebook, parameters: dict) -> None:
    """Unknown parameter names fail (papermill itself would only warn and ignore them)."""
    declared = declared_parameters(notebook)
    _reject_unknown(parameters, declared, _notebook_name(notebook))


def _notebook_name(notebook) -> str:
    return Path(notebook).name if isinstance(notebook, (str, Path)) else "the notebook"


def _reject_unknown(names, declared, where: str) -> None:
    for key in names:
        if key not in declared:
            raise ParameterError(f"parameter {key}: {where} has no such parameter"
                                 f"{did_you_mean(key, declared)}; it takes {', '.join(declared)}")


# papermill's injected cell: its first line, the comment papermill's Python translator writes
INJECTED_MARK = "# Parameters"


def check_injected_names(function) -> None:
    """Inside a notebook kernel: fail when the cell papermill injected sets a name ``function`` (the notebook's
    parameter checker, whose arguments are exactly the notebook's parameters) does not take.

    Plain ``papermill -p regoins …`` only warns and runs on with every region; this makes it stop at the
    validation cell with a did-you-mean. The injected cell is found in the kernel's input history (IPython's
    ``In``); outside IPython, or in a session papermill did not start, there is none and nothing is checked."""
    import ast
    import inspect

    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    history = getattr(shell, "user_ns", {}).get("In", []) if shell is not None else []
    injected = [cell for cell in history if isinstance(cell, str) and cell.lstrip().startswith(INJECTED_MARK)]
    if not injected:
        return
    names = []
    for node in ast.parse(injected[-1]).body:
        if isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    takes = list(inspect.signature(function).parameters)
    _reject_unknown(names, takes, "this notebook")


def to_json(parameters: dict) -> str:
    """Parameters as one line of JSON (for messages and the report cache key)."""
    return json.dumps(parameters, ensure_ascii=False, sort_keys=True, default=str)


@dataclass
class TableParams(Common):
    doc_id: str = ""
    table: int = 0
    column: str = ""
    name: str = "table"


def table_params(processed: object = "", figures: object = "", doc_id: object = "", table: object = 0,
                 column: object = "", name: object = "table") -> TableParams:
    """Parameters of 05_rank_table_regions: a document (empty: the one whose table names the most regions), the
    number of one of its tables (0: that table), a column label or part of one (empty: the first classified
    column)."""
    base = common(processed, figures)
    doc = as_text("doc_id", doc_id)
    if doc:
        check_known("doc_id", [doc], processed_tables.load_figures(base.processed)["doc_id"].dropna().astype(str),
                    "doc_id")
    if isinstance(table, bool) or not isinstance(table, int) or table < 0:
        raise ParameterError(f"parameter table: expected a table number (0: the one naming the most regions), "
                             f"got {_show(table)}")
    return TableParams(base.processed, base.figures, base.metrics_table, base.doc_names, doc, table,
                       as_text("column", column), chart_name("name", name))
