#!/usr/bin/env bash
# Benchmarks (./dev bench): figures and ratios against baselines measured in
# the same run (docs/BENCHMARKS.md).
#
#   scripts/bench.sh BUILD_DIR [args]                     all seven, in sequence
#   scripts/bench.sh BUILD_DIR terminal|daemon|sync|records|programme|expiry|analytics [args]
#                                                         just that one
#
# Each benchmark runs in its own temporary directory (mktemp -d; set TMPDIR to
# put it on the disk you care about), removed afterwards. Extra arguments go
# to every benchmark run, so with all of them use flags they all take
# (--quick); name one benchmark for its own flags.
set -euo pipefail
build=${1:?build dir}
shift
benches=(terminal daemon sync records programme expiry analytics)
case ${1:-} in
  terminal | daemon | sync | records | programme | expiry | analytics) benches=("$1"); shift ;;
esac
data=
trap '[[ -z $data ]] || rm -rf "$data"' EXIT
for bench in "${benches[@]}"; do
  data=$(mktemp -d -t "patron-bench-$bench-XXXXXX")
  "$build/tests/bench/patron_${bench}_bench" --dir "$data" "$@"
  rm -rf "$data"
  data=
  echo
done
