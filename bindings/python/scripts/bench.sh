#!/usr/bin/env bash
# Benchmark the Python binding against email-validator and emval (see scripts/bench.py).
#
#   bash bindings/python/scripts/bench.sh [bench.py args, e.g. --n 1000000]
#
# Uses its own virtual environment (bindings/python/.bench-venv) with a release build.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "email-validator>=2.2,<3" "emval>=0.1.13,<0.2"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$here"
"$venv/bin/python" "$here/scripts/bench.py" "$@"
