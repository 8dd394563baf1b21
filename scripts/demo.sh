#!/usr/bin/env bash
# The main job (./dev demo): the whole Patron story with the real binaries, on
# the embedded SQLite store, all on 127.0.0.1, in a temporary directory that
# is removed at the end (every process started here is stopped by pid). The
# tills talk to head office over HTTPS, verified against a CA made here for
# the run (as a chain's own CA would sign its head office's certificate).
#
#   1. start patron-sync and register two terminals in two stores;
#   2. enrol a member and check out while everything is online;
#   3. stop the sync server; both stores keep checking out offline (the same
#      phone enrolled in both, a redemption, a refund);
#   4. restart the sync server; both terminals sync;
#   5. print every member's balance on every terminal, and the store report;
#   6. a till's disk dies and a replacement goes on;
#   7. the programme: head office checks, compares, tries out and publishes
#      the shipped rule pack, the tills take it, and a sale earns its campaigns;
#   8. vouchers: one placed at a till is redeemed there offline, one kept at
#      head office is claimed at checkout once it is back, neither twice;
#   9. points exchange: a mug and a coupon bought with points in two stores,
#      from each till's share of the stock, with head office down in between;
#  10. analytics: head office's daily rollups, every member's metrics and the
#      pack's segments, shipped to the tills, where a segment campaign applies.
#
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
sync_bin="$build/sync-server/src/http/patron-sync"
patrond_bin="$build/terminal/patrond"
patron_bin="$build/terminal/src/cli/patron"
packs_bin="$build/sync-server/src/packs_cli/patron-packs"
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t patron-demo-XXXXXX)
admin_token="demo-admin-token-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
# Secrets go to the binaries in files (mode 0600), not on their command
# lines, which every user of the machine can read in ps.
umask 077
printf '%s\n' "$admin_token" >"$work/admin-token"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# A CA for this run and head office's certificate, for 127.0.0.1.
make_tls() {
  local dir="$work/tls" ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  mkdir -p "$dir"
  openssl req -x509 "${ec[@]}" -days 1 -subj "/CN=Patron demo CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req "${ec[@]}" -subj "/CN=localhost" -keyout "$dir/server.key" \
    -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 1 -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
  ca="$dir/ca.pem"
}

# Waits for "... listening on 127.0.0.1:PORT" in $1 and prints PORT.
wait_port() {
  for _ in $(seq 1 100); do
    if port=$(sed -n 's/.* listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$1" | head -n1) &&
       [[ -n $port ]]; then
      echo "$port"
      return
    fi
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  cat "$work"/*.log >&2 || true
  exit 1
}

# start_sync LISTEN: starts patron-sync, sets sync_pid and sync_port.
start_sync() {
  : >"$work/sync.out"
  "$sync_bin" --data-dir "$work/server" --listen "$1" --admin-token-file "$work/admin-token" \
    --tls-cert "$work/tls/server.pem" --tls-key "$work/tls/server.key" \
    --log-level warn >"$work/sync.out" 2>>"$work/sync.log" &
  sync_pid=$!
  pids+=("$sync_pid")
  sync_port=$(wait_port "$work/sync.out")
}

stop_sync() {
  kill -TERM "$sync_pid"
  wait "$sync_pid" || true
}

# register TERMINAL STORE: prints the terminal's token.
register() {
  curl -sf --cacert "$ca" -X POST "https://127.0.0.1:$sync_port/v1/admin/terminals" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "{\"terminal_id\":\"$1\",\"store_id\":\"$2\"}" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# start_terminal NAME TERMINAL STORE TOKEN: patron init + patrond; sets
# port_<NAME>.
start_terminal() {
  local name=$1
  printf '%s\n' "$4" >"$work/$name.token"
  "$patron_bin" init --data-dir "$work/$name" --terminal-id "$2" --store-id "$3" \
    --listen 127.0.0.1:0 --server "https://127.0.0.1:$sync_port" --ca-file "$ca" \
    --token-file "$work/$name.token" >/dev/null
  "$patrond_bin" --config "$work/$name/patrond.json" --log-level warn \
    >"$work/$name.out" 2>>"$work/$name.log" &
  pids+=("$!")
  printf -v "pid_$name" '%s' "$!"
  printf -v "port_$name" '%s' "$(wait_port "$work/$name.out")"
}

# stop_terminal NAME: stops patrond NAME.
stop_terminal() {
  local pid_var="pid_$1"
  kill -TERM "${!pid_var}"
  wait "${!pid_var}" || true
}

# on NAME ARGS...: runs the patron CLI against terminal NAME.
on() {
  local port_var="port_$1"
  shift
  "$patron_bin" --daemon "http://127.0.0.1:${!port_var}" "$@"
}

member_id() { sed -n 's/.*"member_id":"\([^"]*\)".*/\1/p'; }

# wait_folded: patron-sync acknowledges a push once stored and folds it into
# the member rows terminals pull in the background, once pushes pause; waits
# (up to 10 s) until /metrics shows nothing left to fold.
wait_folded() {
  for _ in $(seq 1 200); do
    curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/metrics" |
      grep -qx 'patron_sync_fold_pending_seqs 0' && return 0
    sleep 0.05
  done
  echo "patron-sync did not fold its pushes within 10 s" >&2
  return 1
}

# sync_each NAME...: each terminal syncs in turn, and the server has folded
# what it pushed before the next one pulls.
sync_each() {
  for name in "$@"; do
    on "$name" sync >/dev/null
    wait_folded
  done
}

say "1. start patron-sync and register two terminals in two stores"
make_tls
start_sync 127.0.0.1:0
echo "patron-sync on https://127.0.0.1:$sync_port (data in $work/server; its certificate signed by the run's CA, $ca)"
token_a=$(register S001-T01 S001)
token_b=$(register S002-T01 S002)
start_terminal a S001-T01 S001 "$token_a"
start_terminal b S002-T01 S002 "$token_b"
echo "store S001: patrond S001-T01 on 127.0.0.1:$port_a"
echo "store S002: patrond S002-T01 on 127.0.0.1:$port_b"

say "2. online: enrol Ann at S001 and check out"
ann=$(on a --json member add --name "Ann Example" --phone "+1 415 555 0100" --sms-consent | member_id)
on a sale --ref S001-R1 --member "$ann" --amount 120.00
sync_each a b
echo "S002 sees Ann's points earned at S001:"
on b member show "$ann"

say "3. the sync server goes down; both stores keep selling offline"
stop_sync
echo "patron-sync stopped"
bob=$(on b --json member add --name "Bob Offline" --phone "(415) 555-0199" | member_id)
bob_again=$(on a --json member add --name "Bob at S001" --phone "+14155550199" | member_id)
echo "Bob enrolled offline at S002 and at S001: $bob / $bob_again (same id: the phone decides)"
on a sale --ref S001-R2 --member "$ann" --amount 80.00
on a sale --ref S001-R3 --member "$ann" --amount 40.00 --redeem 50
on b sale --ref S002-R1 --member "$bob" --amount 250.00
on a sale --ref S001-R4 --member "$bob" --amount 60.00
on a refund --sale S001-R2 --ref S001-F1 --amount 20.00
echo "a redemption of points held by the server needs it, and it is down:"
on b sale --ref S002-R2 --member "$ann" --amount 50.00 --redeem 100 || true
on a status

say "4. the sync server is back; both terminals sync"
start_sync "127.0.0.1:$sync_port"
sync_each a b a b
echo "synced; now S002 can redeem Ann's points through a grant:"
on b sale --ref S002-R2 --member "$ann" --amount 50.00 --redeem 100
sync_each b a

say "5. every member on every terminal"
for member in "$ann" "$bob"; do
  for name in a b; do
    terminal=$([[ $name == a ]] && echo S001-T01 || echo S002-T01)
    # The member JSON's keys are in alphabetical order: balance, name, tier.
    on "$name" --json member show "$member" |
      sed -n "s/.*\"balance\":\([-0-9]*\),.*\"name\":\"\([^\"]*\)\",.*\"tier\":\"\([^\"]*\)\".*/$terminal  \2: balance \1, tier \3/p"
  done
done

say "6. S002's till sells offline, then its disk dies; a replacement is installed"
stop_sync
on b sale --ref S002-R3 --member "$bob" --amount 30.00 >/dev/null
echo "S002-R3 was acknowledged to the POS offline, never pushed: it dies with the disk"
stop_terminal b
rm -rf "$work/b"
start_sync "127.0.0.1:$sync_port"
start_terminal b S002-T01 S002 "$token_b"
echo "a new S002-T01 with an empty database: its journal goes on above what head office holds"
on b sale --ref S002-R4 --member "$bob" --amount 40.00
sync_each b a
on b status | grep -E '^(journal|pending entries|redemption rights)'
echo "head office's security log says what was lost (GET /v1/admin/security-events):"
curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/v1/admin/security-events" \
  -H "Authorization: Bearer $admin_token" |
  sed 's/},{/}\n{/g' | grep '"reason":"journal_behind"' |
  sed -n 's/.*"message":"\([^"]*\)".*/\1/p' | fold -s -w 100

say "7. the programme: the shipped rule pack (packaging/packs/default-pack.json)"
pack="$source_dir/packaging/packs/default-pack.json"
packs() { "$packs_bin" "$@" --server "https://127.0.0.1:$sync_port" --ca-file "$ca" \
  --admin-token-file "$work/admin-token"; }
"$packs_bin" validate "$pack"
packs diff "$pack"
echo "what Ann would earn under it on member day (8 December, Beijing time) at S001 for a 250.00 basket:"
cat >"$work/dry-run.json" <<JSON
{"at": "2026-12-08T12:00:00+08:00",
 "member": {"member_id": "$ann"},
 "basket": {"store_id": "S001", "amount_minor": 25000,
            "lines": [{"sku": "MILK-1L", "category": "dairy", "qty": 2, "amount_minor": 3000},
                      {"sku": "RICE-5KG", "category": "grocery", "qty": 1, "amount_minor": 22000}]}}
JSON
packs dry-run "$work/dry-run.json" --pack "$pack"
packs publish "$pack"
echo "head office issues the pack's gifts due now (POST /v1/admin/gifts/run; patron-sync runs it"
echo "hourly): a welcome voucher for each member who joined in the last 30 days, birthday ones a week ahead:"
curl -sf --cacert "$ca" -X POST "https://127.0.0.1:$sync_port/v1/admin/gifts/run" \
  -H "Authorization: Bearer $admin_token"
echo
wait_folded
sync_each a b
on a status | grep -E '^rule pack'
on b status | grep -E '^rule pack'
echo "Ann buys that basket at S001 now: dairy-off takes its money off first; every campaign that applies today is a bonus entry of"
echo "its own (which ones depends on the day and the hour), and a refund takes back each one's share:"
on a sale --ref S001-R7 --member "$ann" --amount 250.00 \
  --line MILK-1L:2:30.00:dairy --line RICE-5KG:1:220.00:grocery
on a refund --sale S001-R7 --ref S001-F7 --amount 125.00
echo "the big-basket bonus has a budget (100,000 points): S001 took a share of it when it synced,"
echo "gives from that share offline too, and never beyond it (GET /v1/admin/campaigns/budgets):"
curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/v1/admin/campaigns/budgets" \
  -H "Authorization: Bearer $admin_token"
echo
echo "points earned under the pack expire on 31 December of the next year (积分有效期至次年12月31日);"
echo "those earned before it never do. Head office writes the expiry when it falls due:"
on a member show "$ann" | grep -E '^ *(balance|redeemable here|expiring)'

say "8. vouchers: a birthday gift placed at Ann's usual till, a win-back gift kept at head office"
# issue_voucher JSON: POST /v1/admin/vouchers; prints what head office stored.
issue_voucher() {
  curl -sf --cacert "$ca" -X POST "https://127.0.0.1:$sync_port/v1/admin/vouchers" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -d "$1"
  echo
}
until=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
issue_voucher "{\"voucher_id\":\"BDAY-ANN\",\"member_id\":\"$ann\",\"name\":\"生日礼券 Birthday 20 off\",
  \"source\":\"birthday\",\"amount_off_minor\":2000,\"min_spend_minor\":10000,\"bonus_points\":88,
  \"valid_until\":\"$until\",\"place_at\":\"S001-T01\"}"
issue_voucher "{\"voucher_id\":\"WINBACK-ANN\",\"member_id\":\"$ann\",\"name\":\"We miss you: 15% off\",
  \"source\":\"win-back\",\"percent_off_bp\":1500,\"max_off_minor\":3000,\"valid_until\":\"$until\"}"
wait_folded  # tills are served what head office wrote once its fold has passed it
sync_each a b
on a vouchers "$ann"
stop_sync
echo "head office is unreachable; S001 holds the birthday voucher and redeems it offline:"
on a sale --ref S001-R8 --member "$ann" --amount 120.00 --voucher BDAY-ANN
echo "S002 cannot redeem the win-back voucher now: head office holds it, and is down:"
on b sale --ref S002-R8 --member "$ann" --amount 60.00 --voucher WINBACK-ANN || true
start_sync "127.0.0.1:$sync_port"
echo "back online: S002 claims the win-back voucher from head office at checkout:"
on b sale --ref S002-R8 --member "$ann" --amount 60.00 --voucher WINBACK-ANN
sync_each a b
echo "the birthday voucher was used at S001: S002 refuses it, offline or not:"
on b sale --ref S002-R9 --member "$ann" --amount 150.00 --voucher BDAY-ANN || true
echo "head office's view (GET /v1/admin/vouchers?member_id=...):"
curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/v1/admin/vouchers?member_id=$ann" \
  -H "Authorization: Bearer $admin_token" | sed 's/},{/}\n{/g' |
  sed -n 's/.*"voucher_id":"\([^"]*\)".*"status":"\([a-z]*\)".*"used_sale_id":"\([^"]*\)".*/\1: \2 by \3/p'

say "9. points exchange (积分兑换) across two stores, head office down in between"
on a rewards "$ann"
echo "S001 exchanges a mug for Ann online: it takes a share of the mug's stock from head office:"
on a exchange "$ann" mug --ref S001-X1
stop_sync
echo "head office is unreachable; Ann spends 400.00 at S001, offline: spend-300-get-30 issues her a"
echo "voucher, held by S001 (满300送30); then she buys a coupon there with points:"
on a sale --ref S001-R10 --member "$ann" --amount 400.00 | grep -E '^(sale|paid|earned|voucher issued)'
on a exchange "$ann" coupon-10 --ref S001-X2
# The voucher an exchange buys: "x-" and 40 hex digits of the exchange's id.
coupon="x-$(printf '%s' "S001-T01/S001-X2" | sha256sum | cut -c1-40)"
echo "the coupon is held by S001, so Ann uses it there at once, still offline:"
on a sale --ref S001-R11 --member "$ann" --amount 80.00 --voucher "$coupon"
echo "S002 holds no share of the mug's stock, and cannot ask head office for one:"
on b exchange "$ann" mug --ref S002-X1 || true
start_sync "127.0.0.1:$sync_port"
sync_each a b
echo "back online: S002 takes a share and exchanges Ann's second mug this month; a third is refused:"
on b exchange "$ann" mug --ref S002-X1
on b exchange "$ann" mug --ref S002-X2 || true
sync_each b a
on a rewards "$ann"
echo "head office's stock (GET /v1/admin/rewards):"
curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/v1/admin/rewards" \
  -H "Authorization: Bearer $admin_token" | sed 's/},{/}\n{/g'
echo

say "10. analytics: daily rollups, member metrics and segments"
# admin GET|POST PATH: head office's admin API.
admin() {
  curl -sf --cacert "$ca" -X "$1" "https://127.0.0.1:$sync_port$2" \
    -H "Authorization: Bearer $admin_token"
  echo
}
wait_folded
echo "each store's days so far (GET /v1/reports/days; the fold keeps them as it files sales):"
admin GET "/v1/reports/days" | sed 's/"rows":\[//; s/},{/}\n{/g; s/\],"totals"/\n"totals"/' |
  sed -n 's/.*"store_id":"\([^"]*\)","day":"\([^"]*\)","sales":\([0-9]*\),"members_buying":\([0-9]*\),.*"paid_minor":\([-0-9]*\),.*"points_earned":\([-0-9]*\),.*/\1 \2: \3 sales, \4 members, paid \5, points earned \6/p'
echo "head office computes every member's metrics and the pack's segments (daily; now by"
echo "POST /v1/admin/segments/run) and ships the membership to the tills:"
admin POST /v1/admin/segments/run
echo "Ann's metrics (GET /v1/reports/members?member_id=...):"
admin GET "/v1/reports/members?member_id=$ann" | sed 's/.*"metrics":\({[^}]*}\).*/\1/'
sync_each a b
echo "Ann is a newcomer (first purchase within 30 days): newcomer-bonus gives her 20 points at S002:"
on b sale --ref S002-R10 --member "$ann" --amount 30.00 | grep -E '^(sale|earned|  )'
sync_each b
wait_folded
echo "the insights (daily after the segments; now by POST /v1/admin/insights/run): each campaign"
echo "against its holdout, the cohorts, the points liability:"
admin POST /v1/admin/insights/run >/dev/null
admin GET "/v1/reports/effects?margin_bp=3000" | sed 's/.*"rows":\[//; s/},{/}\n{/g' |
  sed -n 's/.*"campaign_id":"\([^"]*\)",.*"treated":\([0-9]*\),"control":\([0-9]*\),"participants":\([0-9]*\),"treated_buyers":\([0-9]*\),"control_buyers":\([0-9]*\),.*"points":\([0-9]*\),.*"cost_minor":\([0-9]*\),.*/\1: treated \2 (bought \5, given \4), control \3 (bought \6); \7 points, cost \8/p'
admin GET /v1/reports/cohorts
admin GET /v1/reports/liability

say "per-store report (GET /v1/reports/stores)"
curl -sf --cacert "$ca" "https://127.0.0.1:$sync_port/v1/reports/stores" \
  -H "Authorization: Bearer $admin_token"
echo
