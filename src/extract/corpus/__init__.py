"""A corpus of documents: the catalog in, the processed tables out.

Owns: ``catalog`` (raw/catalog.csv, and the one way from a catalog row or command-line flags to a DocMeta),
``corrections`` (raw/corrections.csv), ``run`` (`reviewfigs run`: orchestration and the summary), ``cache``
(one JSON file per document, keyed by the file and the code that reads it), ``workers`` (one process per
document under time and memory limits: the local pool and Dask), ``tables`` (the processed tables' schemas and
the metrics.csv selection rule), ``targets`` (targets.csv: each year's target paired with its result), ``gold``
(`reviewfigs check`: scores against hand-checked figures), ``checks`` (checks.csv: each document against its
printed totals; the run's extractor).

Imports: extract.figures, extract.read, extract.grammar, extract.model, extract.fingerprint, extract.safety,
extract.terminal, extract.config.
"""
