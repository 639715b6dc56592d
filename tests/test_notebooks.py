"""The notebooks: stripped in git, one plain `parameters` cell then validation, and every report of
notebooks/reports.yml runs with papermill on the demo corpus processed by the real pipeline."""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from extract.charts import processed
from extract.charts.report import load_config, pick_kernel
from extract.config import NOTEBOOKS_DIR, REPO_DIR, SHOW_RESOLUTION

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
PDF_MAGIC_B64 = base64.b64encode(b"%PDF-").decode()[:6]  # "JVBERi": how an embedded PDF would start



@pytest.fixture(scope="module")
def executed(demo_processed, tmp_path_factory) -> dict:
    """Every report of reports.yml executed with papermill: name -> (executed notebook, figures folder)."""
    figures = tmp_path_factory.mktemp("figures")
    results = {}
    for report in load_config(NOTEBOOKS_DIR / "reports.yml"):
        out = figures / "notebooks" / f"{report.name}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        parameters = {**report.parameters, "processed": str(demo_processed), "figures": str(figures)}
        papermill.execute_notebook(str(report.notebook), str(out), parameters=parameters, kernel_name=pick_kernel(),
                                   cwd=str(NOTEBOOKS_DIR), progress_bar=False)
        results[report.name] = out
    return {"notebooks": results, "figures": figures}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_in_git_have_no_outputs(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: strip outputs before committing"
            assert cell.execution_count is None, f"{path.name}: execution counts left in"
    assert "papermill" not in book.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_of_plain_values_then_validation(path):
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(code[tagged[0]].source)
    for node in tree.body:  # plain defaults only: no calls, no derived values
        assert isinstance(node, ast.Assign), ast.unparse(node)
        ast.literal_eval(node.value)
    assert "params." in code[tagged[0] + 1].source, "the cell after the parameters must validate them"


def test_reports_yml_lists_every_notebook():
    used = {r.notebook.name for r in load_config(NOTEBOOKS_DIR / "reports.yml")}
    assert used == {p.name for p in NOTEBOOKS}


def test_every_report_writes_png_svg_and_csv_per_chart(executed):
    figures = executed["figures"]
    pngs = sorted(figures.glob("*.png"))
    for png in pngs:
        assert png.with_suffix(".svg").is_file(), png.name
        assert png.with_suffix(".csv").is_file(), png.name
    names = [p.stem for p in pngs]
    assert any(n.startswith("years_") for n in names), "no years chart"
    assert any(n.startswith("regions_") and n.endswith("_ranked") for n in names), "no ranked regions chart"
    assert any(n.startswith("regions_") and n.endswith("_map") for n in names), "no placement chart"
    pages = list((figures / "documents").glob("*/page-*.png"))
    assert pages, "01_explore_document drew no page"


def test_no_glyph_missing_and_nothing_embedded_from_outside(executed):
    figures = executed["figures"]
    for name, path in executed["notebooks"].items():
        text = path.read_text(encoding="utf-8")
        assert "Glyph" not in text and "missing from font" not in text, name
        assert PDF_MAGIC_B64 not in text, f"{name}: a PDF is embedded"
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            for output in cell.get("outputs", []):
                for kind, data in output.get("data", {}).items():
                    if kind.startswith("image/"):
                        assert len(data) < 250_000, f"{name}: an embedded image is too big"
    # Every file the notebooks wrote is inside the figures folder given to them.
    for written in figures.rglob("*"):
        assert written.resolve().is_relative_to(figures.resolve())


def test_chart_csvs_hold_the_documents_pages_and_texts(executed, demo_processed):
    metrics = processed.load_metrics(demo_processed)
    for csv_path in executed["figures"].glob("years_*.csv"):
        table = pd.read_csv(csv_path, encoding="utf-8-sig", dtype={"adcode": str})
        merged = table.merge(metrics, on=["doc_id", "metric", "year", "stance", "value"], how="left",
                             suffixes=("", "_m"), indicator=True)
        assert (merged["_merge"] == "both").all(), f"{csv_path.name}: a plotted row is not in metrics.csv"
        assert table["text"].notna().all() and table["page"].notna().all()


def run_bad(demo_processed, tmp_path, **parameters) -> str:
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(str(NOTEBOOKS_DIR / "02_compare_years.ipynb"), str(tmp_path / "bad.ipynb"),
                                   parameters={"processed": str(demo_processed), "figures": str(tmp_path),
                                               **parameters},
                                   kernel_name=pick_kernel(), cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    assert err.value.ename == "ParameterError"
    assert "\n" not in err.value.evalue
    return err.value.evalue


def test_unknown_metric_fails_at_once_listing_close_matches(demo_processed, tmp_path):
    metric = processed.load_metrics(demo_processed)["metric"].dropna().iloc[0]
    typo = metric[:-1]
    message = run_bad(demo_processed, tmp_path, metrics=[typo])
    assert f"unknown metric '{typo}'" in message
    assert metric in message  # the close match is listed
    assert not list(tmp_path.glob("*.png")), "nothing is drawn after a bad parameter"


def test_wrong_type_fails_in_one_line(demo_processed, tmp_path):
    message = run_bad(demo_processed, tmp_path, years="soon")
    assert message.startswith("parameter years: expected")


def test_plain_papermill_command_line_takes_a_json_list(demo_processed, tmp_path):
    metric = processed.load_metrics(demo_processed)["metric"].value_counts().index[0]
    papermill_cli = Path(sys.executable).parent / "papermill"
    done = subprocess.run([str(papermill_cli), str(NOTEBOOKS_DIR / "02_compare_years.ipynb"),
                           str(tmp_path / "out.ipynb"), "-k", pick_kernel(), "--no-progress-bar",
                           "-p", "metrics", json.dumps([metric]), "-p", "processed", str(demo_processed),
                           "-p", "figures", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1500:]
    assert (tmp_path / f"years_{metric}.png").is_file()


def test_plain_papermill_rejects_a_misspelled_parameter(demo_processed, tmp_path):
    papermill_cli = Path(sys.executable).parent / "papermill"
    done = subprocess.run([str(papermill_cli), str(NOTEBOOKS_DIR / "02_compare_years.ipynb"),
                           str(tmp_path / "out.ipynb"), "-k", pick_kernel(), "--no-progress-bar",
                           "-p", "regoins", '["金华市"]', "-p", "processed", str(demo_processed),
                           "-p", "figures", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "ParameterError: parameter regoins: this notebook has no such parameter (did you mean regions?)" in \
        done.stderr
    assert not list(tmp_path.glob("*.png")), "nothing is drawn after a misspelled parameter"


def dark_pixels(image) -> int:
    gray = image.convert("L")
    return sum(1 for v in gray.get_flattened_data() if v < 100)


def test_show_boxes_figures_on_a_readable_page(demo_processed, tmp_path):
    from PIL import Image

    from extract.charts import show

    doc = processed.load_figures(demo_processed)["doc_id"].value_counts().index[0]
    out = tmp_path / "page.png"
    done = subprocess.run([sys.executable, "-m", "extract", "show", doc, "--processed", str(demo_processed),
                           "--raw", str(REPO_DIR / "raw"), "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "figure(s) boxed" in done.stdout
    with Image.open(out) as image:
        pixels = set(image.convert("RGB").get_flattened_data())
        drawn = dark_pixels(image)
    assert any(abs(r - 31) < 25 and abs(g - 95) < 25 and abs(b - 139) < 25 for r, g, b in pixels), "no blue box"
    # The demo's font is not embedded: without redrawing, the page would be nearly blank.
    import pdfplumber

    pdf_path = show.pdf_of(doc, processed.load_figures(demo_processed), REPO_DIR / "raw")
    with pdfplumber.open(pdf_path) as pdf:
        plain = pdf.pages[show.busiest_page(processed.load_figures(demo_processed).query("doc_id == @doc")) - 1] \
            .to_image(resolution=SHOW_RESOLUTION).original
    assert drawn > 2 * dark_pixels(plain)


def test_show_unknown_doc_id_is_one_line_with_close_matches(demo_processed):
    doc = processed.load_figures(demo_processed)["doc_id"].iloc[0]
    done = subprocess.run([sys.executable, "-m", "extract", "show", doc[:-1], "--processed", str(demo_processed)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and f"did you mean {doc}" in done.stderr


def test_explore_a_pdf_file_directly(tmp_path):
    pdf = sorted((REPO_DIR / "raw").glob("*.pdf"))[0]
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "01_explore_document.ipynb"), str(tmp_path / "doc.ipynb"),
                               parameters={"pdf": str(pdf), "figures": str(tmp_path / "figs")},
                               kernel_name=pick_kernel(), cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    folder = tmp_path / "figs" / "documents" / pdf.stem
    table = pd.read_csv(folder / "figures.csv", encoding="utf-8-sig")
    assert len(table) > 0 and table["page"].notna().all()
    assert list(folder.glob("page-*.png"))
