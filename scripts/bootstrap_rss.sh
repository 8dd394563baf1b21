#!/usr/bin/env bash
# patrond's idle memory after its first full sync (issue 4's RSS target with
# a replica filled the way a new till fills it), docs/BENCHMARKS.md.
#
#   scripts/bootstrap_rss.sh BUILD_DIR SERVER_DATA_DIR
#
# SERVER_DATA_DIR holds a patron-sync server.db, e.g. the server/ directory
# patron_sync_bench leaves in its --dir (1,000,000 members by default); it is
# served, not changed, apart from one more terminal registration. Starts
# patron-sync, waits for the member snapshot it builds at start (a store of
# 50,000 changes or more has one), starts a new patrond on 127.0.0.1
# (ephemeral ports), waits until patrond's first sync round has ended, lets it
# idle 3 s and prints its memory.
# Both processes and the terminal's files are removed on exit.
set -euo pipefail
build=${1:?build dir}
server_dir=${2:?server data dir}
work=$(mktemp -d -t patron-bootstrap-rss-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for "<name> listening on 127.0.0.1:<port>" in $1 and prints the port.
bound_port() {
  for _ in $(seq 100); do
    if grep -q 'listening on' "$1"; then
      sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1"
      return
    fi
    sleep 0.1
  done
  echo "no 'listening on' line in $1" >&2
  exit 1
}

"$build/sync-server/src/http/patron-sync" --data-dir "$server_dir" --listen 127.0.0.1:0 \
  --admin-token bench-admin --log-level warn >"$work/sync.out" 2>"$work/sync.log" &
pids+=($!)
server=http://127.0.0.1:$(bound_port "$work/sync.out")
token=$(curl -sf -X POST "$server/v1/admin/terminals" -H 'Authorization: Bearer bench-admin' \
  -H 'Content-Type: application/json' -d '{"terminal_id":"S001-T99","store_id":"S001"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

for _ in $(seq 600); do
  seq=$(curl -sf "$server/metrics" | sed -n 's/^patron_sync_snapshot_seq \([0-9]*\)$/\1/p')
  [ "${seq:-0}" -gt 0 ] && break
  sleep 0.2
done
echo "the server's member snapshot: seq ${seq:-none}"

start=$(date +%s.%N)
"$build/terminal/patrond" --data-dir "$work/till" --listen 127.0.0.1:0 --terminal-id S001-T99 \
  --store-id S001 --server "$server" --token "$token" \
  >"$work/patrond.out" 2>"$work/patrond.log" &
pid=$!
pids+=("$pid")
daemon=http://127.0.0.1:$(bound_port "$work/patrond.out")
# patrond logs a line when a large sync round ends: the first one ends once
# the pull has caught up.
until grep -q 'sync round:' "$work/patrond.log"; do sleep 0.2; done
grep -o 'sync round:.*' "$work/patrond.log" | head -1
echo "patrond's first sync, as the script saw it: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
sleep 3
grep -E '^(VmRSS|RssAnon|RssFile|VmHWM):' "/proc/$pid/status"
