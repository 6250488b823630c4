#!/usr/bin/env bash
# Makes headless Chromium available for the HTML report test
# (crates/mailhygiene-cli/tests/clean_report_html.rs). Debian's `chromium` package; nothing
# is downloaded from anywhere else. Does nothing when a Chromium is already there.
set -euo pipefail
for name in chromium chromium-browser google-chrome chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-chromium: not root and no sudo: install Debian's 'chromium' package" >&2
    exit 1
  fi
fi
echo "== installing chromium (Debian package) for the HTML report test"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
