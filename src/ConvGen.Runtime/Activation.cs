namespace ConvGen;

/// <summary>An element-wise activation, as a standalone layer or fused into a generated convolution's store.</summary>
public enum Activation
{
    /// <summary>The identity.</summary>
    None = 0,

    /// <summary>max(x, 0): PyTorch's <c>nn.ReLU</c>.</summary>
    ReLU = 1,

    /// <summary>min(max(x, 0), 6): PyTorch's <c>nn.ReLU6</c>.</summary>
    ReLU6 = 2,

    /// <summary>1 / (1 + exp(-x)): PyTorch's <c>nn.Sigmoid</c>.</summary>
    Sigmoid = 3,

    /// <summary>tanh(x): PyTorch's <c>nn.Tanh</c>.</summary>
    Tanh = 4,

    /// <summary>x * sigmoid(x): PyTorch's <c>nn.SiLU</c>.</summary>
    SiLU = 5,

    /// <summary>x * Phi(x) with the exact normal CDF (erf): PyTorch's <c>nn.GELU()</c>.</summary>
    GELU = 6,
}
