#!/usr/bin/python3
"""Trains the Digits sample's small CNN and writes what the C# sample checks itself against.

Runs on Debian's packages only (python3-torch 1.13, python3-sklearn, python3-onnx):

    /usr/bin/python3 samples/Digits/train.py            # writes samples/Digits/data/

Data: scikit-learn's load_digits (1797 8x8 grey images, values 0..16, shipped inside the package,
no download), split 75/25 stratified with a fixed seed. Preprocessing, which the C# sample repeats
exactly: x = value / 16 (exact in float32), then each pixel repeated 2x2 (nearest upsampling) to
16x16, NCHW [N, 1, 16, 16].

Network (PyTorch names, as in model.onnx's initializers):
    conv1 Conv2d(1, 16, 3, padding=1)  -> ReLU -> MaxPool2d(2)   16x16 -> 8x8
    conv2 Conv2d(16, 32, 3, padding=1) -> ReLU -> MaxPool2d(2)    8x8 -> 4x4
    conv3 Conv2d(32, 32, 3, padding=1) -> ReLU -> MaxPool2d(2)    4x4 -> 2x2
    Flatten -> fc Linear(128, 10)                                 logits

Outputs in data/ (little-endian, no header):
    model.onnx          the trained network (opset 13), input "input" [N,1,16,16], output "logits" [N,10]
    test_images.u8      N x 64 bytes: the held-out 8x8 images, raw values 0..16, row-major
    test_labels.u8      N bytes: their labels 0..9
    torch_logits.f32    N x 10 float32: PyTorch's logits for the held-out images (eval mode)
    meta.json           N, PyTorch's held-out accuracy, seed, versions, the architecture
"""
import json
import os
import random

import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def preprocess(images_u8):
    """[N, 8, 8] values 0..16 -> float32 [N, 1, 16, 16]: /16, then 2x2 nearest upsampling."""
    x = images_u8.astype(np.float32) / np.float32(16)
    x = x.repeat(2, axis=1).repeat(2, axis=2)
    return torch.from_numpy(np.ascontiguousarray(x[:, None, :, :]))


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = self.pool(self.relu(self.conv3(x)))
        return self.fc(self.flatten(x))


def main():
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # values 0..16, exact
    labels = digits.target.astype(np.int64)
    train_img, test_img, train_lbl, test_lbl = train_test_split(
        images, labels, test_size=0.25, random_state=SEED, stratify=labels)

    x_train, y_train = preprocess(train_img), torch.from_numpy(train_lbl)
    x_test, y_test = preprocess(test_img), torch.from_numpy(test_lbl)

    model = DigitsNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(30):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total = 0.0
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1:2d}  train loss {total / len(x_train):.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(x_test)
    predicted = logits.argmax(dim=1)
    correct = int((predicted == y_test).sum())
    accuracy = correct / len(y_test)
    print(f"held-out accuracy {correct}/{len(y_test)} = {accuracy:.4%}")

    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(model, x_test[:1], os.path.join(OUT, "model.onnx"),
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13, do_constant_folding=True)
    test_img.reshape(len(test_img), 64).astype(np.uint8).tofile(os.path.join(OUT, "test_images.u8"))
    test_lbl.astype(np.uint8).tofile(os.path.join(OUT, "test_labels.u8"))
    logits.numpy().astype("<f4").tofile(os.path.join(OUT, "torch_logits.f32"))
    meta = {
        "test_count": len(test_lbl),
        "torch_correct": correct,
        "torch_accuracy": accuracy,
        "seed": SEED,
        "torch_version": torch.__version__,
        "preprocessing": "x = value/16; 2x2 nearest upsampling to 16x16; NCHW [N,1,16,16]",
        "architecture": "conv1(1,16,3,p1) relu maxpool2; conv2(16,32,3,p1) relu maxpool2; "
                        "conv3(32,32,3,p1) relu maxpool2; flatten; fc(128,10)",
    }
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")

    import onnx
    m = onnx.load(os.path.join(OUT, "model.onnx"))
    onnx.checker.check_model(m)
    print("ONNX nodes:", [n.op_type for n in m.graph.node])
    print("ONNX initializers:", [(i.name, list(i.dims)) for i in m.graph.initializer])


if __name__ == "__main__":
    main()
