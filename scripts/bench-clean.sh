#!/usr/bin/env bash
# Whole-CLI benchmark of `mailhygiene clean`: a generated 1 M-row, 6-column contact list
# cleaned against a generated 1 M-record master suppression list. Prints wall time, CPU time,
# rows/s and peak memory (max RSS) for each run. The numbers go to BENCHMARKS.md (## clean).
#
#   bash scripts/bench-clean.sh            # 1 M rows, 3 runs
#   ROWS=200000 RUNS=1 bash scripts/bench-clean.sh
#
# The data is generated with a fixed seed into $BENCH_DIR (default: a temporary folder), so
# every run and every machine cleans the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
SUPPRESSIONS="${SUPPRESSIONS:-1000000}"
RUNS="${RUNS:-3}"
DIR="${BENCH_DIR:-$(mktemp -d)}"

cargo build --release -q -p mailhygiene-cli
if [ ! -f "$DIR/contacts.csv" ] || [ "$(wc -l < "$DIR/contacts.csv")" -lt "$ROWS" ]; then
  python3 scripts/gen-contacts.py --rows "$ROWS" --suppressions "$SUPPRESSIONS" \
    --no-exports --out-dir "$DIR" >/dev/null
fi
echo "input: $(du -h "$DIR/contacts.csv" | cut -f1) contacts ($ROWS rows, 6 columns)," \
  "$(du -h "$DIR/suppressions.csv" | cut -f1) suppression list ($SUPPRESSIONS records)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
  # Each run starts as a first run does, with no earlier outputs: replacing a 100 MB file
  # spends time on freeing the old one's pages, which is not the cleaning's.
  rm -f "$DIR/kept.csv" "$DIR/rejects.csv" "$DIR/report.json"
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" \
    env MAILHYGIENE_TIMINGS=1 ./target/release/mailhygiene clean "$DIR/contacts.csv" \
      --suppressions "$DIR/suppressions.csv" \
      --out "$DIR/kept.csv" --rejects "$DIR/rejects.csv" --report "$DIR/report.json" \
      >"$DIR/summary.txt" 2>"$DIR/timings.txt"
  read -r wall user sys rss < "$DIR/time.txt"
  awk -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v n="$ROWS" -v i="$i" 'BEGIN {
    printf "run %d: %.2f s wall, %.2f s CPU (user %.2f + sys %.2f), %.0f rows/s, peak RSS %.0f MiB\n",
      i, w, u + s, u, s, n / w, m / 1024 }'
done
echo "phases of the last run:"
sed 's/^/  /' "$DIR/timings.txt"
head -1 "$DIR/summary.txt"
