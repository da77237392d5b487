#!/usr/bin/env bash
# Beyond the Item API, a figure: select every operation of Plaid's whole file, count how many
# generate, list the construct and error of each that does not (never a panic), then build
# plaid-item from the ones that do and report the build's time and peak memory.
#
# The compile runs in its own target dir (target/whole-api), dependencies built first and not
# timed, so the figure is the build script plus the crate itself.
#
#   benches/whole-api.sh                                   # tests/fixtures/plaid-whole-1.697.4.yml
#   WHOLE_API_SPEC=path/to/2020-09-14.yml benches/whole-api.sh
#   WHOLE_API_BUILD=0 benches/whole-api.sh                 # counts only, no compile
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SPEC=$(realpath "${WHOLE_API_SPEC:-tests/fixtures/plaid-whole-1.697.4.yml}")
TARGET=${WHOLE_API_TARGET_DIR:-$ROOT/target/whole-api}
BUILD=${WHOLE_API_BUILD:-1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CARGO_TERM_COLOR=never

say() { printf '==> %s\n' "$*" >&2; }
plaid_spec() { cargo run -q -p plaid-spec -- "$@"; }

say "every operation of $SPEC"
printf 'operations: [/]\n' >"$WORK/all.yml"
plaid_spec --selection "$WORK/all.yml" check "$SPEC" >"$WORK/all.txt" 2>&1 || true
if grep -q "panicked at\|RUST_BACKTRACE" "$WORK/all.txt"; then
    echo "a panic escaped the pipeline:" >&2
    grep -B2 -A5 "panicked at" "$WORK/all.txt" >&2
    exit 1
fi
TOTAL=$(sed -n 's/^selects \([0-9]*\) of .*/\1/p' "$WORK/all.txt")
grep '^  - ' "$WORK/all.txt" >"$WORK/failing.txt" || true
# One operation may hit more than one construct: count operations.
FAILING=$(sed -E 's/^(  - [^:]*\)): .*/\1/' "$WORK/failing.txt" | sort -u | wc -l)
if grep -q '^  - schema\|^  - the spec as a whole' "$WORK/failing.txt"; then
    echo "a schema or the whole spec fails; no selection of operations avoids it:" >&2
    grep '^  - schema\|^  - the spec as a whole' "$WORK/failing.txt" >&2
    exit 1
fi

echo "operations: $TOTAL; generate: $((TOTAL - FAILING)); fail: $FAILING"
if [ "$FAILING" -gt 0 ]; then
    echo "what the failing ones hit (stage, then what it expected), by count:"
    sed -E 's/^  - operation [^:]*: //; s/ no longer fits progenitor.s output \(was progenitor upgraded\?\)//;
            s/(expected )[A-Za-z0-9_]+\.[a-z0-9_]+: /\1FIELD: /; s/[0-9]+/N/g' "$WORK/failing.txt" |
        cut -c1-150 | sort | uniq -c | sort -rn
    echo "each failing operation and its error:"
    cut -c1-260 "$WORK/failing.txt"
fi

# The operations that generate: every one, less each failing one (by operationId, or by path
# when it has none).
{
    echo "operations: [/]"
    if [ "$FAILING" -gt 0 ]; then
        echo "remove:"
        sed -E 's/^  - operation `([^`]*)`.*/  - \1/; s/^  - operation [A-Z]+ ([^:]*):.*/  - \1/' "$WORK/failing.txt" |
            sort -u
    fi
} >"$WORK/generating.yml"
say "the operations that generate, together"
plaid_spec --selection "$WORK/generating.yml" check "$SPEC" 2>&1 | tail -n 1

if [ "$BUILD" = 0 ]; then
    exit 0
fi
export CARGO_TARGET_DIR="$TARGET"
say "dependencies in $TARGET (not timed)"
cargo build -q -p plaid-item --lib
say "plaid-item from those operations (build script + crate)"
PLAID_ITEM_SPEC="$SPEC" PLAID_ITEM_SELECTION="$WORK/generating.yml" \
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" cargo build -q -p plaid-item --lib
read -r SECONDS_TAKEN PEAK_KB <"$WORK/time.txt"
LINES=$(wc -l <"$(ls -t "$TARGET"/debug/build/plaid-item-*/out/plaid_item.rs | head -n 1)")
echo "build (debug, deps ready): ${SECONDS_TAKEN} s, peak $((PEAK_KB / 1024)) MB, generated ${LINES} lines; load $(cut -d' ' -f1-3 /proc/loadavg)"
# Leave the target dir built for the default selection, as a developer's would be.
cargo build -q -p plaid-item --lib
