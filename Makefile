# The two commands of the README: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench install system-packages clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

VENDOR := src/presentai/entrypoints/http/static/vendor
WEB_STAMP := $(VENDOR)/.installed-$(shell cat web/package-lock.json | cksum | cut -d' ' -f1)

# The web UI's front-end assets, pinned in web/package-lock.json, from the npm registry into static/vendor.
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp web/node_modules/@picocss/pico/css/pico.min.css web/node_modules/htmx.org/dist/htmx.min.js \
		web/node_modules/sortablejs/Sortable.min.js $(VENDOR)/
	rm -f $(VENDOR)/.installed-* && touch $@

install: $(STAMP) $(WEB_STAMP)

demo: $(STAMP)
	$(BIN)/presentai generate samples/annual-report-2025.pdf samples/field-notes.md \
		--slides 12 --audience "the board" -o out/northwind-board.pptx
	$(BIN)/presentai generate samples/otchet-vetroparka.pdf samples/strategiya-2026.docx \
		--slides 8 -o out/northwind-ru.pptx

test: $(STAMP) $(WEB_STAMP) system-packages
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432 (see README)"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis is not running on 127.0.0.1:6379 (see README)"; exit 1; }
	$(BIN)/nox --no-venv -s lint tests

system-packages:  # LibreOffice and Poppler for PDF/PNG exports, curl and jq for the tour, when missing
	@scripts/install-system-packages

lint: $(STAMP)
	$(BIN)/nox --no-venv -s lint

bench: $(STAMP)
	$(BIN)/nox --no-venv -s bench

clean:
	rm -rf $(VENV) out workspace .nox .pytest_cache .mypy_cache .ruff_cache
