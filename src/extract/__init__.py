"""reviewfigs: find, read, label and chart every figure in Chinese local-government review documents.

Data flows one way, and so do imports (tests/test_imports.py checks both the folder rules below and that no
module imports another's underscore names):

    model, normalize, config   vocabularies and plain data; import nothing of the package
    read/        a file -> Document                              imports model, normalize, config
    grammar/     a string -> quantities and their labels          imports model, normalize, config
    figures      Document + DocMeta -> Figure rows               imports read, grammar, model
    corpus/      catalog -> processed tables                     imports figures, grammar, model, safety, ...
    charts/      processed tables -> charts, pages, reports      imports corpus.catalog, figures, grammar, ...
    cli          every command's arguments                       imports anything, lazily
    fingerprint, safety, terminal   helpers (code checksums; atomic writes, safe CSVs, paths, the output lock;
                 --quiet/--verbose, progress bars, did-you-mean)

Each folder's ``__init__`` says what it owns and what it may import.
"""

__version__ = "0.1.0"
