#!/usr/bin/env bash
# Runs every test: Rust (unit, integration, doc, vectors, property), Python and Node.
# Installs what it needs (maturin and pytest in a virtual environment, npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium renders the `clean --report` HTML page in a test.
bash scripts/install-chromium.sh

echo "== Rust"
cargo test --workspace --all-targets
cargo test --workspace --doc

echo "== Python"
bash bindings/python/scripts/test.sh

echo "== Node"
bash bindings/node/scripts/test.sh
