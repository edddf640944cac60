#!/usr/bin/python3
"""PyTorch timings of the benchmark layers, for the PyTorch column of benchmarks/results.md and the chart.

Times, in PyTorch (Debian's python3-torch 1.13, oneDNN), single thread, under torch.no_grad(), batch 1,
NCHW float32:
  - the eight layers of benchmarks/ConvGen.Benchmarks/Layers.cs (with bias, as there);
  - unless --no-sweep, every distinct convolution of ResNet-18 and MobileNetV2 at 224x224
    (benchmarks/ConvGen.Benchmarks/SweepLayers.cs: no bias, as in torchvision).
Per layer: warm-up (at least 40 calls and 250 ms), a repetition count calibrated so that one sample
lasts at least 2 ms, then the median time per call over --samples samples (the same method as the
C# sweep harness). PyTorch allocates each output tensor; that is part of what it costs.

When torchvision is importable (Debian's python3-torchvision), the sweep list is first checked
against torchvision's resnet18 / mobilenet_v2 (every Conv2d, its input size and how often it
occurs); a mismatch stops the script.

Writes benchmarks/results/pytorch.json (or --out PATH). Run it with /usr/bin/python3 (Debian's
torch), e.g.  /usr/bin/python3 benchmarks/pytorch_bench.py --short
"""

import argparse
import collections
import datetime
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Label "Cin,Cout,k,s,p,d,groups,HxW" exactly as in Layers.cs / BenchmarkLayer.cs.
EIGHT = [
    "3,64,3,1,1,1,1,224",
    "3,64,7,2,3,1,1,224",
    "64,64,3,1,1,1,1,56",
    "64,128,3,2,1,1,1,56",
    "32,32,3,1,1,1,32,112",
    "32,64,1,1,0,1,1,112",
    "128,128,3,1,1,1,4,28",
    "64,64,3,1,2,2,1,56",
]

# (network, label, occurrences), in the order of SweepLayers.cs.
SWEEP = [
    ("resnet18", "3,64,7,2,3,1,1,224", 1),
    ("resnet18", "64,64,3,1,1,1,1,56", 4),
    ("resnet18", "64,128,3,2,1,1,1,56", 1),
    ("resnet18", "64,128,1,2,0,1,1,56", 1),
    ("resnet18", "128,128,3,1,1,1,1,28", 3),
    ("resnet18", "128,256,3,2,1,1,1,28", 1),
    ("resnet18", "128,256,1,2,0,1,1,28", 1),
    ("resnet18", "256,256,3,1,1,1,1,14", 3),
    ("resnet18", "256,512,3,2,1,1,1,14", 1),
    ("resnet18", "256,512,1,2,0,1,1,14", 1),
    ("resnet18", "512,512,3,1,1,1,1,7", 3),
    ("mobilenet_v2", "3,32,3,2,1,1,1,224", 1),
    ("mobilenet_v2", "32,32,3,1,1,1,32,112", 1),
    ("mobilenet_v2", "32,16,1,1,0,1,1,112", 1),
    ("mobilenet_v2", "16,96,1,1,0,1,1,112", 1),
    ("mobilenet_v2", "96,96,3,2,1,1,96,112", 1),
    ("mobilenet_v2", "96,24,1,1,0,1,1,56", 1),
    ("mobilenet_v2", "24,144,1,1,0,1,1,56", 2),
    ("mobilenet_v2", "144,144,3,1,1,1,144,56", 1),
    ("mobilenet_v2", "144,24,1,1,0,1,1,56", 1),
    ("mobilenet_v2", "144,144,3,2,1,1,144,56", 1),
    ("mobilenet_v2", "144,32,1,1,0,1,1,28", 1),
    ("mobilenet_v2", "32,192,1,1,0,1,1,28", 3),
    ("mobilenet_v2", "192,192,3,1,1,1,192,28", 2),
    ("mobilenet_v2", "192,32,1,1,0,1,1,28", 2),
    ("mobilenet_v2", "192,192,3,2,1,1,192,28", 1),
    ("mobilenet_v2", "192,64,1,1,0,1,1,14", 1),
    ("mobilenet_v2", "64,384,1,1,0,1,1,14", 4),
    ("mobilenet_v2", "384,384,3,1,1,1,384,14", 4),
    ("mobilenet_v2", "384,64,1,1,0,1,1,14", 3),
    ("mobilenet_v2", "384,96,1,1,0,1,1,14", 1),
    ("mobilenet_v2", "96,576,1,1,0,1,1,14", 3),
    ("mobilenet_v2", "576,576,3,1,1,1,576,14", 2),
    ("mobilenet_v2", "576,96,1,1,0,1,1,14", 2),
    ("mobilenet_v2", "576,576,3,2,1,1,576,14", 1),
    ("mobilenet_v2", "576,160,1,1,0,1,1,7", 1),
    ("mobilenet_v2", "160,960,1,1,0,1,1,7", 3),
    ("mobilenet_v2", "960,960,3,1,1,1,960,7", 3),
    ("mobilenet_v2", "960,160,1,1,0,1,1,7", 2),
    ("mobilenet_v2", "960,320,1,1,0,1,1,7", 1),
    ("mobilenet_v2", "320,1280,1,1,0,1,1,7", 1),
]


def parse(label):
    cin, cout, k, s, p, d, groups, size = (int(v) for v in label.split(","))
    return cin, cout, k, s, p, d, groups, size


def output_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def flops(label):
    """2 * N * Cout * Hout * Wout * (Cin/groups) * kh * kw."""
    cin, cout, k, s, p, d, groups, size = parse(label)
    out = output_size(size, k, s, p, d)
    return 2.0 * cout * out * out * (cin // groups) * k * k


def cpu_info():
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break
                name, _, value = line.partition(":")
                fields[name.strip()] = value.strip()
    except OSError:
        pass
    family = int(fields["cpu family"]) if "cpu family" in fields else None
    model = int(fields["model"]) if "model" in fields else None
    amd = fields.get("vendor_id") == "AuthenticAMD"
    arch = {25: "Zen 4", 26: "Zen 5"}.get(family) if amd else None
    if arch is None:
        arch = "unknown" if family is None else f"{fields.get('vendor_id')} family {family}"
    return {"model": fields.get("model name", "unknown"), "family": family, "model_number": model,
            "microarchitecture": arch, "logical_cores": os.cpu_count()}


def time_layer(label, bias, samples):
    """Median seconds per call of nn.Conv2d(label) on a fixed random input."""
    cin, cout, k, s, p, d, groups, size = parse(label)
    torch.manual_seed(1)
    conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=groups, bias=bias).eval()
    x = torch.rand(1, cin, size, size) * 2 - 1
    with torch.no_grad():
        start = time.perf_counter()
        calls = 0
        while calls < 20 or time.perf_counter() - start < 0.125:
            conv(x)
            calls += 1
        start = time.perf_counter()
        calls = 0
        while calls < 20 or time.perf_counter() - start < 0.125:
            conv(x)
            calls += 1
        single = (time.perf_counter() - start) / calls
        reps = max(1, int(0.002 / single + 0.999))
        times = []
        for _ in range(samples):
            t0 = time.perf_counter_ns()
            for _ in range(reps):
                conv(x)
            times.append((time.perf_counter_ns() - t0) / 1e9 / reps)
    return statistics.median(times), min(times), reps


def verify_sweep():
    """Checks SWEEP against torchvision's networks; returns False when torchvision is missing."""
    try:
        import torchvision
    except ImportError:
        print("torchvision not installed: the sweep list is not checked against it (apt-get install python3-torchvision)")
        return False
    for network in sorted({n for n, _, _ in SWEEP}):
        model = getattr(torchvision.models, network)().eval()
        seen = collections.Counter()

        def hook(module, inputs, _output):
            c = module
            assert c.kernel_size[0] == c.kernel_size[1] and c.stride[0] == c.stride[1]
            assert c.padding[0] == c.padding[1] and c.dilation[0] == c.dilation[1] and c.bias is None
            size = inputs[0].shape[-1]
            seen[f"{c.in_channels},{c.out_channels},{c.kernel_size[0]},{c.stride[0]},{c.padding[0]},"
                 f"{c.dilation[0]},{c.groups},{size}"] += 1

        handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
        with torch.no_grad():
            model(torch.zeros(1, 3, 224, 224))
        for h in handles:
            h.remove()
        expected = collections.Counter({label: count for n, label, count in SWEEP if n == network})
        if seen != expected:
            print(f"{network}: the sweep list differs from torchvision {torchvision.__version__}:")
            print("  torchvision only:", dict(seen - expected))
            print("  list only:       ", dict(expected - seen))
            sys.exit(1)
        print(f"{network}: {len(seen)} distinct of {sum(seen.values())} convolutions, matches torchvision {torchvision.__version__}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="11 samples per layer instead of 31")
    parser.add_argument("--samples", type=int, help="samples per layer (overrides --short)")
    parser.add_argument("--no-sweep", action="store_true", help="only the eight layers")
    parser.add_argument("--verify-only", action="store_true", help="only check the sweep list against torchvision")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "pytorch.json"))
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    verified = verify_sweep()
    if args.verify_only:
        return

    samples = args.samples or (11 if args.short else 31)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, mkldnn {torch.backends.mkldnn.is_available()}, "
          f"{samples} samples per layer")

    layers = []
    for label in EIGHT:
        median, best, reps = time_layer(label, True, samples)
        layers.append({"label": label, "flops": flops(label), "ms": median * 1e3, "min_ms": best * 1e3, "repetitions": reps})
        print(f"  {label:<24} {median * 1e3:9.4f} ms  {flops(label) / median / 1e9:6.1f} GFLOP/s")

    sweep = []
    if not args.no_sweep:
        for network, label, count in SWEEP:
            median, best, reps = time_layer(label, False, samples)
            sweep.append({"network": network, "label": label, "count": count, "flops": flops(label),
                          "ms": median * 1e3, "min_ms": best * 1e3, "repetitions": reps})
            print(f"  {network:<13} {label:<24} x{count}  {median * 1e3:9.4f} ms")

    result = {
        "tool": "benchmarks/pytorch_bench.py",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "timestamp_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu": cpu_info(),
        "harness": f"time.perf_counter: warm-up >= 40 calls and 250 ms, samples >= 2 ms, {samples} samples, median per call; "
                   "torch.no_grad(), eval(), torch.set_num_threads(1)",
        "sweep_checked_against_torchvision": verified,
        "layers": layers,
        "sweep": sweep,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
