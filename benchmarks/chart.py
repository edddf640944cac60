#!/usr/bin/python3
"""GFLOP/s per layer for ConvGen, ONNX Runtime and PyTorch, with the measured peak as a line.

Reads benchmarks/results/convgen.json (ConvGen.Benchmarks: the eight layers, ConvGen and ORT, the
measured peak), pytorch.json (pytorch_bench.py) and, when present, sweep.json (ConvGen.Benchmarks
--sweep); writes benchmarks/chart.png: the eight layers on top and, when the sweep exists, every
distinct ResNet-18 / MobileNetV2 layer below. Needs Debian's python3-matplotlib:
    /usr/bin/python3 benchmarks/chart.py [--results DIR] [--out PATH]
"""

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
COLOURS = {"ConvGen": "#1f77b4", "ONNX Runtime": "#ff7f0e", "PyTorch": "#2ca02c"}


def load(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def gflops(flops, ms):
    return flops / (ms * 1e-3) / 1e9 if ms else 0.0


def bars(ax, labels, series, peak, title):
    """Grouped bars: series is {engine: [GFLOP/s or None per label]}."""
    width = 0.8 / len(series)
    for i, (engine, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, [v or 0 for v in values], width, label=engine, color=COLOURS[engine])
    if peak:
        ax.axhline(peak, color="black", linestyle="--", linewidth=1, label=f"measured peak ({peak:.0f} GFLOP/s)")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("GFLOP/s (single thread)")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--out", default=os.path.join(HERE, "chart.png"))
    args = parser.parse_args()

    suite = load(args.results, "convgen.json")
    sweep = load(args.results, "sweep.json")
    torch = load(args.results, "pytorch.json")
    if suite is None and sweep is None:
        sys.exit(f"no convgen.json or sweep.json in {args.results}: run ConvGen.Benchmarks first")

    torch_layers = {l["label"]: l["ms"] for l in (torch or {}).get("layers", [])}
    torch_sweep = {(l["network"], l["label"]): l["ms"] for l in (torch or {}).get("sweep", [])}
    peak = suite["peak_gflops"] if suite else None
    cpu = (suite or sweep)["cpu"]

    panels = [p for p in (suite, sweep) if p is not None]
    fig, axes = plt.subplots(len(panels), 1, figsize=(14 if sweep else 9, 5.5 * len(panels)), squeeze=False)
    row = 0
    if suite is not None:
        layers = suite["layers"]
        series = {
            "ConvGen": [gflops(l["flops"], l["convgen_ms"]) for l in layers],
            "ONNX Runtime": [gflops(l["flops"], l["ort_ms"]) for l in layers],
        }
        if torch_layers:
            series["PyTorch"] = [gflops(l["flops"], torch_layers.get(l["label"])) for l in layers]
        bars(axes[row][0], [l["label"] for l in layers], series, peak,
             f"Eight layers (Cin,Cout,k,s,p,d,groups,HxW), batch 1: BenchmarkDotNet {suite['mode']}, {suite['timestamp_utc'][:16].replace('T', ' ')} UTC")
        row += 1
    if sweep is not None:
        layers = sweep["layers"]
        series = {
            "ConvGen": [gflops(l["flops"], l["convgen_ms"]) for l in layers],
            "ONNX Runtime": [gflops(l["flops"], l["ort_ms"]) for l in layers],
        }
        if torch_sweep:
            series["PyTorch"] = [gflops(l["flops"], torch_sweep.get((l["network"], l["label"]))) for l in layers]
        summary = "; ".join(f"{n['network']}: ConvGen speed vs ORT geomean {n['geomean_speed_vs_ort']:.2f}x, "
                            f"weighted {n['weighted_geomean_speed_vs_ort']:.2f}x" for n in sweep["networks"])
        labels = [f"{'R18' if l['network'] == 'resnet18' else 'MV2'} {l['label']} x{l['count']}" for l in layers]
        bars(axes[row][0], labels, series, peak, f"ResNet-18 (R18) and MobileNetV2 (MV2) layers x occurrences: Stopwatch harness, "
             f"{sweep['timestamp_utc'][:16].replace('T', ' ')} UTC\n{summary}")

    fig.suptitle(f"ConvGen vs ONNX Runtime vs PyTorch, single thread, NCHW float32 - {cpu['model']}, "
                 f"cpu family {cpu['family']} ({cpu['microarchitecture']})", fontsize=11)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
