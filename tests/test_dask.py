"""--scheduler: one Dask task per document gives the same tables and errors as the local pool."""

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
