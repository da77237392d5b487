#!/usr/bin/env bash
# Plaid's official SDKs against this one, on one local static server
# (examples/spec_responder.rs: the spec's example reply for every path, nothing checked or
# kept, so the figures describe the clients rather than the server).
#
# Installs plaid-python (PyPI) into target/peers/venv and plaid (npm) into target/peers/node,
# builds examples/spec_responder.rs and examples/peer_item_get.rs in release, starts the
# server on 127.0.0.1, and runs the same /item/get call from each SDK and from the floor (a
# bare hyper client that does not decode: what the server and loopback alone allow):
# SEQUENTIAL calls one after another, then CONCURRENT calls with IN_FLIGHT in flight on one
# client. Prints calls per second, peak RSS and each one's ratio to this SDK (medians of RUNS
# runs, interleaved). Every peer checks the reply's item_id, the spec example's.
#
# The server is pinned to CPU 0 and the client under test to CPU 1 (when taskset exists and
# the machine has two CPUs or more), so every client gets exactly one core.
#
#   benches/peers/run.sh
#   PEERS_SEQUENTIAL=2000 PEERS_CONCURRENT=6400 PEERS_IN_FLIGHT=64 PEERS_RUNS=3 benches/peers/run.sh
#   PLAID_PYTHON_VERSION=46.0.0 PLAID_NODE_VERSION=47.0.0 benches/peers/run.sh
#   PEERS_SEQUENTIAL=200 PEERS_CONCURRENT=640 PEERS_RUNS=1 benches/peers/run.sh   # .ci/run's short form
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/benches/peers"
cd "$ROOT"

PEERS=${PEERS_DIR:-$ROOT/target/peers}
PY_VERSION=${PLAID_PYTHON_VERSION:-46.0.0}
NODE_VERSION=${PLAID_NODE_VERSION:-47.0.0}
SEQUENTIAL=${PEERS_SEQUENTIAL:-2000}
CONCURRENT=${PEERS_CONCURRENT:-6400}
IN_FLIGHT=${PEERS_IN_FLIGHT:-64}
RUNS=${PEERS_RUNS:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PYTHON=${PYTHON:-python3}

say() { printf '\n==> %s\n' "$*" >&2; }

mkdir -p "$PEERS"

say "plaid-python $PY_VERSION into $PEERS/venv ($("$PYTHON" --version 2>&1))"
if [ ! -x "$PEERS/venv/bin/python" ]; then
    "$PYTHON" -m venv "$PEERS/venv"
fi
# A peer that cannot be installed (no registry reachable) is left out with a warning: the
# SDK and the floor still run, so CI offline does not fail on the peers' registries.
HAVE_PYTHON=1 HAVE_NODE=1
if ! "$PEERS/venv/bin/python" -c "import plaid, sys; sys.exit(plaid.__version__ != '$PY_VERSION')" 2>/dev/null; then
    "$PEERS/venv/bin/pip" install --quiet --disable-pip-version-check "plaid-python==$PY_VERSION" ||
        { HAVE_PYTHON=0; echo "WARNING: cannot install plaid-python $PY_VERSION: left out" >&2; }
fi

say "plaid (npm) $NODE_VERSION into $PEERS/node (node $(node --version))"
mkdir -p "$PEERS/node"
if [ ! -f "$PEERS/node/node_modules/plaid/package.json" ] ||
    ! grep -q "\"version\": \"$NODE_VERSION\"" "$PEERS/node/node_modules/plaid/package.json"; then
    [ -f "$PEERS/node/package.json" ] || echo '{"private": true}' >"$PEERS/node/package.json"
    (cd "$PEERS/node" && npm install --no-audit --no-fund --silent "plaid@$NODE_VERSION") ||
        { HAVE_NODE=0; echo "WARNING: cannot install plaid $NODE_VERSION from npm: left out" >&2; }
fi

say "building the static server and the Rust peer (release)"
cargo build --release --quiet --example spec_responder --example peer_item_get
BIN="$CARGO_TARGET_DIR/release/examples"

SERVER_CPU=() CLIENT_CPU=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && [ "${PEERS_PIN:-1}" = 1 ]; then
    SERVER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 1)
fi

say "starting the static server"
SERVER_OUT="$PEERS/server.out"
"${SERVER_CPU[@]}" "$BIN/spec_responder" --max-seconds 3600 \
    >"$SERVER_OUT" 2>"$PEERS/server.err" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
BASE=""
for _ in $(seq 1 100); do
    BASE=$(head -n 1 "$SERVER_OUT" 2>/dev/null || true)
    [ -n "$BASE" ] && break
    sleep 0.1
done
[ -n "$BASE" ] || { echo "the server did not start" >&2; cat "$PEERS/server.err" >&2; exit 1; }
echo "static server at $BASE" >&2

RESULTS="$PEERS/results.jsonl"
: >"$RESULTS"
ARGS=("$BASE" "$SEQUENTIAL" "$CONCURRENT" "$IN_FLIGHT")
for run in $(seq 1 "$RUNS"); do
    say "run $run/$RUNS: $SEQUENTIAL sequential + $CONCURRENT calls at $IN_FLIGHT in flight, each SDK"
    "${CLIENT_CPU[@]}" "$BIN/peer_item_get" "${ARGS[@]}" sdk | tee -a "$RESULTS"
    "${CLIENT_CPU[@]}" "$BIN/peer_item_get" "${ARGS[@]}" floor | tee -a "$RESULTS"
    if [ "$HAVE_PYTHON" = 1 ]; then
        "${CLIENT_CPU[@]}" "$PEERS/venv/bin/python" "$HERE/peer.py" "${ARGS[@]}" | tee -a "$RESULTS"
    fi
    if [ "$HAVE_NODE" = 1 ]; then
        PEERS_NODE_DIR="$PEERS/node" "${CLIENT_CPU[@]}" node "$HERE/peer.cjs" "${ARGS[@]}" | tee -a "$RESULTS"
    fi
done

echo
echo "machine: $(nproc) CPUs, $(uname -m), $(date -u +%Y-%m-%d); python $("$PEERS/venv/bin/python" --version 2>&1 | cut -d' ' -f2), node $(node --version)"
"$PYTHON" "$HERE/summarise.py" "$RESULTS"
