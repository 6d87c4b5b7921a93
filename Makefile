# mvkg: two commands for a fresh machine with Python 3.11+ (see README):
#   make demo   set up .venv, build the demo graph in the embedded store, print a summary
#   make test   set up .venv with dev tools, build/start the Neo4j test server, run the suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: demo test bench lint format serve install neo4j-launcher clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mvkg needs Python 3.11 or newer: make PYTHON=python3.11 …")'
	$(PYTHON) -m venv $(VENV)

# Installs exactly the versions pinned in constraints.txt (CI, make test and make demo agree).
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/mvkg demo

serve: install
	$(VENV)/bin/mvkg serve

# The launcher is also built on demand by the tests; building it here shows Maven's progress
# once and fails early when Java or Maven is missing on a machine that requires Neo4j.
neo4j-launcher: install
	@if command -v mvn >/dev/null && command -v java >/dev/null; then \
		$(PY) -c 'import sys; sys.path.insert(0, "tests"); from neo4j_server import build_launcher; print("Neo4j test launcher:", build_launcher())'; \
	else echo "Java 17 and Maven not found: the Neo4j tests will skip (apt-get install openjdk-17-jdk-headless maven)"; fi

test: install neo4j-launcher
	$(PY) -m pytest

bench: install neo4j-launcher
	$(PY) bench/store_bench.py
	$(PY) bench/loader_bench.py
	$(PY) bench/nlp_bench.py
	$(PY) bench/analytics_bench.py
	$(PY) bench/api_bench.py
	$(PY) bench/map_bench.py
	$(PY) bench/rdf_export_bench.py 100000 --store

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) mvkg-data tests/neo4j_launcher/target .pytest_cache .ruff_cache
