"""The Keras chapter's idiom, ported to Keras 3 as it was written.

The chapter builds two ``Sequential`` models, joins them into a combined model
after setting ``d.trainable = False``, and trains with three Keras calls per
step: ``g.predict`` for the fakes, ``d.train_on_batch`` on real + fake, and
``gan.train_on_batch`` on fresh noise labelled "real", flipping
``d.trainable`` around the second call. The functions here do exactly that, so
a notebook can show what the idiom does today and a benchmark can time it.

What ``trainable`` means: in Keras 2, ``compile()`` took a snapshot of the
trainable weights. In Keras 3, ``compile()`` does *not* fix that list: it is
read once, when the model's train function is first built, i.e. at the first
``train_on_batch``/``fit`` after a ``compile()``. Flipping ``trainable``
afterwards changes nothing until the next ``compile()``. The chapter's flips
inside the loop are therefore dead code; the idiom works only because the
*first* call of each model happens with the flag set the right way
(``d.trainable`` True for ``d``, False for ``gan``). Call ``gan`` first while
``d.trainable`` is True and the generator's step trains D too; call ``d`` first
while it is False and D never learns (Keras only warns that the model "does
not have any trainable weights").

The working ways for new code differentiate each update with respect to one
model's variables only, so no flag is needed: :class:`helpers.keras_gan.GAN`
(a ``keras.Model`` with its own ``train_step``, trained by ``fit``) and
:class:`helpers.training.GANTrainer`. ``helpers.experiments.vectors.speed_table``
times this module's loop against both.
"""
import time

import keras
import numpy as np
from keras import layers

from .models import VECTOR_OUTPUTS, vector_generator
from .optim import make_optimizer
from .progress import ProgressBar
from .validation import check_positive_int

#: output activations the chapter's generator may end in
OUTPUTS = VECTOR_OUTPUTS


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator "
                         f"(np.random.default_rng(seed)), got {rng!r}")
    return rng


def x_sample(rng, batch_size=32, mu=0.0, sigma=1.0, dim=200):
    """``batch_size`` real vectors whose ``dim`` entries are drawn from N(mu, sigma**2)."""
    _check_rng(rng)
    batch_size = check_positive_int("batch_size", batch_size)
    dim = check_positive_int("dim", dim)
    if not np.isfinite(mu):
        raise ValueError(f"mu must be a finite number, got {mu!r}")
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
    return rng.normal(mu, sigma, size=(batch_size, dim)).astype(np.float32)


def z_sample(rng, batch_size=32, dim=200):
    """``batch_size`` noise vectors with entries uniform on [-1, 1]."""
    _check_rng(rng)
    batch_size = check_positive_int("batch_size", batch_size)
    dim = check_positive_int("dim", dim)
    return rng.uniform(-1.0, 1.0, size=(batch_size, dim)).astype(np.float32)


def generator_model(dim=200, hidden=256, output="sigmoid"):
    """The chapter's generator: Dense(256) + relu, Dense(200) + an output activation.

    The same network as :func:`helpers.models.vector_generator`. The chapter
    ends in a sigmoid, so every generated entry lies in (0, 1);
    ``output="linear"`` is the fix when the data lives elsewhere.
    """
    return vector_generator(dim, hidden, output)


def discriminator_model(dim=200, hidden=256):
    """The chapter's discriminator: Dense(256) + relu, Dense(1) + sigmoid (a probability).

    :func:`helpers.models.vector_discriminator` is the same network without
    the final sigmoid (it returns the logit).
    """
    dim = check_positive_int("dim", dim)
    hidden = check_positive_int("hidden", hidden)
    return keras.Sequential([
        keras.Input((dim,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")


def combined_model(g, d):
    """G followed by D, with ``d.trainable = False`` set as the chapter does."""
    d.trainable = False
    return keras.Sequential([g, d], name="gan")


def build_classic(dim=200, hidden=256, output="sigmoid", optimizer="rmsprop",
                  learning_rate=5e-4, seed=None):
    """Build and compile (g, d, gan) in the chapter's order.

    ``d`` is compiled while trainable, the combined model after ``d.trainable =
    False``, and the flag is set back to True, which is the order the Keras 2
    recipe needs. Returns the three models.
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    g = generator_model(dim, hidden, output)
    d = discriminator_model(dim, hidden)
    d.compile(optimizer=make_optimizer(optimizer, learning_rate), loss="binary_crossentropy")
    gan = combined_model(g, d)
    gan.compile(optimizer=make_optimizer(optimizer, learning_rate), loss="binary_crossentropy")
    d.trainable = True
    return g, d, gan


def train_d(g, d, x_real, z):
    """The chapter's first call: ``d.train_on_batch`` on real (label 1) and
    ``g.predict(z)`` (label 0) stacked into one batch. Returns D's loss."""
    n = len(x_real)
    fakes = g.predict(z, verbose=0)
    x = np.concatenate([x_real, fakes])
    y = np.concatenate([np.ones((n, 1), np.float32), np.zeros((len(fakes), 1), np.float32)])
    return float(np.ravel(d.train_on_batch(x, y))[0])


def train_g(gan, z):
    """The chapter's second call: the combined model on noise labelled "real" (1).
    Returns the combined model's loss (G's loss)."""
    return float(np.ravel(gan.train_on_batch(z, np.ones((len(z), 1), np.float32)))[0])


def classic_step(g, d, gan, x_real, z_d, z_g):
    """One step the chapter's way; returns ``(d_loss, g_loss)``.

    ``z_d`` is the noise for D's fakes, ``z_g`` the fresh noise for G's update.
    """
    d_loss = train_d(g, d, x_real, z_d)
    d.trainable = False  # the chapter's toggle (see the module docstring)
    g_loss = train_g(gan, z_g)
    d.trainable = True
    return d_loss, g_loss


def train_classic(g, d, gan, steps, mu, sigma, batch_size=32, seed=0, progress=True,
                  desc="the chapter's way"):
    """Run ``steps`` chapter-style steps on N(mu, sigma) vectors.

    Returns a dict of NumPy arrays: ``d_loss``, ``g_loss`` and ``step_seconds``
    per step, plus ``seconds`` (the whole run).
    """
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    dim = g.input_shape[-1]
    rng = np.random.default_rng(seed)
    history = {"d_loss": [], "g_loss": [], "step_seconds": []}
    start = time.perf_counter()
    with ProgressBar(steps, desc, enabled=progress) as bar:
        for _ in range(steps):
            t0 = time.perf_counter()
            x_real = x_sample(rng, batch_size, mu, sigma, dim)
            d_loss, g_loss = classic_step(g, d, gan, x_real, z_sample(rng, batch_size, dim),
                                          z_sample(rng, batch_size, dim))
            history["step_seconds"].append(time.perf_counter() - t0)
            history["d_loss"].append(d_loss)
            history["g_loss"].append(g_loss)
            bar.update(1)
    seconds = time.perf_counter() - start
    out = {k: np.asarray(v, np.float32) for k, v in history.items()}
    out["seconds"] = seconds
    return out


def weights_of(*models):
    """Copies of every weight of the given models (to compare before/after)."""
    return [[w.numpy().copy() for w in m.weights] for m in models]


def changed(before, after):
    """For each model, whether any of its weights differ between two :func:`weights_of`."""
    return [any(not np.array_equal(a, b) for a, b in zip(ws0, ws1))
            for ws0, ws1 in zip(before, after)]


def which_changed(fn, **models):
    """Run ``fn()`` and return ``{name: True/False}``: did that model's weights change?"""
    if not models:
        raise ValueError("name at least one model to watch, e.g. which_changed(fn, G=g, D=d)")
    names = list(models)
    before = weights_of(*models.values())
    fn()
    after = weights_of(*models.values())
    return dict(zip(names, changed(before, after)))


def describe_change(label, changes):
    """One line for a :func:`which_changed` result, e.g. ``D step  ->  G kept, D changed``."""
    words = ", ".join(f"{name} {'changed' if moved else 'kept'}"
                      for name, moved in changes.items())
    return f"{label:<48} ->  {words}"
