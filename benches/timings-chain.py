#!/usr/bin/env python3
"""Reads a `cargo build --timings` page: the longest units, where plaid-item's own units sat
in the build, and the chain of units that decided when the build finished (each unit's
latest-finishing dependency, back from the last unit to end).

    python3 benches/timings-chain.py target/cargo-timings/cargo-timing.html
"""
import json
import sys


def units(path):
    text = open(path, encoding="utf-8").read()
    start = text.index("const UNIT_DATA =") + len("const UNIT_DATA =")
    end = text.index("];", start) + 1
    return json.loads(text[start:end])


def label(u):
    target = u["target"].strip()
    return f'{u["name"]} {u["version"]}{" " + target if target else ""}'


def unlock_time(u, rmeta):
    """When `u` let a dependent start: at its end, or for a pipelined dependent when its
    metadata was ready."""
    if not rmeta:
        return u["start"] + u["duration"]
    if u.get("rmeta_time") is not None:
        return u["start"] + u["rmeta_time"]
    for name, span in u.get("sections") or []:
        if name == "frontend" and isinstance(span, dict) and "end" in span:
            return u["start"] + span["end"]
    return u["start"] + u["duration"]


def main(path):
    data = units(path)
    by_index = {u["i"]: u for u in data}
    preds = {u["i"]: [] for u in data}
    for u in data:
        for j in u.get("unblocked_units", []):
            preds[j].append((unlock_time(u, False), u["i"]))
        for j in u.get("unblocked_rmeta_units", []):
            preds[j].append((unlock_time(u, True), u["i"]))
    total = max(u["start"] + u["duration"] for u in data)
    busy = sum(u["duration"] for u in data)
    print(f"{len(data)} units, build ends at {total:.1f} s, sum of unit times {busy:.1f} s")
    print("longest units:")
    for u in sorted(data, key=lambda u: -u["duration"])[:8]:
        print(f'  {u["duration"]:6.1f} s  {label(u)}')
    own = [u for u in data if u["name"].startswith("plaid-item")]
    if own:
        print("plaid-item units (start-end):")
        for u in sorted(own, key=lambda u: u["start"]):
            print(f'  {u["start"]:6.1f}-{u["start"] + u["duration"]:6.1f} s  {label(u)}')
    last = max(data, key=lambda u: u["start"] + u["duration"])
    chain = [last]
    while preds[chain[-1]["i"]]:
        _, i = max(preds[chain[-1]["i"]])
        chain.append(by_index[i])
    print("chain that set the end (first to last):")
    for u in reversed(chain):
        print(f'  {u["start"]:6.1f} s +{u["duration"]:5.1f} s  {label(u)}')


if __name__ == "__main__":
    main(sys.argv[1])
