#!/usr/bin/env bash
# Benchmarks (./dev bench): figures and ratios against baselines measured in
# the same run. Usage: scripts/bench.sh BUILD_DIR [benchmark args]
set -euo pipefail
build=${1:?build dir}
shift
data=$(mktemp -d -t patron-bench-XXXXXX)
trap 'rm -rf "$data"' EXIT
"$build/tests/bench/patron_terminal_bench" --dir "$data" "$@"
