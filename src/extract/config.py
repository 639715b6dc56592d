"""Paths and constants in one place (cookiecutter-data-science style)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout (src/extract/ -> repo); a plain install has none.
REPO_DIR = PACKAGE_DIR.parent.parent
RAW_DIR = REPO_DIR / "raw"
PROCESSED_DIR = REPO_DIR / "processed"
FIGURES_DIR = REPO_DIR / "figures"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
TAXONOMY_FILE = PACKAGE_DIR / "taxonomy.yaml"

# The shared corpus lives beside the checkout; tests and benchmarks find it here.
SHARED_CORPUS = Path(os.environ.get("REVIEWFIGS_SHARED_CORPUS", REPO_DIR.parent / "shared" / "corpus"))

# Bump when extraction output can change for the same PDF: it keys the run cache.
EXTRACTOR_VERSION = "1"
