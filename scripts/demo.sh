#!/usr/bin/env bash
# The main job (./dev demo): runs what Patron has so far against a fresh data
# directory. Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=${1:?build dir}
data=$(mktemp -d -t patron-demo-XXXXXX)
trap 'rm -rf "$data"' EXIT
"$build/terminal/patron-offline-demo" "$data"
