# The two commands a newcomer needs: `make sample` (install, then build the sample issue) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := issues/2024-11-15/issue.yaml

.PHONY: sample test install system bench lint clean compiled

sample: install
	$(BIN)/paperpress build $(SAMPLE) -o output

test: install
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy
	PAPERPRESS_WHEEL_TEST=1 $(BIN)/pytest -q

bench: install
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/composition.py
	$(BIN)/python bench/rebuild.py
	$(BIN)/python bench/peer.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/speed.py

# Debian tools the tests read PDFs with (independent of our own code), Pango for WeasyPrint and the browser
# that opens report.html; skipped when already present.
system:
	@command -v pdffonts >/dev/null && command -v gs >/dev/null && command -v qpdf >/dev/null && \
	  command -v chromium >/dev/null && ldconfig -p | grep -q libpangoft2-1.0 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils ghostscript qpdf \
	    libpango-1.0-0 libpangoft2-1.0-0 chromium >/dev/null)

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: system $(BIN)/python
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	@$(MAKE) -s $(STAMP)

# The line breaker, atoms and clreq tables compiled with mypyc as one group (C extensions beside their sources,
# which Python then imports instead: the same bytes come out, layout takes about 40% of the time), remade whenever
# a source is newer. Without a C compiler the build goes on in pure Python, which stays the reference
# (src/paperpress/linebreak/__init__.py uses the sources when an extension is stale or PAPERPRESS_PURE is set).
COMPILED := $(addprefix src/paperpress/linebreak/,rules_zh.py atoms.py breaker.py)
STAMP := src/paperpress/linebreak/.compiled
$(STAMP): $(COMPILED) tools/compile_native.py
	@if command -v cc >/dev/null; then \
	  rm -f src/paperpress/linebreak/*.so; \
	  if (cd src && ../$(BIN)/python ../tools/compile_native.py >/dev/null 2>../$(STAMP).log); then \
	    touch src/paperpress/linebreak/*.so $@; \
	  else echo "mypyc failed (see $(STAMP).log): paperpress runs in pure Python"; rm -f src/paperpress/linebreak/*.so; fi; \
	else echo "no C compiler: paperpress runs in pure Python"; fi

compiled: install

clean:
	rm -rf output .pytest_cache src/build
	rm -rf src/paperpress/linebreak/*.so $(STAMP) $(STAMP).log src/.mypy_cache
