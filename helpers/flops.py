"""What a training step costs in arithmetic, and what this CPU can do.

The benchmarks divide a step's FLOPs by the measured matmul rate to get the
fastest the step could possibly run (its FLOP-bound ceiling).
"""
import time

import keras

from .validation import check_positive_int


def forward_flops(model):
    """FLOPs (2 per multiply-add) of one example's forward pass through the
    Dense, Conv2D and Conv2DTranspose layers of ``model``. Batch norm,
    activations, pooling and upsampling are elementwise and cost comparatively
    little; they are not counted."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            kh, kw, c_out, c_in = layer.kernel.shape
            h, w = layer.input.shape[1:3]  # every input pixel spreads into kh*kw*c_out
            total += 2 * h * w * kh * kw * c_in * c_out
        elif isinstance(layer, keras.layers.Conv2D):
            kh, kw, c_in, c_out = layer.kernel.shape
            h, w = layer.output.shape[1:3]
            total += 2 * h * w * kh * kw * c_in * c_out
    return int(total)


def step_flops(g_flops, d_flops, batch_size, d_steps=1):
    """FLOPs of one GANTrainer step from the two forward costs per example.

    A backward pass costs about twice its forward pass (one product for the
    weights' gradient, one for the input's). A D update runs G forward once and
    D forward + backward on a real and a fake batch (1 G + 2 * 3 D); the G update
    runs G and D forward, back through D to its input and back through G
    (3 G + 2 D). ``d_steps`` D updates come before each G update.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    d_steps = check_positive_int("d_steps", d_steps)
    d_update = batch_size * (g_flops + 3 * 2 * d_flops)
    g_update = batch_size * (3 * g_flops + 2 * d_flops)
    return d_steps * d_update + g_update


def matmul_gflops(n=1024, repeats=20, rounds=5):
    """Best float32 GFLOP/s of an n x n matmul on this machine over a few rounds."""
    import tensorflow as tf

    a = tf.random.uniform((n, n), dtype=tf.float32)
    b = tf.random.uniform((n, n), dtype=tf.float32)

    @tf.function
    def run(a, b):
        acc = tf.zeros((n, n))
        for _ in tf.range(repeats):
            acc += tf.matmul(a, b)
        return acc

    run(a, b).numpy()  # trace and warm up
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        run(a, b).numpy()
        best = max(best, 2.0 * n ** 3 * repeats / (time.perf_counter() - start) / 1e9)
    return best
