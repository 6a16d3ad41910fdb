# mesosimg — see README.md. `make demo` renders the bundled example; `make test` runs every test.
GO      ?= go
BIN     := bin/mesosimg
EXAMPLE ?= examples/two-node/cluster.yaml
OUT     ?= out

.PHONY: all build demo test deps vet fmt-check unit golden-update fuzz fuzz-ci bench e2e e2e-deps clean

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

# Only the packages whose tests use internal/golden know the -update flag.
GOLDEN_PKGS = $(shell grep -rl --include='*_test.go' -e 'internal/golden"' -e 'Bool."update"' . | xargs -n1 dirname | sort -u)

golden-update:
	$(GO) test $(GOLDEN_PKGS) -run Golden -update

fuzz:
	$(GO) test ./config/... -run '^$$' -fuzz FuzzLoad -fuzztime 60s

## fuzz-ci: bounded fuzzing on top of the corpora, for CI (about 2 minutes): the description
## loader 60 s, each seed image writer 20 s. A failure leaves the crasher in the package's
## testdata/fuzz/<Target>/: commit it with the fix, and it runs with every `make test`.
FUZZ_LOAD_TIME ?= 60s
FUZZ_SEED_TIME ?= 20s
fuzz-ci:
	$(GO) test ./config -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZ_LOAD_TIME)
	$(GO) test ./seed -run '^$$' -fuzz '^FuzzWriteISO$$' -fuzztime $(FUZZ_SEED_TIME)
	$(GO) test ./seed -run '^$$' -fuzz '^FuzzWriteFAT$$' -fuzztime $(FUZZ_SEED_TIME)

## bench: Go benchmarks (10,000-node renders, seed writers), then seeds against cloud-localds
bench: deps
	$(GO) test ./generator ./seed -run '^$$' -bench . -benchmem -benchtime 3x
	scripts/bench-seeds.sh

e2e-deps:
	scripts/install-deps.sh --e2e

## e2e: boot three Debian VMs from rendered seeds (one installed bare-metal style) and check the cluster forms; boot Debian's real netboot installer with a rendered command line (root, qemu, ~10 min)
e2e: e2e-deps build
	e2e/run.sh
	e2e/debian-installer.sh

clean:
	rm -rf bin $(OUT)
