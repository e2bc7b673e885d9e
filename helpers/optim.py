"""Optimizers chosen by name, with the learning rate checked first."""
import keras

from .validation import check_learning_rate

#: name -> (label shown in the panel, factory taking the learning rate)
OPTIMIZERS = {
    "sgd": ("SGD", lambda lr: keras.optimizers.SGD(learning_rate=lr)),
    "momentum": ("SGD + momentum 0.9",
                 lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9)),
    "nesterov": ("SGD + Nesterov 0.9",
                 lambda lr: keras.optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True)),
    "rmsprop": ("RMSprop", lambda lr: keras.optimizers.RMSprop(learning_rate=lr)),
    "adam": ("Adam", lambda lr: keras.optimizers.Adam(learning_rate=lr)),
    "adam_gan": ("Adam (beta_1 = 0.5)",
                 lambda lr: keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)),
}


def make_optimizer(name, learning_rate, decay_every=None, decay_rate=None):
    """Build a Keras optimizer from its name and a learning rate.

    ``decay_every``/``decay_rate`` add the staircase exponential decay the 1-D
    chapter uses (``lr * decay_rate ** (step // decay_every)``); Keras 3 has no
    ``decay=`` argument any more, a schedule replaces it.
    """
    if isinstance(name, keras.optimizers.Optimizer):
        return name
    key = str(name).lower().replace("-", "_").replace(" ", "_")
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    lr = check_learning_rate(learning_rate)
    if (decay_every is None) != (decay_rate is None):
        raise ValueError("give both decay_every and decay_rate, or neither")
    if decay_every is not None:
        if not (0 < decay_rate <= 1):
            raise ValueError(f"decay_rate must lie in (0, 1], got {decay_rate!r}")
        if int(decay_every) <= 0:
            raise ValueError(f"decay_every must be a positive integer, got {decay_every!r}")
        lr = keras.optimizers.schedules.ExponentialDecay(
            lr, decay_steps=int(decay_every), decay_rate=float(decay_rate), staircase=True)
    return OPTIMIZERS[key][1](lr)
