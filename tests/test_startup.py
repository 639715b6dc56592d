"""Issue 18: `reviewfigs extract FILE` without pandas and numpy, and the same bytes as before.

The CSV that `extract` prints and writes is made with the csv module (extract.figures.figures_csv); it must be
byte for byte what the pandas path (figures_frame(...).to_csv, write_csv_safely) writes, on a real extraction and
on the values where number formatting differs most. The layout's reading order is computed without numpy; it
must order boxes exactly as the numpy version did (kept here as the reference).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest

from extract import cli
from extract.config import REPO_DIR
from extract.figures import extract_document, figures_csv, figures_frame
from extract.model import DocMeta, Figure
from extract.read import layout
from extract.safety import write_csv_safely

PDF = REPO_DIR / "raw" / "jinhua_2024_stats-bulletin.pdf"


@pytest.fixture(scope="module")
def demo_figures():
    return extract_document(PDF, DocMeta(doc_id="jinhua", region="金华市", published=2024, covers="2023"))


EDGE_FIGURES = [
    Figure(value=v, low=lo, high=hi, year=y, page=p, x0=0.1 + 0.2, top=1e16, x1=-0.0, bottom=5e-324, ocr=o,
           adcode=code, text=text, sentence=sentence, char_start=start)
    for v, lo, hi, y, p, o, code, text, sentence, start in [
        (1234567890123.5, None, None, 2021, 1, False, "330700", "=1+1", "a,b \"quoted\"\nnext line", None),
        (0.000012, 1.0, 2, None, None, True, "", "+86 12369", "-5%", 0),
        (1e22, float("nan"), 3.0, 1999, 12, False, None, "@x", "\tindented", 17),
        (5, -2.5, 100.0, 2020, 3, False, "000001", "十四五", "", None),
    ]
]


def test_csv_on_stdout_is_what_pandas_wrote(demo_figures):
    for figs in (demo_figures, EDGE_FIGURES, []):
        assert figures_csv(figs) == figures_frame(figs).to_csv(index=False)


def test_csv_file_is_what_write_csv_safely_wrote(demo_figures, tmp_path):
    for k, figs in enumerate((demo_figures, EDGE_FIGURES)):
        by_pandas, by_cli = tmp_path / f"pandas{k}.csv", tmp_path / f"cli{k}.csv"
        write_csv_safely(figures_frame(figs), by_pandas)
        cli.write_figures(figs, "csv", by_cli)
        assert by_cli.read_bytes() == by_pandas.read_bytes()
    assert b"'=1+1" in by_cli.read_bytes()  # neutralised, as the processed tables are


def test_extract_command_prints_what_the_pandas_path_printed():
    """The command's CSV on stdout against pandas' CSV of the same command's JSON rows."""
    def run(*extra: str) -> str:
        done = subprocess.run([sys.executable, "-m", "extract", "extract", str(PDF), *extra], capture_output=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode("utf-8")

    rows = json.loads(run("--format", "json"))
    assert rows and run() == figures_frame([Figure(**r) for r in rows]).to_csv(index=False)


def test_extract_path_imports_no_pandas_numpy_or_pyarrow(tmp_path):
    probe = ("import sys, runpy; sys.argv = ['reviewfigs', 'extract', sys.argv[1]]\n"
             "try:\n    runpy.run_module('extract', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(PDF)], capture_output=True, text=True, timeout=300)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr[-2000:]


def test_pdfminer_is_imported_without_its_version_lookup():
    """The pinned pdfminer's __init__ is the version lookup alone (else extract.read runs it as usual): reading a PDF
    (what `extract`'s worker does) then never imports importlib.metadata, and pdfminer.__version__ is still the installed version."""
    probe = ("import sys\nfrom extract.figures import extract_document\nextract_document(sys.argv[1])\n"
             "print('pdfminer.pdfparser' in sys.modules, 'importlib.metadata' in sys.modules, file=sys.stderr)\n"
             "import pdfminer, importlib.metadata\n"
             "print(pdfminer.__version__ == importlib.metadata.version('pdfminer.six'), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(PDF)], capture_output=True, text=True, timeout=300)
    assert done.stderr.strip().splitlines()[-2:] == ["True False", "True"], done.stderr[-2000:]


def test_a_changed_pdfminer_init_is_run_as_usual(tmp_path, monkeypatch):
    import importlib.util

    from extract import read

    fake = tmp_path / "pdfminer"
    fake.mkdir()
    (fake / "__init__.py").write_bytes(read._PDFMINER_INIT + b"EXTRA = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "pdfminer")
    importlib.invalidate_caches()
    read.register_pdfminer_package()
    assert "pdfminer" not in sys.modules  # left for the import system: its __init__ will run
    (fake / "__init__.py").write_bytes(read._PDFMINER_INIT)
    read.register_pdfminer_package()
    assert sys.modules["pdfminer"].__path__ == [str(fake)]
    with pytest.raises(AttributeError):
        _ = sys.modules["pdfminer"].EXTRA


def _reading_order_numpy(boxes):
    """The numpy reading order the layout used before issue 18 (the reference)."""
    n = len(boxes)
    if n <= 1:
        return list(range(n))
    a = np.asarray(boxes, dtype=float)
    x0, top, x1, bottom = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    tol = 1.0
    x_overlap = (np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])) > tol
    above = bottom[:, None] <= top[None, :] + tol
    left = x1[:, None] <= x0[None, :] + tol
    between = above.T[:, :, None] & above[:, None, :]
    between = between | between.transpose(0, 2, 1)
    between &= x_overlap[:, :, None] & x_overlap[:, None, :]
    blocked = between.any(axis=0)
    before = (x_overlap & above) | (left & ~blocked)
    np.fill_diagonal(before, False)
    indegree = before.sum(axis=0).astype(int)
    placed = np.zeros(n, dtype=bool)
    order = []
    rank = sorted(range(n), key=lambda i: (top[i], x0[i]))
    for _ in range(n):
        ready = [i for i in rank if not placed[i] and indegree[i] == 0]
        pick = ready[0] if ready else min((i for i in rank if not placed[i]), key=lambda i: indegree[i])
        placed[pick] = True
        order.append(pick)
        indegree -= before[pick].astype(int)
    return order


def _random_boxes(rng: random.Random, n: int) -> list[tuple[float, float, float, float]]:
    boxes = []
    for _ in range(n):
        if rng.random() < 0.5:  # a column layout: boxes on a few x positions, overlapping now and then
            x0 = rng.choice([50.0, 200.0, 350.0]) + rng.choice([0.0, 0.5, 30.0])
            width = rng.choice([140.0, 290.0, 440.0])
        else:
            x0, width = rng.uniform(0, 500), rng.uniform(0.5, 300)
        top = rng.uniform(0, 800)
        boxes.append((x0, top, x0 + width, top + rng.choice([0.5, 12.0, rng.uniform(1, 200)])))
    return boxes


def test_reading_order_is_the_numpy_order():
    rng = random.Random(18)
    for trial in range(400):
        boxes = _random_boxes(rng, rng.choice([2, 3, 5, 8, 13, 30, 60, 250]) if trial % 50 else 250)
        assert layout._reading_order(boxes) == _reading_order_numpy(boxes), boxes
