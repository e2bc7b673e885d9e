"""The Keras MNIST chapter's GAN, for Keras 3, and what draws it while it trains.

The generator and discriminator follow the chapter layer by layer; their widths
are arguments so a notebook can shrink them to fit a CPU budget.
:data:`CHAPTER_WIDTHS` are the chapter's; :data:`CLASSROOM_WIDTHS` a quarter of
the channels (about 14 times fewer operations per training step), which is what the
notebook trains by default on two CPU cores.

As in the rest of ``helpers``, the discriminator ends in a logit: the
chapter's final sigmoid lives inside the loss (``helpers.losses``).
"""
import keras
import numpy as np
from keras import layers

from .. import flops
from ..data import ArraySampler, NoiseSampler
from ..training import GANTrainer
from ..validation import check_positive_int

NOISE_DIM = 100
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "linear")

#: the chapter's sizes
CHAPTER_WIDTHS = {"g_dense": 1024, "g_channels": 128, "g_filters": 64,
                  "d_filters": (64, 128), "d_dense": 1024}
#: a quarter of the chapter's channels (units of the dense layers too)
CLASSROOM_WIDTHS = {"g_dense": 256, "g_channels": 32, "g_filters": 16,
                    "d_filters": (16, 32), "d_dense": 256}


def _check_activation(name, value):
    if value not in ACTIVATIONS:
        raise ValueError(f"{name} must be one of {ACTIVATIONS}, got {value!r}")
    return value


def _widths(widths, overrides):
    if isinstance(widths, str):
        named = {"chapter": CHAPTER_WIDTHS, "classroom": CLASSROOM_WIDTHS}
        if widths not in named:
            raise ValueError(f"widths must be 'chapter', 'classroom' or a dict, got {widths!r}")
        widths = named[widths]
    out = {**CHAPTER_WIDTHS, **dict(widths or {}), **overrides}
    unknown = set(out) - set(CHAPTER_WIDTHS)
    if unknown:
        raise ValueError(f"unknown width(s) {sorted(unknown)}; known: {sorted(CHAPTER_WIDTHS)}")
    for key, value in out.items():
        for v in (value if isinstance(value, tuple) else (value,)):
            check_positive_int(key, v)
    return out


def mnist_generator(widths="classroom", activation="tanh", output_activation="tanh",
                    noise_dim=NOISE_DIM, **overrides):
    """z (100) -> dense -> dense 7*7*C + batch norm -> reshape -> upsample ->
    5x5 conv -> upsample -> 5x5 conv to one channel -> (28, 28, 1).

    ``activation`` is used after every hidden layer (the chapter: tanh),
    ``output_activation`` at the end (the chapter: tanh, whose range [-1, 1]
    is the data's range).
    """
    w = _widths(widths, overrides)
    act = _check_activation("activation", activation)
    out_act = _check_activation("output_activation", output_activation)
    c = w["g_channels"]
    return keras.Sequential([
        keras.Input((check_positive_int("noise_dim", noise_dim),)),
        layers.Dense(w["g_dense"], activation=act),
        layers.Dense(c * 7 * 7),
        layers.BatchNormalization(),
        layers.Activation(act),
        layers.Reshape((7, 7, c)),
        layers.UpSampling2D(2),
        layers.Conv2D(w["g_filters"], 5, padding="same", activation=act),
        layers.UpSampling2D(2),
        layers.Conv2D(1, 5, padding="same", activation=out_act),
    ], name=f"generator_{act}")


def mnist_discriminator(widths="classroom", activation="tanh", **overrides):
    """(28, 28, 1) -> 5x5 conv -> max pool -> 5x5 conv -> max pool -> dense -> logit."""
    w = _widths(widths, overrides)
    act = _check_activation("activation", activation)
    f1, f2 = w["d_filters"]
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(f1, 5, padding="same", activation=act),
        layers.MaxPooling2D(2),
        layers.Conv2D(f2, 5, activation=act),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(w["d_dense"], activation=act),
        layers.Dense(1),  # a logit: the sigmoid is inside the loss
    ], name="discriminator")


def make_mnist_gan(images, *, widths="classroom", activation="tanh",
                   output_activation=None, optimizer="nesterov", learning_rate=5e-4,
                   d_learning_rate=None, batch_size=32, loss="non_saturating", seed=0):
    """A :class:`helpers.training.GANTrainer` for the chapter's GAN on ``images``.

    ``images``: (n, 28, 28, 1) in [-1, 1]. The noise is U(-1, 1) in 100
    dimensions, as in the chapter. ``output_activation`` defaults to
    ``activation`` (the chapter's experiment swaps every tanh of G for relu).
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (n, 28, 28, 1), got {images.shape}")
    if images.min() < -1.0 - 1e-6 or images.max() > 1.0 + 1e-6:
        raise ValueError(f"images must lie in [-1, 1] (scale='tanh'), "
                         f"got {images.min():.3g}..{images.max():.3g}")
    keras.utils.set_random_seed(seed)
    g = mnist_generator(widths, activation=activation,
                        output_activation=output_activation or activation)
    d = mnist_discriminator(widths)
    return GANTrainer(g, d, ArraySampler(images), NoiseSampler(NOISE_DIM, kind="uniform"),
                      loss=loss, optimizer=optimizer, learning_rate=learning_rate,
                      d_learning_rate=d_learning_rate, batch_size=batch_size, seed=seed)


# --- what a step costs -----------------------------------------------------------

def step_flops(generator, discriminator, batch_size):
    """Floating-point operations of one GANTrainer step of these two models
    (see :func:`helpers.flops.step_flops` for how a step is counted)."""
    return flops.step_flops(flops.forward_flops(generator), flops.forward_flops(discriminator),
                            batch_size)
