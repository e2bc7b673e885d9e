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


def _init(stddev):
    """N(0, stddev^2) weights as the chapters draw them; None keeps Keras' Glorot default."""
    if stddev is None:
        return "glorot_uniform"
    return keras.initializers.RandomNormal(stddev=stddev)


def _check_hidden(hidden):
    hidden = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    if not hidden:
        raise ValueError("hidden must list at least one layer width")
    return tuple(check_positive_int("hidden width", h) for h in hidden)


def dense_generator(noise_dim=1, out_dim=1, hidden=(16,), activation="softplus",
                    init_stddev=None, name="generator"):
    """A small fully connected generator for low-dimensional data:
    z (``noise_dim``) -> dense layers of ``hidden`` units -> ``out_dim`` linear outputs.

    The 1-D chapter's is ``dense_generator(1, 1, (4,), "softplus", init_stddev=1.0)``.
    """
    stack = [keras.Input((check_positive_int("noise_dim", noise_dim),))]
    stack += [layers.Dense(h, activation=activation, kernel_initializer=_init(init_stddev))
              for h in _check_hidden(hidden)]
    stack.append(layers.Dense(check_positive_int("out_dim", out_dim),
                              kernel_initializer=_init(init_stddev)))
    return keras.Sequential(stack, name=name)


def dense_discriminator(in_dim=1, hidden=(32, 32), activation="tanh", minibatch=False,
                        init_stddev=None, name=None):
    """A small fully connected discriminator that returns a logit:
    x (``in_dim``) -> dense layers of ``hidden`` units -> [minibatch features] -> 1.

    ``minibatch=True`` adds :class:`MinibatchDiscrimination` (5 kernels of 3)
    after the last hidden layer, so D can see a batch that sits in one spot.
    """
    stack = [keras.Input((check_positive_int("in_dim", in_dim),))]
    stack += [layers.Dense(h, activation=activation, kernel_initializer=_init(init_stddev))
              for h in _check_hidden(hidden)]
    if minibatch:
        stack.append(MinibatchDiscrimination(5, 3))
    stack.append(layers.Dense(1, kernel_initializer=_init(init_stddev)))
    default = "discriminator_mbd" if minibatch else "discriminator"
    return keras.Sequential(stack, name=name or default)


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
