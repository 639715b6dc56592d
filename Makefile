# reviewfigs: raw -> extract -> processed -> notebooks -> figures.
# `make figures` and `make test` are the two commands a newcomer needs; both set up .venv when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= raw
OUT    ?= processed
FIGS   ?= figures
BENCH  ?= ../shared/corpus/pdf
BENCHFLAGS ?=
JOBS   ?=

.PHONY: setup bytecode test lint figures processed report lab bench demo clean

setup: $(STAMP)

# Reinstall when the project's dependencies change; editable install so .venv/bin/reviewfigs tracks src/.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name reviewfigs --display-name "Python (reviewfigs)" >/dev/null
	touch $(STAMP)

# Byte-compile src/ as an installed package would be: every run imports it, and an editable install (or
# PYTHONDONTWRITEBYTECODE) would otherwise compile it from source each time (~0.05 s per run and per report).
bytecode: setup
	$(BIN)/python -m compileall -q src

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts

test: lint
	$(BIN)/python -m pytest -q

# Exit 1 means some document failed (errors.csv says which) but the tables of the others were written: the
# charts are still drawn from them. Exit 2 (nothing done) stops make.
processed: bytecode
	$(BIN)/reviewfigs run --raw $(RAW) --out $(OUT) $(if $(JOBS),-j $(JOBS)) || [ $$? -eq 1 ]

report: bytecode
	$(BIN)/reviewfigs report --processed $(OUT) --figures $(FIGS) --raw $(RAW)

figures: processed report

lab: setup
	$(BIN)/jupyter lab notebooks/

bench: bytecode
	$(BIN)/python benchmarks/bench.py $(BENCHFLAGS) $(BENCH)

# Regenerate the bundled demo PDFs in raw/ (deterministic; commit the result).
demo: setup
	$(BIN)/python scripts/make_demo_corpus.py raw

clean:
	rm -rf $(OUT)/* $(OUT)/.cache $(FIGS)/*
	touch $(OUT)/.gitkeep $(FIGS)/.gitkeep
