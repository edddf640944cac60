"""Exports the small CNN that PyTorchNetworkTests.cs rebuilds with ConvGen layers.

Run with Debian's python3-torch (1.13) and python3-onnx:  /usr/bin/python3 export_small_cnn.py
Writes, next to this script:
  small_cnn.onnx          the eval-mode network; initializers keep PyTorch's parameter names
                          (TrainingMode.PRESERVE + no constant folding, so batch norms are not folded into convs)
  small_cnn_input.pb      an input batch [2, 3, 13, 11] (ONNX TensorProto)
  small_cnn_features.pb   PyTorch's output of the first five layers (up to the depthwise-separable block) [2, 12, 7, 6]
  small_cnn_pooled.pb     PyTorch's output of the first ten layers (up to the SiLU after the average pool) [2, 16, 4, 3]
  small_cnn_logits.pb     PyTorch's output before the softmax [2, 10]
  small_cnn_output.pb     PyTorch's output (softmax) [2, 10]
  small_cnn_weights.bin   every state-dict tensor except num_batches_tracked, in state-dict order, as little-endian float32
Everything is seeded, so a rerun reproduces the files.
"""
import collections
import os

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn

torch.manual_seed(20261124)
here = os.path.dirname(os.path.abspath(__file__))


class DepthwiseSeparable(nn.Module):
    """MobileNet's block; attribute names match ConvGen's DepthwiseSeparable.Create."""

    def __init__(self, channels, out_channels):
        super().__init__()
        self.depthwise = nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.act1 = nn.ReLU6()
        self.pointwise = nn.Conv2d(channels, out_channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.act2 = nn.ReLU6()

    def forward(self, x):
        return self.act2(self.bn2(self.pointwise(self.act1(self.bn1(self.depthwise(x))))))


model = nn.Sequential(collections.OrderedDict([
    ("conv1", nn.Conv2d(3, 8, 3, padding=1)),
    ("bn1", nn.BatchNorm2d(8)),
    ("relu1", nn.ReLU()),
    ("pool1", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)),      # 13x11 -> 7x6
    ("block", DepthwiseSeparable(8, 12)),
    ("up", nn.Upsample(scale_factor=2, mode="nearest")),                   # 7x6 -> 14x12
    ("conv2", nn.Conv2d(12, 16, 3, stride=2)),                             # -> 6x5
    ("gelu", nn.GELU()),
    ("pool2", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),  # -> 4x3
    ("silu", nn.SiLU()),
    ("gap", nn.AdaptiveAvgPool2d(1)),
    ("flatten", nn.Flatten()),
    ("fc1", nn.Linear(16, 24)),
    ("tanh", nn.Tanh()),
    ("fc2", nn.Linear(24, 10)),
    ("softmax", nn.Softmax(dim=1)),
]))

# Trained-looking batch norms: random affine parameters and running statistics (a fresh one is the identity).
with torch.no_grad():
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.weight.uniform_(0.5, 1.5)
            module.bias.uniform_(-0.5, 0.5)
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)

model.eval()
x = torch.randn(2, 3, 13, 11)
with torch.no_grad():
    features = model[:5](x)
    pooled = model[:10](x)
    logits = model[:-1](x)
    y = model(x)

torch.onnx.export(
    model, x, os.path.join(here, "small_cnn.onnx"), opset_version=13,
    training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
    input_names=["input"], output_names=["output"])


def save(tensor, name):
    proto = onnx.numpy_helper.from_array(tensor.detach().numpy().astype(np.float32), name)
    with open(os.path.join(here, f"small_cnn_{name}.pb"), "wb") as f:
        f.write(proto.SerializeToString())


save(x, "input")
save(features, "features")
save(pooled, "pooled")
save(logits, "logits")
save(y, "output")
tensors = [t.detach().flatten() for k, t in model.state_dict().items() if not k.endswith("num_batches_tracked")]
torch.cat(tensors).numpy().astype("<f4").tofile(os.path.join(here, "small_cnn_weights.bin"))

names = sorted(i.name for i in onnx.load(os.path.join(here, "small_cnn.onnx")).graph.initializer)
print("initializers:", names)
print("output:", y.numpy())
