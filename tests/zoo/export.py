#!/usr/bin/python3
"""Exports the ConvGen model zoo (issue 17) to ONNX, for the [OnnxModel] tests in ZooTests.cs.

Every model gets random but seeded weights (torch.manual_seed, then torchvision's own initialisation, with
non-zero biases) and randomised batch norms (gamma ~ U(0.8, 1.2), beta ~ N(0, 0.1), running statistics
measured on random images then perturbed, see randomise_batch_norm), so folding batch norm into the
convolutions is really exercised and the outputs still depend on the input. Export is in eval mode at opset 13
(ConvNeXt at 17) with the defaults a user would take (constant folding on), one input `input`, one output `output`
(the segmentation models: `out`, and `aux` where they have that head) and a dynamic batch axis. --size works down to 64 for every torchvision model (checked at 64).

Needs Debian's PyTorch (apt-get install python3-torchvision python3-onnx); run it with /usr/bin/python3:

    /usr/bin/python3 tests/zoo/export.py OUTDIR [names...]        # all models when no name is given
    /usr/bin/python3 tests/zoo/export.py OUTDIR --size 96 resnet18  # smaller images for the torchvision nets
    /usr/bin/python3 tests/zoo/export.py OUTDIR --ops               # also list each model's ONNX operators

It writes OUTDIR/<name>.onnx and prints one line per model: name, parameters, file bytes, export seconds.
"""

import argparse
import os
import sys
import time
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
import torchvision.models.segmentation as tvs

OPSET = 13
SEED = 17
SIZE = 224  # the image size of the torchvision models unless --size says otherwise


class UNet(nn.Module):
    """A small three-level U-Net: Conv-BN-ReLU pairs, MaxPool down, ConvTranspose2d(k=2, s=2) up, concatenated
    skips and a 1x1 head; 3 -> 16 -> 32 -> 64 channels on 64x64 images, two output classes."""

    def __init__(self, channels=(16, 32, 64), classes=2):
        super().__init__()
        c1, c2, c3 = channels
        self.enc1 = self.block(3, c1)
        self.enc2 = self.block(c1, c2)
        self.bottom = self.block(c2, c3)
        self.up2 = nn.ConvTranspose2d(c3, c2, kernel_size=2, stride=2)
        self.dec2 = self.block(2 * c2, c2)
        self.up1 = nn.ConvTranspose2d(c2, c1, kernel_size=2, stride=2)
        self.dec1 = self.block(2 * c1, c1)
        self.head = nn.Conv2d(c1, classes, kernel_size=1)

    @staticmethod
    def block(cin, cout):
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottom(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


class M5(nn.Module):
    """M5 (Dai et al. 2017, as in PyTorch's speech-command tutorial): Conv1d k80 s4, three Conv1d k3 blocks,
    each Conv-BN-ReLU-MaxPool(4), global average over time, Linear, log_softmax; input [N, 1, 8000]."""

    def __init__(self, channels=32, classes=35):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv1d(1, channels, kernel_size=80, stride=4), nn.BatchNorm1d(channels)
        self.conv2, self.bn2 = nn.Conv1d(channels, channels, kernel_size=3), nn.BatchNorm1d(channels)
        self.conv3, self.bn3 = nn.Conv1d(channels, 2 * channels, kernel_size=3), nn.BatchNorm1d(2 * channels)
        self.conv4, self.bn4 = nn.Conv1d(2 * channels, 2 * channels, kernel_size=3), nn.BatchNorm1d(2 * channels)
        self.fc = nn.Linear(2 * channels, classes)

    def forward(self, x):
        for conv, bn in ((self.conv1, self.bn1), (self.conv2, self.bn2), (self.conv3, self.bn3), (self.conv4, self.bn4)):
            x = F.max_pool1d(F.relu(bn(conv(x))), 4)
        x = x.mean(-1)  # global average over time (the tutorial's avg_pool1d(x, x.shape[-1]) does not trace)
        return F.log_softmax(self.fc(x), dim=1)


# Models exported at another opset than OPSET: ConvNeXt at 17, so its LayerNorm2d is one LayerNormalization node.
OPSETS = {"convnext_tiny": 17}

# The output names of models with more than one output or a dict of them (torchvision's segmentation models return
# {"out": ..., "aux": ...}); the others have one, `output`.
OUTPUTS = {
    "lraspp_mobilenet_v3_large": ["out"],
    "deeplabv3_mobilenet_v3_large": ["out", "aux"],
    "fcn_resnet50": ["out", "aux"],
}

# name -> constructor; input_shape() gives the sample shape
MODELS = {
    "resnet18": lambda: tvm.resnet18(weights=None),
    "resnet50": lambda: tvm.resnet50(weights=None),
    "mobilenet_v2": lambda: tvm.mobilenet_v2(weights=None),
    "mobilenet_v3_small": lambda: tvm.mobilenet_v3_small(weights=None),
    "mobilenet_v3_large": lambda: tvm.mobilenet_v3_large(weights=None),
    "squeezenet1_1": lambda: tvm.squeezenet1_1(weights=None),
    "shufflenet_v2_x1_0": lambda: tvm.shufflenet_v2_x1_0(weights=None),
    "efficientnet_b0": lambda: tvm.efficientnet_b0(weights=None),
    "googlenet": lambda: tvm.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True),
    "densenet121": lambda: tvm.densenet121(weights=None),
    "convnext_tiny": lambda: tvm.convnext_tiny(weights=None),
    "regnet_y_400mf": lambda: tvm.regnet_y_400mf(weights=None),
    "mnasnet0_5": lambda: tvm.mnasnet0_5(weights=None),
    "resnext50_32x4d": lambda: tvm.resnext50_32x4d(weights=None),
    "vgg11": lambda: tvm.vgg11(weights=None),
    "inception_v3": lambda: tvm.inception_v3(weights=None, aux_logits=False, init_weights=True),
    "lraspp_mobilenet_v3_large": lambda: tvs.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None),
    "deeplabv3_mobilenet_v3_large": lambda: tvs.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=True),
    "fcn_resnet50": lambda: tvs.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=True),
    "unet": UNet,
    "m5": M5,
}


def input_shape(name, size):
    """One sample's shape: [3, size, size] for the torchvision classifiers, fixed for the U-Net and M5."""
    if name == "unet":
        return (3, 64, 64)
    if name == "m5":
        return (1, 8000)
    if name == "inception_v3":
        return (3, max(size, 75), max(size, 75))  # its stem needs at least 75 pixels
    return (3, size, size)


def randomise_biases(model):
    """Gives convolution and linear biases PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) instead of the zeros
    torchvision initialises them to: zero biases would leave bias handling untested wherever no batch norm is folded
    (squeezenet, the squeeze-excitation layers), and identical zero biases are deduplicated by the exporter into
    Identity nodes on one shared initializer, a pattern of untrained models rather than of real ones."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.modules.conv._ConvNd, nn.Linear)) and m.bias is not None:
                bound = 1 / nn.init._calculate_fan_in_and_fan_out(m.weight)[0] ** 0.5
                m.bias.uniform_(-bound, bound)


def randomise_batch_norm(model, sample_shape, images=4):
    """Gives every batch norm random affine parameters and running statistics far from the identity, so a wrong
    fold shows, while keeping the signal alive. Plain random statistics (mean ~ N(0, 0.1), var ~ U(0.5, 1.5))
    let the activations of deep nets shrink layer after layer until the batch-norm offsets dominate and the
    logits no longer depend on the input (mobilenet, shufflenet, efficientnet and googlenet differed by ~1e-8
    between two images), which would hide wrong convolutions. So the statistics are measured on a batch of
    random images in training mode first, then perturbed: mean + N(0, 0.1) std, var * U(0.5, 1.5)."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in norms:
            m.weight.uniform_(0.8, 1.2)
            m.bias.normal_(0.0, 0.1)
            m.reset_running_stats()
            m.momentum, m.saved_momentum = None, m.momentum  # None: running stats = this batch's
        model.train()
        model(torch.randn(images, *sample_shape))
        for m in norms:
            m.momentum = m.saved_momentum
            m.running_mean.add_(torch.randn_like(m.running_mean) * 0.1 * m.running_var.sqrt())
            m.running_var.mul_(torch.empty_like(m.running_var).uniform_(0.5, 1.5))
    model.eval()


def build(name, size):
    """The model as exported: seeded weights, non-zero biases, randomised batch norms, eval mode."""
    torch.manual_seed(SEED)
    model = MODELS[name]()
    randomise_biases(model)
    randomise_batch_norm(model, input_shape(name, size))
    return model


def export(name, path, size):
    model = build(name, size)
    x = torch.randn(1, *input_shape(name, size))
    start = time.perf_counter()
    outputs = OUTPUTS.get(name, ["output"])
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=OPSETS.get(name, OPSET), do_constant_folding=True,
                          input_names=["input"], output_names=outputs,
                          dynamic_axes={"input": {0: "N"}, **{output: {0: "N"} for output in outputs}})
    seconds = time.perf_counter() - start
    parameters = sum(p.numel() for p in model.parameters())
    return parameters, os.path.getsize(path), seconds


def operators(path):
    """The ONNX operators of the main graph, with counts, most frequent first."""
    import onnx
    graph = onnx.load(path, load_external_data=False).graph
    return Counter(node.op_type for node in graph.node).most_common()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("names", nargs="*", metavar="name", help="models to export (default: all): " + ", ".join(MODELS))
    parser.add_argument("--size", type=int, default=SIZE, help="image size of the torchvision models (default %d)" % SIZE)
    parser.add_argument("--ops", action="store_true", help="also print each model's ONNX operators with counts")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in MODELS]
    if unknown:
        parser.error("unknown model(s) %s; known: %s" % (", ".join(unknown), ", ".join(MODELS)))
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.names or list(MODELS):
        path = os.path.join(args.outdir, name + ".onnx")
        parameters, size, seconds = export(name, path, args.size)
        print("%-20s %12d params %12d bytes %7.2f s" % (name, parameters, size, seconds), flush=True)
        if args.ops:
            print("    " + ", ".join("%s x%d" % op for op in operators(path)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
