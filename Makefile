# mesosimg — see README.md. `make demo` renders the bundled example; `make test` runs every test.
GO      ?= go
BIN     := bin/mesosimg
EXAMPLE ?= examples/two-node/cluster.yaml
OUT     ?= out

.PHONY: all build demo test deps vet fmt-check unit golden-update fuzz bench e2e e2e-deps clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/mesosimg

## demo: render the bundled two-node example into ./out
demo: build
	./$(BIN) render $(EXAMPLE) -o $(OUT)
	@find $(OUT) -type f | sort

deps:
	scripts/install-deps.sh

fmt-check:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

## test: install what the tests need, then formatting, vet and every test
test: deps fmt-check vet unit

golden-update:
	$(GO) test ./... -run Golden -update

fuzz:
	$(GO) test ./config/... -run '^$$' -fuzz FuzzLoad -fuzztime 60s

## bench: Go benchmarks (10,000-node renders, seed writers), then seeds against cloud-localds
bench: deps
	$(GO) test ./generator ./seed -run '^$$' -bench . -benchmem -benchtime 3x
	scripts/bench-seeds.sh

e2e-deps:
	scripts/install-deps.sh --e2e

## e2e: boot three Debian VMs from rendered seeds and check the cluster forms (root, qemu, ~10 min)
e2e: e2e-deps build
	e2e/run.sh

clean:
	rm -rf bin $(OUT)
