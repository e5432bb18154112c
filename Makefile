# make test   installs what is missing, then runs every check and test
# make build  builds the npm package into pkg/ (web target)
# make demo   builds pkg/ and serves the demo and a local Basiq API on http://127.0.0.1:8080
# make e2e    builds pkg/ and the sandbox, then runs the demo's browser tests (tests/e2e/)
# make consumers  installs the packed package into the projects in tests/consumers/ and runs them
# make fuzz   runs every fuzz target for FUZZ_SECONDS (default 60) each; make test runs them briefly
# make bench  measures size, speed, memory and requests; writes bench/RESULTS.md (not part of make test)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# wasm-pack finds wasm-opt (binaryen's, from npm) and wasm-bindgen on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

# The package: wasm-pack's build with the JS glue unminified (partners' bundlers minify it, and
# readable glue gives readable stack traces), then scripts/package.mjs adds the entries partners
# import (index.js for browsers and bundlers, node.js for Node), the declarations, package.json
# and the registry README (package/README.md).
WASM_PACK_BUILD := rm -rf pkg && wasm-pack build --release --target web --out-dir pkg && node scripts/package.mjs

.PHONY: test build demo setup e2e fuzz consumers
.DEFAULT_GOAL := build

setup:
	scripts/setup

test: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	cargo test --workspace
	wasm-pack test --headless --chrome
	$(WASM_PACK_BUILD)
	scripts/size-guard
	node --test tests/types/
	FUZZ_SECONDS=$${FUZZ_SMOKE_SECONDS:-3} scripts/fuzz
	$(E2E)
	$(CONSUMERS)

fuzz: setup
	scripts/fuzz

build: setup
	$(WASM_PACK_BUILD)
	scripts/size-guard

demo: setup
	$(WASM_PACK_BUILD)
	cargo build --release -p sandbox
	@echo "basiq-jobs demo: open http://127.0.0.1:8080 in a browser (Ctrl-C stops it)"
	cargo run --release -p sandbox -- --port 8080

# The demo's browser tests: Chromium against a real sandbox the tests start (pkg/ must be built).
E2E := cargo build --release -p sandbox && node --test --test-timeout=120000 tests/e2e/

e2e: build
	$(E2E)

# The packed package installed into real projects (tests/consumers/: Vite, webpack, Rollup,
# esbuild, React, Vitest, Node, strict TypeScript), each run against a real sandbox.
CONSUMERS := cargo build --release -p sandbox && node --test --test-timeout=300000 tests/consumers/consumers.test.mjs

consumers: build
	$(CONSUMERS)

# Benchmarks (bench/run.mjs): the release package, the release sandbox, then the measurements.
# Not part of make test. The start time goes to bench/out/started so the report covers it all.
.PHONY: bench
bench:
	mkdir -p bench/out && date +%s > bench/out/started
	scripts/setup
	$(WASM_PACK_BUILD)
	cargo build --release -p sandbox
	node bench/run.mjs
