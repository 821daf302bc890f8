# Folio — read the targets as a table of contents.
GO      ?= go
BIN     := bin/folio
DEMO    := dist/demo
ADDR    ?= 127.0.0.1:8080

.PHONY: folio demo test bench bench-build check clean

## folio: build the command (bin/folio)
folio:
	$(GO) build -trimpath -o $(BIN) ./build

## demo: build the demo archive and serve it on http://$(ADDR)/
demo: folio
	$(BIN) build -posts demo/_posts -out $(DEMO)
	$(BIN) serve -dir $(DEMO) -addr $(ADDR)

## test: every test (vet, unit, corpus, build cases)
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

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
	rm -rf bin dist
