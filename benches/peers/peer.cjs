// Plaid's official Node SDK (npm `plaid`) against the local static server (examples/spec_responder.rs).
//
// PEERS_NODE_DIR=target/peers/node node peer.cjs BASE_URL SEQUENTIAL CONCURRENT IN_FLIGHT
// prints one JSON line: calls per second, sequential and with IN_FLIGHT calls in flight on one
// client, and the peak RSS in KiB. The SDK is pointed at the server through its own
// `new Configuration({ basePath })`; nothing is patched.
'use strict';

const path = require('path');

const dir = path.resolve(process.env.PEERS_NODE_DIR || path.join(__dirname, '../../target/peers/node'));
const plaid = require(path.join(dir, 'node_modules', 'plaid'));
const version = require(path.join(dir, 'node_modules', 'plaid', 'package.json')).version;

const ACCESS_TOKEN = 'access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6';
// The spec example's item_id, which the static server answers.
const ITEM_ID = 'Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr';

async function main() {
  const [base, ...numbers] = process.argv.slice(2);
  const [sequential, total, inFlight] = numbers.map((n) => Math.min(Number(n), 10000000));
  const configuration = new plaid.Configuration({
    basePath: base,
    baseOptions: {
      headers: {
        'PLAID-CLIENT-ID': 'client-id-5f2a',
        'PLAID-SECRET': 'secret-9d41c7',
        'Plaid-Version': '2020-09-14',
      },
    },
  });
  const client = new plaid.PlaidApi(configuration);

  async function call() {
    const response = await client.itemGet({ access_token: ACCESS_TOKEN });
    if (response.data.item.item_id !== ITEM_ID) throw new Error('unexpected item');
  }

  async function concurrent(count) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        await call();
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }

  for (let i = 0; i < 50; i += 1) await call(); // warm-up
  let start = process.hrtime.bigint();
  for (let i = 0; i < sequential; i += 1) await call();
  const seqRate = sequential / (Number(process.hrtime.bigint() - start) / 1e9);

  await concurrent(inFlight * 2); // warm-up: open the connections
  start = process.hrtime.bigint();
  await concurrent(total);
  const concRate = total / (Number(process.hrtime.bigint() - start) / 1e9);

  console.log(JSON.stringify({
    peer: `node plaid ${version}`,
    sequential_calls_per_s: Math.round(seqRate * 10) / 10,
    concurrent_calls_per_s: Math.round(concRate * 10) / 10,
    peak_rss_kib: process.resourceUsage().maxRSS,
    anon_rss_kib: anonRssKib(),
  }));
}

// RssAnon at the end: the process's own memory, not its mapped files; 0 off Linux.
function anonRssKib() {
  try {
    const line = require('fs').readFileSync('/proc/self/status', 'utf8')
      .split('\n').find((l) => l.startsWith('RssAnon:'));
    return line ? parseInt(line.split(/\s+/)[1], 10) : 0;
  } catch {
    return 0;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
