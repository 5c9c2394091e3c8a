# Terrane — build, run and test. See README.md.
GO      ?= go
BIN     := bin/terrane
# PostgreSQL for `make ci`; .ci/run points it at a fresh database.
TERRANE_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
FUZZTIME ?= 10s
# staticcheck is pinned and installed into bin/ by `make lint`.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck

.PHONY: all build frontend browser run test ci lint tidy-check staticcheck fuzz bench clean

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
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./.ci/fuzz

# lint fails on unformatted code, go vet or staticcheck findings, and a go.mod
# or go.sum that differs from what `go mod tidy` writes.
lint: tidy-check staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

# tidy-check fails when `go mod tidy -diff` prints anything (or fails).
tidy-check:
	@out=$$($(GO) mod tidy -diff 2>/dev/null) && [ -z "$$out" ] || { echo "go.mod/go.sum are not tidy; run 'go mod tidy':"; echo "$$out"; $(GO) mod tidy -diff; exit 1; }

# staticcheck installs the pinned staticcheck into bin/ unless it is there
# already at that version.
staticcheck:
	@if ! $(GO) version -m $(STATICCHECK) 2>/dev/null | grep -Eq '^[[:space:]]+mod[[:space:]]+honnef.co/go/tools[[:space:]]+$(STATICCHECK_VERSION)[[:space:]]'; then \
	  echo "installing staticcheck $(STATICCHECK_VERSION) into bin/"; \
	  GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

# generate rewrites the files made from the code: api/openapi.json from the
# Go types of the API's bodies (api/operation.go, api/body.go), then
# frontend/src/api-types.ts from it with openapi-typescript. On a clean tree it
# changes nothing; .ci/run checks that.
.PHONY: generate
generate:
	$(GO) test ./api -run '^TestGenerateOpenAPI$$' -count=1 -update
	@if [ -f frontend/package.json ]; then cd frontend && ([ -d node_modules ] || npm ci --no-audit --no-fund) && npm run --silent generate; fi

bench: build
	./$(BIN) bench allocate
	./$(BIN) bench align

clean:
	rm -rf bin var frontend/dist/assets
