"""Notebook 01: a GAN that learns N(4, 0.5^2).

Two recipes. :data:`CHAPTER_RECIPE` is the chapter's: a four-unit generator fed
evenly spaced noise on [-8, 8], an 8-unit tanh discriminator, plain SGD with a
staircase decay, batches of 12, N(0, 1) initial weights, the discriminator
pretrained on the data's density. :data:`RECIPE` is the default here: a 16-unit
generator fed N(0, 1) noise, a 32-unit discriminator, both working in
standardized units, Adam with beta_1 = 0.5 and a staircase decay, batches of
512. :func:`build_gan` turns either (plus any override) into a ready
:class:`helpers.training.GANTrainer`; :func:`run` trains and scores one seed;
:func:`check` states the lesson the notebook asserts.
"""
import math
import time

import keras
import numpy as np

from .. import seed_everything
from ..data import GaussianSampler, NoiseSampler
from ..metrics import jensen_shannon_1d, wasserstein_1d
from ..progress import progress as progress_bar
from ..models import dense_discriminator, dense_generator
from ..training import GANTrainer, pretrain_discriminator
from ..validation import check_positive_int
from . import Result, with_overrides

NAME = "gaussian1d"

#: the real data: x ~ N(4, 0.5^2)
DATA = GaussianSampler(4.0, 0.5)
#: the two kinds of generator input the notebook compares
NOISES = {
    # the chapter's: evenly spread points on [-8, 8] plus a 0.01 jitter
    "grid": NoiseSampler(1, kind="stratified", scale=8.0, jitter=0.01),
    "normal": NoiseSampler(1, kind="normal"),
}

#: the chapter's own settings (its default run leaves minibatch discrimination off)
CHAPTER_RECIPE = dict(g_hidden=4, d_hidden=8, noise="grid", minibatch=False, init_stddev=1.0,
                      standardize=False, optimizer="sgd", learning_rate=0.005, decay_every=150,
                      decay_rate=0.95, batch_size=12, steps=1200, pretrain_steps=1000)

#: the default here: Gaussian noise, wider networks with Keras' initial weights, the data
#: standardized inside the networks, Adam (beta_1 = 0.5) with a staircase decay, bigger batches
RECIPE = dict(g_hidden=16, d_hidden=32, noise="normal", minibatch=False, init_stddev=None,
              standardize=True, optimizer="adam_gan", learning_rate=1e-3, decay_every=400,
              decay_rate=0.8, batch_size=512, steps=4000, pretrain_steps=0)

#: where the chapter's collapse shows: its networks and noise (no minibatch features,
#: pretrained D), trained with Adam and bigger batches so that the runs reach the data
COLLAPSE_RECIPE = dict(CHAPTER_RECIPE, init_stddev=None, optimizer="adam", learning_rate=1e-3,
                       decay_every=200, decay_rate=0.9, batch_size=64, steps=3000)
#: a run counts as collapsed when its generated sd is below this (the data's is 0.5)
COLLAPSED_SD = 0.3

#: the lesson: how close a run must get (W1 in the data's units) ...
W1_TARGET = 0.05
#: ... and how close its standard deviation must be to the data's 0.5
SD_TOLERANCE = 0.05

#: where the pretraining draws its points (the chapter: U(-5, 5))
PRETRAIN_RANGE = (-5.0, 5.0)


def data_scale(n=10_000, seed=2):
    """(mean, sd) of a real sample: what standardizing the data uses."""
    x = DATA.numpy(check_positive_int("n", n), seed=seed)
    return float(x.mean()), float(x.std())


def generator(hidden=16, init_stddev=None, standardize=False):
    """z -> dense ``hidden``, softplus -> dense 1 (linear) -> x (the chapter: 4 units).

    ``standardize=True`` adds a fixed last layer x = mean + sd * y, with the
    mean and sd of a real sample (:func:`data_scale`): the network itself then
    only has to produce numbers of size one, as it would for data scaled to
    N(0, 1) beforehand.
    """
    g = dense_generator(1, 1, (hidden,), "softplus", init_stddev, name="generator")
    if not standardize:
        return g
    mean, sd = data_scale()
    return keras.Sequential([g, keras.layers.Rescaling(sd, offset=mean, name="to_data_units")],
                            name="generator")


def discriminator(hidden=32, minibatch=True, init_stddev=None, standardize=False):
    """x -> two dense tanh layers -> minibatch features -> a logit (the chapter: 8 units).

    Without minibatch features D gets a third tanh layer instead, as in the
    chapter, so both versions have the same depth. ``standardize=True`` adds a
    fixed first layer (x - mean) / sd, the inverse of the generator's last one.
    """
    layers = (hidden, hidden) if minibatch else (hidden, hidden, hidden)
    d = dense_discriminator(1, layers, "tanh", minibatch, init_stddev)
    if not standardize:
        return d
    mean, sd = data_scale()
    return keras.Sequential([keras.Input((1,)),
                             keras.layers.Rescaling(1.0 / sd, offset=-mean / sd,
                                                    name="to_standard_units"), d],
                            name=d.name)


def settings_of(recipe=None, **overrides):
    """A recipe (default :data:`RECIPE`) with ``overrides`` applied and checked."""
    settings = with_overrides(RECIPE if recipe is None else recipe, overrides)
    if settings["noise"] not in NOISES:
        raise ValueError(f"noise must be one of {sorted(NOISES)}, got {settings['noise']!r}")
    check_positive_int("steps", settings["steps"])
    return settings


def build_gan(seed=0, recipe=None, **overrides):
    """A trainer for the 1-D game with the settings of ``recipe`` (default
    :data:`RECIPE`; :data:`CHAPTER_RECIPE` for the chapter's) and any overrides,
    e.g. ``build_gan(0, learning_rate=1e-2, minibatch=False)``.

    When the recipe pretrains, D is fitted to the data's density first (its
    losses are in ``trainer.pretrain_losses``). The number of steps the recipe
    trains for is ``trainer.recipe["steps"]``.
    """
    s = settings_of(recipe, **overrides)
    seed_everything(seed)
    g = generator(s["g_hidden"], s["init_stddev"], s["standardize"])
    d = discriminator(s["d_hidden"], s["minibatch"], s["init_stddev"], s["standardize"])
    decay = {}
    if s["decay_every"]:
        decay = dict(decay_every=s["decay_every"], decay_rate=s["decay_rate"])
    trainer = GANTrainer(g, d, DATA, NOISES[s["noise"]], loss="non_saturating",
                         optimizer=s["optimizer"], learning_rate=s["learning_rate"],
                         batch_size=s["batch_size"], seed=seed, **decay)
    trainer.pretrain_losses = None
    if s["pretrain_steps"]:
        trainer.pretrain_losses = pretrain_discriminator(
            d, DATA.pdf, steps=s["pretrain_steps"], batch_size=s["batch_size"],
            low=PRETRAIN_RANGE[0], high=PRETRAIN_RANGE[1], optimizer="sgd",
            learning_rate=0.005, seed=seed)
    trainer.recipe = s
    return trainer


def point_mass_w1(sigma=DATA.sigma):
    """W1 from N(mu, sigma^2) to a generator that outputs mu only:
    E|X - mu| = sigma * sqrt(2 / pi) (0.40 for the data here)."""
    return sigma * math.sqrt(2.0 / math.pi)


def evaluate(trainer, n=5000, seed=123):
    """How close the generator is to the data: W1, JS distance, mean and spread."""
    n = check_positive_int("n", n)
    fake = trainer.generate(n, seed=seed).ravel()
    real = DATA.numpy(n, seed=seed + 1).ravel()
    return {"w1": wasserstein_1d(real, fake),
            "js": jensen_shannon_1d(real, fake, bins=50, value_range=(-8.0, 8.0)),
            "mean": float(np.mean(fake)), "std": float(np.std(fake))}


def check(metrics):
    """The lesson of notebook 01: W1 at most 0.05 and a spread within 0.05 of 0.5."""
    problems = []
    if not metrics["w1"] <= W1_TARGET:
        problems.append(f"W1 = {metrics['w1']:.3f} is above {W1_TARGET}")
    if not abs(metrics["std"] - DATA.sigma) <= SD_TOLERANCE:
        problems.append(f"generated sd {metrics['std']:.3f} is not within {SD_TOLERANCE} "
                        f"of {DATA.sigma}")
    return problems


def run(seed=0, steps=None, progress=True, callbacks=(), recipe=None, **overrides):
    """Build, train and score one run; returns a :class:`helpers.experiments.Result`."""
    start = time.perf_counter()
    trainer = build_gan(seed, recipe, **overrides)
    steps = trainer.recipe["steps"] if steps is None else check_positive_int("steps", steps)
    trainer.train(steps, callbacks=callbacks, progress=progress, desc=f"seed {seed}")
    metrics = {**evaluate(trainer), "status": trainer.status}
    return Result(NAME, seed, trainer.step, metrics, check(metrics),
                  time.perf_counter() - start, trainer=trainer,
                  sampler=lambda n, s: trainer.generate(n, seed=s))


def seed_sweep(seeds, progress=True, recipe=None, **overrides):
    """One run per seed with the same settings; a table of their scores."""
    import pandas as pd

    seeds = list(seeds)
    if not seeds:
        raise ValueError("give at least one seed")
    rows = []
    for seed in progress_bar(seeds, desc="seeds", enabled=progress):
        result = run(seed, progress=False, recipe=recipe, **overrides)
        rows.append({"seed": seed, **result.metrics, "passed": result.passed})
    return pd.DataFrame(rows).set_index("seed")


# --- the theory the chapter leans on, computed on a grid ------------------------

def density_grid(low=0.0, high=8.0, n=1601):
    """Evenly spaced points (and their spacing) to integrate densities on."""
    x = np.linspace(low, high, check_positive_int("n", n))
    return x, x[1] - x[0]


def generated_density(trainer, x, n=20_000, seed=7):
    """p_g on the points ``x``: a Gaussian kernel density estimate of ``n`` samples."""
    from scipy.stats import gaussian_kde

    fake = trainer.generate(check_positive_int("n", n), seed=seed).ravel()
    return gaussian_kde(fake)(x)


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the best D against a fixed G
    (one half where neither distribution has mass)."""
    p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 1e-300)


def js_divergence(p, q, dx):
    """JS(p, q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, in nats (at most log 2)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = 0.5 * (p + q)

    def kl(a):
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / m[mask])) * dx)

    return 0.5 * kl(p) + 0.5 * kl(q)


def minimax_value(d, p_data, p_g, dx):
    """V(D, G) = E_data[log D(x)] + E_g[log(1 - D(x))], integrated on the grid."""
    d = np.clip(np.asarray(d, float), 1e-12, 1 - 1e-12)
    return float(np.sum(np.asarray(p_data) * np.log(d) + np.asarray(p_g) * np.log(1 - d)) * dx)


def divergences_by_shift(shifts, sd=0.1, low=-2.0, high=6.0, n=8001):
    """JS divergence and W1 between N(0, sd^2) and N(theta, sd^2) for each shift
    theta, with their slopes d/dtheta (finite differences): once the two bells no
    longer overlap, JS stays at log 2 and its slope is 0, while W1 = |theta|
    keeps a slope of 1."""
    import pandas as pd

    x, dx = density_grid(low, high, n)
    p = GaussianSampler(0.0, sd).pdf(x)
    rows = []
    for theta in shifts:
        values = []
        for t in (theta, theta + 1e-3):
            q = GaussianSampler(t, sd).pdf(x)
            values.append((js_divergence(p, q, dx), abs(t)))
        (js, w1), (js2, w12) = values
        rows.append({"shift": theta, "JS": js, "dJS/dshift": (js2 - js) / 1e-3,
                     "W1": w1, "dW1/dshift": (w12 - w1) / 1e-3})
    return pd.DataFrame(rows).set_index("shift")
