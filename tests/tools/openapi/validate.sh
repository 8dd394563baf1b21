#!/usr/bin/env bash
# validate.sh DOCUMENT WORK_DIR
#
# The openapi_validate test (tests/terminal/CMakeLists.txt): checks an OpenAPI
# document with the third-party validator pinned by package-lock.json beside
# this script. The validator is installed into WORK_DIR (a build directory,
# never the source tree) with `npm ci` on the first run and whenever the lock
# file changes; later runs reuse it and need no network.
#
# Exits non-zero when the document is invalid and also when the validator
# cannot be installed or run: a missing tool must fail the test, not skip it.
# Needs node and npm (./dev deps installs Debian's nodejs and npm if node is
# missing).
set -euo pipefail

fail() {
  printf 'openapi_validate: %s\n' "$*" >&2
  exit 1
}

(($# == 2)) || fail "usage: validate.sh DOCUMENT WORK_DIR"
document=$1
work=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ -r $document ]] || fail "cannot read $document"
command -v node >/dev/null || fail "node not found; run ./dev deps (installs nodejs and npm)"
command -v npm >/dev/null || fail "npm not found; run ./dev deps (installs nodejs and npm)"

mkdir -p "$work"
# One install at a time per WORK_DIR (two ctest runs on one build tree).
exec 9>"$work/.install.lock"
flock 9
if ! cmp -s "$here/package-lock.json" "$work/installed-package-lock.json" ||
  [[ ! -d $work/node_modules/@seriousme/openapi-schema-validator ]]; then
  rm -f "$work/installed-package-lock.json"
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  echo "openapi_validate: installing the pinned validator into $work (npm ci)"
  # --ignore-scripts: nothing of the validator's dependencies needs to run at
  # install time, so nothing does.
  npm ci --prefix "$work" --ignore-scripts --no-audit --no-fund --loglevel=error ||
    fail "npm ci failed: the validator could not be installed"
  cp "$here/package-lock.json" "$work/installed-package-lock.json"
fi
flock -u 9
# validate.mjs imports the validator from the node_modules beside it.
cp "$here/validate.mjs" "$work/validate.mjs"
node "$work/validate.mjs" "$document"
