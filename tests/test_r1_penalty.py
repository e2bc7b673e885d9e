"""The R1 penalty (D's squared gradient at real samples): values worked out by
hand, how the trainer adds it, what it does to D, and the weights it refuses."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import losses
from helpers.data import ArraySampler, NoiseSampler
from helpers.training import GANTrainer

REAL = tf.constant([[1.0], [3.0]])


def test_r1_by_hand():
    # D(x) = 3 * sum(x) over four pixels: the gradient is 3 in each, so ||g||^2 = 36
    def linear(x):
        return 3.0 * tf.reduce_sum(tf.reshape(x, (x.shape[0], -1)), axis=1, keepdims=True)

    penalty, out = losses.r1_penalty(linear, tf.ones((2, 2, 2, 1)))
    assert float(penalty) == pytest.approx(36.0)
    np.testing.assert_allclose(out.numpy(), [[12.0], [12.0]])
    # D(x) = x^2: the gradient is 2x, so the squares are 4 and 36, mean 20
    penalty, out = losses.r1_penalty(tf.square, REAL)
    assert float(penalty) == pytest.approx(20.0)
    np.testing.assert_allclose(out.numpy(), [[1.0], [9.0]])
    # a flat D pays nothing
    penalty, _ = losses.r1_penalty(lambda x: 0.0 * x + 2.0, REAL)
    assert float(penalty) == pytest.approx(0.0)


def test_r1_uses_the_source_logit_of_a_two_output_discriminator():
    # ACGAN's D returns (logit, class logits): only the logit's gradient counts
    def two_heads(x):
        return tf.square(x), 100.0 * tf.concat([x, x], axis=1)

    penalty, out = losses.r1_penalty(two_heads, REAL)
    assert float(penalty) == pytest.approx(20.0)
    assert isinstance(out, tuple) and out[1].shape == (2, 2)


def _trainer(r1_weight, seed=0):
    keras.utils.set_random_seed(seed)
    x = np.random.default_rng(seed).normal(2.0, 0.5, (256, 1)).astype(np.float32)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                          keras.layers.Dense(1)])
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(16, activation="tanh"),
                          keras.layers.Dense(1)])
    return x, GANTrainer(g, d, ArraySampler(x), NoiseSampler(2), optimizer="adam",
                         learning_rate=5e-3, batch_size=64, r1_weight=r1_weight, seed=seed)


def _mean_squared_slope(d, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(d(x))
    return float(tf.reduce_mean(tf.square(tape.gradient(total, x))))


def test_the_trainer_logs_the_penalty_and_it_flattens_d_at_the_data():
    x, plain = _trainer(None)
    _, flat = _trainer(10.0)
    plain.train(300, progress=False)
    h = flat.train(300, progress=False)
    assert "r1_penalty" not in plain.history.keys()
    assert "r1_penalty" in h and np.all(np.isfinite(h["r1_penalty"]))
    assert np.all(h["r1_penalty"] >= 0)
    # the same run without the penalty ends with a much steeper D at the real points
    assert _mean_squared_slope(flat.discriminator, x) < 0.5 * _mean_squared_slope(
        plain.discriminator, x)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), "ten", True])
def test_bad_r1_weights_are_refused(bad):
    with pytest.raises(ValueError, match="r1_weight"):
        _trainer(bad)
