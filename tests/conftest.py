from __future__ import annotations

import pytest

from extract.config import SHARED_CORPUS


@pytest.fixture(scope="session")
def corpus():
    """The shared corpus (../shared/corpus). Tests that need it skip, saying why, when it is absent."""
    if not (SHARED_CORPUS / "catalog.csv").is_file():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set REVIEWFIGS_SHARED_CORPUS)")
    return SHARED_CORPUS
