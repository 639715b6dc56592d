# reviewfigs: raw -> extract -> processed -> notebooks -> figures.
# `make figures` and `make test` are the two commands a newcomer needs; both set up .venv when needed.
# Outputs: processed/ and figures/ (the scheduled set, drawn only by `make figures`); hand runs go to drafts/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= raw
# Another corpus (RAW=../shared/corpus) gets its own folders, processed/shared-corpus/ and figures/shared-corpus/
# (the last two parts of its path), so its tables and charts never mix with the demo's.
RAW_PATH := $(abspath $(RAW))
CORPUS ?= $(if $(filter $(abspath raw),$(RAW_PATH)),,$(notdir $(patsubst %/,%,$(dir $(RAW_PATH))))-$(notdir $(RAW_PATH)))
OUT    ?= processed$(if $(CORPUS),/$(CORPUS))
FIGS   ?= figures$(if $(CORPUS),/$(CORPUS))
# JupyterLab refuses to run as root without --allow-root (containers) and cannot open a browser without a display.
LABFLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root) $(if $(DISPLAY)$(WAYLAND_DISPLAY),,--no-browser)
BENCH  ?= ../shared/corpus/pdf
BENCHFLAGS ?=
JOBS   ?=

.PHONY: setup bytecode test test-system-fonts lint figures processed report lab bench bench-readme demo clean

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

# The whole suite as on a machine with Chinese system fonts (a private mount namespace; nothing is installed).
test-system-fonts: setup
	$(BIN)/python scripts/make_cjk_font_dir.py build/cjk-fonts >/dev/null
	sh scripts/with_system_cjk_font.sh build/cjk-fonts $(BIN)/python -m pytest -q

# Exit 1 means some document failed (errors.csv says which) but the tables of the others were written: the
# charts are still drawn from them. Exit 2 (nothing done) stops make.
processed: bytecode
	$(BIN)/reviewfigs run --raw $(RAW) --out $(OUT) $(if $(JOBS),-j $(JOBS)) || [ $$? -eq 1 ]

report: bytecode
	$(BIN)/reviewfigs report --processed $(OUT) --figures $(FIGS) --raw $(RAW)

figures: processed report

# JupyterLab works on copies in drafts/notebooks/ (made once, never overwritten): edits and outputs stay there,
# the tracked notebooks in notebooks/ remain the templates that `make figures` runs.
lab: setup
	mkdir -p drafts/notebooks
	for nb in notebooks/*.ipynb; do test -e drafts/$$nb || cp $$nb drafts/$$nb; done
	$(BIN)/jupyter lab drafts/notebooks $(LABFLAGS)

bench: bytecode
	$(BIN)/python benchmarks/bench.py $(BENCHFLAGS) $(BENCH)

# Issue 18's goal lines only, then the README's performance section rewritten from them (between its markers).
bench-readme: bytecode
	mkdir -p build
	$(BIN)/python benchmarks/bench.py --goals $(BENCHFLAGS) $(BENCH) | tee build/bench-goals.txt
	$(BIN)/python scripts/update_readme_performance.py build/bench-goals.txt README.md

# Regenerate the bundled demo PDFs in raw/ (deterministic; commit the result).
demo: setup
	$(BIN)/python scripts/make_demo_corpus.py raw

clean:
	rm -rf $(OUT)/* $(OUT)/.cache $(FIGS)/*
	touch $(OUT)/.gitkeep $(FIGS)/.gitkeep
