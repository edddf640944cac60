using ConvGen;

namespace ConvGen.Samples.Digits;

// The three convolutions of train.py's DigitsNet, with their input sizes fixed (16x16, then halved by
// each 2x2 max pool), so every spatial extent is a constant in the generated kernels, and the ReLU that
// follows each of them in train.py fused into the kernel's store.

/// <summary>conv1: Conv2d(1, 16, 3, padding=1) on 16x16, then ReLU.</summary>
[Conv2d(@in: 1, @out: 16, k: 3, p: 1, h: 16, w: 16, activation: Activation.ReLU)]
public partial class Conv1;

/// <summary>conv2: Conv2d(16, 32, 3, padding=1) on 8x8, then ReLU.</summary>
[Conv2d(@in: 16, @out: 32, k: 3, p: 1, h: 8, w: 8, activation: Activation.ReLU)]
public partial class Conv2;

/// <summary>conv3: Conv2d(32, 32, 3, padding=1) on 4x4, then ReLU.</summary>
[Conv2d(@in: 32, @out: 32, k: 3, p: 1, h: 4, w: 4, activation: Activation.ReLU)]
public partial class Conv3;
