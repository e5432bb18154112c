# make test   installs what is missing, then runs every check and test
# make build  builds the npm package into pkg/ (web target)
# make demo   builds pkg/ and serves the demo and a local Basiq API on http://127.0.0.1:8080

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# wasm-pack finds wasm-opt (binaryen's, from npm) and wasm-bindgen on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

WASM_PACK_BUILD := wasm-pack build --release --target web --out-dir pkg

.PHONY: test build demo setup
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

build: setup
	$(WASM_PACK_BUILD)
	scripts/size-guard

demo: setup
	$(WASM_PACK_BUILD)
	cargo run --release -p sandbox -- --port 8080
