"""The networks the chapters build, written for Keras 3.

Discriminators end in a linear unit (a logit); the losses in
``helpers.losses`` apply the sigmoid inside the log, where it is stable.
"""
import keras
from keras import layers, ops

from .validation import check_positive_int


@keras.saving.register_keras_serializable(package="helpers")
class MinibatchDiscrimination(layers.Layer):
    """Minibatch discrimination (Salimans et al., 2016), as the 1-D chapter uses it.

    Each example is projected to ``num_kernels`` rows of ``kernel_dim`` numbers;
    for every kernel the layer adds the mean of exp(-||M_i - M_j||_1) over the
    *other* examples j of the batch (the paper sums; the mean keeps the feature
    in [0, 1] whatever the batch size). A batch whose samples all sit in one spot gets large
    features, so the discriminator can see a collapsed generator.
    """

    def __init__(self, num_kernels=5, kernel_dim=3, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = num_kernels
        self.kernel_dim = kernel_dim

    def build(self, input_shape):
        self.projection = layers.Dense(
            self.num_kernels * self.kernel_dim,
            kernel_initializer=keras.initializers.RandomNormal(stddev=0.02))
        self.projection.build(input_shape)

    def call(self, x):
        m = ops.reshape(self.projection(x), (-1, self.num_kernels, self.kernel_dim))
        # (B, 1, K, C) - (1, B, K, C) -> L1 distance over C -> (B, B, K)
        dist = ops.sum(ops.abs(ops.expand_dims(m, 1) - ops.expand_dims(m, 0)), axis=-1)
        # exp(0) = 1 from each example's distance to itself is removed
        closeness = ops.sum(ops.exp(-dist), axis=1) - 1.0
        # averaged rather than summed, so the feature's scale does not grow with
        # the batch size (a batch of one has no neighbours and gets 0)
        others = ops.maximum(ops.cast(ops.shape(x)[0] - 1, closeness.dtype), 1.0)
        closeness = closeness / others
        return ops.concatenate([x, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + self.num_kernels,)

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim}


def _normal(stddev):
    """N(0, stddev^2) weights as the chapter draws them; None keeps Keras' Glorot default."""
    if stddev is None:
        return "glorot_uniform"
    return keras.initializers.RandomNormal(stddev=stddev)


def gaussian_generator(hidden=4, init_stddev=1.0):
    """The 1-D chapter's generator: z -> softplus(hidden) -> linear -> x."""
    return keras.Sequential([
        keras.Input((1,)),
        layers.Dense(hidden, activation="softplus", kernel_initializer=_normal(init_stddev)),
        layers.Dense(1, kernel_initializer=_normal(init_stddev)),
    ], name="generator")


def gaussian_discriminator(hidden=8, minibatch=False, init_stddev=1.0):
    """The 1-D chapter's discriminator: three tanh layers (or two + minibatch
    discrimination) and a logit."""
    stack = [
        keras.Input((1,)),
        layers.Dense(hidden, activation="tanh", kernel_initializer=_normal(init_stddev)),
        layers.Dense(hidden, activation="tanh", kernel_initializer=_normal(init_stddev)),
    ]
    if minibatch:
        stack.append(MinibatchDiscrimination(5, 3))
    else:
        # without minibatch features D needs one more layer to separate the two
        stack.append(layers.Dense(hidden, activation="tanh",
                                  kernel_initializer=_normal(init_stddev)))
    stack.append(layers.Dense(1, kernel_initializer=_normal(init_stddev)))
    return keras.Sequential(stack, name="discriminator_mbd" if minibatch else "discriminator")


# --- the Keras chapter: 200-d Gaussian vectors --------------------------------

#: output layers the vector generator may end in
VECTOR_OUTPUTS = ("sigmoid", "linear")


def vector_generator(dim=200, hidden=256, output="linear", noise_dim=None):
    """The Keras chapter's generator: z -> Dense(hidden) relu -> Dense(dim) -> output.

    ``output="sigmoid"`` is the chapter's choice and keeps every entry in (0, 1);
    ``output="linear"`` lets the entries reach data anywhere on the real line.
    """
    if output not in VECTOR_OUTPUTS:
        raise ValueError(f"output must be one of {VECTOR_OUTPUTS}, got {output!r}")
    dim = check_positive_int("dim", dim)
    hidden = check_positive_int("hidden", hidden)
    noise_dim = dim if noise_dim is None else check_positive_int("noise_dim", noise_dim)
    return keras.Sequential([
        keras.Input((noise_dim,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(dim, activation=None if output == "linear" else output),
    ], name=f"vector_generator_{output}")


def vector_discriminator(dim=200, hidden=256):
    """The Keras chapter's discriminator: x -> Dense(hidden) relu -> a logit.

    The chapter ends in a sigmoid; here the sigmoid lives inside the loss
    (``helpers.losses``), where it is numerically stable.
    """
    dim = check_positive_int("dim", dim)
    hidden = check_positive_int("hidden", hidden)
    return keras.Sequential([
        keras.Input((dim,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(1),
    ], name="vector_discriminator")
