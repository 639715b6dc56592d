from __future__ import annotations

import subprocess
import sys

import pytest

from extract.config import REPO_DIR, SHARED_CORPUS


@pytest.fixture(scope="session")
def corpus():
    """The shared corpus (../shared/corpus). Tests that need it skip, saying why, when it is absent."""
    if not (SHARED_CORPUS / "catalog.csv").is_file():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set REVIEWFIGS_SHARED_CORPUS)")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def real_corpus(corpus):
    """The real published documents of the shared corpus (../shared/corpus/real), or a skip saying why."""
    folder = corpus / "real"
    if not (folder / "catalog.csv").is_file():
        pytest.skip(f"no real corpus in {folder}")
    return folder


@pytest.fixture(scope="session")
def demo_processed(tmp_path_factory):
    """processed/ tables made by the real `reviewfigs run` on the bundled demo corpus in raw/ (read-only for tests)."""
    out = tmp_path_factory.mktemp("processed")
    done = subprocess.run([sys.executable, "-m", "extract", "run", "--raw", str(REPO_DIR / "raw"), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return out
