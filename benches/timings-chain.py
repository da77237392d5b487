#!/usr/bin/env python3
"""Reads a `cargo build --timings` page: the longest units, where plaid-item's own units sat
in the build, the dependency chain to plaid-item's build script run and to the last unit
(each unit's latest-finishing dependency, with the time it then waited for a free job slot),
and, given a second page, the units only the first one built and their summed time.

    python3 benches/timings-chain.py target/cargo-timings/cargo-timing.html [baseline.html]
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


def main(path, baseline=None):
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
    script_runs = [u for u in own if u["target"].strip() == "build-script (run)"]
    ends = [("plaid-item's build script run", script_runs[0])] if script_runs else []
    ends.append(("the last unit", max(data, key=lambda u: u["start"] + u["duration"])))
    for what, last in ends:
        chain = [(last, 0.0)]
        while preds[chain[-1][0]["i"]]:
            ready, i = max(preds[chain[-1][0]["i"]])
            chain[-1] = (chain[-1][0], chain[-1][0]["start"] - ready)
            chain.append((by_index[i], 0.0))
        print(f"dependency chain to {what} (start +duration, then waited for a job slot):")
        for u, waited in reversed(chain):
            print(f'  {u["start"]:6.1f} s +{u["duration"]:5.1f} s  {label(u)}  (waited {waited:.1f} s)')
    if baseline:
        base = {label(u) for u in units(baseline)}
        extra = [u for u in data if label(u) not in base and not u["name"].startswith("app-")]
        common = sum(
            u["duration"] for u in data if label(u) in base and not u["name"].startswith("app-")
        )
        extra_sum = sum(u["duration"] for u in extra)
        print(
            f"units not in {baseline}: {len(extra)}, {extra_sum:.1f} s summed; the units both "
            f"built took {common:.1f} s here, so this build did {(common + extra_sum) / common:.2f}x "
            "the baseline's work at this build's load:"
        )
        for u in sorted(extra, key=lambda u: -u["duration"]):
            print(f'  {u["duration"]:6.1f} s  {label(u)}')


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
