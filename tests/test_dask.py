"""--scheduler: Dask tasks of a few documents give the same tables and errors as the local pool."""

from __future__ import annotations

import pandas as pd
import pytest
from test_run import county_report, options, read_outputs, write_catalog, write_pdf

from extract.corpus.run import run

distributed = pytest.importorskip("dask.distributed")


def test_dask_cluster_matches_local_run(tmp_path):
    raw = tmp_path / "raw"
    rows = []
    for year in (2020, 2021, 2022, 2023):
        write_pdf(raw / f"{year}.pdf", county_report(year, inspections=year - 2000))
        rows.append({"doc_id": f"yk_{year}", "file": f"{year}.pdf", "published": year + 1, "covers": year})
    (raw / "broken.pdf").write_text("<html>404</html>", encoding="utf-8")
    rows.append({"doc_id": "broken", "file": "broken.pdf"})
    write_catalog(raw, rows)

    local = run(options(raw, tmp_path / "local"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run(options(raw, tmp_path / "dask", scheduler=cluster.scheduler_address))
    assert (remote.exit_code, remote.read, remote.failed) == (local.exit_code, local.read, local.failed) == (1, 4, 1)
    left, right = read_outputs(tmp_path / "local"), read_outputs(tmp_path / "dask")
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name])
    assert right["errors"]["doc_id"].tolist() == ["broken"]
    assert len(right["figures"]) > 0


def worker_killer(path, meta=None, max_pages=None, **kw):
    """The real extractor, except that on a file named killer*.pdf it kills the Dask worker that forked it."""
    import os
    import signal
    from pathlib import Path

    from extract.figures import extract_document

    if Path(path).name.startswith("killer"):
        os.kill(os.getppid(), signal.SIGKILL)
    return extract_document(path, meta=meta, max_pages=max_pages)


def test_tasks_hold_several_documents_and_only_the_one_that_kills_a_worker_fails(tmp_path):
    from extract.corpus.workers import DASK_BATCH_LIMIT, Task, dask_batches

    tasks = [Task(f"{k}.pdf", None, f"key{k}") for k in range(200)]
    batches = dask_batches(tasks, threads=2)
    assert [t for b in batches for t in b] == tasks  # every document once, in order (largest first)
    sizes = [len(b) for b in batches]
    assert 1 < sizes[0] <= DASK_BATCH_LIMIT and sizes == sorted(sizes, reverse=True) and sizes[-4:] == [1] * 4
    assert len(batches) < len(tasks) // 4

    raw = tmp_path / "raw"
    rows = []
    for k in range(16):
        year = 2000 + k
        name = "killer.pdf" if k == 5 else f"{year}.pdf"
        pages = county_report(year, inspections=k + 3)
        write_pdf(raw / name, pages * 4 if k == 5 else pages)  # the largest file: in the first, biggest task
        rows.append({"doc_id": f"yk_{year}", "file": name, "published": year + 1, "covers": year})
    write_catalog(raw, rows)
    assert len(dask_batches(tasks[:16], threads=1)[0]) > 1
    import dask

    # The scheduler gives up on a task whose worker dies at once, and sends a worker one task at a time: only
    # the task that killed it is lost with it.
    settings = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(settings), distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                                             dashboard_address=None) as cluster:
        result = run(options(raw, tmp_path / "out", scheduler=cluster.scheduler_address), extractor=worker_killer)
    outputs = read_outputs(tmp_path / "out")
    assert (result.read, result.failed) == (len(rows) - 1, 1)
    assert outputs["errors"]["doc_id"].tolist() == ["yk_2005"]
    assert "Dask task failed" in outputs["errors"]["error"].iloc[0]
