"""Reads the JSON lines the peers printed (one per run) and prints the medians and the ratio
of each peer to this SDK. Throughput ratio below 1: the peer is slower; RSS ratio above 1:
the peer uses more memory. "anon RSS" is the process's own memory at the end (RssAnon: heap
and stacks), without the pages of its executable and libraries the kernel maps from files."""

import json
import statistics
import sys


def main():
    runs = {}
    order = []
    with open(sys.argv[1]) as lines:
        for line in lines:
            line = line.strip()
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if record["peer"] not in runs:
                order.append(record["peer"])
            runs.setdefault(record["peer"], []).append(record)
    if not order:
        sys.exit("no results")

    def median(peer, key):
        return statistics.median(r.get(key, 0) for r in runs[peer])

    rust = next((p for p in order if p.startswith("rust")), order[0])
    base = {k: median(rust, k) for k in
            ("sequential_calls_per_s", "concurrent_calls_per_s", "peak_rss_kib",
             "anon_rss_kib")}
    print()
    print("median of %d run(s) each; ratios are peer / %s" % (len(runs[rust]), rust))
    header = "%-28s %12s %12s %10s %10s   %9s %9s %9s %9s" % (
        "peer", "seq call/s", "c64 call/s", "peak RSS", "anon RSS",
        "seq x", "c64 x", "RSS x", "anon x")
    print(header)
    print("-" * len(header))
    for peer in order:
        seq = median(peer, "sequential_calls_per_s")
        conc = median(peer, "concurrent_calls_per_s")
        rss = median(peer, "peak_rss_kib")
        anon = median(peer, "anon_rss_kib")
        print("%-28s %12.0f %12.0f %7.1f MiB %6.1f MiB   %9.3f %9.3f %9.2f %9.2f" % (
            peer, seq, conc, rss / 1024, anon / 1024,
            seq / base["sequential_calls_per_s"],
            conc / base["concurrent_calls_per_s"],
            rss / base["peak_rss_kib"],
            anon / base["anon_rss_kib"] if base["anon_rss_kib"] else 0))
    print()
    for peer in order:
        if peer == rust or peer.startswith("floor"):
            continue
        print("%s: this SDK does %.1fx its calls/s sequentially, %.1fx at 64 in flight, "
              "in %.1fx less memory" % (
                  peer,
                  base["sequential_calls_per_s"] / median(peer, "sequential_calls_per_s"),
                  base["concurrent_calls_per_s"] / median(peer, "concurrent_calls_per_s"),
                  median(peer, "peak_rss_kib") / base["peak_rss_kib"]))


if __name__ == "__main__":
    main()
