#!/usr/bin/env bash
# Build and test the Python binding from source. Needs only python3 (3.10+), pip and cargo.
#
#   bash bindings/python/scripts/test.sh [pytest args...]
#
# 1. a virtual environment in bindings/python/.venv with tests/requirements.txt;
# 2. `maturin build --release`: the wheel must be abi3;
# 3. `pip install ./bindings/python`: the from-source install users run (reuses step 2's build);
# 4. `mypy.stubtest` checks the type stubs against the module; 5. pytest.
# Only installing touches the network; the tests never do.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

python="${PYTHON:-python3}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet -r tests/requirements.txt

echo "== maturin build --release (abi3 wheel)"
rm -rf target/wheels
"$venv/bin/maturin" build --release --out target/wheels
wheel="$(ls target/wheels/mailhygiene-*.whl)"
case "$(basename "$wheel")" in
  *-abi3-*) echo "ok: $(basename "$wheel")" ;;
  *) echo "error: the wheel is not abi3: $wheel" >&2; exit 1 ;;
esac

echo "== pip install ./bindings/python (from source)"
"$py" -m pip install --quiet --force-reinstall --no-deps "$here"

echo "== mypy.stubtest"
# From outside the source tree, so the installed package is what gets checked.
(cd "$venv" && "$py" -m mypy.stubtest mailhygiene)

echo "== pytest"
(cd "$here/tests" && "$py" -m pytest -q -p no:cacheprovider "$@")
