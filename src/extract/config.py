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
TAXONOMY_FILE = PACKAGE_DIR / "grammar" / "taxonomy.yaml"

# The shared corpus lives beside the checkout; tests and benchmarks find it here.
SHARED_CORPUS = Path(os.environ.get("REVIEWFIGS_SHARED_CORPUS", REPO_DIR.parent / "shared" / "corpus"))

# Bump when extraction output can change for the same PDF: it keys the run cache.
EXTRACTOR_VERSION = "1"

# Limits on one document (`reviewfigs run`, and every command that reads a document).
DEFAULT_TIMEOUT = 600.0  # seconds per document: generous; a 1,000-page report takes well under a minute
DEFAULT_MAX_PAGES = 10_000
DEFAULT_MEMORY_MB = 4096  # address space a worker may add to what it inherits
# How a command passes its limits to the processes it starts (the notebook kernels of `reviewfigs report`).
LIMIT_VARIABLES = {"timeout": "REVIEWFIGS_TIMEOUT", "max_pages": "REVIEWFIGS_MAX_PAGES",
                   "memory_mb": "REVIEWFIGS_MEMORY_MB"}
# The largest page image `reviewfigs show` draws, in pixels (a 20,000-point page at 110 dpi would be 9 x 10^8):
# a larger page is drawn at a lower resolution.
SHOW_MAX_PIXELS = 40_000_000
KERNEL_NAME = "reviewfigs"  # registered by `make setup` (python -m ipykernel install --sys-prefix --name reviewfigs)
SHOW_RESOLUTION = 110  # pixels per inch of the pages `reviewfigs show` draws

# Hand runs (papermill or JupyterLab on a working copy, `reviewfigs show`) write here, never into figures/, which
# belongs to `make figures` / `reviewfigs report`. REVIEWFIGS_DRAFTS moves it (tests use a temp folder).
DRAFTS_DIR = Path(os.environ.get("REVIEWFIGS_DRAFTS") or REPO_DIR / "drafts")
DRAFT_FIGURES_DIR = DRAFTS_DIR / "figures"
DRAFT_NOTEBOOKS_DIR = DRAFTS_DIR / "notebooks"

# `reviewfigs check` fails (exit 1) below these scores unless told otherwise (--min-f1, --min-recall): the
# project's own bar for its seed pages and key facts.
DEFAULT_MIN_F1 = 0.95
DEFAULT_MIN_RECALL = 0.95
