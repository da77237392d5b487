#!/usr/bin/env bash
# What building plaid-item costs on this machine: a clean debug build of the crate, a no-op
# rebuild, a rebuild after touching spec/plaid-item.yml, the build script's own run time (its
# binary run directly, several times), and a release example binary's build time and size.
#
# Everything is built in a separate target dir (target/build-cost by default), so the
# developer's own cache is neither used nor wiped. The spec's modification time is restored
# afterwards, so other target dirs do not rebuild because of this script.
#
#   benches/build-cost.sh
#   BUILD_COST_TARGET_DIR=/tmp/bc BUILD_COST_EXAMPLE=peer_item_get BUILD_COST_RUNS=5 benches/build-cost.sh
#   BUILD_COST_RELEASE=0 benches/build-cost.sh      # skip the release example
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${BUILD_COST_TARGET_DIR:-$ROOT/target/build-cost}
EXAMPLE=${BUILD_COST_EXAMPLE:-peer_item_get}
RUNS=${BUILD_COST_RUNS:-5}
export CARGO_TARGET_DIR="$TARGET"
export CARGO_TERM_COLOR=never
LOG="$ROOT/target/build-cost.log"
mkdir -p "$ROOT/target"
: >"$LOG"

say() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Runs a command, its output to the log; prints its wall time in seconds.
timed() {
    local start end
    start=$(now)
    if ! "$@" >>"$LOG" 2>&1; then
        echo "failed: $*" >&2
        tail -n 40 "$LOG" >&2
        exit 1
    fi
    end=$(now)
    seconds "$start" "$end"
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "fetching dependencies (not timed)"
cargo fetch --quiet

say "clean build of plaid-item (debug) in $TARGET"
rm -rf "$TARGET"
CLEAN=$(timed cargo build -p plaid-item --lib --timings)

say "no-op rebuild"
NOOP=$(timed cargo build -p plaid-item --lib)

say "rebuild after touching spec/plaid-item.yml"
SPEC=spec/plaid-item.yml
STAMP=$(mktemp)
touch -r "$SPEC" "$STAMP"
trap 'touch -r "$STAMP" "$SPEC"; rm -f "$STAMP"' EXIT
touch "$SPEC"
TOUCHED=$(timed cargo build -p plaid-item --lib)
touch -r "$STAMP" "$SPEC"

say "the build script alone, $RUNS runs"
SCRIPT=$(ls -t "$TARGET"/debug/build/plaid-item-*/build-script-build | head -n 1)
OUT=$(mktemp -d)
SCRIPT_TIMES=()
for _ in $(seq 1 "$RUNS"); do
    SCRIPT_TIMES+=("$(OUT_DIR="$OUT" CARGO_MANIFEST_DIR="$ROOT" timed "$SCRIPT")")
done
GENERATED=$(wc -c <"$OUT/plaid_item.rs")
GENERATED_LINES=$(wc -l <"$OUT/plaid_item.rs")
rm -rf "$OUT"
SCRIPT_SORTED=$(printf '%s\n' "${SCRIPT_TIMES[@]}" | sort -n)
SCRIPT_MEDIAN=$(echo "$SCRIPT_SORTED" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
SCRIPT_MIN=$(echo "$SCRIPT_SORTED" | head -n 1)

RELEASE_LINE="release example: skipped (BUILD_COST_RELEASE=0)"
if [ "${BUILD_COST_RELEASE:-1}" = 1 ]; then
    say "release build of examples/$EXAMPLE.rs (dependencies included)"
    RELEASE=$(timed cargo build --release --example "$EXAMPLE")
    BIN="$TARGET/release/examples/$EXAMPLE"
    SIZE=$(stat -c %s "$BIN")
    strip -o "$BIN.stripped" "$BIN"
    STRIPPED=$(stat -c %s "$BIN.stripped")
    RELEASE_LINE=$(awk -v t="$RELEASE" -v s="$SIZE" -v x="$STRIPPED" -v e="$EXAMPLE" \
        'BEGIN { printf "release example %s: built in %.1f s, %.2f MiB (%.2f MiB stripped)", e, t, s / 1048576, x / 1048576 }')
fi

echo
echo "plaid-item build cost on $(date -u +%Y-%m-%d), $(nproc) CPUs, $(rustc --version), load average at start $LOAD"
printf '%-48s %8s s\n' "clean build (debug, lib, all dependencies)" "$CLEAN"
printf '%-48s %8s s\n' "no-op rebuild" "$NOOP"
printf '%-48s %8s s\n' "rebuild after touching spec/plaid-item.yml" "$TOUCHED"
printf '%-48s %8s s   (min %s s of %s runs; writes %s lines, %s bytes)\n' \
    "build script alone (median)" "$SCRIPT_MEDIAN" "$SCRIPT_MIN" "$RUNS" "$GENERATED_LINES" "$GENERATED"
echo "$RELEASE_LINE"
echo "cargo's timings of the clean build: $(ls -t "$TARGET"/cargo-timings/cargo-timing-*.html 2>/dev/null | head -n 1)"
