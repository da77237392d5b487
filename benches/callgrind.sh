#!/usr/bin/env bash
# Instructions per call, counted by valgrind's callgrind: the same figures on a busy machine
# as on an idle one, so the SDK/raw and SDK/floor ratios here do not move with the load.
#
# Each variant of benches/overhead.rs runs N1 and then N2 sequential calls against
# examples/fake_plaid.rs (the crate's fake Plaid) in a separate process (so only the client is counted); the
# difference divided by N2 - N1 is the cost of one call, set-up excluded. Then the same as
# bursts of 64 concurrent calls (C1 and C2 calls): what 64 in flight adds (timers, wakes,
# the pool). Those counts vary by about 0.1% from run to run.
#
#   benches/callgrind.sh                 # item_get and item_activity_list, sdk/raw/floor
#   CALLGRIND_KEEP=1 benches/callgrind.sh   # also keep a profile of 2000 SDK item_get calls
#                                           # in target/callgrind/ (callgrind_annotate it)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
N1=${CALLGRIND_N1:-200}
N2=${CALLGRIND_N2:-1200}
C1=${CALLGRIND_C1:-640}
C2=${CALLGRIND_C2:-3200}
OUT="$ROOT/target/callgrind"
mkdir -p "$OUT"

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

cargo build --release --quiet --example fake_plaid
BENCH=$(cargo bench --no-run --bench overhead 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -n 1)
[ -x "$BENCH" ] || { echo "cannot find the overhead bench binary" >&2; exit 1; }

# The credentials and access token benches/support/plain.rs sends.
"$CARGO_TARGET_DIR/release/examples/fake_plaid" --max-seconds 1800 \
    --client-id client-id-5f2a --secret secret-9d41c7 \
    --access-token access-sandbox-4b1cd2f6-0c6e-4bb0-9a64-5f58b3b0f7d2 >"$OUT/server.out" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
BASE=""
for _ in $(seq 1 100); do
    BASE=$(head -n 1 "$OUT/server.out" 2>/dev/null || true)
    [ -n "$BASE" ] && break
    sleep 0.1
done
[ -n "$BASE" ] || { echo "the fake Plaid did not start" >&2; exit 1; }

# Prints the instructions callgrind collected for `calls` calls of one variant.
collected() {
    local spec=$1 file=$2
    PLAID_BENCH_BASE_URL="$BASE" PLAID_BENCH_PROFILE="$spec" \
        valgrind --tool=callgrind --callgrind-out-file="$file" "$BENCH" 2>"$file.log" >/dev/null
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$file.log"
}

printf '%-13s %-20s %14s %14s %14s %9s %10s\n' mode operation sdk raw floor SDK/raw SDK/floor
for mode in sequential concurrent64; do
    if [ "$mode" = sequential ]; then n1=$N1 n2=$N2 burst=""; else n1=$C1 n2=$C2 burst=/64; fi
    for op in item_get item_activity_list; do
        declare -A per_call=()
        for variant in sdk raw floor; do
            a=$(collected "$variant/$op/$n1$burst" "$OUT/$variant-$op-$n1.out")
            b=$(collected "$variant/$op/$n2$burst" "$OUT/$variant-$op-$n2.out")
            per_call[$variant]=$(( (b - a) / (n2 - n1) ))
        done
        awk -v mode="$mode" -v op="$op" -v s="${per_call[sdk]}" -v r="${per_call[raw]}" -v f="${per_call[floor]}" \
            'BEGIN { printf "%-13s %-20s %14d %14d %14d %9.2f %10.2f\n", mode, op, s, r, f, s / r, s / f }'
        unset per_call
    done
done
echo "(instructions per call, client process only; sequential N=$N2-$N1 calls, 64 in flight N=$C2-$C1)"

if [ "${CALLGRIND_KEEP:-0}" = 1 ]; then
    PLAID_BENCH_BASE_URL="$BASE" PLAID_BENCH_PROFILE="sdk/item_get/2000" \
        valgrind --tool=callgrind --callgrind-out-file="$OUT/sdk-item_get.profile" "$BENCH" \
        >/dev/null 2>"$OUT/sdk-item_get.profile.log"
    echo "profile: $OUT/sdk-item_get.profile (callgrind_annotate --inclusive=yes it)"
fi
rm -f "$OUT"/*-"$N1".out* "$OUT"/*-"$N2".out* "$OUT"/*-"$C1".out* "$OUT"/*-"$C2".out*
