# Terrane — build, run and test. See README.md.
GO      ?= go
BIN     := bin/terrane
# PostgreSQL for `make ci`; .ci/run points it at a fresh database.
TERRANE_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
FUZZTIME ?= 10s

.PHONY: all build frontend browser run test ci lint fuzz bench clean

all: build

# frontend builds the web app into frontend/dist when the frontend exists.
# rollup is pinned in package.json to a version whose every platform package
# the registry serves, so that the lock is complete and `npm ci` accepts it.
frontend:
	@if [ -f frontend/package.json ]; then cd frontend && ([ -d node_modules ] || npm ci --no-audit --no-fund) && npm run build; fi

build: frontend
	$(GO) build -o $(BIN) ./cmd/terrane

# run starts the server on the embedded default database (sqlite:./var/terrane.db).
run: build
	./$(BIN) serve

# browser installs Debian's Chromium for the browser tests when it is
# missing (the tests never download a browser of their own).
browser:
	@if [ -f frontend/package.json ] && [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium from Debian for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# test runs every test: Go (SQLite always; PostgreSQL too when
# TERRANE_TEST_POSTGRES_URL is set in the environment) and the frontend's
# unit and browser tests.
test: frontend browser
	$(GO) test ./...
	@if [ -f frontend/package.json ]; then cd frontend && npm test; fi

# ci is what .ci/run runs: lint, then the tests with PostgreSQL required, then
# each fuzz target for a short fixed time.
ci: lint
	CI=1 TERRANE_TEST_POSTGRES_URL='$(TERRANE_TEST_POSTGRES_URL)' $(MAKE) test
	$(MAKE) fuzz

fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench: build
	./$(BIN) bench allocate
	./$(BIN) bench align

clean:
	rm -rf bin var frontend/dist/assets
