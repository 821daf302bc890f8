# Folio — read the targets as a table of contents.
GO       ?= go
BIN      := bin/folio
DEMO     := dist/demo
ADDR     ?= 127.0.0.1:8080
GOROOT   := $(shell $(GO) env GOROOT)
WASM     := site/wasm/app.wasm
WASM_SRC := $(shell find internal wasm -name '*.go' -not -name '*_test.go') go.mod go.sum

.PHONY: folio wasm demo test test-go test-js test-browser bench bench-build check clean

## folio: build the command with the viewer embedded (bin/folio)
folio: wasm
	$(GO) build -trimpath -o $(BIN) ./build

## wasm: build the viewer's WebAssembly runtime into site/wasm/
wasm: $(WASM)
$(WASM): $(WASM_SRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm/browser
	cp $(GOROOT)/lib/wasm/wasm_exec.js site/wasm/wasm_exec.js
	$(GO) run ./scripts/precompress $@

## demo: build the demo archive and serve it on http://$(ADDR)/
demo: folio
	$(BIN) build -posts demo/_posts -out $(DEMO)
	$(BIN) serve -dir $(DEMO) -addr $(ADDR)

## test: every test: Go (native), Go under Node (js/wasm), real Chromium
test: wasm
	@FOLIO_CHROMIUM=$$(scripts/ensure-chromium.sh) && echo "browser tests use $$FOLIO_CHROMIUM"
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./internal/jsbridge ./wasm/...
	$(GO) test -count=1 ./...
	PATH="$(GOROOT)/lib/wasm:$$PATH" GOOS=js GOARCH=wasm $(GO) test -count=1 ./internal/jsbridge ./internal/render ./internal/bundle ./internal/archive

## bench: all benchmarks (figures, not pass/fail)
bench: bench-build

## bench-build: build 10k and 100k synthetic posts; print posts/s, wall, peak RSS, bytes
bench-build: folio
	scripts/bench-build.sh $(if $(CORPUS),-corpus $(CORPUS),)

## check: formatting and vet, quick
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin dist site/wasm/app.wasm* site/wasm/wasm_exec.js
