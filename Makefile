# JieBang — two commands for a newcomer:
#   make run    install everything, migrate, load demo data, serve at http://127.0.0.1:5000
#   make test   install everything and run the full test suite
# Set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to test on PostgreSQL.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: CJK fonts for PDFs (GB/T 9704 roles: FandolFang 仿宋 / FandolKai 楷体 from texlive-lang-chinese,
# Noto Serif CJK Black 小标宋-style from fonts-noto-cjk-extra, Noto Sans/Serif CJK; HanaMin for rare Extension B
# characters), Chromium for browser tests, poppler for PDF checks, Pango/HarfBuzz for WeasyPrint.
SYSTEM_PACKAGES := fonts-noto-cjk fonts-noto-cjk-extra fonts-hanazono chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig

.PHONY: run test install system-deps fandol-fonts python-deps translations assets serve clean

run: install
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest tests -p no:cacheprovider $(PYTEST_ARGS)

install: system-deps fandol-fonts python-deps translations assets

# The Fandol 仿宋/楷体 faces ship only inside Debian's texlive-lang-chinese, whose
# dependencies (all of TeX Live, ~580 MB) we do not need: download that one package
# from the Debian archive and unpack just the fonts into var/fonts/fandol.
FANDOL_SYSTEM := /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
FANDOL_LOCAL  := var/fonts/fandol
fandol-fonts:
	@if [ ! -f $(FANDOL_SYSTEM)/FandolFang-Regular.otf ] && [ ! -f $(FANDOL_LOCAL)/FandolFang-Regular.otf ]; then \
	  echo "Unpacking the Fandol fonts from texlive-lang-chinese into $(FANDOL_LOCAL)"; \
	  tmp=$$(mktemp -d) && cd $$tmp && \
	  { apt-get download texlive-lang-chinese >/dev/null 2>&1 || { $(SUDO) apt-get update -q >/dev/null && apt-get download texlive-lang-chinese; }; } && \
	  dpkg-deb --fsys-tarfile texlive-lang-chinese_*.deb | tar -x --wildcards './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*' && \
	  cd - >/dev/null && mkdir -p $(FANDOL_LOCAL) && cp $$tmp$(FANDOL_SYSTEM)/*.otf $(FANDOL_LOCAL)/ && rm -rf $$tmp; \
	fi

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

python-deps: $(VENV)/.installed

MO := app/translations/en/LC_MESSAGES/messages.mo
translations: python-deps $(MO)

# Only when the catalogue changed: two test runs started together never rewrite it.
$(MO): app/translations/en/LC_MESSAGES/messages.po
	$(BIN)/pybabel -q compile -d app/translations

assets: python-deps
	@if [ -f scripts/build_fonts.py ]; then $(BIN)/python scripts/build_fonts.py; fi

clean:
	rm -rf $(VENV) instance
