# mesosimg — see README.md. `make demo` renders the bundled example; `make test` runs every test.
GO      ?= go
BIN     := bin/mesosimg
EXAMPLE ?= examples/two-node/cluster.yaml
OUT     ?= out
# make install [PREFIX=/usr/local] [DESTDIR=staging dir]: the binary and its shell completions.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share

.PHONY: all build install uninstall demo test deps vet fmt-check lint-sh unit golden-update docs upstream-check fuzz fuzz-ci bench e2e e2e-rollout e2e-deps clean

all: build

# -buildvcs=auto stamps the commit and its date (mesosimg version) when built from a git checkout.
build:
	$(GO) build -trimpath -buildvcs=auto -o $(BIN) ./cmd/mesosimg

## install: build, then install mesosimg into $(DESTDIR)$(BINDIR) and its bash, zsh and fish completions under $(DESTDIR)$(DATADIR)
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/bash-completion/completions \
	  $(DESTDIR)$(DATADIR)/zsh/site-functions $(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/mesosimg
	$(abspath $(BIN)) completion bash >$(BIN).bash
	$(abspath $(BIN)) completion zsh >$(BIN).zsh
	$(abspath $(BIN)) completion fish >$(BIN).fish
	install -m 0644 $(BIN).bash $(DESTDIR)$(DATADIR)/bash-completion/completions/mesosimg
	install -m 0644 $(BIN).zsh $(DESTDIR)$(DATADIR)/zsh/site-functions/_mesosimg
	install -m 0644 $(BIN).fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/mesosimg.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mesosimg $(DESTDIR)$(DATADIR)/bash-completion/completions/mesosimg \
	  $(DESTDIR)$(DATADIR)/zsh/site-functions/_mesosimg $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/mesosimg.fish

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

# The shell scripts (VM tests, CI, dependency installer): shellcheck, and no pipe into a reader that
# stops early (grep -q, grep -m, head) where the pipe's status is read. Under `set -o pipefail` such a
# pipe fails at random when the writer still writes after the reader has gone (SIGPIPE, status 141):
# `zcat user-data | grep -q nftables` once failed CI that way. Write `grep -q X < <(writer)`, and
# `sed -n 1,5p` for `head -n 5` (sed reads to the end), everywhere, so the rule needs no exceptions.
SH_SCRIPTS = $(wildcard e2e/*.sh scripts/*.sh seed/testdata/*.sh render/netboot/testdata/*.sh) .ci/run
lint-sh:
	shellcheck --severity=warning $(SH_SCRIPTS)
	@bad=$$(grep -HnE '(^|[^|])\|[[:space:]]*(grep[[:space:]]+-[A-Za-z]*[qm]|head([[:space:]]|$$))' $(SH_SCRIPTS) \
	  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' || true); \
	  if [ -n "$$bad" ]; then echo "lint-sh: a pipe into grep -q/-m or head whose status counts (SIGPIPE under pipefail):"; \
	  echo "$$bad"; exit 1; fi

## test: install what the tests need, then formatting, vet, the shell scripts' lint and every test
test: deps fmt-check vet lint-sh unit

# Only the packages whose tests use internal/golden know the -update flag.
GOLDEN_PKGS = $(shell grep -rl --include='*_test.go' -e 'mesosimg/internal/golden"' -e 'Bool."update"' . | xargs -n1 dirname | sort -u)

golden-update:
	$(GO) test $(GOLDEN_PKGS) -run Golden -update

## docs: regenerate docs/description.md, docs/cluster.schema.json and docs/manifest.md from the Go types
docs:
	$(GO) run ./internal/docgen/cmd

## upstream-check: hold internal/upstream's citations and generated tables to local mirrors of the
## pinned sources (fetch m3scluster/clusterd, mesosphere/marathon, apache/mesos into /work/.mirror,
## or set MESOSIMG_CLUSTERD_MIRROR / MESOSIMG_MIRRORS); not part of `make test`: CI has no mirrors
upstream-check:
	$(GO) test -count=1 -tags mirrors ./internal/upstream/

fuzz:
	$(GO) test ./config/... -run '^$$' -fuzz FuzzLoad -fuzztime 60s

## fuzz-ci: bounded fuzzing on top of the corpora, for CI (about 2.5 minutes): the description
## loader 60 s, each seed image writer 20 s, each YAML Block writer against yaml.v3 10 s. A failure
## leaves the crasher in the package's testdata/fuzz/<Target>/: commit it with the fix, and it
## runs with every `make test`.
# Go 1.26's fuzzing coordinator can fail a target at the end of -fuzztime with a bare "context
# deadline exceeded" and no crasher when the machine is busy (go.dev/issue/75804; fixed in Go
# 1.27: src/internal/fuzz/fuzz.go:129-136 of go1.27.3), so fuzz-ci fuzzes with that toolchain,
# which the go command fetches from the module proxy (about 76 MB, once).
FUZZ_GO ?= GOTOOLCHAIN=go1.27.3 $(GO)
FUZZ_LOAD_TIME ?= 60s
FUZZ_SEED_TIME ?= 20s
FUZZ_YAML_TIME ?= 10s
fuzz-ci:
	$(FUZZ_GO) test ./config -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZ_LOAD_TIME)
	$(FUZZ_GO) test ./seed -run '^$$' -fuzz '^FuzzWriteISO$$' -fuzztime $(FUZZ_SEED_TIME)
	$(FUZZ_GO) test ./seed -run '^$$' -fuzz '^FuzzWriteFAT$$' -fuzztime $(FUZZ_SEED_TIME)
	$(FUZZ_GO) test ./render/yamlout -run '^$$' -fuzz '^FuzzBlock$$' -fuzztime $(FUZZ_YAML_TIME) -fuzzminimizetime 5s
	$(FUZZ_GO) test ./render/cloudinit -run '^$$' -fuzz '^FuzzBlockWriters$$' -fuzztime $(FUZZ_YAML_TIME) -fuzzminimizetime 5s
	$(FUZZ_GO) test ./render/installer -run '^$$' -fuzz '^FuzzAutoinstallBlock$$' -fuzztime $(FUZZ_YAML_TIME) -fuzzminimizetime 5s

## bench: Go benchmarks (10,000-node renders, seed writers), seeds against cloud-localds, then a
## whole 10,000-node render onto tmpfs against cp -a of its tree (RUNS=5, median)
bench: deps
	$(GO) test ./generator ./seed -run '^$$' -bench . -benchmem -benchtime 3x
	$(GO) test ./render/cloudinit -run '^$$' -bench UserData -benchmem
	scripts/bench-seeds.sh
	scripts/bench-render.sh

e2e-deps:
	scripts/install-deps.sh --e2e

## e2e: boot three Debian VMs from rendered seeds (one installed bare-metal style) and check the cluster forms; the first boot under faults (a late member, two machines with one seed, power cuts: e2e/faults.sh); boot Debian's real netboot installer with a rendered command line; follow a plan's rollout from 3 to 5 ZooKeeper members in VMs (root, qemu, ~40 min)
e2e: e2e-deps build
	e2e/run.sh
	e2e/faults.sh
	e2e/debian-installer.sh
	e2e/rollout.sh

## e2e-rollout: only the rollout VM test of make e2e (e2e/rollout.sh)
e2e-rollout: e2e-deps build
	e2e/rollout.sh

clean:
	rm -rf bin $(OUT)
