"""`reviewfigs report`: runs the report set, skips unchanged reports, and a failing report fails alone
with one line naming the notebook, its parameters and the cell's error (exit 1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from extract.charts import processed as processed_tables
from extract.charts.report import ConfigError, load_config
from extract.config import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow



def write_config(folder: Path, reports: list[dict]) -> Path:
    """A report set beside copies of the project's notebooks (notebooks must sit in the config's folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in NOTEBOOKS_DIR.glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    path = folder / "reports.yml"
    path.write_text(yaml.safe_dump({"reports": reports}, allow_unicode=True), encoding="utf-8")
    return path


def report(config: Path, processed: Path, figures: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", "report", "--config", str(config), "--processed",
                           str(processed), "--figures", str(figures), *extra],
                          capture_output=True, text=True, timeout=600)


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("report ")]


def test_failing_report_fails_alone_unchanged_ones_are_skipped_changed_ones_rerun(demo_processed, tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(demo_processed, processed)
    metric = processed_tables.load_metrics(processed)["metric"].value_counts().index[0]
    config = write_config(tmp_path / "nb", [
        {"name": "good", "notebook": "02_compare_years.ipynb", "parameters": {"metrics": [metric], "name": "good"}},
        {"name": "bad", "notebook": "03_compare_regions.ipynb", "parameters": {"metric": "no_such_metric"}},
    ])
    figures = tmp_path / "figures"
    first = report(config, processed, figures)
    assert first.returncode == 1
    lines = failure_lines(first.stderr)
    assert len(lines) == 1
    assert "03_compare_regions.ipynb" in lines[0] and '"metric": "no_such_metric"' in lines[0]
    assert "ParameterError: parameter metric: unknown metric 'no_such_metric'" in lines[0]
    assert (figures / "notebooks" / "good.ipynb").is_file()
    assert (figures / f"good_{metric}.png").is_file()
    assert (figures / "notebooks" / "bad.failed.ipynb").is_file()

    second = report(config, processed, figures, "--only", "good")
    assert second.returncode == 0
    assert "report good" in second.stdout and "unchanged, skipped" in second.stdout

    forced = report(config, processed, figures, "--force", "--only", "good")
    assert forced.returncode == 0
    assert "unchanged, skipped" not in forced.stdout and "report good" in forced.stdout

    table = processed_tables.load_metrics(processed)  # any change of the inputs' bytes makes the report run again
    table.iloc[:-1].to_parquet(processed / "metrics.parquet", index=False)
    changed = report(config, processed, figures, "--only", "good")
    assert changed.returncode == 0 and "unchanged, skipped" not in changed.stdout

    # Another metric for the same report: its old chart is removed, not left beside the new one.
    other = processed_tables.load_metrics(processed)["metric"].value_counts().index[1]
    config = write_config(tmp_path / "nb", [
        {"name": "good", "notebook": "02_compare_years.ipynb", "parameters": {"metrics": [other], "name": "good"}}])
    assert report(config, processed, figures).returncode == 0
    assert (figures / f"good_{other}.png").is_file()
    assert not (figures / f"good_{metric}.png").exists()


def test_unknown_parameter_name_is_a_failure_not_a_warning(demo_processed, tmp_path):
    config = write_config(tmp_path / "nb", [
        {"name": "typo", "notebook": "02_compare_years.ipynb", "parameters": {"metricz": ["gdp"]}}])
    done = report(config, demo_processed, tmp_path / "figures")
    assert done.returncode == 1
    line = failure_lines(done.stderr)[0]
    assert "parameter metricz" in line and "did you mean metrics" in line


@pytest.mark.parametrize(("entry", "reason"), [
    ({"name": "../x", "notebook": "02_compare_years.ipynb"}, "must be letters"),
    ({"name": "x", "notebook": "../02_compare_years.ipynb"}, "inside"),
    ({"name": "x", "notebook": "missing.ipynb"}, "not found"),
    ({"name": "x", "notebook": "02_compare_years.ipynb", "parameters": ["a"]}, "mapping"),
])
def test_bad_config_is_one_line_naming_the_file(tmp_path, entry, reason):
    config = write_config(tmp_path / "nb", [entry])
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert str(config) in str(err.value) and reason in str(err.value) and "\n" not in str(err.value)


def papermill_by_hand(notebook: Path, out: Path, drafts: Path, *parameters: str) -> subprocess.CompletedProcess:
    """Plain papermill, as the README's example runs it (no reviewfigs in between)."""
    from extract.charts.report import pick_kernel

    return subprocess.run([str(Path(sys.executable).parent / "papermill"), str(notebook), str(out), "-k",
                           pick_kernel(), "--no-progress-bar", *parameters], capture_output=True, text=True,
                          timeout=600, cwd=notebook.parent, env={**os.environ, "REVIEWFIGS_DRAFTS": str(drafts)})


def test_hand_runs_and_deleted_charts_never_change_what_the_schedule_draws(demo_processed, tmp_path):
    config = write_config(tmp_path / "nb", [{"name": "years_gdp_growth", "notebook": "02_compare_years.ipynb",
                                             "parameters": {"metrics": ["gdp_growth"], "stance": "both",
                                                            "name": "years"}}])
    figures = tmp_path / "figures"
    assert report(config, demo_processed, figures).returncode == 0
    chart = figures / "years_gdp_growth.png"
    scheduled = chart.read_bytes()

    # The README's papermill example, by hand: its charts go to the drafts folder, figures/ is untouched.
    drafts = tmp_path / "drafts"
    by_hand = papermill_by_hand(config.parent / "02_compare_years.ipynb", tmp_path / "years.ipynb", drafts,
                                "-p", "metrics", '["gdp_growth"]', "-p", "regions", '["金华市"]',
                                "-p", "processed", str(demo_processed))
    assert by_hand.returncode == 0, by_hand.stderr[-1500:]
    assert (drafts / "figures" / "years_gdp_growth.png").is_file()
    assert chart.read_bytes() == scheduled
    again = report(config, demo_processed, figures)
    assert "unchanged, skipped" in again.stdout and chart.read_bytes() == scheduled

    # A hand run told to write into figures/ overwrites the chart: the next scheduled run draws it again.
    overwrite = papermill_by_hand(config.parent / "02_compare_years.ipynb", tmp_path / "years2.ipynb", drafts,
                                  "-p", "metrics", '["gdp_growth"]', "-p", "regions", '["金华市"]', "-p",
                                  "processed", str(demo_processed), "-p", "figures", str(figures))
    assert overwrite.returncode == 0 and chart.read_bytes() != scheduled
    redrawn = report(config, demo_processed, figures)
    assert "unchanged, skipped" not in redrawn.stdout and chart.read_bytes() == scheduled

    # A deleted chart is drawn again.
    chart.unlink()
    assert "unchanged, skipped" not in report(config, demo_processed, figures).stdout
    assert chart.read_bytes() == scheduled


def test_jupyterlab_edits_of_a_tracked_notebook_do_not_reach_a_scheduled_run(demo_processed, tmp_path):
    import nbformat

    config = write_config(tmp_path / "repo" / "notebooks", [
        {"name": "years", "notebook": "02_compare_years.ipynb", "parameters": {"metrics": ["gdp_growth"]}}])
    repo = config.parent.parent
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "templates"], check=True)
    clean_figures = tmp_path / "clean"
    assert report(config, demo_processed, clean_figures).returncode == 0

    # What JupyterLab saves two minutes after an edit: a changed parameters cell, and outputs.
    notebook = config.parent / "02_compare_years.ipynb"
    book = nbformat.read(notebook, as_version=4)
    cell = next(c for c in book.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('regions = []', 'regions = ["义乌市"]').replace("years = []", "years = [2017, 2018]")
    cell.outputs = [nbformat.v4.new_output("stream", text="edited\n")]
    cell.execution_count = 7
    nbformat.write(book, notebook)
    edited_source = cell.source

    figures = tmp_path / "figures"
    done = report(config, demo_processed, figures)
    assert done.returncode == 0, done.stderr
    assert "uncommitted edits to its parameters cell" in done.stderr
    assert (figures / "years_gdp_growth.csv").read_bytes() == (clean_figures / "years_gdp_growth.csv").read_bytes()
    executed = nbformat.read(figures / "notebooks" / "years.ipynb", as_version=4)
    ran = next(c for c in executed.cells if "parameters" in c.metadata.get("tags", []))
    assert "义乌市" not in ran.source and "regions = []" in ran.source
    kept = nbformat.read(notebook, as_version=4)  # the user's edit is still in the file: only the run ignored it
    assert next(c for c in kept.cells if "parameters" in c.metadata.get("tags", [])).source == edited_source


@pytest.mark.corpus
def test_every_chart_of_the_shared_corpus_passes_its_rendered_check(corpus, tmp_path):
    """`make figures RAW=../shared/corpus`: every chart is audited on its rendered figure before it is saved
    (extract.charts.audit via plots.save_chart), so the report set succeeding means every chart passed."""
    processed = tmp_path / "processed"
    run = subprocess.run([sys.executable, "-m", "extract", "run", "--raw", str(corpus), "--out", str(processed),
                          "-q"], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = tmp_path / "figures"
    done = report(NOTEBOOKS_DIR / "reports.yml", processed, figures, "--raw", str(corpus))
    assert done.returncode == 0, done.stderr[-3000:]
    charts = sorted(figures.glob("*.png"))
    assert len(charts) >= 10
    for png in charts:  # a footnote names what each chart leaves out: the CSV holds the rest
        assert png.with_suffix(".csv").is_file()
