#!/usr/bin/env bash
# Whole-CLI benchmark of `mailhygiene merge`: generates a deterministic corpus (default 10 M
# records over about 4 M distinct addresses, CSV exports of SendGrid, Mailgun and SES in files
# of 200 k rows), runs the release binary under /usr/bin/time -v and prints wall time and peak
# memory. Numbers go to BENCHMARKS.md (## merge).
#
# usage: scripts/bench-merge.sh [RECORDS] [DISTINCT]   (env: CORPUS=dir to reuse a corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-10000000}
DISTINCT=${2:-4000000}
CORPUS=${CORPUS:-target/bench-merge/corpus-$RECORDS-$DISTINCT}
OUT=target/bench-merge/out

if [ ! -d "$CORPUS" ]; then
  echo "generating $CORPUS" >&2
  python3 scripts/gen-merge-corpus.py "$CORPUS.tmp" "$RECORDS" "$DISTINCT"
  mv "$CORPUS.tmp" "$CORPUS"
fi
cargo build --release -p mailhygiene-cli >&2
rm -rf "$OUT"
# The machine is shared: wall time means little without the load it ran under.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v ./target/release/mailhygiene merge \
  --stream news=sendgrid:"$CORPUS/sendgrid" \
  --stream shop="$CORPUS/mailgun" \
  --stream receipts=ses:"$CORPUS/ses" \
  --transactional receipts \
  --now 2025-01-01T00:00:00Z \
  --out "$OUT" --timings 2> target/bench-merge/time.txt || { cat target/bench-merge/time.txt >&2; exit 1; }
grep -E "^ +[0-9.]+s |mailhygiene merge:" target/bench-merge/time.txt
grep -E "Elapsed \(wall clock\)|Percent of CPU|Maximum resident set size|User time|System time" target/bench-merge/time.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cores: $(nproc)"
