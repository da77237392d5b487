#!/usr/bin/env bash
# A dependent app's clean build, three ways, one after another on this machine:
#
#   before      the app on plaid-item at APP_BUILD_BEFORE (default ee16d71, before the crate
#               split: one build-time crate that also held the spec diff and surface tools);
#   after       the app on plaid-item at HEAD (build.rs + plaid-item-codegen);
#   shipped     the app on HEAD with `default-features = false`: no `codegen` feature, so the
#               code shipped in generated/plaid_item.rs and no generator;
#   checked-in  the app on a variant of HEAD whose generated code is checked in: src/ holds
#               the shipped plaid_item.rs, with no build script and no build-dependencies.
#
# Each app is the same small binary (`make_app`: Client::builder, item_get, send) with
# the SDK's own Cargo.lock, built with `cargo build --timings` in its own CARGO_TARGET_DIR
# under APP_BUILD_DIR; the timings pages are kept in APP_BUILD_DIR/timings and the target
# dirs are deleted at the end. benches/timings-chain.py reads a timings page: the units that
# took longest and the chain of units that decided when the build finished.
#
#   benches/app-build-time.sh
#   APP_BUILD_DIR=/tmp/abt APP_BUILD_BEFORE=ee16d71 benches/app-build-time.sh
#   APP_BUILD_ROUNDS=3 benches/app-build-time.sh   # then 2 more after/checked-in pairs, order alternating
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${APP_BUILD_DIR:-/tmp/app-build-time}
BEFORE=${APP_BUILD_BEFORE:-ee16d71}
export CARGO_TERM_COLOR=never
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

say() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }

rm -rf "$WORK"
mkdir -p "$WORK/timings"
LOG="$WORK/build.log"

# The SDK at a commit, as a plain tree (no target dir of its own).
export_sdk() {
    mkdir -p "$WORK/sdk-$1"
    git -C "$ROOT" archive "$2" | tar -x -C "$WORK/sdk-$1"
}

# A binary crate `app-$1` on the SDK copy `$2` (default `$1`) with dependency options `$3`,
# locked to that copy's Cargo.lock.
make_app() {
    local app="$WORK/app-$1" sdk="${2:-$1}" options="${3:-}"
    mkdir -p "$app/src"
    cat >"$app/Cargo.toml" <<EOF
[package]
name = "app-$1"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
plaid-item = { path = "../sdk-$sdk"$options }
tokio = { version = "1", features = ["rt", "macros"] }
EOF
    cat >"$app/src/main.rs" <<'EOF'
use plaid_item::{types, Client, Environment};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .environment(Environment::Sandbox)
        .credentials("client-id", "secret")
        .build()?;
    let item = client
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-0"))
        .send()
        .await?;
    println!("{}", item.item.item_id);
    Ok(())
}
EOF
    cp "$WORK/sdk-$sdk/Cargo.lock" "$app/Cargo.lock"
    (cd "$app" && cargo fetch --quiet)
}

# Clean build of app `$1` in its own target dir; prints its wall time in seconds.
build_app() {
    local target="$WORK/target-$1" start end
    rm -rf "$target"
    say "clean build of app-$1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    start=$(now)
    (cd "$WORK/app-$1" && CARGO_TARGET_DIR="$target" cargo build --timings >>"$LOG" 2>&1) || {
        tail -n 40 "$LOG" >&2
        exit 1
    }
    end=$(now)
    cp "$target/cargo-timings/cargo-timing.html" "$WORK/timings/$1.html"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

say "exporting the SDK at $BEFORE and at HEAD ($(git -C "$ROOT" rev-parse --short HEAD))"
export_sdk before "$BEFORE"
export_sdk after HEAD
make_app before
make_app after
make_app shipped after ', default-features = false'

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
AFTER=$(build_app after)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

say "checked-in variant: HEAD with the generated code in src/, no build script"
export_sdk checked-in HEAD
SDK="$WORK/sdk-checked-in"
mv "$SDK/generated/plaid_item.rs" "$SDK/src/plaid_item.rs"
# One include of the checked-in file, no feature switch.
sed -i -e '/#\[cfg(\(not(\)\?feature = "codegen")\?)\]/d' \
    -e '/include!(concat!(env!("OUT_DIR"), "\/plaid_item.rs"));/d' \
    -e 's|include!("../generated/plaid_item.rs");|include!("plaid_item.rs");|' "$SDK/src/generated.rs"
grep -q 'include!("plaid_item.rs");' "$SDK/src/generated.rs"
! grep -q 'OUT_DIR\|feature = "codegen"' "$SDK/src/generated.rs"
rm -r "$SDK/build.rs" "$SDK/build"
# Drop `build = "build.rs"`, the codegen feature and the [build-dependencies] table.
awk '
    /^build = "build.rs"$/ { next }
    /^default = \["codegen"\]$/ { next }
    /^codegen = \["dep:plaid-item-codegen"\]$/ { next }
    /^\[build-dependencies\]$/ { skip = 1; next }
    /^\[/ { skip = 0 }
    !skip { print }
' "$SDK/Cargo.toml" >"$SDK/Cargo.toml.new"
mv "$SDK/Cargo.toml.new" "$SDK/Cargo.toml"
if sed -n '/^\[package\]/,/^\[dev-dependencies\]/p' "$SDK/Cargo.toml" | grep -q '^plaid-item-codegen'; then
    echo "the checked-in variant still has a codegen build-dependency" >&2
    exit 1
fi
make_app checked-in

CHECKED_IN=$(build_app checked-in)
LOAD_CHECKED_IN=$(cut -d' ' -f1-3 /proc/loadavg)
SHIPPED=$(build_app shipped)
BEFORE_TIME=$(build_app before)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# More rounds of the pair that the target compares, the order alternating so that a load that
# rises or falls during the run does not favour one side.
ROUNDS=${APP_BUILD_ROUNDS:-1}
PAIRS="$AFTER $CHECKED_IN"
for round in $(seq 2 "$ROUNDS"); do
    if [ $((round % 2)) = 0 ]; then
        C=$(build_app checked-in); cp "$WORK/timings/checked-in.html" "$WORK/timings/checked-in-$round.html"
        A=$(build_app after); cp "$WORK/timings/after.html" "$WORK/timings/after-$round.html"
    else
        A=$(build_app after); cp "$WORK/timings/after.html" "$WORK/timings/after-$round.html"
        C=$(build_app checked-in); cp "$WORK/timings/checked-in.html" "$WORK/timings/checked-in-$round.html"
    fi
    PAIRS="$PAIRS $A $C"
    echo "round $round: after $A s, checked-in $C s (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done

echo
echo "app clean build on $(date -u +%Y-%m-%d), $(nproc) CPUs, $(rustc --version), CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS"
echo "load average: start $LOAD_START; after 'after' $LOAD_AFTER; after 'checked-in' $LOAD_CHECKED_IN; end $LOAD_END"
printf '%-12s %8s s\n' "after" "$AFTER" "shipped" "$SHIPPED" "checked-in" "$CHECKED_IN" "before" "$BEFORE_TIME"
awk -v a="$AFTER" -v c="$CHECKED_IN" -v b="$BEFORE_TIME" -v s="$SHIPPED" \
    'BEGIN { printf "after / checked-in = %.2f; shipped / checked-in = %.2f; before / checked-in = %.2f; after / before = %.2f\n", a / c, s / c, b / c, a / b }'
if [ "$ROUNDS" -gt 1 ]; then
    echo "$PAIRS" | awk '{ for (i = 1; i < NF; i += 2) { printf "round %d: after %s s, checked-in %s s, ratio %.2f\n", (i + 1) / 2, $i, $(i + 1), $i / $(i + 1); a += $i; c += $(i + 1) } printf "all rounds: after / checked-in = %.2f\n", a / c }'
fi
for v in after shipped checked-in before; do
    echo
    echo "--- $v"
    case $v in
        after | shipped) python3 "$ROOT/benches/timings-chain.py" "$WORK/timings/$v.html" "$WORK/timings/checked-in.html" ;;
        before) python3 "$ROOT/benches/timings-chain.py" "$WORK/timings/$v.html" "$WORK/timings/after.html" ;;
        *) python3 "$ROOT/benches/timings-chain.py" "$WORK/timings/$v.html" ;;
    esac
done
rm -rf "$WORK"/target-*
echo
echo "timings pages kept in $WORK/timings; target dirs deleted"
