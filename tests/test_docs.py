"""The docs say what the code does: files they cite exist, the messages the README quotes are the ones the code
prints, every notebook parameter and value the README's table promises is one the notebook takes."""

from __future__ import annotations

import inspect
import re

import pytest

from extract.charts import params
from extract.config import NOTEBOOKS_DIR, REPO_DIR

README = (REPO_DIR / "README.md").read_text(encoding="utf-8")
DOCUMENTS = [REPO_DIR / "README.md", *sorted((REPO_DIR / "docs").glob("*.md")), REPO_DIR / "raw" / "corrections.csv",
             REPO_DIR / "notebooks" / "reports.yml", REPO_DIR / "Makefile"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_files_the_docs_cite_exist(path):
    text = path.read_text(encoding="utf-8")
    cited = set(re.findall(r"(?<![\w./-])((?:docs|notebooks|scripts|benchmarks|tests|src/extract)/[\w./-]+\.(?:md|py|ipynb|yml|yaml))", text))
    missing = sorted(c for c in cited if not (REPO_DIR / c).exists())
    assert missing == [], f"{path.name} cites {missing}"


def quoted_parameter_errors() -> list[str]:
    return [line.strip()[len("ParameterError: "):] for line in README.splitlines()
            if line.startswith("    ParameterError: ")]


def test_the_readme_quotes_the_parameter_errors_the_code_prints(demo_processed, tmp_path):
    quoted = quoted_parameter_errors()
    assert len(quoted) >= 3
    printed = []
    for kwargs in ({"metrics": ["gdp_grwth"]}, {"years": "soon"}):
        with pytest.raises(params.ParameterError) as err:
            params.years_params(str(demo_processed), str(tmp_path), **kwargs)
        printed.append(str(err.value))
    with pytest.raises(params.ParameterError) as err:
        params._reject_unknown(["regoins"], list(inspect.signature(params.years_params).parameters), "this notebook")
    printed.append(str(err.value))
    assert quoted == printed


def test_the_report_failure_line_the_readme_quotes_is_the_one_printed(demo_processed, tmp_path):
    from extract.charts.report import Report, pick_kernel, run_report

    line = next(ln.strip() for ln in README.splitlines() if ln.strip().startswith("report regions_gdp_growth (03"))
    outcome = run_report(Report("regions_gdp_growth", NOTEBOOKS_DIR / "03_compare_regions.ipynb",
                                {"metric": "gdp_grwth"}), demo_processed, tmp_path / "figures", pick_kernel())
    assert outcome.status == "failed"
    shown = outcome.message.replace(str(tmp_path / "figures"), "figures")
    assert shown == line


def test_the_notebook_table_lists_what_the_notebooks_take():
    table = README[README.index("| notebook | parameters |"):]
    table = table[: table.index("\n\n")]
    for notebook in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        row = next(r for r in table.splitlines() if r.startswith(f"| `{notebook.name}`"))
        for name in params.declared_parameters(notebook):
            if name not in ("processed", "figures"):  # the paragraph under the table covers these two
                assert f"`{name}`" in row, f"{notebook.name}: {name} missing from the README's table"
    assert '`"common"`' in table and '`"latest"`' in table


def test_help_and_version_are_documented():
    assert "reviewfigs --version" in README and "--quiet" in README and "--verbose" in README
    assert "--min-f1" in README and "exits" in README
