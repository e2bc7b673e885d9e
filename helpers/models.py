"""The networks the chapters build, written for Keras 3.

Discriminators end in a linear unit (a logit); the losses in
``helpers.losses`` apply the sigmoid inside the log, where it is stable.
"""
import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="helpers")
class MinibatchDiscrimination(layers.Layer):
    """Minibatch discrimination (Salimans et al., 2016), as the 1-D chapter uses it.

    Each example is projected to ``num_kernels`` rows of ``kernel_dim`` numbers;
    for every kernel the layer adds sum_j exp(-||M_i - M_j||_1) over the *other*
    examples of the batch. A batch whose samples all sit in one spot gets large
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
        return ops.concatenate([x, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + self.num_kernels,)

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim}


def _normal(stddev):
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
