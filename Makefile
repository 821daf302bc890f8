# Folio — read the targets as a table of contents.
GO       ?= go
BIN      := bin/folio
DEMO     := dist/demo
ADDR     ?= 127.0.0.1:8080
GOROOT   := $(shell $(GO) env GOROOT)
WASM     := site/wasm/app.wasm
WASM_SRC := $(shell find internal wasm -name '*.go' -not -name '*_test.go') go.mod go.sum go.wasm.work
# The js/wasm build runs in the workspace go.wasm.work, which swaps in our bbolt stand-in.
WASM_ENV := GOWORK=$(CURDIR)/go.wasm.work GOOS=js GOARCH=wasm

.PHONY: folio wasm worker-wasm worker demo test test-edge lint fuzz bench bench-build bench-viewer bench-search bench-compare bench-update check clean

## folio: build the command with the viewer and the Cloudflare Worker embedded (bin/folio)
folio: wasm worker-wasm
	$(GO) build -trimpath -o $(BIN) ./build

## wasm: build the viewer's WebAssembly runtime into site/wasm/
wasm: $(WASM)
$(WASM): $(WASM_SRC)
	$(WASM_ENV) $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm/browser
	cp $(GOROOT)/lib/wasm/wasm_exec.js site/wasm/wasm_exec.js
	$(GO) run ./scripts/precompress $@

## worker-wasm: build the Cloudflare Worker (wasm/worker) into wasm/worker/module/, with
## the wasm_exec.js of syumai/workers (Go's, passing the worker's env to Go)
WORKER_WASM := wasm/worker/module/app.wasm
worker-wasm: $(WORKER_WASM)
$(WORKER_WASM): $(WASM_SRC)
	$(WASM_ENV) $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm/worker
	tmp=$$(mktemp -d) && $(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o $$tmp \
		&& cp $$tmp/wasm_exec.js wasm/worker/module/wasm_exec.js; status=$$?; rm -rf $$tmp; exit $$status

## worker: the Cloudflare Worker for the site built from WORKER_POSTS, in $(WORKER)/
## (bin/folio worker; site/ is its static assets). Run it with scripts/edge/dev.sh.
WORKER       ?= dist/worker
WORKER_POSTS ?= demo/_posts
worker: folio
	rm -rf $(WORKER) && mkdir -p $(WORKER)
	$(BIN) build -posts $(WORKER_POSTS) -out $(WORKER)/site -quiet -no-compress
	$(BIN) worker -site $(WORKER)/site -out $(WORKER)

## test-edge: only the Cloudflare Worker under wrangler dev (workerd), offline, with its
## figures (make test runs it too)
test-edge: wasm worker-wasm
	FOLIO_REQUIRE_EDGE=1 $(GO) test -count=1 -v -run TestWorkerUnderWrangler ./scripts/edge

## demo: build the demo archive and serve it on http://$(ADDR)/
demo: folio
	$(BIN) build -posts demo/_posts -out $(DEMO)
	$(BIN) serve -dir $(DEMO) -addr $(ADDR)

## test: every test: Go (native), Go under Node (js/wasm), real Chromium, the Worker under
## wrangler dev (wrangler from npm, pinned in scripts/edge), the nginx snippet under real
## nginx (Debian's, installed when missing)
test: wasm worker-wasm
	@command -v node >/dev/null || { echo "make test: Node.js is needed for the js/wasm tests: apt-get install nodejs"; exit 1; }
	@FOLIO_CHROMIUM=$$(scripts/ensure-chromium.sh) && echo "browser tests use $$FOLIO_CHROMIUM"
	@FOLIO_NGINX=$$(scripts/ensure-nginx.sh) && echo "the nginx snippet's test uses $$FOLIO_NGINX"
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet ./internal/jsbridge ./wasm/...
	$(GO) test -count=1 -timeout 25m $$($(GO) list ./... | grep -v '/scripts/edge$$')
	@# The Workers test alone, not beside the browser tests: it measures, and an older
	@# workerd (1.20260426.1) was seen to livelock under load (README, Cloudflare Workers).
	$(GO) test -count=1 -timeout 15m ./scripts/edge
	cd wasm/bboltshim && $(GO) vet ./... && $(GO) test -count=1 ./...
	PATH="$(GOROOT)/lib/wasm:$$PATH" $(WASM_ENV) $(GO) test -count=1 ./internal/jsbridge ./internal/render ./internal/bundle ./internal/archive ./internal/search/... ./wasm/blevecheck

## lint: golangci-lint (.golangci.yml) on the native packages, the packages that build only
## for js/wasm, and the wasm/bboltshim module; every run goes on, and it fails if any found
## something. It builds golangci-lint $(LINT_VERSION) into .cache/bin on first use.
LINT_VERSION := 2.15.0
LINT         := $(CURDIR)/.cache/bin/golangci-lint
LINT_JS      := ./internal/jsbridge ./internal/edge ./wasm/browser ./wasm/worker
lint:
	@test "$$($(LINT) version --short 2>/dev/null)" = "$(LINT_VERSION)" || { \
		echo "make lint: building golangci-lint v$(LINT_VERSION) into $(dir $(LINT)) (once; a few minutes)…"; \
		GOBIN=$(dir $(LINT)) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(LINT_VERSION) \
			|| { echo "make lint: cannot build golangci-lint v$(LINT_VERSION) (the go command's error is above)"; exit 1; }; }
	@failed=""; \
	echo "$(LINT) run ./..."; $(LINT) run ./... || failed="$$failed native"; \
	echo "$(WASM_ENV) $(LINT) run $(LINT_JS)"; $(WASM_ENV) $(LINT) run $(LINT_JS) || failed="$$failed js/wasm"; \
	echo "cd wasm/bboltshim && $(LINT) run ./..."; (cd wasm/bboltshim && $(LINT) run ./...) || failed="$$failed wasm/bboltshim"; \
	test -z "$$failed" || { echo "make lint: findings in:$$failed"; exit 1; }

## fuzz: run every fuzz target of internal/ for FUZZTIME each (make fuzz FUZZTIME=10m), one
## after the other, on one core. A crasher is written to the package's testdata/fuzz/FuzzX/:
## keep it there as a seed once fixed (`make test` runs every seed).
FUZZTIME         ?= 1m
FUZZMINIMIZETIME ?= 100x
fuzz:
	@failed=""; for pkg in $$($(GO) list ./internal/...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$name ($$pkg) for $(FUZZTIME)"; \
			$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) -parallel=1 $$pkg \
				|| failed="$$failed $$name"; \
		done; \
	done; \
	test -z "$$failed" || { echo "make fuzz: crashes in$$failed"; exit 1; }

## bench: all benchmarks (figures, not pass/fail)
bench: bench-build bench-viewer bench-search

## bench-viewer: viewer start-up in Chromium (first paint, newest posts, opening a post) for the demo and 100k posts
bench-viewer: folio
	scripts/bench-viewer.sh

## bench-search: search in Chromium on 1k, 10k, 100k gencorpus posts (cold/warm times, the fetch floor, bytes, memory) beside the peers
bench-search: folio
	scripts/bench-search.sh

## bench-compare: Folio beside Pagefind (pinned, installed with npm into .cache/ on first use) on
## one gencorpus archive of COMPARE_POSTS posts, in one Chromium, queries interleaved: cold bytes
## and time, warm first runs, recall against substring truth; ends with one JSON line
COMPARE_POSTS ?= 10000
bench-compare: folio
	@command -v npm >/dev/null || { echo "make bench-compare: npm is needed to install Pagefind: apt-get install npm"; exit 1; }
	$(GO) run ./scripts/benchcompare -n $(COMPARE_POSTS) -chromium "$$(scripts/ensure-chromium.sh)"

## bench-build: build 10k and 100k synthetic posts; print posts/s, wall, peak RSS, bytes
bench-build: folio
	scripts/bench-build.sh $(if $(CORPUS),-corpus $(CORPUS),)

## bench-update: a day's update of N gencorpus posts (N=10000; N=100000 settable): build, add
## 0.5 % posts dated the next day, edit 10, delete 5, rebuild into the same output; prints the
## rebuild's time against a full build of the same posts, the data files that changed and
## the bytes a reader with everything cached must fetch
N ?= 10000
bench-update:
	$(GO) run ./scripts/benchupdate -n $(N)

## check: formatting and vet, quick
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin dist site/wasm/app.wasm* site/wasm/wasm_exec.js wasm/worker/module/app.wasm wasm/worker/module/wasm_exec.js
