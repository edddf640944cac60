#!/usr/bin/python3
"""Time vs work on log-log axes for the dense 3x3 layer's batch and input-size sweeps.

Reads benchmarks/results/scaling.json (ConvGen.Benchmarks --scaling) and writes benchmarks/scaling.png: one panel
per sweep, median ms per call against GFLOP per call for ConvGen and ONNX Runtime on one and two threads, each
legend entry with the exponent fitted by the harness (time = a * work^b; b = 1 is linear), and a dotted line of
slope 1 through ConvGen 1T's first point for reference. Needs Debian's python3-matplotlib:
    /usr/bin/python3 benchmarks/scaling_chart.py [--results DIR] [--out PATH]
"""

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
COLOURS = {"ConvGen": "#1f77b4", "ORT": "#ff7f0e"}
NAMES = {"ConvGen": "ConvGen", "ORT": "ONNX Runtime"}


def panel(ax, sweep):
    points = sweep["points"]
    work = [p["flops"] / 1e9 for p in points]
    for fit in sweep["fits"]:
        engine, threads = fit["engine"], fit["threads"]
        ms = [next(t["median_ms"] for t in p["timings"] if t["engine"] == engine and t["threads"] == threads) for p in points]
        ax.plot(work, ms, marker="o" if threads == 1 else "s", linestyle="-" if threads == 1 else "--",
                color=COLOURS[engine], label=f"{NAMES[engine]} {threads}T (exponent {fit['exponent']:.2f})")
    first = next(t["median_ms"] for t in points[0]["timings"] if t["engine"] == "ConvGen" and t["threads"] == 1)
    ax.plot(work, [first * w / work[0] for w in work], color="grey", linestyle=":", linewidth=1, label="linear (exponent 1)")
    for p, w in zip(points, work):
        ax.annotate(f"batch {p['batch']}" if sweep["name"] == "batch" else f"{p['size']}x{p['size']}", (w, first * w / work[0]),
                    textcoords="offset points", xytext=(4, -12), fontsize=7, color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("work per call (GFLOP)")
    ax.set_ylabel("median time per call (ms)")
    ax.set_title(f"{sweep['varies']}", fontsize=10)
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--out", default=os.path.join(HERE, "scaling.png"))
    args = parser.parse_args()

    path = os.path.join(args.results, "scaling.json")
    if not os.path.exists(path):
        sys.exit(f"no {path}: run ConvGen.Benchmarks --scaling first")
    with open(path) as f:
        scaling = json.load(f)

    sweeps = scaling["sweeps"]
    fig, axes = plt.subplots(1, len(sweeps), figsize=(6.5 * len(sweeps), 5.5), squeeze=False)
    for ax, sweep in zip(axes[0], sweeps):
        panel(ax, sweep)
    cpu = scaling["cpu"]
    fig.suptitle(f"Dense 3x3 conv {scaling['layer']} (Cin,Cout,k,s,p,d,groups,HxW at batch 1): time vs work, {scaling['rounds']} rounds, "
                 f"{scaling['timestamp_utc'][:16].replace('T', ' ')} UTC\n{cpu['model']}, cpu family {cpu['family']} "
                 f"({cpu['microarchitecture']}), {cpu['logical_cores']} logical cores", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
