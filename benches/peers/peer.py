"""Plaid's official Python SDK (plaid-python) against the local static server (examples/spec_responder.rs).

python peer.py BASE_URL SEQUENTIAL CONCURRENT IN_FLIGHT
prints one JSON line: calls per second, sequential and with IN_FLIGHT calls in flight on one
client (threads sharing one ApiClient, its pool sized to IN_FLIGHT), and the peak RSS in KiB.
The SDK is pointed at the server through its own Configuration(host=...); nothing is patched.
"""

import json
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import plaid
from plaid.api import plaid_api
from plaid.model.item_get_request import ItemGetRequest

ACCESS_TOKEN = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6"
# The spec example's item_id, which the static server answers.
ITEM_ID = "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr"


def anon_rss_kib():
    """RssAnon at the end: the process's own memory, not its mapped files; 0 off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    base = sys.argv[1]
    sequential, total, in_flight = (min(int(a), 10_000_000) for a in sys.argv[2:5])
    configuration = plaid.Configuration(
        host=base,
        api_key={
            "clientId": "client-id-5f2a",
            "secret": "secret-9d41c7",
            "plaidVersion": "2020-09-14",
        },
    )
    configuration.connection_pool_maxsize = in_flight
    client = plaid_api.PlaidApi(plaid.ApiClient(configuration))

    def call():
        response = client.item_get(ItemGetRequest(access_token=ACCESS_TOKEN))
        assert response.item.item_id == ITEM_ID

    for _ in range(50):  # warm-up
        call()
    start = time.perf_counter()
    for _ in range(sequential):
        call()
    seq_rate = sequential / (time.perf_counter() - start)

    lock = threading.Lock()

    def worker(budget):
        # Take calls from a shared counter until `budget[0]` reaches zero.
        while True:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            call()

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        warm = [in_flight * 2]
        list(pool.map(worker, [warm] * in_flight))  # warm-up: open the connections
        budget = [total]
        start = time.perf_counter()
        list(pool.map(worker, [budget] * in_flight))
        conc_rate = total / (time.perf_counter() - start)

    print(
        json.dumps(
            {
                "peer": "python plaid-python " + plaid.__version__,
                "sequential_calls_per_s": round(seq_rate, 1),
                "concurrent_calls_per_s": round(conc_rate, 1),
                "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "anon_rss_kib": anon_rss_kib(),
            }
        )
    )


if __name__ == "__main__":
    main()
