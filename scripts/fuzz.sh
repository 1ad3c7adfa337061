#!/usr/bin/env bash
# Fuzzes the query parser for N seconds (default 600). New corpus entries go to
# target/fuzz/corpus; the committed seeds in fuzz/seeds stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
mkdir -p target/fuzz/corpus
cargo +nightly fuzz run query_parse --fuzz-dir fuzz --target-dir target/fuzz/build \
  target/fuzz/corpus fuzz/seeds/query_parse \
  -- -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
