"""Charts and pages: what the notebooks call.

Owns: ``processed`` (the processed tables as charts read them), ``params`` (notebook parameters checked into
plain data), ``plots`` (every chart, drawn from frames it is given), ``show`` (a page with every figure boxed;
extracts a file on the spot when the tables lack it), ``docpage`` (a document without pages as an HTML page
with every figure highlighted), ``report`` (`reviewfigs report`: the notebooks with
papermill), ``layout`` (canvas, footnotes, label placement), ``audit`` (the check of every rendered chart) and
``fonts`` (the shipped fonts only).

Imports: extract.corpus.catalog (show finds a document's file), extract.corpus.tables (subject-key tables use
metrics.csv's selection rule), extract.corpus.workers (show reads and draws a document under the limits of
`reviewfigs run`, report runs each notebook under them), extract.read (show and docpage read a web page, text or
Word document again to lay out its paragraphs; show checks a page with the reader's guard before drawing it, and
names fonts as the reader does), extract.figures, extract.grammar,
extract.model, extract.fingerprint, extract.safety, extract.terminal, extract.config. Nothing imports
extract.charts.
"""
