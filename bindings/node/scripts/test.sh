#!/usr/bin/env bash
# Build and test the Node package from a fresh checkout with only node, npm and cargo:
# install the pinned dev tools, compile the addon from source (release; no prebuilt downloads),
# then `npm test`: the shared vectors, the API tests, index.d.ts drift, `tsc --noEmit` on an
# example using the whole API, and `npm pack` installed into an empty project (require + import).
# Called by scripts/test-all.sh. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm install`, not `npm ci`: the pinned dev tools (package.json, package-lock.json) depend on
# platform packages for other systems that this machine's registry does not carry, which
# `npm ci` refuses; `npm install` keeps the locked versions and skips those optional packages.
npm install --no-audit --no-fund
npm run build
# The build rewrote the loader and declarations; in a git checkout they must equal the committed ones.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if ! git diff --exit-code -- index.d.ts index.js; then
    echo "index.d.ts / index.js drifted from the Rust source: commit the regenerated files" >&2
    exit 1
  fi
fi
npm test
