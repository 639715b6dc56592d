"""Charts and pages: what the notebooks call.

Owns: ``processed`` (the processed tables as charts read them), ``params`` (notebook parameters checked into
plain data), ``plots`` (every chart, drawn from frames it is given), ``show`` (a page with every figure boxed;
extracts a file on the spot when the tables lack it), ``report`` (`reviewfigs report`: the notebooks with
papermill).

Imports: extract.corpus.catalog (show finds a document's file), extract.figures, extract.grammar,
extract.model, extract.fingerprint, extract.safety, extract.terminal, extract.config. Nothing imports
extract.charts.
"""
