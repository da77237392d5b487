#!/usr/bin/env bash
# What the build script costs for each spec a user may point PLAID_ITEM_SPEC at, in one run:
# the vendored slice (the baseline), the Item operations of 1.697.4 with every definition
# (the slice of that version), Plaid's whole 1.697.4 file with the default selection, and the
# same whole file parsed in full (a selection naming an operationId, which the sparse reader
# leaves to the full parse): wall and CPU seconds and peak memory of the build script binary
# run directly, the median of several rounds taken in turn, with ratios to the slice.
#
#   benches/build-script-cost.sh
#   BUILD_SCRIPT_COST_RUNS=1 benches/build-script-cost.sh     # CI's short form
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${BUILD_SCRIPT_COST_RUNS:-7}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CARGO_TERM_COLOR=never

# The build script binary, as cargo builds it for `cargo build` (debug, unoptimised).
SCRIPT=$(cargo build -p plaid-item --lib --message-format=json 2>/dev/null |
    grep '"package_id":"path+file://[^"]*#plaid-item@' | grep '"kind":\["custom-build"\]' |
    sed -n 's/.*"filenames":\["\([^"]*build-script-build\)".*/\1/p' | tail -n 1)
[ -x "$SCRIPT" ] || { echo "no build script binary found" >&2; exit 1; }

printf 'add: [itemGet]\n' >"$WORK/by-id.yml"
CASES=(
    "vendored slice|spec/plaid-item.yml|"
    "1.697.4 Item slice|tests/fixtures/plaid-1.697.4-full.yml|"
    "whole 1.697.4, default selection|tests/fixtures/plaid-whole-1.697.4.yml|"
    "whole 1.697.4, full parse|tests/fixtures/plaid-whole-1.697.4.yml|$WORK/by-id.yml"
)

# One run: "wall cpu peak_kb".
run() {
    local spec=$1 selection=$2
    mkdir -p "$WORK/out"
    env CARGO_MANIFEST_DIR="$ROOT" OUT_DIR="$WORK/out" PLAID_ITEM_SPEC="$ROOT/$spec" \
        ${selection:+PLAID_ITEM_SELECTION="$selection"} \
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$SCRIPT" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || {
        echo "the build script failed for $spec:" >&2
        cat "$WORK/stderr.txt" >&2
        exit 1
    }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/time.txt"
}

for round in $(seq "$RUNS"); do
    for i in "${!CASES[@]}"; do
        IFS='|' read -r _ spec selection <<<"${CASES[$i]}"
        run "$spec" "$selection" >>"$WORK/case$i.txt"
    done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-36s %8s %8s %9s %8s %8s\n' "spec ($RUNS runs, median)" "wall s" "cpu s" "peak MB" "cpu x" "peak x"
BASE_CPU="" BASE_PEAK=""
for i in "${!CASES[@]}"; do
    IFS='|' read -r label _ _ <<<"${CASES[$i]}"
    wall=$(cut -d' ' -f1 "$WORK/case$i.txt" | median)
    cpu=$(cut -d' ' -f2 "$WORK/case$i.txt" | median)
    peak=$(cut -d' ' -f3 "$WORK/case$i.txt" | median)
    BASE_CPU=${BASE_CPU:-$cpu} BASE_PEAK=${BASE_PEAK:-$peak}
    awk -v l="$label" -v w="$wall" -v c="$cpu" -v p="$peak" -v bc="$BASE_CPU" -v bp="$BASE_PEAK" \
        'BEGIN { printf "%-36s %8.2f %8.2f %9.1f %8.2f %8.2f\n", l, w, c, p / 1024, c / bc, p / bp }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
